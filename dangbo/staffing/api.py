"""API routes of apparatus and staffing (/api/v1/staffing/...): the same selectors and services as
the pages. Dates are yyyy-mm-dd. An agency outside the user's scope is 404 "Không tìm thấy";
writing needs the "record" right on the competent body (404 outside scope, 403 for a view-only
role); a refused rule (over-allocation, wrong level) is 422 with the Vietnamese message."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import BeforeValidator

from dangbo.access import policy
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, as_of
from dangbo.core.errors import DomainError
from dangbo.members.api import require_record
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import Agency, StaffingCategory
from dangbo.staffing.services import AllocationInput, headcount_record, quota_allocate

router = Router(tags=["Tổ chức bộ máy, biên chế"])

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_only(value):
    """Dates are yyyy-mm-dd only (pydantic would also take a number as a Unix timestamp)."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO.match(value)):
        return value
    raise ValueError("Ngày phải theo dạng yyyy-mm-dd")


IsoDate = Annotated[date, BeforeValidator(_iso_only)]


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int
    managing_org_id: int
    party_org_id: int | None
    valid_from: date
    valid_to: date | None


class CategoryFiguresOut(Schema):
    category: str
    category_name: str
    quota: int | None
    headcount: int | None
    vacancies: int | None
    baseline: int | None
    carried: int
    reduction: int | None
    reduction_pct: float | None
    target_pct: int | None
    required: int | None
    shortfall: int | None
    progress_pct: float | None


class StaffingFiguresOut(Schema):
    agency_id: int
    name: str
    at: date
    baseline_year: int
    target_year: int
    agency_count: int
    rows: list[CategoryFiguresOut]


class AllocationOut(Schema):
    id: int
    year: int
    allocating_id: int | None
    allocating_label: str
    receiving_id: int
    category: str
    number: int
    decision_number: str
    decision_date: date
    effective_from: date


class AllocationIn(Schema):
    year: int
    receiving_id: int
    category: str
    number: int
    decision_number: str
    decision_date: IsoDate
    effective_from: IsoDate | None = None
    allocating_label: str = ""


class HeadcountIn(Schema):
    category: str
    on: IsoDate
    count: int
    source: str


class HeadcountOut(Schema):
    id: int
    agency_id: int
    category: str
    on: date
    count: int
    source: str


class ModelProgressOut(Schema):
    model: str
    done: int
    total: int
    text: str


def _category(code: str) -> StaffingCategory:
    cat = StaffingCategory.objects.filter(code=code).first()
    if cat is None:
        raise DomainError(f"Không có loại biên chế «{code}»", field="category")
    return cat


def _allocation(a) -> dict:
    return {"id": a.pk, "year": a.year, "allocating_id": a.allocating_id, "allocating_label": a.allocating_label,
            "receiving_id": a.receiving_id, "category": a.category.code, "number": a.number,
            "decision_number": a.decision_number, "decision_date": a.decision_date, "effective_from": a.effective_from}


@router.get("/agencies", response={200: list[AgencyOut], **READ_ERRORS}, url_name="staffing_agency_list")
def agency_list_api(request: HttpRequest, at: IsoDate | None = None) -> list[dict]:
    """The agencies in scope valid on `at` (today by default), depth-first as a tree."""
    at = as_of(at)
    return [{"id": r.version.agency_id, "code": r.version.agency.code, "name": r.version.name,
             "kind": r.version.agency.kind, "parent_id": r.version.parent_id, "depth": r.depth,
             "managing_org_id": r.version.agency.managing_org_id, "party_org_id": r.version.agency.party_org_id,
             "valid_from": r.version.valid_from, "valid_to": r.version.valid_to}
            for r in sel.agency_tree(actor=request.user, at=at)]


@router.get("/agencies/{int:agency_id}/figures", response={200: StaffingFiguresOut, **READ_ERRORS},
            url_name="staffing_figures")
def figures_api(request: HttpRequest, agency_id: int, at: IsoDate | None = None) -> dict:
    """Figures of the agency's subtree on `at` per staffing category (R-110, R-111): quota in force
    (what the root received), headcount, vacancies, the baseline-year staffing (predecessors
    included), the cut against it (number and %), the target % and posts to cut by the target
    year (with the carried 2016–2021 shortfall or credit), what is still to cut, progress %."""
    figs = sel.figures(actor=request.user, agency_id=agency_id, at=as_of(at))
    return {"agency_id": figs.agency.pk, "name": figs.name, "at": figs.at, "baseline_year": figs.baseline_year,
            "target_year": figs.target_year, "agency_count": figs.agency_count, "rows": [{
                "category": r.category.code, "category_name": r.category.name,
                "quota": r.quota if r.has_quota else None, "headcount": r.headcount if r.has_headcount else None,
                "vacancies": r.vacancies if r.has_quota else None,
                "baseline": r.baseline if r.has_baseline else None, "carried": r.carried,
                "reduction": r.reduction if r.has_quota and r.has_baseline else None,
                "reduction_pct": float(r.reduction_pct) if r.has_quota and r.reduction_pct is not None else None,
                "target_pct": r.target_pct, "required": r.required,
                "shortfall": r.shortfall if r.has_quota else None,
                "progress_pct": float(r.progress_pct) if r.has_quota and r.progress_pct is not None else None,
            } for r in figs.rows]}


@router.get("/allocations", response={200: list[AllocationOut], **READ_ERRORS}, url_name="staffing_allocation_list")
def allocation_list_api(request: HttpRequest, year: int | None = None, agency_id: int | None = None) -> list[dict]:
    """Quota decisions in scope (received by an agency in scope), newest first; by year, by agency
    (given or received). At most 500."""
    return [_allocation(a) for a in sel.allocations(actor=request.user, year=year, agency_id=agency_id)[:500]]


@router.post("/allocations", response={201: AllocationOut, **WRITE_ERRORS}, url_name="staffing_allocation_create")
def allocation_create_api(request: HttpRequest, data: AllocationIn) -> Status:
    """Record a quota decision: `receiving_id` gets `number` posts of `category` for `year` from its
    parent agency (the competent level), in force from `effective_from` (default: the decision
    date), superseding the earlier decision from that date. A root agency records what it
    received from above (`allocating_label`). Refused (422, nothing written) when what the parent
    allocated below would exceed what it received."""
    receiving = policy.get_in_scope_or_404(Agency, request.user, data.receiving_id)
    effective = data.effective_from or data.decision_date
    parent_id = sel.parent_on(receiving.pk, effective)
    competent = Agency.objects.filter(pk=parent_id).first() if parent_id else receiving
    require_record(request.user, competent.managing_org_id)
    alloc = quota_allocate(actor=request.user, data=AllocationInput(
        year=data.year, receiving_id=receiving.pk, category_id=_category(data.category).pk, number=data.number,
        decision_number=data.decision_number, decision_date=data.decision_date, effective_from=data.effective_from,
        allocating_label=data.allocating_label))
    return Status(201, _allocation(alloc))


@router.post("/agencies/{int:agency_id}/headcounts", response={201: HeadcountOut, **WRITE_ERRORS},
             url_name="staffing_headcount_record")
def headcount_record_api(request: HttpRequest, agency_id: int, data: HeadcountIn) -> Status:
    """Record the headcount of the agency × `category` on `on`, with its source."""
    agency = policy.get_in_scope_or_404(Agency, request.user, agency_id)
    require_record(request.user, agency.managing_org_id)
    h = headcount_record(actor=request.user, agency=agency, category=_category(data.category), on=data.on,
                         count=data.count, source=data.source)
    return Status(201, {"id": h.pk, "agency_id": agency.pk, "category": h.category.code, "on": h.on,
                        "count": h.count, "source": h.source})


@router.get("/restructuring", response={200: list[ModelProgressOut], **READ_ERRORS},
            url_name="staffing_restructuring")
def restructuring_api(request: HttpRequest, at: IsoDate | None = None) -> list[dict]:
    """Units restructured on or before `at` of those in scope of the projects, per model
    (e.g. "7/8 Cơ quan Thanh tra - Kiểm tra")."""
    return [{"model": p.model, "done": p.done, "total": p.total, "text": str(p)}
            for p in sel.restructured_by_model(actor=request.user, at=as_of(at))]
