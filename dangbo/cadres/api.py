"""API routes of cadre work (/api/v1/cadres/...): the same selectors and services as the pages.

A cadre outside the user's scope is 404 "Không tìm thấy"; reading a cadre's record is audited;
recording a decision needs the "record" right on the deciding committee (404 outside scope, 403
for a view-only role) and a refused rule is 422 with the Vietnamese message and the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from dangbo.access import policy
from dangbo.audit.services import audit_read
from dangbo.cadres import kinship, political, training, votes
from dangbo.cadres import selectors as sel
from dangbo.cadres.models import (
    ActionType,
    Cadre,
    CourseKind,
    CourseMode,
    Delegation,
    EnrolmentResult,
    FamilyRelation,
    PoliticalConclusion,
    PoliticalPurpose,
    Relationship,
    SalaryEvent,
    SalaryEventType,
    TrainingCourse,
    TrainingEnrolment,
)
from dangbo.cadres.services import ActionInput, DecisionInput, decision_record
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, IsoDate, PageNumber, PageSize, as_of, paginate
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
    on: IsoDate
    title_id: int | None = None
    org_id: int | None = None
    planned_months: int | None = None
    note: str = ""


class CadreDecisionIn(Schema):
    number: str
    signed_on: IsoDate
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
    return {
        "id": c.pk,
        "full_name": c.full_name,
        "birth_date": c.birth_date,
        "sex": c.sex,
        "managing_org_id": c.managing_org_id,
        "management_class": c.management_class,
        "theory_level": c.theory_level,
    }


@router.get("/", response={200: CadrePage, **READ_ERRORS}, url_name="cadre_list")
def cadre_list_api(
    request: HttpRequest,
    q: str = "",
    title_group: str = "",
    management_class: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    planned_title_id: int | None = None,
    at: IsoDate | None = None,
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> dict:
    """Cadres the user may see (managed by a committee in scope), by name; filters: title group
    held on `at`, management class, age band on `at` (`age_min`..`age_max` years), in planning
    for title `planned_title_id` on `at`. 50 per page."""
    for name, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not 0 <= value <= 120:
            raise DomainError("Tuổi phải từ 0 đến 120.", field=name)
    filters = sel.CadreFilters(
        q=nfc(q),
        title_group=nfc(title_group),
        management_class=nfc(management_class),
        age_min=age_min,
        age_max=age_max,
        planned_title_id=planned_title_id,
        at=at,
    )
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
        **_item(c),
        "education": c.education,
        "qualification": c.qualification,
        "state_management_level": c.state_management_level,
        "management_class_from": c.management_class_from,
        "member_id": c.member_id,
        "actions": [
            {
                "id": a.pk,
                "type": a.type,
                "type_label": a.get_type_display(),
                "on": a.on,
                "title_id": a.title_id,
                "title_name": a.title.name if a.title else "",
                "is_head": a.title.is_head if a.title else None,
                "decision_number": a.decision.number,
                "decision_signed_on": a.decision.signed_on,
                "decision_body": a.decision.body,
                "planned_months": a.planned_months,
                "voided": a.pk in voided,
                "corrects_id": a.corrects_id,
                "note": a.note,
            }
            for a in record.actions
        ],
        "holdings": [
            {
                "title_id": h.title_id,
                "title_name": h.title.name,
                "valid_from": h.valid_from,
                "valid_to": h.valid_to,
                "obtained_by": h.obtained_by,
            }
            for h in record.holdings
        ],
        "planning": [
            {
                "term": p.term.name,
                "title_id": p.title_id,
                "title_name": p.title.name,
                "round": p.round,
                "added_on": p.added_on,
                "removed_on": p.removed_on,
                "removal_reason": p.removal_reason,
            }
            for p in record.planning
        ],
    }


@router.post("/decisions", response={201: DecisionOut, **WRITE_ERRORS}, url_name="cadre_decision_record")
def decision_record_api(request: HttpRequest, data: CadreDecisionIn) -> Status:
    """Record a personnel decision (number, date, deciding body, committee) with its actions
    (appointment, re-appointment, nomination, designation, agreement, transfer, rotation with
    `planned_months`, extension, resignation, dismissal, relief). One transaction; the same
    `idempotency_key` twice returns the first decision and writes nothing."""
    require_record(request.user, data.org_id)
    key = f"api:{request.user.pk}:{data.idempotency_key}" if data.idempotency_key else ""
    decision = decision_record(
        actor=request.user,
        data=DecisionInput(
            number=data.number,
            signed_on=data.signed_on,
            body=data.body,
            org_id=data.org_id,
            idempotency_key=key,
            actions=[
                ActionInput(
                    cadre_id=a.cadre_id,
                    type=a.type,
                    on=a.on,
                    title_id=a.title_id,
                    org_id=a.org_id,
                    planned_months=a.planned_months,
                    note=a.note,
                )
                for a in data.actions
            ],
        ),
    )
    return Status(
        201,
        {
            "id": decision.pk,
            "number": decision.number,
            "signed_on": decision.signed_on,
            "action_ids": list(decision.actions.order_by("id").values_list("pk", flat=True)),
        },
    )


@router.get("/figures", response={200: dict[str, SplitOut], **READ_ERRORS}, url_name="cadre_figures")
def cadre_figures_api(request: HttpRequest, org_id: int, start: IsoDate, end: IsoDate) -> dict:
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
    concluded_on: IsoDate
    cadre_id: int | None = None
    subject_name: str = ""
    subject_birth_date: IsoDate | None = None
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
    return {
        "id": c.pk,
        "org_id": c.org_id,
        "cadre_id": c.cadre_id,
        "subject_name": c.subject_name,
        "subject_birth_date": c.subject_birth_date,
        "purpose": c.purpose,
        "purpose_label": c.get_purpose_display(),
        "relatives_count": c.relatives_count,
        "relatives_checked": c.relatives_checked,
        "conclusion": c.conclusion,
        "conclusion_label": c.get_conclusion_display(),
        "conclusion_text": c.conclusion_text,
        "concluding_body": c.concluding_body,
        "concluded_on": c.concluded_on,
    }


@router.get("/political-cases", response={200: list[PoliticalCaseOut], **READ_ERRORS}, url_name="political_case_list")
def political_case_list_api(
    request: HttpRequest, purpose: str = "", start: IsoDate | None = None, end: IsoDate | None = None
) -> list:
    """Political-standard conclusions (newest first, at most 500). Only the internal political
    protection role; everyone else gets 404. The read is audited."""
    if purpose and purpose not in PoliticalPurpose.values:
        raise DomainError("Mục đích kết luận không hợp lệ", field="purpose")
    return [
        _case(c)
        for c in political.political_cases(actor=request.user, purpose=purpose, start=start, end=end, via="api")
    ]


@router.get(
    "/political-cases/figure", response={200: PoliticalFigureOut, **READ_ERRORS}, url_name="political_case_figure"
)
def political_case_figure_api(request: HttpRequest, org_id: int, start: IsoDate, end: IsoDate) -> dict:
    """Conclusions made over [start, end] in the organization's subtree, by purpose (R-097).
    Only the political-protection role (404 otherwise); audited."""
    if start > end:
        raise DomainError("Ngày bắt đầu phải trước ngày kết thúc.", field="start")
    f = political.political_figure(actor=request.user, org_id=org_id, start=start, end=end)
    return {
        "total": f.total,
        "text": f.vn(),
        "by_purpose": f.by_purpose,
        "meets": f.meets,
        "not_meets": f.not_meets,
        "case_ids": f.case_ids,
    }


@router.get(
    "/political-cases/{int:case_id}", response={200: PoliticalCaseOut, **READ_ERRORS}, url_name="political_case_detail"
)
def political_case_detail_api(request: HttpRequest, case_id: int) -> dict:
    """One political-standard conclusion. Only the political-protection role (404 otherwise); audited."""
    return _case(political.political_case_read(actor=request.user, pk=case_id, via="api"))


@router.post("/political-cases", response={201: PoliticalCaseOut, **WRITE_ERRORS}, url_name="political_case_record")
def political_case_record_api(request: HttpRequest, data: PoliticalCaseIn) -> Status:
    """Record a political-standard conclusion (subject: `cadre_id`, or `subject_name` and
    `subject_birth_date`). Only the political-protection role on the concluding committee
    (404 otherwise)."""
    case = political.political_case_record(
        actor=request.user,
        data=political.PoliticalCaseInput(
            org_id=data.org_id,
            purpose=data.purpose,
            conclusion=data.conclusion,
            concluding_body=data.concluding_body,
            concluded_on=data.concluded_on,
            cadre_id=data.cadre_id,
            subject_name=data.subject_name,
            subject_birth_date=data.subject_birth_date,
            relatives_checked=data.relatives_checked,
            conclusion_text=data.conclusion_text,
        ),
    )
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
    return [
        {"id": c.pk, "org_id": c.org_id, "name": c.name, "regime": c.regime, "year": c.year}
        for c in votes.campaign_list(actor=request.user)
    ]


@router.get(
    "/confidence-votes/{int:campaign_id}",
    response={200: VoteCampaignDetail, **READ_ERRORS},
    url_name="vote_campaign_detail",
)
def vote_campaign_detail_api(request: HttpRequest, campaign_id: int) -> dict:
    """A campaign: coverage ("42/46 đơn vị"), every unit with its status and reason, and per
    cadre × title the ballots of each voter group with the derived band and consequence (R-090,
    R-091; the cadre's band is the worst of its groups). Audited."""
    v = votes.campaign_read(actor=request.user, pk=campaign_id, via="api")
    c = v.campaign

    def band(b):
        return {"band": b.key, "band_label": b.label, "consequence": b.consequence}

    return {
        "id": c.pk,
        "org_id": c.org_id,
        "name": c.name,
        "regime": c.regime,
        "year": c.year,
        "coverage_done": v.coverage.done,
        "coverage_total": v.coverage.total,
        "coverage_text": v.coverage.vn(),
        "units": [
            {
                "id": u.pk,
                "name": u.name,
                "org_id": u.org_id,
                "status": u.status,
                "status_label": u.get_status_display(),
                "held_on": u.held_on,
                "reason": u.reason,
                "decision": u.decision,
            }
            for u in v.units
        ],
        "cadres": [
            {
                "unit_id": row.unit.pk,
                "cadre_id": row.cadre.pk,
                "full_name": row.cadre.full_name,
                "title_id": row.title.pk,
                "title_name": row.title.name,
                **band(row.band),
                "results": [
                    {
                        "voter_group": r.voter_group,
                        "summoned": r.summoned,
                        "attended": r.attended,
                        "valid": r.valid,
                        "high": r.high,
                        "medium": r.medium,
                        "low": r.low,
                        "low_percent": b.low_percent,
                        **band(b),
                    }
                    for r, b in row.results
                ],
            }
            for row in v.cadres
        ],
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
def cadre_eligibility_api(
    request: HttpRequest,
    cadre_id: int,
    title_id: int,
    kind: Literal["appointment", "reappointment", "nomination"],
    received_on: IsoDate,
) -> dict:
    """For a proposed appointment, re-appointment or nomination of the cadre to `title_id`, on the
    date the personnel body receives it: each condition with `ok` true (holds), false (missing)
    or null (no data / confirmed by the political-protection staff), the regulation in force
    (80-QĐ/TW or 377-QĐ/TW) and whether a re-appointment becomes an extension. Audited."""
    _, title, result = sel.eligibility_read(
        actor=request.user, pk=cadre_id, title_id=title_id, kind=kind, received_on=received_on, via="api"
    )
    return {
        "cadre_id": cadre_id,
        "title_id": title.pk,
        "kind": kind,
        "received_on": received_on,
        "regulation": result.regulation,
        "becomes_extension": result.becomes_extension,
        "ok": result.ok,
        "checks": [{"key": c.key, "ok": c.ok, "message": c.message} for c in result.checks],
    }


# --- training (đào tạo, bồi dưỡng) ---------------------------------------------------------------


class CourseOut(Schema):
    id: int
    org_id: int
    name: str
    kind: str
    kind_label: str
    level: str
    mode: str
    mode_label: str
    institution: str
    starts_on: date
    ends_on: date | None


class CourseIn(Schema):
    org_id: int
    name: str
    kind: Literal[tuple(CourseKind.values)]  # type: ignore[valid-type]
    starts_on: IsoDate
    mode: Literal[tuple(CourseMode.values)] = CourseMode.FULL_TIME  # type: ignore[valid-type]
    level: str = ""
    institution: str = ""
    ends_on: IsoDate | None = None


class EnrolmentOut(Schema):
    id: int
    course_id: int
    course_name: str
    cadre_id: int
    full_name: str
    sent_on: date
    decision: str
    result: str
    result_label: str
    completed_on: date | None
    certificate: str


class CourseDetail(CourseOut):
    enrolments: list[EnrolmentOut]


class EnrolIn(Schema):
    cadre_id: int
    sent_on: IsoDate
    decision: str = ""


class EnrolmentResultIn(Schema):
    result: Literal[tuple(v for v in EnrolmentResult.values if v != EnrolmentResult.STUDYING)]  # type: ignore[valid-type]
    completed_on: IsoDate
    certificate: str = ""


class CadreTrainingOut(Schema):
    cadre_id: int
    at: date
    theory_level: str
    state_management_level: str
    enrolments: list[EnrolmentOut]


def _course(c) -> dict:
    return {
        "id": c.pk,
        "org_id": c.org_id,
        "name": c.name,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "level": c.level,
        "mode": c.mode,
        "mode_label": c.get_mode_display(),
        "institution": c.institution,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
    }


def _enrolment(e) -> dict:
    return {
        "id": e.pk,
        "course_id": e.course_id,
        "course_name": e.course.name,
        "cadre_id": e.cadre_id,
        "full_name": e.cadre.full_name,
        "sent_on": e.sent_on,
        "decision": e.decision,
        "result": e.result,
        "result_label": e.get_result_display(),
        "completed_on": e.completed_on,
        "certificate": e.certificate,
    }


@router.get("/training/courses", response={200: list[CourseOut], **READ_ERRORS}, url_name="cadre_course_list")
def course_list_api(request: HttpRequest) -> list:
    """Training courses of committees in the user's scope, newest first (at most 500)."""
    return [_course(c) for c in training.courses(actor=request.user)[:500]]


@router.post("/training/courses", response={201: CourseOut, **WRITE_ERRORS}, url_name="cadre_course_create")
def course_create_api(request: HttpRequest, data: CourseIn) -> Status:
    """Open a course of the committee `org_id` (needs "record" there). `level`: for political
    theory so_cap, trung_cap, cao_cap or cu_nhan; for state management chuyen_vien,
    chuyen_vien_chinh or chuyen_vien_cao_cap. Audited."""
    require_record(request.user, data.org_id)
    c = training.course_create(
        actor=request.user,
        org_id=data.org_id,
        name=data.name,
        kind=data.kind,
        starts_on=data.starts_on,
        mode=data.mode,
        level=data.level,
        institution=data.institution,
        ends_on=data.ends_on,
    )
    return Status(201, _course(c))


@router.get(
    "/training/courses/{int:course_id}", response={200: CourseDetail, **READ_ERRORS}, url_name="cadre_course_detail"
)
def course_detail_api(request: HttpRequest, course_id: int) -> dict:
    """A course with the cadres in scope sent to it and their results."""
    c = policy.get_in_scope_or_404(TrainingCourse, request.user, course_id)
    enrolments = (
        policy.for_user(TrainingEnrolment, request.user)
        .filter(course=c)
        .select_related("course", "cadre")
        .order_by("cadre__full_name", "id")
    )
    return {**_course(c), "enrolments": [_enrolment(e) for e in enrolments]}


@router.post(
    "/training/courses/{int:course_id}/enrolments",
    response={201: EnrolmentOut, **WRITE_ERRORS},
    url_name="cadre_course_enrol",
)
def course_enrol_api(request: HttpRequest, course_id: int, data: EnrolIn) -> Status:
    """Send a cadre in scope to the course (once per cadre and course). Audited."""
    c = policy.get_in_scope_or_404(TrainingCourse, request.user, course_id)
    require_record(request.user, c.org_id)
    e = training.enrol(
        actor=request.user, course=c, cadre_id=data.cadre_id, sent_on=data.sent_on, decision=data.decision
    )
    return Status(201, _enrolment(e))


@router.post(
    "/training/enrolments/{int:enrolment_id}/result",
    response={200: EnrolmentOut, **WRITE_ERRORS},
    url_name="cadre_enrolment_result",
)
def enrolment_result_api(request: HttpRequest, enrolment_id: int, data: EnrolmentResultIn) -> dict:
    """Record the result of an enrolment (once). A passed theory or state-management course raises
    the cadre's level from `completed_on`. Audited."""
    e = policy.get_in_scope_or_404(
        TrainingEnrolment.objects.select_related("course", "cadre"), request.user, enrolment_id
    )
    require_record(request.user, e.cadre.managing_org_id)
    e = training.enrolment_result(
        actor=request.user,
        enrolment=e,
        result=data.result,
        completed_on=data.completed_on,
        certificate=data.certificate,
    )
    return _enrolment(e)


@router.get("/{int:cadre_id}/training", response={200: CadreTrainingOut, **READ_ERRORS}, url_name="cadre_training")
def cadre_training_api(request: HttpRequest, cadre_id: int, at: IsoDate | None = None) -> dict:
    """A cadre's political-theory and state-management levels as of `at` (default today) and the
    courses the cadre was sent to."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, cadre_id)
    at = as_of(at)
    levels = training.levels_on(cadre, at)
    enrolments = cadre.trainings.select_related("course", "cadre").order_by("sent_on", "id")
    return {
        "cadre_id": cadre.pk,
        "at": at,
        "theory_level": levels.theory,
        "state_management_level": levels.state_management,
        "enrolments": [_enrolment(e) for e in enrolments],
    }


# --- yearly training-needs registration (đăng ký nhu cầu đào tạo, bồi dưỡng) -----------------------------

NeedYear = Annotated[int, Field(ge=2000, le=2100, description="Năm đăng ký, 2000–2100.")]


class TrainingNeedOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    kind: str
    level: str
    label: str
    mode: str
    mode_label: str
    count: int
    note: str


class TrainingNeedIn(Schema):
    org_id: int
    year: NeedYear
    kind: Literal[tuple(CourseKind.values)]  # type: ignore[valid-type]
    count: Annotated[int, Field(ge=0, le=10000, description="Số người, 0–10.000 (0: rút đăng ký).")]
    mode: Literal[tuple(CourseMode.values)] = CourseMode.FULL_TIME  # type: ignore[valid-type]
    level: str = ""
    note: str = ""


class NeedRowOut(Schema):
    kind: str
    level: str
    label: str
    mode: str
    mode_label: str
    registered: int
    sent: int
    met_percent: float | None


class NeedFiguresOut(Schema):
    registered: int
    registered_full_time: int
    registered_part_time: int
    met: int
    met_percent: float | None
    text: str
    rows: list[NeedRowOut]


class TrainingNeedsOut(Schema):
    year: int
    org_id: int | None
    registrations: list[TrainingNeedOut]
    figures: NeedFiguresOut | None


def org_name_on_or_latest(org_id: int, year: int) -> str:
    from dangbo.orgs.selectors import org_names_on_or_latest

    return org_names_on_or_latest(org_ids=[org_id], at=date(year, 12, 31)).get(org_id, "")


def _need(n) -> dict:
    return {
        "id": n.pk,
        "org_id": n.org_id,
        "org_name": getattr(n, "org_name", None) or org_name_on_or_latest(n.org_id, n.year),
        "year": n.year,
        "kind": n.kind,
        "level": n.level,
        "label": training.need_label(n.kind, n.level),
        "mode": n.mode,
        "mode_label": n.get_mode_display(),
        "count": n.count,
        "note": n.note,
    }


@router.get("/training/needs", response={200: TrainingNeedsOut, **READ_ERRORS}, url_name="cadre_training_needs")
def training_needs_api(request: HttpRequest, year: NeedYear, org_id: int | None = None) -> dict:
    """The yearly training-needs registrations of the units in scope for `year` (of `org_id`'s
    subtree when given: 404 outside scope), at most 500; with `org_id`, the figure "registered vs
    sent" per course kind, level and mode (cadres of the subtree sent that year)."""
    rows = training.needs_list(actor=request.user, year=year, org_id=org_id)
    figures = None
    if org_id is not None:
        f = training.needs_figures(actor=request.user, org_id=org_id, year=year)
        figures = {
            "registered": f.registered,
            "registered_full_time": f.registered_full_time,
            "registered_part_time": f.registered_part_time,
            "met": f.met,
            "met_percent": f.met_percent,
            "text": f.vn(),
            "rows": [{**r.__dict__, "met_percent": r.met_percent} for r in f.rows],
        }
    return {"year": year, "org_id": org_id, "registrations": [_need(n) for n in rows], "figures": figures}


@router.post(
    "/training/needs", response={201: TrainingNeedOut, **WRITE_ERRORS}, url_name="cadre_training_need_register"
)
def training_need_register_api(request: HttpRequest, data: TrainingNeedIn) -> Status:
    """Register a unit's training need for a year (needs "record" on the unit): how many cadres
    to send to a kind of course (`level` for political theory so_cap, trung_cap, cao_cap or
    cu_nhan; for state management chuyen_vien, chuyen_vien_chinh or chuyen_vien_cao_cap). Registering
    the same unit, year, kind, level and mode again replaces the number. Audited."""
    require_record(request.user, data.org_id)
    n = training.need_register(actor=request.user, **data.dict())
    return Status(201, _need(n))


# --- ranks and salary steps (ngạch, bậc lương) ---------------------------------------------------------


class SalaryEventOut(Schema):
    id: int
    type: str
    type_label: str
    on: date
    rank_code: str
    rank_name: str
    step: int | None
    coefficient: str | None
    allowance: str
    decision: str
    note: str
    voided: bool


class CadreSalaryOut(Schema):
    cadre_id: int
    at: date
    rank_code: str
    rank_name: str
    step: int | None
    step_since: date | None
    events: list[SalaryEventOut]


class SalaryEventIn(Schema):
    cadre_id: int
    type: Literal[tuple(v for v in SalaryEventType.values if v != SalaryEventType.CORRECTION)]  # type: ignore[valid-type]
    on: IsoDate
    rank_code: str = ""
    rank_name: str = ""
    step: int | None = None
    coefficient: str | None = None
    allowance: str = ""
    decision: str = ""
    note: str = ""


class RaiseDueOut(Schema):
    cadre_id: int
    full_name: str
    managing_org_id: int
    rank_name: str
    step: int
    step_since: date
    due_on: date
    early_from: date
    kind: str


def _salary(e, voided: set[int]) -> dict:
    return {
        "id": e.pk,
        "type": e.type,
        "type_label": e.get_type_display(),
        "on": e.on,
        "rank_code": e.rank_code,
        "rank_name": e.rank_name,
        "step": e.step,
        "coefficient": None if e.coefficient is None else str(e.coefficient),
        "allowance": e.allowance,
        "decision": e.decision,
        "note": e.note,
        "voided": e.pk in voided,
    }


@router.get("/{int:cadre_id}/salary", response={200: CadreSalaryOut, **READ_ERRORS}, url_name="cadre_salary")
def cadre_salary_api(request: HttpRequest, cadre_id: int, at: IsoDate | None = None) -> dict:
    """A cadre's rank and salary-step history (corrections left out, voided events flagged) and the
    rank and step as of `at` (default today)."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, cadre_id)
    at = as_of(at)
    events = list(SalaryEvent.objects.filter(cadre=cadre).order_by("on", "id"))
    voided = {e.corrects_id for e in events if e.corrects_id}
    now = training.rank_step_on(cadre.pk, at)
    return {
        "cadre_id": cadre.pk,
        "at": at,
        "rank_code": now.rank_code,
        "rank_name": now.rank_name,
        "step": now.step,
        "step_since": now.step_since,
        "events": [_salary(e, voided) for e in events if e.type != SalaryEventType.CORRECTION],
    }


@router.post("/salary-events", response={201: SalaryEventOut, **WRITE_ERRORS}, url_name="cadre_salary_record")
def salary_record_api(request: HttpRequest, data: SalaryEventIn) -> Status:
    """Record a rank or salary event of a cadre in scope: a regular step raise after the full
    interval, an early one at most `salary_early_step_max_months` early, exactly one step up;
    rank appointments and transfers name the rank. Audited."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, data.cadre_id)
    require_record(request.user, cadre.managing_org_id)
    e = training.salary_record(actor=request.user, data=training.SalaryInput(**data.dict()))
    return Status(201, _salary(e, set()))


class SalaryVoidIn(Schema):
    reason: str


@router.post(
    "/salary-events/{int:salary_event_id}/void",
    response={200: SalaryEventOut, **WRITE_ERRORS},
    url_name="cadre_salary_void",
)
def salary_void_api(request: HttpRequest, salary_event_id: int, data: SalaryVoidIn) -> dict:
    """Void (hủy) a wrongly recorded rank or salary event of a cadre in scope, with a reason
    (required, at most 500 characters): a correction is appended, the event stays in the history
    flagged `voided` and no longer counts for the rank and step or the figures. An event already
    voided, or a correction, is refused (422). Audited."""
    event = policy.get_in_scope_or_404(SalaryEvent.objects.select_related("cadre"), request.user, salary_event_id)
    require_record(request.user, event.cadre.managing_org_id)
    training.salary_void(actor=request.user, event=event, reason=data.reason)
    return _salary(event, {event.pk})


@router.get("/salary/raises-due", response={200: list[RaiseDueOut], **READ_ERRORS}, url_name="cadre_raises_due")
def raises_due_api(request: HttpRequest, at: IsoDate | None = None, months: int = 0, org_id: int | None = None) -> list:
    """Cadres in scope (of `org_id`'s subtree when given) whose regular step raise is due by `at` +
    `months` months (kind "regular"), or who may be raised early by then (kind "early")."""
    if not 0 <= months <= 36:
        raise DomainError("Số tháng phải từ 0 đến 36.", field="months")
    return [r.__dict__ for r in training.raises_due(actor=request.user, at=as_of(at), months=months, org_id=org_id)]


# --- delegation (phân cấp quản lý cán bộ) and family relations ------------------------------------------


class DelegationOut(Schema):
    id: int
    province_id: int
    title_group: str
    action: str
    action_label: str
    decides: str
    appraises: str
    agrees: str
    consulted: str
    valid_from: date
    valid_to: date | None
    source: str


class DelegationIn(Schema):
    province_id: int
    title_group: str
    action: RecordableAction
    decides: str
    valid_from: IsoDate
    appraises: str = ""
    agrees: str = ""
    consulted: str = ""
    source: str = ""


class RelationOut(Schema):
    id: int
    cadre_id: int
    relationship: str
    relationship_label: str
    relative_name: str
    relative_birth_year: int | None
    relative_cadre_id: int | None
    occupation: str


class RelationIn(Schema):
    relationship: Literal[tuple(Relationship.values)]  # type: ignore[valid-type]
    relative_name: str
    relative_birth_year: int | None = None
    relative_cadre_id: int | None = None
    occupation: str = ""


def _delegation(d) -> dict:
    return {
        "id": d.pk,
        "province_id": d.province_id,
        "title_group": d.title_group,
        "action": d.action,
        "action_label": d.get_action_display(),
        "decides": d.decides,
        "appraises": d.appraises,
        "agrees": d.agrees,
        "consulted": d.consulted,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
        "source": d.source,
    }


def _relation(r) -> dict:
    return {
        "id": r.pk,
        "cadre_id": r.cadre_id,
        "relationship": r.relationship,
        "relationship_label": r.get_relationship_display(),
        "relative_name": r.relative_name,
        "relative_birth_year": r.relative_birth_year,
        "relative_cadre_id": r.relative_cadre_id,
        "occupation": r.occupation,
    }


@router.get("/delegations", response={200: list[DelegationOut], **READ_ERRORS}, url_name="cadre_delegation_list")
def delegation_list_api(request: HttpRequest, at: IsoDate | None = None) -> list:
    """The delegation matrix in force on `at` (default today) of the provinces in scope: per title
    group and action, who decides, appraises, must agree and is consulted."""
    at = as_of(at)
    rows = (
        policy.for_user(Delegation, request.user)
        .filter(valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .order_by("title_group", "action", "id")
    )
    return [_delegation(d) for d in rows[:1000]]


@router.post("/delegations", response={201: DelegationOut, **WRITE_ERRORS}, url_name="cadre_delegation_set")
def delegation_set_api(request: HttpRequest, data: DelegationIn) -> Status:
    """Record a new version for a title group and action; the one in force is closed the day
    before `valid_from`. Audited."""
    require_record(request.user, data.province_id)
    d = kinship.delegation_set(actor=request.user, **data.dict())
    return Status(201, _delegation(d))


@router.get("/{int:cadre_id}/relations", response={200: list[RelationOut], **READ_ERRORS}, url_name="cadre_relations")
def cadre_relations_api(request: HttpRequest, cadre_id: int) -> list:
    """A cadre's declared relatives. The read is audited."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, cadre_id)
    rows = list(policy.for_user(FamilyRelation, request.user).filter(cadre=cadre).order_by("id"))
    audit_read(
        actor=request.user,
        obj=cadre,
        org_id=cadre.managing_org_id,
        what="cadre_relations",
        summary=f"Xem quan hệ gia đình của cán bộ {cadre.full_name} (API)",
    )
    return [_relation(r) for r in rows]


@router.post("/{int:cadre_id}/relations", response={201: RelationOut, **WRITE_ERRORS}, url_name="cadre_relation_add")
def cadre_relation_add_api(request: HttpRequest, cadre_id: int, data: RelationIn) -> Status:
    """Declare a relative of a cadre in scope (optionally another cadre: the 114-QĐ/TW check).
    Audited."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, cadre_id)
    require_record(request.user, cadre.managing_org_id)
    r = kinship.relation_add(actor=request.user, cadre_id=cadre.pk, **data.dict())
    return Status(201, _relation(r))


class KinshipCaseOut(Schema):
    org_id: int
    cadre_id: int
    cadre_name: str
    cadre_title: str
    relationship: str
    relationship_label: str
    relative_cadre_id: int
    relative_name: str
    relative_title: str


class KinshipCheckOut(Schema):
    org_id: int
    at: date
    count: int
    cases: list[KinshipCaseOut]


@router.get("/kinship-check", response={200: KinshipCheckOut, **READ_ERRORS}, url_name="cadre_kinship_check")
def kinship_check_api(request: HttpRequest, org_id: int, at: IsoDate | None = None) -> dict:
    """114-QĐ/TW: pairs of declared relatives who, on `at` (default today), both hold a title in the
    same organization of `org_id`'s subtree, one of them a head (cấp trưởng). An organization outside
    the user's scope is 404. The read is audited."""
    at = as_of(at)
    cases = kinship.kinship_conflicts(actor=request.user, org_id=org_id, at=at)
    return {
        "org_id": org_id,
        "at": at,
        "count": len(cases),
        "cases": [
            {
                "org_id": c.org_id,
                "cadre_id": c.relation.cadre_id,
                "cadre_name": c.relation.cadre.full_name,
                "cadre_title": c.cadre_title,
                "relationship": c.relation.relationship,
                "relationship_label": c.relation.get_relationship_display(),
                "relative_cadre_id": c.relation.relative_cadre_id,
                "relative_name": c.relation.relative_cadre.full_name,
                "relative_title": c.relative_title,
            }
            for c in cases
        ],
    }
