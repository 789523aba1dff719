"""API routes of party dues (/api/v1/dues/...): the same selectors and services as the pages.

Reads go through the access policy (an organization or member outside the scope is 404); writes
need the "meet" right on the organization (the cell's own work: 404 outside the scope, 403 for a
role that only sees it); a refused rule is 422 with the Vietnamese message and the field. Months
are given as any date in the month (yyyy-mm-dd) and returned as the month's first day. Amounts in
đồng. Schema names are prefixed "Dues" (one OpenAPI namespace for all apps).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Status

from dangbo.access import policy
from dangbo.core.api import READ_ERRORS, READ_ONLY, WRITE_ERRORS, IsoDate, ReadOnly
from dangbo.core.errors import DomainError
from dangbo.core.rules import param
from dangbo.dues import selectors as sel
from dangbo.dues import services
from dangbo.dues.schemas import (
    DuesArrearsOut,
    DuesCloseIn,
    DuesCloseOut,
    DuesClosingStatusOut,
    DuesDeclarationIn,
    DuesDeclarationOut,
    DuesLedgerOut,
    DuesOrgLedgerOut,
    DuesPaymentIn,
    DuesPaymentOut,
    DuesReliefIn,
    DuesReliefOut,
    DuesReopenIn,
    DuesReopenOut,
    DuesSheetOut,
    DuesSummaryOut,
)
from dangbo.dues.worklist import members_in_arrears
from dangbo.members.models import Member
from dangbo.orgs.selectors import org_latest_names

router = Router(tags=["Đảng phí"])


def _require_meet(user, org_id: int | None) -> None:
    if org_id is not None and policy.can(user, "meet", org_id):
        return
    if org_id is None or not policy.can(user, "view", org_id):
        raise Http404(policy.NOT_FOUND)
    raise ReadOnly(READ_ONLY)


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100.", field="year")
    return year


def _ledger(member_id: int, year: int) -> dict:
    rows = sel.ledger(member_id, date(year, 1, 1), date(year, 12, 1))
    return {
        "member_id": member_id,
        "year": year,
        "paid_up_to": sel.paid_up_to(member_id),
        "months": [
            {
                "month": r.month,
                "regime": r.regime,
                "member": r.member,
                "due": r.due,
                "paid": r.paid,
                "outstanding": r.outstanding,
                "status": r.status,
            }
            for r in rows
        ],
    }


def _member_for_write(user, member_id: int) -> Member:
    member = policy.get_member_or_404(user, member_id)
    _require_meet(user, policy.member_home_org_id(member))
    return member


@router.get(
    "/members/{int:member_id}/ledger", response={200: DuesLedgerOut, **READ_ERRORS}, url_name="dues_member_ledger"
)
def member_ledger_api(request: HttpRequest, member_id: int, year: int) -> dict:
    """A member's dues month by month for a calendar year: regime, due, paid, status; the month
    paid up to."""
    policy.get_member_or_404(request.user, member_id)
    return _ledger(member_id, _year(year))


@router.get("/mine", response={200: DuesLedgerOut, **READ_ERRORS}, url_name="dues_mine")
def mine_api(request: HttpRequest, year: int) -> dict:
    """The signed-in member's own dues for a year (404 when the account has no member profile)."""
    own = sorted(policy.own_member_ids(request.user))
    if not own:
        raise Http404(policy.NOT_FOUND)
    return _ledger(own[0], _year(year))


@router.post(
    "/members/{int:member_id}/declarations",
    response={201: DuesDeclarationOut, **WRITE_ERRORS},
    url_name="dues_declaration_create",
)
def declaration_create_api(request: HttpRequest, member_id: int, data: DuesDeclarationIn) -> Status:
    """Record the member's declaration (category, declared base, first month, date, source)."""
    member = _member_for_write(request.user, member_id)
    d = services.declaration_record(
        actor=request.user,
        member=member,
        data=services.DeclarationInput(
            category=data.category,
            base=data.base,
            valid_from=data.valid_from,
            declared_on=data.declared_on,
            source=data.source,
            hardship=data.hardship,
        ),
    )
    return Status(
        201,
        {
            "id": d.pk,
            "member_id": member.pk,
            "category": d.category,
            "base": d.base,
            "valid_from": d.valid_from,
            "declared_on": d.declared_on,
            "source": d.source,
            "hardship": d.hardship,
        },
    )


@router.post(
    "/members/{int:member_id}/payments", response={201: DuesPaymentOut, **WRITE_ERRORS}, url_name="dues_payment_create"
)
def payment_create_api(request: HttpRequest, member_id: int, data: DuesPaymentIn) -> Status:
    """Record a payment for a run of months (allocated per month covered)."""
    member = policy.get_member_or_404(request.user, member_id)
    org_id = data.org_id or services.attendance_org_id(member, data.paid_on)
    _require_meet(request.user, org_id)
    p = services.payment_record(
        actor=request.user,
        member=member,
        org_id=org_id,
        data=services.PaymentInput(
            from_month=data.from_month,
            to_month=data.to_month,
            amount=data.amount,
            paid_on=data.paid_on,
            channel=data.channel,
            receipt_no=data.receipt_no,
        ),
    )
    return Status(
        201,
        {
            "id": p.pk,
            "member_id": member.pk,
            "org_id": p.org_id,
            "from_month": p.from_month,
            "to_month": p.to_month,
            "amount": p.amount,
            "paid_on": p.paid_on,
            "channel": p.channel,
            "receipt_no": p.receipt_no,
            "allocated": {str(a.month): a.amount for a in p.allocations.order_by("month")},
        },
    )


@router.post(
    "/members/{int:member_id}/reliefs", response={201: DuesReliefOut, **WRITE_ERRORS}, url_name="dues_relief_create"
)
def relief_create_api(request: HttpRequest, member_id: int, data: DuesReliefIn) -> Status:
    """Record a decided deferral or exemption of the member's dues for a run of months."""
    member = _member_for_write(request.user, member_id)
    r = services.relief_record(actor=request.user, member=member, data=services.ReliefInput(**data.dict()))
    return Status(
        201,
        {
            "id": r.pk,
            "member_id": member.pk,
            "kind": r.kind,
            "from_month": r.from_month,
            "to_month": r.to_month,
            "reason": r.reason,
            "decision_no": r.decision_no,
            "decided_on": r.decided_on,
        },
    )


@router.get("/sheet", response={200: DuesSheetOut, **READ_ERRORS}, url_name="dues_sheet")
def sheet_api(request: HttpRequest, org_id: int, month: IsoDate) -> dict:
    """An organization's monthly collection sheet: members paying there, due, paid, outstanding."""
    rows = sel.cell_sheet(actor=request.user, org_id=org_id, month=month)
    closed = sel.month_closed(org_id, month)
    return {
        "org_id": org_id,
        "month": sel.month_start(month),
        "regime": sel.regime(month),
        "closed_on": closed.closed_on if closed else None,
        "rows": [
            {"member_id": r.member_id, "full_name": r.name, "due": r.due, "paid": r.paid, "outstanding": r.outstanding}
            for r in rows
        ],
    }


@router.post("/closings", response={201: DuesCloseOut, **WRITE_ERRORS}, url_name="dues_close")
def close_api(request: HttpRequest, data: DuesCloseIn) -> Status:
    """Close an organization's month: read-only sheet, remittance up the tree (R-121 shares)."""
    policy.get_org_or_404(request.user, data.org_id)
    _require_meet(request.user, data.org_id)
    c = services.month_close(actor=request.user, org_id=data.org_id, month=data.month)
    return Status(
        201,
        {
            "id": c.pk,
            "org_id": c.org_id,
            "month": c.month,
            "closed_on": c.closed_on,
            "collected": c.collected,
            "received": c.received,
            "retained": c.retained,
            "remitted": c.remitted,
        },
    )


@router.post("/reopenings", response={201: DuesReopenOut, **WRITE_ERRORS}, url_name="dues_reopen")
def reopen_api(request: HttpRequest, data: DuesReopenIn) -> Status:
    """Reopen an organization's closed month, with a reason (refused while the superior has closed it)."""
    policy.get_org_or_404(request.user, data.org_id)
    _require_meet(request.user, data.org_id)
    e = services.month_reopen(actor=request.user, org_id=data.org_id, month=data.month, reason=data.reason)
    return Status(
        201,
        {
            "id": e.pk,
            "close_id": e.close_id,
            "org_id": data.org_id,
            "month": e.close.month,
            "reopened_on": e.reopened_on,
            "reason": e.reason,
        },
    )


@router.get("/closings", response={200: DuesClosingStatusOut, **READ_ERRORS}, url_name="dues_closing_status")
def closing_status_api(request: HttpRequest, org_id: int, month: IsoDate) -> dict:
    """Which collecting organizations of the subtree closed the month ("x/y chi bộ đã chốt")."""
    rows = sel.closing_status(actor=request.user, org_id=org_id, month=month)
    return {
        "org_id": org_id,
        "month": sel.month_start(month),
        "closed": sum(1 for r in rows if r.close),
        "total": len(rows),
        "orgs": [
            {
                "org_id": r.org_id,
                "name": r.name,
                "closed_on": r.close.closed_on if r.close else None,
                "remitted": r.close.remitted if r.close else None,
            }
            for r in rows
        ],
    }


@router.get("/orgs/{int:org_id}/ledger", response={200: DuesOrgLedgerOut, **READ_ERRORS}, url_name="dues_org_ledger")
def org_ledger_api(request: HttpRequest, org_id: int, until: IsoDate | None = None) -> dict:
    """An organization's dues ledger and balance as of `until` (default today)."""
    book = sel.org_ledger(actor=request.user, org_id=org_id, until=until or policy.today())
    return {
        "org_id": org_id,
        "until": book.until,
        "collected": book.collected,
        "received": book.received,
        "remitted": book.remitted,
        "balance": book.balance,
        "entries": [
            {
                "id": e.pk,
                "entry_on": e.entry_on,
                "month": e.month,
                "kind": e.kind,
                "amount": e.amount,
                "counterpart_id": e.counterpart_id,
                "adjusting": e.adjusting,
            }
            for e in book.entries
        ],
    }


@router.get("/summary", response={200: DuesSummaryOut, **READ_ERRORS}, url_name="dues_summary")
def summary_api(request: HttpRequest, org_id: int, first: IsoDate, last: IsoDate) -> dict:
    """Due, collected, retained, remitted and collection rate of the subtree for the months
    `first`..`last` (at most 36)."""
    if sel.month_start(last) < sel.month_start(first):
        raise DomainError("Tháng cuối phải từ tháng đầu trở đi.", field="last")
    if len(sel.months(first, last)) > 36:
        raise DomainError("Tối đa 36 tháng.", field="last")
    s = sel.summary(actor=request.user, org_id=org_id, first=first, last=last)
    return {
        "org_id": org_id,
        "first": s.first,
        "last": s.last,
        "due": s.due,
        "collected": s.collected,
        "retained": s.retained,
        "remitted": s.remitted,
        "collection_rate": s.collection_rate,
    }


@router.get("/arrears", response={200: DuesArrearsOut, **READ_ERRORS}, url_name="dues_arrears")
def arrears_api(
    request: HttpRequest,
    year: Annotated[int, Field(ge=2000, le=2100)],
    min_months: Annotated[int, Field(ge=1, le=12)] = 1,
    org_id: int | None = None,
) -> dict:
    """Per-member arrears (R-122): the members in scope (with `org_id`, in that organization's
    subtree; outside the scope 404) with at least `min_months` unpaid months in `year` (months over,
    declared, paid less than owed, not deferred), how many and the amount still owed for them; most
    months first, at most 500 rows. `removal_ground`: as many months as the removal count (3)."""
    if org_id is not None:
        policy.get_org_or_404(request.user, org_id)
    today = policy.today()
    removal = param("dues_unpaid_removal_months", today)
    members = (
        list(members_in_arrears(request.user, _year(year), today, min_months=min_months, org_id=org_id)[:500])
        if policy.can(request.user, "view")
        else []
    )
    names = org_latest_names(org_ids={m.current_org_id for m in members})
    rows = [
        {
            "member_id": m.pk,
            "full_name": m.full_name,
            "org_id": m.current_org_id,
            "org_name": names.get(m.current_org_id, ""),
            "unpaid_months": m.unpaid_months,
            "unpaid_amount": m.unpaid_amount,
            "removal_ground": m.unpaid_months >= removal,
        }
        for m in members
    ]
    return {
        "year": year,
        "min_months": min_months,
        "org_id": org_id,
        "total_amount": sum(r["unpaid_amount"] for r in rows),
        "rows": rows,
    }
