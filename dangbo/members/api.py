"""API routes of the member registry: list, dossier, events, admission and corrections.

Thin: parse → members.selectors / members.services (the same functions the pages call) → schema.
Reads start from the scope function: a member outside the user's scope is 404 "Không tìm thấy".

Writes (see `require_record`): the organization written to must be in scope (else 404, exactly as
if it did not exist) and the user needs the "record" right there; a user who can see the record
but only read it (leader, cell secretary) gets 403. The services check the right again and replay
the rules before writing: a refused rule is 422 with the Vietnamese message, `field` and `rule`,
and nothing is written.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus

from dangbo.access import policy
from dangbo.access.policy import can, get_member_or_404, scope_orgs
from dangbo.core.api import (
    NOT_FOUND,
    READ_ERRORS,
    READ_ONLY,
    WRITE_ERRORS,
    IsoDate,
    OrgRef,
    PageNumber,
    PageSize,
    ReadOnly,
    as_of,
    paginate,
)
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.core.reference import exists
from dangbo.core.text import mask_citizen_id, nfc
from dangbo.members.filters import MemberFilterSet
from dangbo.members.models import EventType, Member, MemberEvent, MembershipSpan, Status
from dangbo.members.selectors import (
    AGE_BANDS,
    member_dossier_read,
    member_events,
    member_list,
    member_list_count,
    member_timeline,
)
from dangbo.members.services import (
    EventInput,
    ProfileInput,
    event_correct,
    event_record_org_ids,
    member_admit,
    member_record_event,
)
from dangbo.orgs.models import Organization, OrgVersion

router = Router(tags=["Đảng viên"])
events_router = Router(tags=["Đảng viên"])

ORG_NOT_FOUND = policy.not_found("tổ chức.")

StatusFilter = Literal["active", "all", *Status.values]  # type: ignore[valid-type]
AgeBand = Literal[tuple(AGE_BANDS)]  # type: ignore[valid-type]
RecordableType = Literal[tuple(t for t in EventType.values if t != EventType.CORRECTION)]  # type: ignore[valid-type]


# --- schemas -------------------------------------------------------------------------------------


class MemberListItem(Schema):
    id: int
    full_name: str
    birth_year: int
    sex: str
    sex_label: str
    ethnicity: str
    ethnicity_label: str
    citizen_id: str  # always masked in lists ("012******789")
    party_card_number: str | None
    status: str
    status_label: str
    org: OrgRef | None  # home organization on `at`
    exempt: bool
    in_transfer: bool


class MemberPage(Schema):
    at: date
    count: int
    page: int
    page_size: int
    pages: int
    items: list[MemberListItem]


class StateOut(Schema):
    status: str
    status_label: str
    org: OrgRef | None
    exempt: bool
    temp_org: OrgRef | None
    in_transfer: bool
    valid_from: date
    valid_to: date | None


class SeniorityOut(Schema):
    on: date
    months: int
    years: int
    remainder_months: int


class MemberDetailOut(Schema):
    id: int
    full_name: str
    birth_date: date | None
    birth_year: int
    sex: str
    sex_label: str
    ethnicity: str
    ethnicity_label: str
    religion: str
    religion_label: str
    hometown: str
    citizen_id: str | None
    citizen_id_masked: bool  # false only when asked (?show=citizen_id) with "view_personal" (audited)
    phone: str | None  # null unless "view_personal"
    party_card_number: str | None
    general_education: str
    professional_education: str
    theory_level: str
    theory_label: str
    occupation: str
    current_status: str
    current_status_label: str
    current_org: OrgRef | None
    admitted_on: date | None
    ceremony_on: date | None
    full_on: date | None
    probation_end: date | None
    exempt: bool
    at: date
    state: StateOut | None  # the member's state on `at` (null when not a member that day)
    seniority: SeniorityOut | None  # null when the recorded history no longer replays


class EventOut(Schema):
    id: int
    type: str
    type_label: str
    on: date
    org: OrgRef | None
    counterpart_org: OrgRef | None
    decision_number: str
    decision_date: date | None
    decision_body: str
    note: str
    payload: dict[str, Any]
    corrects_id: int | None  # for a correction: the event it voids
    voided: bool
    voided_by_id: int | None
    recorded_at: datetime
    recorded_by: str | None


class EventIn(Schema):
    type: RecordableType
    on: IsoDate
    org_id: int | None = None
    counterpart_org_id: int | None = None
    decision_number: str = ""
    decision_date: IsoDate | None = None
    decision_body: str = ""
    note: str = ""
    payload: dict[str, Any] = {}


class AdmissionIn(Schema):
    full_name: str
    sex: Literal["M", "F"]
    birth_year: int | None = None
    birth_date: IsoDate | None = None
    ethnicity: str = "01"
    religion: str = "00"
    hometown: str = ""
    citizen_id: str | None = None
    general_education: str = ""
    professional_education: str = ""
    theory_level: str = "none"
    occupation: str = ""
    phone: str = ""
    cell_id: int
    decided_on: IsoDate
    ceremony_on: IsoDate | None = None
    decision_number: str = ""
    decision_body: str = ""
    payload: dict[str, Any] = {}


class CorrectionIn(Schema):
    reason: str


# --- helpers -------------------------------------------------------------------------------------


def require_record(user, org_id: int | None) -> None:
    """Write permission on the organization a request writes to: "record" there, else 404 or 403.

    Why two codes: an organization outside the user's scope must be indistinguishable from one
    that does not exist, so it is 404 (as for reads). When the user *can* see it (a leader or a
    cell secretary: view-only roles), its existence is no secret to them and a 404 would
    contradict the GET they just made; 403 then says what is missing: the right to record.
    """
    if org_id is not None and can(user, "record", org_id):
        return
    if org_id is None or not can(user, "view", org_id):
        raise Http404(NOT_FOUND)
    raise ReadOnly(READ_ONLY)


def _require_record_on_visible(user, org_ids: list[int]) -> None:
    """For a record already fetched through the scope (a member, an event): 403 without the
    right (access.policy: "record" on each organization, anywhere in scope when none)."""
    if not policy.allows(user, "record", org_ids):
        raise ReadOnly(READ_ONLY)


def _org_names(keys: set[tuple[int, date]]) -> dict[tuple[int, date], str]:
    """Names of organizations on dates, in one query; an organization that did not exist on the
    date gets its nearest earlier name, else its first one."""
    by_org: dict[int, list[tuple[str, date]]] = {}
    rows = (
        OrgVersion.objects.filter(org_id__in={oid for oid, _ in keys})
        .order_by("org_id", "valid_from")
        .values_list("org_id", "name", "valid_from")
    )
    for oid, name, valid_from in rows:
        by_org.setdefault(oid, []).append((name, valid_from))
    result = {}
    for oid, at in keys:
        versions = by_org.get(oid, [])
        earlier = [name for name, valid_from in versions if valid_from <= at]
        result[(oid, at)] = earlier[-1] if earlier else (versions[0][0] if versions else "")
    return result


def _ref(oid: int | None, at: date, names: dict[tuple[int, date], str]) -> dict | None:
    return {"id": oid, "name": names[(oid, at)]} if oid else None


def _visible_org(user, org_id: int | None, *, field: str) -> Organization | None:
    """An organization named in a request body: it must be in the user's scope (422 otherwise,
    with the same message whether it exists or not, so nothing leaks)."""
    if org_id is None:
        return None
    org = scope_orgs(Organization.objects.filter(pk=org_id), user).first()
    if org is None:
        raise DomainError(ORG_NOT_FOUND, field=field)
    return org


def _existing_org(org_id: int | None, *, field: str) -> Organization | None:
    """The other side of a transfer: often outside the user's scope (another province), so any
    existing organization is accepted."""
    if org_id is None:
        return None
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        raise DomainError(ORG_NOT_FOUND, field=field)
    return org


def _event_out(events: list[MemberEvent]) -> list[dict]:
    keys = {(oid, e.on) for e in events for oid in (e.org_id, e.counterpart_org_id) if oid}
    names = _org_names(keys)
    voided_by = dict(
        MemberEvent.objects.filter(corrects_id__in=[e.pk for e in events]).values_list("corrects_id", "pk")
    )
    return [
        {
            "id": e.pk,
            "type": e.type,
            "type_label": e.get_type_display(),
            "on": e.on,
            "org": _ref(e.org_id, e.on, names),
            "counterpart_org": _ref(e.counterpart_org_id, e.on, names),
            "decision_number": e.decision_number,
            "decision_date": e.decision_date,
            "decision_body": e.decision_body,
            "note": e.note,
            "payload": e.payload or {},
            "corrects_id": e.corrects_id,
            "voided": e.pk in voided_by,
            "voided_by_id": voided_by.get(e.pk),
            "recorded_at": e.recorded_at,
            "recorded_by": e.recorded_by.get_username() if e.recorded_by else None,
        }
        for e in events
    ]


def _member_detail(member: Member, at: date, *, citizen_id: str, shown: bool, phone: str | None) -> dict:
    span = MembershipSpan.objects.valid_on(at).filter(member=member).first()
    keys = {(oid, at) for oid in (member.current_org_id, span and span.org_id, span and span.temp_org_id) if oid}
    names = _org_names(keys)
    try:
        timeline = member_timeline(member)
    except RuleViolation:
        timeline = None
    seniority = None
    if timeline is not None:
        months = timeline.seniority_months(at)
        seniority = {"on": at, "months": months, "years": months // 12, "remainder_months": months % 12}
    state = None
    if span is not None:
        state = {
            "status": span.status,
            "status_label": span.get_status_display(),
            "org": _ref(span.org_id, at, names),
            "exempt": span.exempt,
            "temp_org": _ref(span.temp_org_id, at, names),
            "in_transfer": span.in_transfer,
            "valid_from": span.valid_from,
            "valid_to": span.valid_to,
        }
    return {
        "id": member.pk,
        "full_name": member.full_name,
        "birth_date": member.birth_date,
        "birth_year": member.birth_year,
        "sex": member.sex,
        "sex_label": member.get_sex_display(),
        "ethnicity": member.ethnicity,
        "ethnicity_label": member.ethnicity_label,
        "religion": member.religion,
        "religion_label": member.religion_label,
        "hometown": member.hometown,
        "citizen_id": citizen_id or None,
        "citizen_id_masked": not shown,
        "phone": phone,
        "party_card_number": member.party_card_number,
        "general_education": member.general_education,
        "professional_education": member.professional_education,
        "theory_level": member.theory_level,
        "theory_label": member.theory_label,
        "occupation": member.occupation,
        "current_status": member.current_status,
        "current_status_label": member.get_current_status_display() if member.current_status else "",
        "current_org": _ref(member.current_org_id, at, names),
        "admitted_on": member.admitted_on,
        "ceremony_on": member.ceremony_on,
        "full_on": member.full_on,
        "probation_end": timeline.probation_end() if timeline else None,
        "exempt": member.exempt,
        "at": at,
        "state": state,
        "seniority": seniority,
    }


# --- members -------------------------------------------------------------------------------------


@router.get("", response={200: MemberPage, **READ_ERRORS}, url_name="member_list")
def member_list_api(
    request: HttpRequest,
    at: IsoDate | None = None,
    org: int | None = None,
    status: StatusFilter = "active",
    sex: Literal["M", "F"] | None = None,
    ethnicity: str = "",
    age_band: AgeBand | None = None,
    q: str = "",
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> dict:
    """Members the user may see, by their state on `at` (members.selectors.member_list).

    `org` limits to that organization's subtree on `at` (404 outside the scope); `status` is a
    status code, "active" (probationary + full, the default) or "all"; `ethnicity` a code or
    "minority"; `q` searches names without accents. Citizen IDs are masked. 50 per page."""
    day = as_of(at)
    if org is not None and not can(request.user, "view", org):
        raise Http404(NOT_FOUND)
    if ethnicity and ethnicity != "minority" and not exists("ethnic_groups", ethnicity):
        raise DomainError(f"Giá trị không có trong danh mục: {ethnicity}", field="ethnicity")
    if page < 1:
        raise DomainError("Số trang phải từ 1 trở lên.", field="page")
    # The list page's filters (members.filters.MemberFilterSet); "active" is its default status.
    data = {
        "org": org,
        "status": "" if status == "active" else status,
        "sex": sex,
        "ethnicity": ethnicity,
        "age_band": age_band,
        "q": nfc(q),
    }
    filterset = MemberFilterSet({k: v for k, v in data.items() if v}, actor=request.user, at=day, org_labels=False)
    if not filterset.is_valid():
        name, errors = next(iter(filterset.form.errors.items()))
        raise DomainError(str(errors[0]), field=name)
    filters = filterset.criteria
    # The count is cached under the data stamps (members.selectors.member_list_count), not recounted per page.
    result = paginate(
        member_list(actor=request.user, at=day, filters=filters),
        page=page,
        page_size=page_size,
        count=member_list_count(actor=request.user, at=day, filters=filters),
    )
    members: list[Member] = result["items"]
    spans = {s.member_id: s for s in MembershipSpan.objects.valid_on(day).filter(member_id__in=[m.pk for m in members])}
    names = _org_names({(s.org_id, day) for s in spans.values()})
    items = []
    for m in members:
        span = spans.get(m.pk)
        items.append(
            {
                "id": m.pk,
                "full_name": m.full_name,
                "birth_year": m.birth_year,
                "sex": m.sex,
                "sex_label": m.get_sex_display(),
                "ethnicity": m.ethnicity,
                "ethnicity_label": m.ethnicity_label,
                "citizen_id": mask_citizen_id(m.citizen_id),
                "party_card_number": m.party_card_number,
                "status": span.status if span else "",
                "status_label": span.get_status_display() if span else "",
                "org": _ref(span.org_id, day, names) if span else None,
                "exempt": bool(span and span.exempt),
                "in_transfer": bool(span and span.in_transfer),
            }
        )
    return {**result, "at": day, "items": items}


@router.post("/admissions", response={201: MemberDetailOut, **WRITE_ERRORS}, url_name="member_admit")
def member_admit_api(request: HttpRequest, data: AdmissionIn) -> tuple[int, dict]:
    """Admission (kết nạp) into a cell: the person's record, the admission decision and, when
    held, the ceremony (members.services.member_admit). Needs "record" on the cell."""
    require_record(request.user, data.cell_id)
    cell = Organization.objects.get(pk=data.cell_id)
    profile = ProfileInput(
        full_name=data.full_name,
        birth_year=data.birth_year or (data.birth_date.year if data.birth_date else 0),
        sex=data.sex,
        birth_date=data.birth_date,
        ethnicity=data.ethnicity,
        religion=data.religion,
        hometown=data.hometown,
        citizen_id=data.citizen_id,
        general_education=data.general_education,
        professional_education=data.professional_education,
        theory_level=data.theory_level,
        occupation=data.occupation,
        phone=data.phone,
    )
    member = member_admit(
        actor=request.user,
        profile=profile,
        cell=cell,
        decided_on=data.decided_on,
        ceremony_on=data.ceremony_on,
        decision_number=data.decision_number,
        decision_body=data.decision_body,
        payload=data.payload,
    )
    home = policy.member_home_org_id(member)
    phone = member.phone if home is not None and can(request.user, "view_personal", home) else None
    return HttpStatus(
        201,
        _member_detail(member, as_of(None), citizen_id=mask_citizen_id(member.citizen_id), shown=False, phone=phone),
    )


@router.get("/{int:member_id}", response={200: MemberDetailOut, **READ_ERRORS}, url_name="member_detail")
def member_detail_api(
    request: HttpRequest,
    member_id: int,
    at: IsoDate | None = None,
    show: Literal["citizen_id"] | None = None,
) -> dict:
    """A member's dossier: profile, state today and on `at`, party seniority on `at`. Every read
    is logged in the audit log (R-165), as on the member's page. The citizen ID is masked unless
    `show=citizen_id` is asked by a user with the "view_personal" right on the member's
    organization (that showing is logged too); the phone only with that right."""
    dossier = member_dossier_read(actor=request.user, pk=member_id, show=(show,) if show else (), via="api")
    return _member_detail(
        dossier.member, as_of(at), citizen_id=dossier.citizen_id, shown=dossier.citizen_id_shown, phone=dossier.phone
    )


@router.get("/{int:member_id}/events", response={200: list[EventOut], **READ_ERRORS}, url_name="member_events")
def member_events_api(request: HttpRequest, member_id: int) -> list[dict]:
    """Every recorded event of the member, oldest first, corrections and voided ones included."""
    member = get_member_or_404(request.user, member_id)
    return _event_out(list(member_events(member)))


@router.post("/{int:member_id}/events", response={201: EventOut, **WRITE_ERRORS}, url_name="member_record_event")
def member_record_event_api(request: HttpRequest, member_id: int, data: EventIn) -> tuple[int, dict]:
    """Record one lifecycle event (members.services.member_record_event). The rules replay first:
    a refused event is 422 `{"detail", "field", "rule"}` and nothing is written.

    `org_id` must be in the user's scope; `counterpart_org_id` (the other side of a transfer)
    may be any organization. Needs "record" on the organization the event is recorded for: the
    receiving one for entry events (admission, readmission, transfer in), else the member's."""
    member = get_member_or_404(request.user, member_id)
    org = _visible_org(request.user, data.org_id, field="org")
    counterpart = _existing_org(data.counterpart_org_id, field="counterpart_org")
    _require_record_on_visible(
        request.user, event_record_org_ids(member, event_type=data.type, org_id=org.pk if org else None)
    )
    event = member_record_event(
        actor=request.user,
        member=member,
        data=EventInput(
            type=data.type,
            on=data.on,
            org=org,
            counterpart_org=counterpart,
            decision_number=data.decision_number,
            decision_date=data.decision_date,
            decision_body=data.decision_body,
            note=data.note,
            payload=data.payload,
        ),
    )
    return HttpStatus(201, _event_out([event])[0])


# --- events --------------------------------------------------------------------------------------


@events_router.post("/{int:event_id}/correction", response={201: EventOut, **WRITE_ERRORS}, url_name="event_correct")
def event_correct_api(request: HttpRequest, event_id: int, data: CorrectionIn) -> tuple[int, dict]:
    """Void a wrongly recorded event with a reason (members.services.event_correct): a new
    correction event; nothing is deleted. 404 when the event's member is outside the scope."""
    event = MemberEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise Http404(NOT_FOUND)
    member = get_member_or_404(request.user, event.member_id)
    _require_record_on_visible(request.user, [policy.member_home_org_id(member) or event.org_id])
    correction = event_correct(actor=request.user, event=event, reason=data.reason)
    return HttpStatus(201, _event_out([correction])[0])
