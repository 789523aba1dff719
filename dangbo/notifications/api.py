"""API routes of the notices and documents sent to members (/api/v1/notices/...), with read
receipts: the same services as the pages (notifications.notices).

`GET /mine` lists the notices sent to the signed-in member; `POST /mine/{notice_id}/read` opens
one (the first opening is the read receipt, audited); a notice not sent to them is 404. `GET /`
lists the notices of the organizations in the officer's scope with «read / recipients». Dates are
yyyy-mm-dd, times ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from dangbo.access import policy
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, PageNumber, PageSize, paginate
from dangbo.core.errors import DomainError
from dangbo.notifications import notices
from dangbo.notifications.models import NoticeRecipient

router = Router(tags=["Thông báo đến đảng viên"])


class MyNoticeOut(Schema):
    notice_id: int
    org_id: int
    kind: str
    kind_label: str
    title: str
    body: str
    document_number: str
    sent_on: date
    read_at: datetime | None


class NoticeItem(Schema):
    id: int
    org_id: int
    kind: str
    kind_label: str
    title: str
    document_number: str
    audience_org_id: int | None
    sent_on: date
    recipients: int
    read: int


class NoticePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[NoticeItem]


def _mine(row: NoticeRecipient) -> dict:
    n = row.notice
    return {"notice_id": n.pk, "org_id": n.org_id, "kind": n.kind, "kind_label": n.get_kind_display(),
            "title": n.title, "body": n.body, "document_number": n.document_number, "sent_on": n.sent_on,
            "read_at": row.read_at}


@router.get("/mine", response={200: list[MyNoticeOut], **READ_ERRORS}, url_name="my_notices")
def my_notices_api(request: HttpRequest) -> list[dict]:
    """The notices and documents sent to the signed-in member (newest first, the last 100)."""
    return [_mine(r) for r in notices.my_notices(actor=request.user)]


@router.post("/mine/{int:notice_id}/read", response={200: MyNoticeOut, **WRITE_ERRORS}, url_name="my_notice_read")
def my_notice_read_api(request: HttpRequest, notice_id: int) -> dict:
    """Mark a notice sent to me read (the read receipt; the first time only, audited)."""
    try:
        row = notices.notice_open(actor=request.user, notice_id=notice_id)
    except DomainError as error:
        if error.message == policy.NOT_FOUND:
            raise Http404(policy.NOT_FOUND) from None
        raise
    return _mine(row)


@router.get("/", response={200: NoticePage, **READ_ERRORS}, url_name="notice_list")
def notice_list_api(request: HttpRequest, page: PageNumber = 1, page_size: PageSize = None) -> dict:
    """Notices sent by the organizations in the user's scope, newest first, with the number of
    recipients and of read receipts."""
    result = paginate(notices.notice_list(actor=request.user), page=page, page_size=page_size)
    return {**result, "items": [
        {"id": n.pk, "org_id": n.org_id, "kind": n.kind, "kind_label": n.get_kind_display(), "title": n.title,
         "document_number": n.document_number, "audience_org_id": n.audience_org_id, "sent_on": n.sent_on,
         "recipients": n.recipients_count, "read": n.read} for n in result["items"]]}
