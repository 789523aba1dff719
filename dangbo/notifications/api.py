"""API routes of the notices and documents sent to members (/api/v1/notices/...), with read
receipts: the same services as the pages (notifications.notices).

`GET /mine` lists the notices sent to the signed-in member; `POST /mine/{notice_id}/read` opens
one (the first opening is the read receipt, audited); `POST /mine/{notice_id}/studied` confirms a
resolution study; a notice not sent to them is 404. `GET /` lists the notices of the organizations
in the officer's scope with «read / recipients»; `POST /` sends one (to a subtree); `GET /{id}`
gives its recipients with their read receipts and study dates (the members in the officer's scope);
`POST /{id}/studied` records members who completed a study. Dates are yyyy-mm-dd, times ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from dangbo.access import policy
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, IsoDate, PageNumber, PageSize, paginate
from dangbo.core.errors import DomainError
from dangbo.notifications import delivery, notices
from dangbo.notifications.models import ChannelKind, Delivery, Notice, NoticeKind, NoticeRecipient, OrgChannel

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
    study_due: date | None  # a resolution-study campaign: the deadline, the day studied, the day reminded
    studied_on: date | None
    reminded_on: date | None


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
    return {
        "notice_id": n.pk,
        "org_id": n.org_id,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "title": n.title,
        "body": n.body,
        "document_number": n.document_number,
        "sent_on": n.sent_on,
        "read_at": row.read_at,
        "study_due": n.study_due,
        "studied_on": row.studied_on,
        "reminded_on": row.reminded_on,
    }


NoticeKindCode = Literal[tuple(NoticeKind.values)]  # type: ignore[valid-type]


class NoticeIn(Schema):
    org_id: int  # the sending organization (the right to "meet" there)
    audience_org_id: int  # the members of this subtree on the day receive it
    title: str
    body: str = ""
    kind: NoticeKindCode = NoticeKind.NOTICE  # type: ignore[assignment]
    document_number: str = ""
    study_due: IsoDate | None = None  # a resolution-study campaign's deadline


class RecipientOut(Schema):
    member_id: int
    full_name: str
    read_at: datetime | None
    studied_on: date | None
    reminded_on: date | None


class NoticeDetail(NoticeItem):
    body: str
    receipts: str  # «x/y đã đọc»
    study_due: date | None
    studied: int | None  # a study campaign: recipients who completed it
    members: list[RecipientOut]  # the recipients in the officer's scope


class StudyRecordIn(Schema):
    member_ids: list[int]
    on: IsoDate


def _not_found_as_404(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DomainError as error:
        if error.message == policy.NOT_FOUND:
            raise Http404(policy.NOT_FOUND) from None
        raise


def _item(n: Notice, recipients: int, read: int) -> dict:
    return {
        "id": n.pk,
        "org_id": n.org_id,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "title": n.title,
        "document_number": n.document_number,
        "audience_org_id": n.audience_org_id,
        "sent_on": n.sent_on,
        "recipients": recipients,
        "read": read,
    }


def _detail(request: HttpRequest, notice_id: int) -> dict:
    notice = policy.get_in_scope_or_404(notices.notice_list(actor=request.user), request.user, notice_id)
    rows = notices.notice_recipients(actor=request.user, notice=notice)
    return {
        **_item(notice, notice.recipients_count, notice.read),
        "body": notice.body,
        "receipts": notices.receipts_label(notice.read, notice.recipients_count),
        "study_due": notice.study_due,
        "studied": sum(1 for r in rows if r.studied_on) if notice.kind == NoticeKind.STUDY else None,
        "members": [
            {
                "member_id": r.member_id,
                "full_name": r.member.full_name,
                "read_at": r.read_at,
                "studied_on": r.studied_on,
                "reminded_on": r.reminded_on,
            }
            for r in rows
        ],
    }


@router.post("/", response={201: NoticeDetail, **WRITE_ERRORS}, url_name="notice_create_api")
def notice_create_api(request: HttpRequest, data: NoticeIn) -> Status:
    """Send a notice, a document or a resolution-study campaign (`kind` "study" with `study_due`) to
    the members of `audience_org_id`'s subtree; an organization out of scope is 404."""
    notice = _not_found_as_404(
        notices.notice_send,
        actor=request.user,
        data=notices.NoticeInput(
            org_id=data.org_id,
            audience_org_id=data.audience_org_id,
            title=data.title,
            body=data.body,
            kind=data.kind,
            document_number=data.document_number,
            study_due=data.study_due,
        ),
    )
    return Status(201, _detail(request, notice.pk))


@router.get("/{int:notice_id}", response={200: NoticeDetail, **READ_ERRORS}, url_name="notice_detail_api")
def notice_detail_api(request: HttpRequest, notice_id: int) -> dict:
    """A notice sent by an organization in scope, with each recipient's read receipt and study date."""
    return _detail(request, notice_id)


@router.post("/{int:notice_id}/studied", response={200: NoticeDetail, **WRITE_ERRORS}, url_name="notice_studied_api")
def notice_studied_api(request: HttpRequest, notice_id: int, data: StudyRecordIn) -> dict:
    """Record that recipients of a study campaign completed it on `on` (audited; a member not sent
    the campaign or out of scope: 404, nothing written)."""
    notice = policy.get_in_scope_or_404(notices.notice_list(actor=request.user), request.user, notice_id)
    _not_found_as_404(notices.study_record, actor=request.user, notice=notice, member_ids=data.member_ids, on=data.on)
    return _detail(request, notice_id)


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


@router.post(
    "/mine/{int:notice_id}/studied", response={200: MyNoticeOut, **WRITE_ERRORS}, url_name="my_notice_studied_api"
)
def my_notice_studied_api(request: HttpRequest, notice_id: int) -> dict:
    """I confirm that I completed the study of a campaign sent to me (today; once; audited)."""
    row = _not_found_as_404(notices.study_confirm, actor=request.user, notice_id=notice_id)
    return _mine(row)


@router.get("/", response={200: NoticePage, **READ_ERRORS}, url_name="notice_list")
def notice_list_api(request: HttpRequest, page: PageNumber = 1, page_size: PageSize = None) -> dict:
    """Notices sent by the organizations in the user's scope, newest first, with the number of
    recipients and of read receipts."""
    result = paginate(notices.notice_list(actor=request.user), page=page, page_size=page_size)
    return {
        **result,
        "items": [_item(n, n.recipients_count, n.read) for n in result["items"]],
    }


# --- delivery channels of an organization (/api/v1/notification-channels) ----------------------

channels_router = Router(tags=["Kênh gửi thông báo"])


class ChannelOut(Schema):
    id: int
    org_id: int
    kind: str
    kind_label: str
    label: str
    target: str  # masked: host (and port) only; a webhook's URL is a secret
    fingerprint: str
    enabled: bool
    updated_at: datetime


class ChannelIn(Schema):
    org_id: int
    kind: str
    target: str
    label: str = ""
    enabled: bool = True


class ChannelPatch(Schema):
    label: str | None = None
    target: str | None = None  # None or empty: kept as it is
    enabled: bool | None = None


class DeliveryOut(Schema):
    id: int
    medium: str
    status: str
    status_label: str
    attempts: int
    last_error: str
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    sent_at: datetime | None


def _channel(ch: OrgChannel) -> dict:
    return {
        "id": ch.pk,
        "org_id": ch.org_id,
        "kind": ch.kind,
        "kind_label": ch.get_kind_display(),
        "label": ch.label,
        "target": delivery.mask_target(ch.kind, ch.target),
        "fingerprint": delivery.fingerprint(ch.target),
        "enabled": ch.enabled,
        "updated_at": ch.updated_at,
    }


def _in_scope_channel(user, channel_id: int) -> OrgChannel:
    channel = policy.get_in_scope_or_404(OrgChannel, user, channel_id)
    if not policy.can(user, "record", channel.org_id):
        raise Http404(policy.NOT_FOUND)
    return channel


@channels_router.get("/", response={200: list[ChannelOut], **READ_ERRORS}, url_name="channel_list_api")
def channel_list_api(request: HttpRequest, org_id: int) -> list[dict]:
    """The delivery channels of an organization the user records for (its officers): office e-mail,
    Synology Chat, JSON webhook. Addresses are masked."""
    if not policy.can(request.user, "record", org_id):
        raise Http404(policy.NOT_FOUND)
    return [_channel(c) for c in delivery.channel_list(actor=request.user, org_id=org_id)]


@channels_router.post("/", response={201: ChannelOut, **WRITE_ERRORS}, url_name="channel_create_api")
def channel_create_api(request: HttpRequest, data: ChannelIn) -> Status:
    """Add a channel to an organization (audited with the address masked)."""
    if not policy.can(request.user, "record", data.org_id):
        raise Http404(policy.NOT_FOUND)
    if data.kind not in ChannelKind.values:
        raise DomainError("Loại kênh không hợp lệ: email, synology hoặc webhook.", field="kind")
    channel = delivery.channel_create(
        actor=request.user,
        org_id=data.org_id,
        kind=data.kind,
        target=data.target,
        label=data.label,
        enabled=data.enabled,
    )
    return Status(201, _channel(channel))


@channels_router.patch("/{int:channel_id}", response={200: ChannelOut, **WRITE_ERRORS}, url_name="channel_update_api")
def channel_update_api(request: HttpRequest, channel_id: int, data: ChannelPatch) -> dict:
    """Change a channel's name, address or use; fields left out are kept."""
    channel = _in_scope_channel(request.user, channel_id)
    return _channel(
        delivery.channel_update(
            actor=request.user, channel=channel, label=data.label, target=data.target, enabled=data.enabled
        )
    )


@channels_router.delete("/{int:channel_id}", response={204: None, **WRITE_ERRORS}, url_name="channel_delete_api")
def channel_delete_api(request: HttpRequest, channel_id: int) -> Status:
    """Remove a channel; its delivery log stays."""
    delivery.channel_delete(actor=request.user, channel=_in_scope_channel(request.user, channel_id))
    return Status(204, None)


@channels_router.post(
    "/{int:channel_id}/test", response={202: DeliveryOut, **WRITE_ERRORS}, url_name="channel_test_api"
)
def channel_test_api(request: HttpRequest, channel_id: int) -> Status:
    """Queue a test message on the channel; the worker sends it and its status shows in the log."""
    d = delivery.channel_test(actor=request.user, channel=_in_scope_channel(request.user, channel_id))
    return Status(202, _delivery(d))


def _delivery(d: Delivery) -> dict:
    return {
        "id": d.pk,
        "medium": d.medium,
        "status": d.status,
        "status_label": d.get_status_display(),
        "attempts": d.attempts,
        "last_error": d.last_error,
        "created_at": d.created_at,
        "last_attempt_at": d.last_attempt_at,
        "next_attempt_at": d.next_attempt_at,
        "sent_at": d.sent_at,
    }


@channels_router.get(
    "/{int:channel_id}/deliveries", response={200: list[DeliveryOut], **READ_ERRORS}, url_name="channel_log_api"
)
def channel_log_api(request: HttpRequest, channel_id: int) -> list[dict]:
    """The channel's latest 50 deliveries, newest first (status, attempts, last error)."""
    channel = _in_scope_channel(request.user, channel_id)
    return [_delivery(d) for d in delivery.delivery_log(actor=request.user, channel=channel)]
