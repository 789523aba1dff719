"""API of the enterprise register (R-014) under /api/v1/enterprises: the list as of a date, one
enterprise with its history, recording, a dated change, closing, and linking the party
organization. Reads start from the access policy (policy.for_user(Enterprise)): an enterprise
whose locality is outside the scope is 404 like one that does not exist; writes need the right
to record in its locality (403 when visible without it) and go through orgs.enterprises."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from dangbo.access import policy
from dangbo.access.policy import can, get_org_or_404
from dangbo.core.api import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    READ_ERRORS,
    READ_ONLY,
    WRITE_ERRORS,
    IsoDate,
    OrgRef,
    ReadOnly,
    as_of,
)
from dangbo.orgs import enterprises
from dangbo.orgs.models import Enterprise
from dangbo.orgs.selectors import org_names_on

router = Router(tags=["Doanh nghiệp"])


def _text(limit: int):
    return Annotated[str, Field(max_length=limit)]


class EnterpriseChangeOut(Schema):
    id: int
    kind: str
    kind_label: str
    on: date
    before: dict
    after: dict
    reason: str


class EnterpriseOut(Schema):
    id: int
    name: str
    tax_code: str
    sector: str
    sector_label: str
    locality: OrgRef
    employees: int | None
    registered_on: date
    closed_on: date | None
    party_org: OrgRef | None
    party_org_from: date | None


class EnterpriseDetailOut(EnterpriseOut):
    history: list[EnterpriseChangeOut]


class EnterpriseListOut(Schema):
    at: date
    total: int
    with_party_org: int
    items: list[EnterpriseOut]


class EnterpriseIn(Schema):
    name: _text(255)
    sector: _text(30)
    locality_id: int
    registered_on: IsoDate
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    tax_code: _text(20) = ""


class EnterpriseChangeIn(Schema):
    on: IsoDate
    reason: _text(1000) = ""
    name: _text(255) | None = None
    tax_code: _text(20) | None = None
    sector: _text(30) | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    locality_id: int | None = None


class EnterpriseCloseIn(Schema):
    on: IsoDate
    reason: _text(1000)


class EnterprisePartyOrgIn(Schema):
    party_org_id: int
    on: IsoDate


def _out(e: Enterprise, names: dict, at: date) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "tax_code": e.tax_code,
        "sector": e.sector,
        "sector_label": e.sector_label,
        "locality": {"id": e.locality_id, "name": names.get((e.locality_id, at), "")},
        "employees": e.employees,
        "registered_on": e.registered_on,
        "closed_on": e.closed_on,
        "party_org": {"id": e.party_org_id, "name": names.get((e.party_org_id, at), "")} if e.party_org_id else None,
        "party_org_from": e.party_org_from,
    }


def _names(rows, at: date) -> dict:
    return org_names_on(
        keys=[(e.locality_id, at) for e in rows] + [(e.party_org_id, at) for e in rows if e.party_org_id]
    )


def _detail(e: Enterprise, at: date) -> dict:
    return {
        **_out(e, _names([e], at), at),
        "history": [
            {
                "id": c.pk,
                "kind": c.kind,
                "kind_label": c.get_kind_display(),
                "on": c.on,
                "before": c.before,
                "after": c.after,
                "reason": c.reason,
            }
            for c in e.changes.order_by("on", "pk")
        ],
    }


def _recordable(user, pk: int) -> Enterprise:
    e = policy.get_in_scope_or_404(Enterprise, user, pk)
    if not can(user, "record", e.locality_id):
        raise ReadOnly(READ_ONLY)
    return e


# Paging of the enterprise list: at most 1.000 rows a call, an offset inside any real register.
Limit = Annotated[int, Field(ge=1, le=1000, description="Số dòng tối đa (1–1.000).")]
Offset = Annotated[int, Field(ge=0, le=MAX_PAGE * MAX_PAGE_SIZE, description="Bỏ qua bao nhiêu dòng đầu.")]


@router.get("", response={200: EnterpriseListOut, **READ_ERRORS}, url_name="enterprise_list")
def enterprise_list_api(
    request: HttpRequest, at: IsoDate | None = None, limit: Limit = 200, offset: Offset = 0
) -> dict:
    """Enterprises active on `at` (default today) in the user's scope, with the counts (R-014).
    A `limit` or `offset` out of range is 422, never a 500 (an offset past bigint broke SQLite)."""
    day = as_of(at)
    qs = enterprises.active_on(policy.for_user(Enterprise, request.user), day)
    counts = enterprises.counts_of(qs, day)
    rows = list(qs.order_by("name", "pk")[offset : offset + limit])
    names = _names(rows, day)
    return {
        "at": day,
        "total": counts.total,
        "with_party_org": counts.with_party_org,
        "items": [_out(e, names, day) for e in rows],
    }


@router.get("/{int:enterprise_id}", response={200: EnterpriseDetailOut, **READ_ERRORS}, url_name="enterprise_detail")
def enterprise_detail_api(request: HttpRequest, enterprise_id: int, at: IsoDate | None = None) -> dict:
    """One enterprise as of `at` (default today) with its history of dated changes (404 outside the scope)."""
    return _detail(policy.get_in_scope_or_404(Enterprise, request.user, enterprise_id), as_of(at))


@router.post("", response={201: EnterpriseDetailOut, **WRITE_ERRORS}, url_name="enterprise_register")
def enterprise_register_api(request: HttpRequest, data: EnterpriseIn) -> HttpStatus:
    """Register an enterprise in a locality the user may record in (audited; 403 when it is only visible)."""
    locality = get_org_or_404(request.user, data.locality_id)
    if not can(request.user, "record", locality.pk):
        raise ReadOnly(READ_ONLY)
    e = enterprises.enterprise_register(
        actor=request.user,
        name=data.name,
        sector=data.sector,
        locality=locality,
        registered_on=data.registered_on,
        employees=data.employees,
        tax_code=data.tax_code,
    )
    return HttpStatus(201, _detail(e, as_of(None)))


@router.post(
    "/{int:enterprise_id}/changes", response={200: EnterpriseDetailOut, **WRITE_ERRORS}, url_name="enterprise_change"
)
def enterprise_change_api(request: HttpRequest, enterprise_id: int, data: EnterpriseChangeIn) -> dict:
    """A dated change (only the fields given and different); the earlier values stay in the history."""
    e = _recordable(request.user, enterprise_id)
    locality = get_org_or_404(request.user, data.locality_id) if data.locality_id else None
    enterprises.enterprise_change(
        actor=request.user,
        enterprise=e,
        on=data.on,
        reason=data.reason,
        name=data.name,
        tax_code=data.tax_code,
        sector=data.sector,
        employees=data.employees,
        locality=locality,
    )
    e.refresh_from_db()
    return _detail(e, data.on)


@router.post(
    "/{int:enterprise_id}/close", response={200: EnterpriseDetailOut, **WRITE_ERRORS}, url_name="enterprise_close"
)
def enterprise_close_api(request: HttpRequest, enterprise_id: int, data: EnterpriseCloseIn) -> dict:
    """Close the enterprise from a date with its reason; it stays in the register and its history."""
    e = _recordable(request.user, enterprise_id)
    enterprises.enterprise_close(actor=request.user, enterprise=e, on=data.on, reason=data.reason)
    e.refresh_from_db()
    return _detail(e, as_of(None))


@router.post(
    "/{int:enterprise_id}/party-org",
    response={200: EnterpriseDetailOut, **WRITE_ERRORS},
    url_name="enterprise_party_org",
)
def enterprise_party_org_api(request: HttpRequest, enterprise_id: int, data: EnterprisePartyOrgIn) -> dict:
    """Link the party organization set up in the enterprise, from a date (R-014 counts it from then)."""
    e = _recordable(request.user, enterprise_id)
    party_org = get_org_or_404(request.user, data.party_org_id)
    enterprises.enterprise_link_party_org(actor=request.user, enterprise=e, party_org=party_org, on=data.on)
    e.refresh_from_db()
    return _detail(e, as_of(None))
