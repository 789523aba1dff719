"""API routes of cadre work (/api/v1/cadres/...): the same selectors and services as the pages.

A cadre outside the user's scope is 404 "Không tìm thấy"; reading a cadre's record is audited;
recording a decision needs the "record" right on the deciding committee (404 outside scope, 403
for a view-only role) and a refused rule is 422 with the Vietnamese message and the field.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from dangbo.cadres import political, votes
from dangbo.cadres import selectors as sel
from dangbo.cadres.models import ActionType, PoliticalConclusion, PoliticalPurpose
from dangbo.cadres.services import ActionInput, DecisionInput, decision_record
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, PageNumber, PageSize, paginate
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.members.api import require_record

router = Router(tags=["Công tác cán bộ"])

RecordableAction = Literal[tuple(t for t in ActionType.values if t != ActionType.CORRECTION)]  # type: ignore[valid-type]


class CadreItem(Schema):
    id: int
    full_name: str
    birth_date: date
    sex: str
    managing_org_id: int
    management_class: str
    theory_level: str


class CadrePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[CadreItem]


class ActionOut(Schema):
    id: int
    type: str
    type_label: str
    on: date
    title_id: int | None
    title_name: str
    is_head: bool | None
    decision_number: str
    decision_signed_on: date
    decision_body: str
    planned_months: int | None
    voided: bool
    corrects_id: int | None
    note: str


class HoldingOut(Schema):
    title_id: int
    title_name: str
    valid_from: date
    valid_to: date | None
    obtained_by: str


class PlanningOut(Schema):
    term: str
    title_id: int
    title_name: str
    round: str
    added_on: date
    removed_on: date | None
    removal_reason: str


class CadreDetail(CadreItem):
    education: str
    qualification: str
    state_management_level: str
    management_class_from: date | None
    member_id: int | None
    actions: list[ActionOut]
    holdings: list[HoldingOut]
    planning: list[PlanningOut]


class ActionIn(Schema):
    cadre_id: int
    type: RecordableAction
    on: date
    title_id: int | None = None
    org_id: int | None = None
    planned_months: int | None = None
    note: str = ""


class CadreDecisionIn(Schema):
    number: str
    signed_on: date
    body: str
    org_id: int
    actions: list[ActionIn]
    idempotency_key: str = ""


class DecisionOut(Schema):
    id: int
    number: str
    signed_on: date
    action_ids: list[int]


class SplitOut(Schema):
    head: int
    deputy: int
    text: str
    cadre_ids: list[int]


def _item(c) -> dict:
    return {"id": c.pk, "full_name": c.full_name, "birth_date": c.birth_date, "sex": c.sex,
            "managing_org_id": c.managing_org_id, "management_class": c.management_class,
            "theory_level": c.theory_level}


@router.get("/", response={200: CadrePage, **READ_ERRORS}, url_name="cadre_list")
def cadre_list_api(
    request: HttpRequest,
    q: str = "",
    title_group: str = "",
    management_class: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    planned_title_id: int | None = None,
    at: date | None = None,
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> dict:
    """Cadres the user may see (managed by a committee in scope), by name; filters: title group
    held on `at`, management class, age band on `at` (`age_min`..`age_max` years), in planning
    for title `planned_title_id` on `at`. 50 per page."""
    for name, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not 0 <= value <= 120:
            raise DomainError("Tuổi phải từ 0 đến 120.", field=name)
    filters = sel.CadreFilters(q=nfc(q), title_group=nfc(title_group), management_class=nfc(management_class),
                               age_min=age_min, age_max=age_max, planned_title_id=planned_title_id, at=at)
    result = paginate(sel.cadre_list(actor=request.user, filters=filters), page=page, page_size=page_size)
    return {**result, "items": [_item(c) for c in result["items"]]}


@router.get("/{int:cadre_id}", response={200: CadreDetail, **READ_ERRORS}, url_name="cadre_detail")
def cadre_detail_api(request: HttpRequest, cadre_id: int) -> dict:
    """A cadre's record (lý lịch) with the timeline of actions (voided ones flagged), the position
    holdings derived from them and the planning entries. Each read is audited."""
    record = sel.cadre_record_read(actor=request.user, pk=cadre_id, via="api")
    c = record.cadre
    voided = {a.corrects_id for a in record.actions if a.corrects_id}
    return {
        **_item(c), "education": c.education, "qualification": c.qualification,
        "state_management_level": c.state_management_level, "management_class_from": c.management_class_from,
        "member_id": c.member_id,
        "actions": [{
            "id": a.pk, "type": a.type, "type_label": a.get_type_display(), "on": a.on, "title_id": a.title_id,
            "title_name": a.title.name if a.title else "", "is_head": a.title.is_head if a.title else None,
            "decision_number": a.decision.number, "decision_signed_on": a.decision.signed_on,
            "decision_body": a.decision.body, "planned_months": a.planned_months, "voided": a.pk in voided,
            "corrects_id": a.corrects_id, "note": a.note,
        } for a in record.actions],
        "holdings": [{"title_id": h.title_id, "title_name": h.title.name, "valid_from": h.valid_from,
                      "valid_to": h.valid_to, "obtained_by": h.obtained_by} for h in record.holdings],
        "planning": [{"term": p.term.name, "title_id": p.title_id, "title_name": p.title.name, "round": p.round,
                      "added_on": p.added_on, "removed_on": p.removed_on, "removal_reason": p.removal_reason}
                     for p in record.planning],
    }


@router.post("/decisions", response={201: DecisionOut, **WRITE_ERRORS}, url_name="cadre_decision_record")
def decision_record_api(request: HttpRequest, data: CadreDecisionIn) -> Status:
    """Record a personnel decision (number, date, deciding body, committee) with its actions
    (appointment, re-appointment, nomination, designation, agreement, transfer, rotation with
    `planned_months`, extension, resignation, dismissal, relief). One transaction; the same
    `idempotency_key` twice returns the first decision and writes nothing."""
    require_record(request.user, data.org_id)
    key = f"api:{request.user.pk}:{data.idempotency_key}" if data.idempotency_key else ""
    decision = decision_record(actor=request.user, data=DecisionInput(
        number=data.number, signed_on=data.signed_on, body=data.body, org_id=data.org_id, idempotency_key=key,
        actions=[ActionInput(cadre_id=a.cadre_id, type=a.type, on=a.on, title_id=a.title_id, org_id=a.org_id,
                             planned_months=a.planned_months, note=a.note) for a in data.actions]))
    return Status(201, {"id": decision.pk, "number": decision.number, "signed_on": decision.signed_on,
                        "action_ids": list(decision.actions.order_by("id").values_list("pk", flat=True))})


@router.get("/figures", response={200: dict[str, SplitOut], **READ_ERRORS}, url_name="cadre_figures")
def cadre_figures_api(request: HttpRequest, org_id: int, start: date, end: date) -> dict:
    """Cadre-work figures of the organization's subtree over [start, end] (inclusive), split
    head (cấp trưởng) / deputy (cấp phó) with the cadres behind each: appointed, re-appointed,
    nominated, agreed (thỏa thuận, hiệp y), designated, rotated, resigned, planning added and
    removed in the period, planned on `end`."""
    if start > end:
        raise DomainError("Ngày bắt đầu phải trước ngày kết thúc.", field="start")
    figs = sel.cadre_figures(actor=request.user, org_id=org_id, start=start, end=end)
    return {k: {"head": s.head, "deputy": s.deputy, "text": s.vn(), "cadre_ids": s.cadre_ids} for k, s in figs.items()}


# --- political-standard cases: the political-protection role only (everyone else: 404) -------


class PoliticalCaseOut(Schema):
    id: int
    org_id: int
    cadre_id: int | None
    subject_name: str
    subject_birth_date: date
    purpose: str
    purpose_label: str
    relatives_count: int
    relatives_checked: str
    conclusion: str
    conclusion_label: str
    conclusion_text: str
    concluding_body: str
    concluded_on: date


class PoliticalCaseIn(Schema):
    org_id: int
    purpose: Literal[tuple(PoliticalPurpose.values)]  # type: ignore[valid-type]
    conclusion: Literal[tuple(PoliticalConclusion.values)]  # type: ignore[valid-type]
    concluding_body: str
    concluded_on: date
    cadre_id: int | None = None
    subject_name: str = ""
    subject_birth_date: date | None = None
    relatives_checked: str = ""
    conclusion_text: str = ""


class PoliticalFigureOut(Schema):
    total: int
    text: str
    by_purpose: dict[str, int]
    meets: int
    not_meets: int
    case_ids: list[int]


def _case(c) -> dict:
    return {"id": c.pk, "org_id": c.org_id, "cadre_id": c.cadre_id, "subject_name": c.subject_name,
            "subject_birth_date": c.subject_birth_date, "purpose": c.purpose, "purpose_label": c.get_purpose_display(),
            "relatives_count": c.relatives_count, "relatives_checked": c.relatives_checked,
            "conclusion": c.conclusion, "conclusion_label": c.get_conclusion_display(),
            "conclusion_text": c.conclusion_text, "concluding_body": c.concluding_body,
            "concluded_on": c.concluded_on}


@router.get("/political-cases", response={200: list[PoliticalCaseOut], **READ_ERRORS}, url_name="political_case_list")
def political_case_list_api(request: HttpRequest, purpose: str = "", start: date | None = None,
                            end: date | None = None) -> list:
    """Political-standard conclusions (newest first, at most 500). Only the internal political
    protection role; everyone else gets 404. The read is audited."""
    if purpose and purpose not in PoliticalPurpose.values:
        raise DomainError("Mục đích kết luận không hợp lệ", field="purpose")
    return [_case(c) for c in political.political_cases(actor=request.user, purpose=purpose, start=start, end=end,
                                                        via="api")]


@router.get("/political-cases/figure", response={200: PoliticalFigureOut, **READ_ERRORS},
            url_name="political_case_figure")
def political_case_figure_api(request: HttpRequest, org_id: int, start: date, end: date) -> dict:
    """Conclusions made over [start, end] in the organization's subtree, by purpose (R-097).
    Only the political-protection role (404 otherwise); audited."""
    if start > end:
        raise DomainError("Ngày bắt đầu phải trước ngày kết thúc.", field="start")
    f = political.political_figure(actor=request.user, org_id=org_id, start=start, end=end)
    return {"total": f.total, "text": f.vn(), "by_purpose": f.by_purpose, "meets": f.meets,
            "not_meets": f.not_meets, "case_ids": f.case_ids}


@router.get("/political-cases/{int:case_id}", response={200: PoliticalCaseOut, **READ_ERRORS},
            url_name="political_case_detail")
def political_case_detail_api(request: HttpRequest, case_id: int) -> dict:
    """One political-standard conclusion. Only the political-protection role (404 otherwise); audited."""
    return _case(political.political_case_read(actor=request.user, pk=case_id, via="api"))


@router.post("/political-cases", response={201: PoliticalCaseOut, **WRITE_ERRORS}, url_name="political_case_record")
def political_case_record_api(request: HttpRequest, data: PoliticalCaseIn) -> Status:
    """Record a political-standard conclusion (subject: `cadre_id`, or `subject_name` and
    `subject_birth_date`). Only the political-protection role on the concluding committee
    (404 otherwise)."""
    case = political.political_case_record(actor=request.user, data=political.PoliticalCaseInput(
        org_id=data.org_id, purpose=data.purpose, conclusion=data.conclusion, concluding_body=data.concluding_body,
        concluded_on=data.concluded_on, cadre_id=data.cadre_id, subject_name=data.subject_name,
        subject_birth_date=data.subject_birth_date, relatives_checked=data.relatives_checked,
        conclusion_text=data.conclusion_text))
    return Status(201, _case(case))


# --- confidence votes (R-090…R-092) --------------------------------------------------------------


class VoteCampaignItem(Schema):
    id: int
    org_id: int
    name: str
    regime: str
    year: int


class VoteUnitOut(Schema):
    id: int
    name: str
    org_id: int | None
    status: str
    status_label: str
    held_on: date | None
    reason: str
    decision: str


class VoteResultOut(Schema):
    voter_group: str
    summoned: int
    attended: int
    valid: int
    high: int
    medium: int
    low: int
    low_percent: float
    band: str
    band_label: str
    consequence: str


class VoteCadreOut(Schema):
    unit_id: int
    cadre_id: int
    full_name: str
    title_id: int
    title_name: str
    band: str
    band_label: str
    consequence: str
    results: list[VoteResultOut]


class VoteCampaignDetail(VoteCampaignItem):
    coverage_done: int
    coverage_total: int
    coverage_text: str
    units: list[VoteUnitOut]
    cadres: list[VoteCadreOut]


@router.get("/confidence-votes", response={200: list[VoteCampaignItem], **READ_ERRORS}, url_name="vote_campaign_list")
def vote_campaign_list_api(request: HttpRequest) -> list:
    """Confidence-vote campaigns of committees in the user's scope."""
    return [{"id": c.pk, "org_id": c.org_id, "name": c.name, "regime": c.regime, "year": c.year}
            for c in votes.campaign_list(actor=request.user)]


@router.get("/confidence-votes/{int:campaign_id}", response={200: VoteCampaignDetail, **READ_ERRORS},
            url_name="vote_campaign_detail")
def vote_campaign_detail_api(request: HttpRequest, campaign_id: int) -> dict:
    """A campaign: coverage ("42/46 đơn vị"), every unit with its status and reason, and per
    cadre × title the ballots of each voter group with the derived band and consequence (R-090,
    R-091; the cadre's band is the worst of its groups). Audited."""
    v = votes.campaign_read(actor=request.user, pk=campaign_id, via="api")
    c = v.campaign

    def band(b):
        return {"band": b.key, "band_label": b.label, "consequence": b.consequence}

    return {
        "id": c.pk, "org_id": c.org_id, "name": c.name, "regime": c.regime, "year": c.year,
        "coverage_done": v.coverage.done, "coverage_total": v.coverage.total, "coverage_text": v.coverage.vn(),
        "units": [{"id": u.pk, "name": u.name, "org_id": u.org_id, "status": u.status,
                   "status_label": u.get_status_display(), "held_on": u.held_on, "reason": u.reason,
                   "decision": u.decision} for u in v.units],
        "cadres": [{"unit_id": row.unit.pk, "cadre_id": row.cadre.pk, "full_name": row.cadre.full_name,
                    "title_id": row.title.pk, "title_name": row.title.name, **band(row.band),
                    "results": [{"voter_group": r.voter_group, "summoned": r.summoned, "attended": r.attended,
                                 "valid": r.valid, "high": r.high, "medium": r.medium, "low": r.low,
                                 "low_percent": b.low_percent, **band(b)} for r, b in row.results]}
                   for row in v.cadres],
    }


# --- eligibility before an action (R-092a, R-095) -------------------------------------------------


class CheckOut(Schema):
    key: str
    ok: bool | None
    message: str


class EligibilityOut(Schema):
    cadre_id: int
    title_id: int
    kind: str
    received_on: date
    regulation: str
    becomes_extension: bool
    ok: bool
    checks: list[CheckOut]


@router.get("/{int:cadre_id}/eligibility", response={200: EligibilityOut, **READ_ERRORS}, url_name="cadre_eligibility")
def cadre_eligibility_api(request: HttpRequest, cadre_id: int, title_id: int,
                          kind: Literal["appointment", "reappointment", "nomination"],
                          received_on: date) -> dict:
    """For a proposed appointment, re-appointment or nomination of the cadre to `title_id`, on the
    date the personnel body receives it: each condition with `ok` true (holds), false (missing)
    or null (no data / confirmed by the political-protection staff), the regulation in force
    (80-QĐ/TW or 377-QĐ/TW) and whether a re-appointment becomes an extension. Audited."""
    _, title, result = sel.eligibility_read(actor=request.user, pk=cadre_id, title_id=title_id, kind=kind,
                                            received_on=received_on, via="api")
    return {"cadre_id": cadre_id, "title_id": title.pk, "kind": kind, "received_on": received_on,
            "regulation": result.regulation, "becomes_extension": result.becomes_extension, "ok": result.ok,
            "checks": [{"key": c.key, "ok": c.ok, "message": c.message} for c in result.checks]}
