"""API routes of the e-handbook accounts (Sổ tay đảng viên điện tử, R-043): read, open and close
one member's account through reports.services (scoped, checked, audited), as the member page does.

A member outside the user's scope is 404; a visible member the user may not record for is 403;
a refused date is 422 with the Vietnamese message, `field` and `rule`, and nothing is written."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from dangbo.access import policy
from dangbo.access.policy import get_member_or_404
from dangbo.core.api import READ_ERRORS, READ_ONLY, WRITE_ERRORS, IsoDate, ReadOnly
from dangbo.reports import services
from dangbo.reports.models import HandbookAccount

router = Router(tags=["Sổ tay đảng viên điện tử"])


class HandbookOut(Schema):
    member_id: int
    has_account: bool
    open: bool
    registered_on: date | None
    closed_on: date | None


class HandbookDateIn(Schema):
    on: IsoDate


def _out(member_id: int) -> dict:
    account = HandbookAccount.objects.filter(member_id=member_id).first()
    return {
        "member_id": member_id,
        "has_account": account is not None,
        "open": bool(account and account.closed_on is None),
        "registered_on": account.registered_on if account else None,
        "closed_on": account.closed_on if account else None,
    }


def _recordable(user, member_id: int):
    member = get_member_or_404(user, member_id)
    if not policy.may_record_member(user, member):
        raise ReadOnly(READ_ONLY)
    return member


@router.get("/{int:member_id}", response={200: HandbookOut, **READ_ERRORS}, url_name="handbook_account")
def handbook_account(request: HttpRequest, member_id: int) -> dict:
    """The member's e-handbook account (dates of registration and closing)."""
    member = get_member_or_404(request.user, member_id)
    return _out(member.pk)


@router.post("/{int:member_id}/open", response={200: HandbookOut, **WRITE_ERRORS}, url_name="handbook_open")
def handbook_open(request: HttpRequest, member_id: int, data: HandbookDateIn) -> dict:
    """Open (or open again) the member's account from `on`; needs "record" on the member."""
    member = _recordable(request.user, member_id)
    services.handbook_account_register(actor=request.user, member=member, on=data.on)
    return _out(member.pk)


@router.post("/{int:member_id}/close", response={200: HandbookOut, **WRITE_ERRORS}, url_name="handbook_close")
def handbook_close(request: HttpRequest, member_id: int, data: HandbookDateIn) -> dict:
    """Close the member's open account on `on`; needs "record" on the member."""
    member = _recordable(request.user, member_id)
    services.handbook_account_close(actor=request.user, member=member, on=data.on)
    return _out(member.pk)
