"""API routes of apparatus and staffing (/api/v1/staffing/...): the same selectors and services as
the pages. Dates are yyyy-mm-dd. An agency outside the user's scope is 404 "Không tìm thấy";
writing needs the "record" right on the competent body (404 outside scope, 403 for a view-only
role); a refused rule (over-allocation, wrong level) is 422 with the Vietnamese message."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from dangbo.access import policy
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, IsoDate, as_of
from dangbo.core.errors import DomainError, not_found
from dangbo.core.rules import param
from dangbo.members.api import require_record
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import Agency, AgencyKind, JobCatalogue, RestructuringProject, StaffingCategory
from dangbo.staffing.services import (
    AllocationInput,
    DepartureInput,
    PositionInput,
    SideInput,
    SurplusInput,
    UnitInput,
    catalogue_advance,
    catalogue_create,
    headcount_record,
    project_apply,
    project_approve,
    project_create,
    project_plan,
    project_unit_done,
    quota_allocate,
)

router = Router(tags=["Tổ chức bộ máy, biên chế"])


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
    return {
        "id": a.pk,
        "year": a.year,
        "allocating_id": a.allocating_id,
        "allocating_label": a.allocating_label,
        "receiving_id": a.receiving_id,
        "category": a.category.code,
        "number": a.number,
        "decision_number": a.decision_number,
        "decision_date": a.decision_date,
        "effective_from": a.effective_from,
    }


@router.get("/agencies", response={200: list[AgencyOut], **READ_ERRORS}, url_name="staffing_agency_list")
def agency_list_api(request: HttpRequest, at: IsoDate | None = None) -> list[dict]:
    """The agencies in scope valid on `at` (today by default), depth-first as a tree."""
    at = as_of(at)
    return [
        {
            "id": r.version.agency_id,
            "code": r.version.agency.code,
            "name": r.version.name,
            "kind": r.version.agency.kind,
            "parent_id": r.version.parent_id,
            "depth": r.depth,
            "managing_org_id": r.version.agency.managing_org_id,
            "party_org_id": r.version.agency.party_org_id,
            "valid_from": r.version.valid_from,
            "valid_to": r.version.valid_to,
        }
        for r in sel.agency_tree(actor=request.user, at=at)
    ]


@router.get(
    "/agencies/{int:agency_id}/figures", response={200: StaffingFiguresOut, **READ_ERRORS}, url_name="staffing_figures"
)
def figures_api(request: HttpRequest, agency_id: int, at: IsoDate | None = None) -> dict:
    """Figures of the agency's subtree on `at` per staffing category (R-110, R-111): quota in force
    (what the root received), headcount, vacancies, the baseline-year staffing (predecessors
    included), the cut against it (number and %), the target % and posts to cut by the target
    year (with the carried 2016–2021 shortfall or credit), what is still to cut, progress %."""
    figs = sel.figures(actor=request.user, agency_id=agency_id, at=as_of(at))
    return {
        "agency_id": figs.agency.pk,
        "name": figs.name,
        "at": figs.at,
        "baseline_year": figs.baseline_year,
        "target_year": figs.target_year,
        "agency_count": figs.agency_count,
        "rows": [
            {
                "category": r.category.code,
                "category_name": r.category.name,
                "quota": r.quota if r.has_quota else None,
                "headcount": r.headcount if r.has_headcount else None,
                "vacancies": r.vacancies if r.has_quota else None,
                "baseline": r.baseline if r.has_baseline else None,
                "carried": r.carried,
                "reduction": r.reduction if r.has_quota and r.has_baseline else None,
                "reduction_pct": float(r.reduction_pct) if r.has_quota and r.reduction_pct is not None else None,
                "target_pct": r.target_pct,
                "required": r.required,
                "shortfall": r.shortfall if r.has_quota else None,
                "progress_pct": float(r.progress_pct) if r.has_quota and r.progress_pct is not None else None,
            }
            for r in figs.rows
        ],
    }


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
    alloc = quota_allocate(
        actor=request.user,
        data=AllocationInput(
            year=data.year,
            receiving_id=receiving.pk,
            category_id=_category(data.category).pk,
            number=data.number,
            decision_number=data.decision_number,
            decision_date=data.decision_date,
            effective_from=data.effective_from,
            allocating_label=data.allocating_label,
        ),
    )
    return Status(201, _allocation(alloc))


@router.post(
    "/agencies/{int:agency_id}/headcounts",
    response={201: HeadcountOut, **WRITE_ERRORS},
    url_name="staffing_headcount_record",
)
def headcount_record_api(request: HttpRequest, agency_id: int, data: HeadcountIn) -> Status:
    """Record the headcount of the agency × `category` on `on`, with its source."""
    agency = policy.get_in_scope_or_404(Agency, request.user, agency_id)
    require_record(request.user, agency.managing_org_id)
    h = headcount_record(
        actor=request.user,
        agency=agency,
        category=_category(data.category),
        on=data.on,
        count=data.count,
        source=data.source,
    )
    return Status(
        201,
        {
            "id": h.pk,
            "agency_id": agency.pk,
            "category": h.category.code,
            "on": h.on,
            "count": h.count,
            "source": h.source,
        },
    )


@router.get("/restructuring", response={200: list[ModelProgressOut], **READ_ERRORS}, url_name="staffing_restructuring")
def restructuring_api(request: HttpRequest, at: IsoDate | None = None) -> list[dict]:
    """Units restructured on or before `at` of those in scope of the projects, per model
    (e.g. "7/8 Cơ quan Thanh tra - Kiểm tra")."""
    return [
        {"model": p.model, "done": p.done, "total": p.total, "text": str(p)}
        for p in sel.restructured_by_model(actor=request.user, at=as_of(at))
    ]


# --- restructuring projects -------------------------------------------------------------------------


class ProjectUnitOut(Schema):
    label: str
    agency_id: int | None
    done_on: date | None


class ProjectSideOut(Schema):
    agency_id: int
    code: str
    name: str
    internal_units: int
    share_pct: float | None


class ProjectSummaryOut(Schema):
    id: int
    org_id: int
    name: str
    number: str
    model: str
    decision_number: str
    approved_on: date | None
    applied_on: date | None
    applied: bool
    units_done: int
    units_total: int


class SurplusOut(Schema):
    agency_id: int
    position: str
    norm: int
    actual: int
    deadline: date
    months_left: int


class DepartureOut(Schema):
    kind: str
    category: str
    count: int
    policy: str


class ProjectOut(ProjectSummaryOut):
    units: list[ProjectUnitOut]
    before: list[ProjectSideOut]
    after: list[ProjectSideOut]
    surplus: list[SurplusOut]
    departures: list[DepartureOut]


class ProjectUnitIn(Schema):
    label: str
    agency_id: int | None = None


class ProjectIn(Schema):
    org_id: int
    name: str
    model: str
    number: str = ""
    units: list[ProjectUnitIn]


class ProjectSideIn(Schema):
    agency_id: int
    internal_units: int = 0
    share_pct: float | None = None


class SurplusIn(Schema):
    agency_id: int
    position: str = "deputy"
    norm: int
    actual: int
    deadline: IsoDate


class DepartureIn(Schema):
    kind: str
    category: str
    count: int
    policy: str = ""


class ProjectPlanIn(Schema):
    before: list[ProjectSideIn]
    after: list[ProjectSideIn]
    surplus: list[SurplusIn] = []
    departures: list[DepartureIn] = []


class ProjectApproveIn(Schema):
    decision_number: str
    approved_on: IsoDate
    applied_on: IsoDate


def _summary(p) -> dict:
    return {
        "id": p.pk,
        "org_id": p.org_id,
        "name": p.name,
        "number": p.number,
        "model": p.model,
        "decision_number": p.decision_number,
        "approved_on": p.approved_on,
        "applied_on": p.applied_on,
        "applied": p.applied,
        "units_done": p.units_done,
        "units_total": p.units_total,
    }


def _project_out(project) -> dict:
    d = sel.project_detail(project)
    project.applied = d.applied
    project.units_done = d.units_done
    project.units_total = len(d.units)

    def side(rows):
        return [
            {
                "agency_id": r.agency_id,
                "code": r.code,
                "name": r.name,
                "internal_units": r.internal_units,
                "share_pct": float(r.share_pct) if r.share_pct is not None else None,
            }
            for r in rows
        ]

    return {
        **_summary(project),
        "units": [{"label": u.label, "agency_id": u.agency_id, "done_on": u.done_on} for u in d.units],
        "before": side(d.before),
        "after": side(d.after),
        "surplus": [
            {
                "agency_id": s.agency_id,
                "position": s.position,
                "norm": s.norm,
                "actual": s.actual,
                "deadline": s.deadline,
                "months_left": s.months_left,
            }
            for s in d.surplus
        ],
        "departures": [
            {"kind": x.kind, "category": x.category_code, "count": x.count, "policy": x.policy} for x in d.departures
        ],
    }


def _project(request: HttpRequest, project_id: int, write: bool = False):
    project = policy.get_in_scope_or_404(RestructuringProject, request.user, project_id)
    if write:
        require_record(request.user, project.org_id)
    return project


def _share(value: float | None) -> Decimal | None:
    if value is None:
        return None
    if not math.isfinite(value) or not 0 < value <= 100:
        raise DomainError("Tỷ lệ phân bổ phải lớn hơn 0 và không quá 100", field="after")
    return Decimal(str(value)).quantize(Decimal("0.01"))


@router.get("/projects", response={200: list[ProjectSummaryOut], **READ_ERRORS}, url_name="staffing_project_list")
def project_list_api(request: HttpRequest) -> list[dict]:
    """The restructuring projects in scope (of a party organization in scope), newest first; at most 500."""
    return [_summary(p) for p in sel.projects(actor=request.user)]


@router.get("/projects/{int:project_id}", response={200: ProjectOut, **READ_ERRORS}, url_name="staffing_project_detail")
def project_detail_api(request: HttpRequest, project_id: int) -> dict:
    """A project: units in its scope, agencies before and after (names the day before and the day
    it is applied), surplus leaders with the months left, departures by kind."""
    return _project_out(_project(request, project_id))


@router.post("/projects", response={201: ProjectOut, **WRITE_ERRORS}, url_name="staffing_project_create")
def project_create_api(request: HttpRequest, data: ProjectIn) -> Status:
    """Register a project of a party organization (the "record" right there) with the units in its
    scope (a unit may name an agency in scope)."""
    require_record(request.user, data.org_id)
    project = project_create(
        actor=request.user,
        org_id=data.org_id,
        name=data.name,
        model=data.model,
        number=data.number,
        units=[UnitInput(u.label, u.agency_id) for u in data.units],
    )
    return Status(201, _project_out(project))


@router.post(
    "/projects/{int:project_id}/plan", response={200: ProjectOut, **WRITE_ERRORS}, url_name="staffing_project_plan"
)
def project_plan_api(request: HttpRequest, project_id: int, data: ProjectPlanIn) -> dict:
    """Set the agencies before and after, the surplus leaders and the departures (replacing what
    was planned; refused once applied). A split (one agency into several) needs `share_pct` on
    every after-agency, totalling 100."""
    project = _project(request, project_id, write=True)
    if any(not 0 <= x.internal_units <= 1000 for x in [*data.before, *data.after]):
        raise DomainError("Số đơn vị bên trong phải từ 0 đến 1000", field="before")
    for s in data.surplus:
        if not (0 <= s.norm <= 1000 and 0 <= s.actual <= 1000):
            raise DomainError("Cấp phó vượt quy định: số phải từ 0 đến 1000", field="surplus")
    project_plan(
        actor=request.user,
        project=project,
        before=[SideInput(x.agency_id, x.internal_units) for x in data.before],
        after=[SideInput(x.agency_id, x.internal_units, _share(x.share_pct)) for x in data.after],
        surplus=[SurplusInput(s.agency_id, s.norm, s.actual, s.deadline, s.position) for s in data.surplus],
        departures=[DepartureInput(d.kind, _category(d.category).pk, d.count, d.policy) for d in data.departures],
    )
    return _project_out(project)


@router.post(
    "/projects/{int:project_id}/approve",
    response={200: ProjectOut, **WRITE_ERRORS},
    url_name="staffing_project_approve",
)
def project_approve_api(request: HttpRequest, project_id: int, data: ProjectApproveIn) -> dict:
    """Record the approving decision and the date the project is applied."""
    project = _project(request, project_id, write=True)
    project = project_approve(
        actor=request.user,
        project=project,
        decision_number=data.decision_number,
        approved_on=data.approved_on,
        applied_on=data.applied_on,
    )
    return _project_out(project)


@router.post(
    "/projects/{int:project_id}/apply", response={200: ProjectOut, **WRITE_ERRORS}, url_name="staffing_project_apply"
)
def project_apply_api(request: HttpRequest, project_id: int) -> dict:
    """Apply an approved project on its date (all or nothing): agencies merged or split with
    lineage carrying baseline, quota and headcount; internal units; units done that day."""
    project = _project(request, project_id, write=True)
    return _project_out(project_apply(actor=request.user, project=project))


class UnitDoneIn(Schema):
    done_on: IsoDate


@router.post(
    "/projects/{int:project_id}/units/{int:unit_id}/done",
    response={200: ProjectOut, **WRITE_ERRORS},
    url_name="staffing_project_unit_done",
)
def project_unit_done_api(request: HttpRequest, project_id: int, unit_id: int, data: UnitDoneIn) -> dict:
    """Mark one unit in the project's scope as restructured on `done_on` (yyyy-mm-dd, not after
    today; a second call corrects the date). The project's "x/y" figures count it from that day.
    A unit of another project is 404."""
    project = _project(request, project_id, write=True)
    unit = project.units.filter(pk=unit_id).first()
    if unit is None:
        raise Http404(not_found("đơn vị của đề án"))
    unit.project = project
    project_unit_done(actor=request.user, unit=unit, on=data.done_on)
    return _project_out(project)


# --- job-position catalogues and reference lists -----------------------------------------------------


class PositionOut(Schema):
    name: str
    category: str
    number: int


class CatalogueOut(Schema):
    id: int
    agency_id: int
    name: str
    status: str
    submitted_on: date | None
    appraised_on: date | None
    approved_on: date | None
    decision_number: str
    positions: list[PositionOut]


class PositionIn(Schema):
    name: str
    category: str
    number: int


class CatalogueIn(Schema):
    agency_id: int
    name: str
    positions: list[PositionIn]


class CatalogueAdvanceIn(Schema):
    to: str
    on: IsoDate
    decision_number: str = ""


class CategoryOut(Schema):
    code: str
    name: str
    target_pct: int | None


class ChoiceOut(Schema):
    code: str
    name: str


def _catalogue_out(c) -> dict:
    return {
        "id": c.pk,
        "agency_id": c.agency_id,
        "name": c.name,
        "status": c.status,
        "submitted_on": c.submitted_on,
        "appraised_on": c.appraised_on,
        "approved_on": c.approved_on,
        "decision_number": c.decision_number,
        "positions": [{"name": p.name, "category": p.category.code, "number": p.number} for p in c.positions.all()],
    }


def _catalogues():
    return JobCatalogue.objects.select_related("agency").prefetch_related("positions__category")


@router.get("/catalogues", response={200: list[CatalogueOut], **READ_ERRORS}, url_name="staffing_catalogue_list")
def catalogue_list_api(request: HttpRequest, agency_id: int | None = None) -> list[dict]:
    """Job-position catalogues (vị trí việc làm) of the agencies in scope, newest first; by agency. At most 500."""
    qs = policy.for_user(_catalogues(), request.user).order_by("-id")
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return [_catalogue_out(c) for c in qs[:500]]


@router.get(
    "/catalogues/{int:catalogue_id}", response={200: CatalogueOut, **READ_ERRORS}, url_name="staffing_catalogue_detail"
)
def catalogue_detail_api(request: HttpRequest, catalogue_id: int) -> dict:
    """One job-position catalogue of an agency in scope: its positions and its approval steps."""
    return _catalogue_out(policy.get_in_scope_or_404(_catalogues(), request.user, catalogue_id))


@router.post("/catalogues", response={201: CatalogueOut, **WRITE_ERRORS}, url_name="staffing_catalogue_create")
def catalogue_create_api(request: HttpRequest, data: CatalogueIn) -> Status:
    """A new catalogue (draft) of an agency in scope with its positions (staffing category code, number)."""
    agency = policy.get_in_scope_or_404(Agency, request.user, data.agency_id)
    require_record(request.user, agency.managing_org_id)
    cat = catalogue_create(
        actor=request.user,
        agency=agency,
        name=data.name,
        positions=[PositionInput(p.name, _category(p.category).pk, p.number) for p in data.positions],
    )
    return Status(201, _catalogue_out(cat))


@router.post(
    "/catalogues/{int:catalogue_id}/advance",
    response={200: CatalogueOut, **WRITE_ERRORS},
    url_name="staffing_catalogue_advance",
)
def catalogue_advance_api(request: HttpRequest, catalogue_id: int, data: CatalogueAdvanceIn) -> dict:
    """One step of the workflow: `submitted` → `appraised` → `approved` (with its decision number)."""
    cat = policy.get_in_scope_or_404(_catalogues(), request.user, catalogue_id)
    require_record(request.user, cat.agency.managing_org_id)
    catalogue_advance(actor=request.user, catalogue=cat, to=data.to, on=data.on, decision_number=data.decision_number)
    return _catalogue_out(policy.get_in_scope_or_404(_catalogues(), request.user, catalogue_id))


@router.get("/categories", response={200: list[CategoryOut], **READ_ERRORS}, url_name="staffing_category_list")
def category_list_api(request: HttpRequest, at: IsoDate | None = None) -> list[dict]:
    """Staffing categories (not interchangeable) with the reduction target % in force on `at`."""
    at = as_of(at)
    return [
        {"code": c.code, "name": c.name, "target_pct": param(c.target_param, at) if c.target_param else None}
        for c in StaffingCategory.objects.all()
    ]


@router.get("/agency-kinds", response={200: list[ChoiceOut], **READ_ERRORS}, url_name="staffing_agency_kinds")
def agency_kinds_api(request: HttpRequest) -> list[dict]:
    """Kinds of agency of the political system."""
    return [{"code": k, "name": str(label)} for k, label in AgencyKind.choices]
