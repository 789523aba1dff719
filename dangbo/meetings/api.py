"""API routes of cell life (/api/v1/meetings/...): the same selectors and services as the pages.

A meeting outside the user's scope is 404 "Không tìm thấy"; writing needs the "meet" right on the
meeting's organization (404 outside scope, 403 for a role that only sees it); a refused rule is
422 with the Vietnamese message and the field. Dates are yyyy-mm-dd.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from dangbo.access import policy
from dangbo.core.api import READ_ERRORS, READ_ONLY, WRITE_ERRORS, IsoDate, PageNumber, PageSize, ReadOnly, paginate
from dangbo.core.errors import DomainError
from dangbo.meetings import corrections, guests, handbook, services
from dangbo.meetings import selectors as sel
from dangbo.meetings.models import CommitteeSeat, CorrectionRequest, CorrectionStatus, Kind, Meeting, Presence

router = Router(tags=["Sinh hoạt chi bộ"])

KindCode = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
PresenceCode = Literal[tuple(Presence.values)]  # type: ignore[valid-type]


def _require_meet(user, org_id: int) -> None:
    if policy.can(user, "meet", org_id):
        return
    if not policy.can(user, "view", org_id):
        raise Http404(policy.NOT_FOUND)
    raise ReadOnly(READ_ONLY)


class MeetingItem(Schema):
    id: int
    org_id: int
    kind: str
    kind_label: str
    planned_on: date
    held_on: date | None
    not_held_reason: str
    status: str


class MeetingPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[MeetingItem]


class AttendanceOut(Schema):
    id: int
    member_id: int
    full_name: str
    home_org_id: int
    temporary: bool
    presence: str
    reason: str
    reply: str
    reply_reason: str


class MeetingDetail(MeetingItem):
    chair_id: int | None
    recorder_id: int | None
    agenda: str
    resolution: str
    guests: str
    attendance: list[AttendanceOut]


class MarkIn(Schema):
    member_id: int
    presence: PresenceCode
    reason: str = ""


class MeetingIn(Schema):
    org_id: int
    kind: KindCode = Kind.MONTHLY
    planned_on: IsoDate
    held_on: IsoDate | None = None
    not_held_reason: str = ""
    chair_id: int | None = None
    recorder_id: int | None = None
    agenda: str = ""
    resolution: str = ""
    guests: str = ""
    attendance: list[MarkIn] = []


class AttendanceIn(Schema):
    attendance: list[MarkIn]


class MeetingFiguresOut(Schema):
    year: int
    due: int
    held: int
    held_rate: float | None
    missing: list[list[int]]
    thematic_quarters_due: int
    thematic_quarters_held: int
    listed: int
    present: int
    excused: int
    unexcused: int
    unmarked: int
    attendance_rate: float | None
    warn_member_ids: list[int]
    removal_member_ids: list[int]


def _item(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "org_id": m.org_id,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "planned_on": m.planned_on,
        "held_on": m.held_on,
        "not_held_reason": m.not_held_reason,
        "status": m.status_label,
    }


def _detail(m: Meeting) -> dict:
    return {
        **_item(m),
        "chair_id": m.chair_id,
        "recorder_id": m.recorder_id,
        "agenda": m.agenda,
        "resolution": m.resolution,
        "guests": m.guests,
        "attendance": [
            {
                "id": a.pk,
                "member_id": a.member_id,
                "full_name": a.member.full_name,
                "home_org_id": a.home_org_id,
                "temporary": a.temporary,
                "presence": a.presence,
                "reason": a.reason,
                "reply": a.reply,
                "reply_reason": a.reply_reason,
            }
            for a in sel.meeting_roster(m)
        ],
    }


def _marks(items: list[MarkIn]) -> dict[int, tuple[str, str]]:
    return {i.member_id: (i.presence, i.reason) for i in items}


@router.get("/", response={200: MeetingPage, **READ_ERRORS}, url_name="meeting_list")
def meeting_list_api(
    request: HttpRequest,
    org_id: int | None = None,
    year: int | None = None,
    kind: str = "",
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> dict:
    """Meetings the user may see (of organizations in scope, or on the member's own list),
    newest first; filters: the subtree of `org_id`, a calendar `year`, a `kind`."""
    if year is not None and not 2000 <= year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100.", field="year")
    if org_id is not None:
        policy.get_org_or_404(request.user, org_id)
    result = paginate(
        sel.meeting_list(actor=request.user, org_id=org_id, year=year, kind=kind), page=page, page_size=page_size
    )
    return {**result, "items": [_item(m) for m in result["items"]]}


@router.get("/figures", response={200: MeetingFiguresOut, **READ_ERRORS}, url_name="meeting_figures")
def meeting_figures_api(request: HttpRequest, org_id: int, year: int) -> dict:
    """Cell-life figures of the subtree for a calendar year: cell-months held / due (R-012),
    cell-quarters with a thematic meeting, attendance, members absent without reason 2 months
    (warning) and 3+ months (ground for name removal, R-039)."""
    if not 2000 <= year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100.", field="year")
    f = sel.figures(actor=request.user, org_id=org_id, year=year)
    return {
        "year": f.year,
        "due": f.due,
        "held": f.held,
        "held_rate": f.held_rate,
        "missing": [list(p) for p in f.missing],
        "thematic_quarters_due": f.thematic_quarters_due,
        "thematic_quarters_held": f.thematic_quarters_held,
        "listed": f.listed,
        "present": f.present,
        "excused": f.excused,
        "unexcused": f.unexcused,
        "unmarked": f.unmarked,
        "attendance_rate": f.attendance_rate,
        "warn_member_ids": sorted(f.warn_members),
        "removal_member_ids": sorted(f.removal_members),
    }


@router.get("/{int:meeting_id}", response={200: MeetingDetail, **READ_ERRORS}, url_name="meeting_detail")
def meeting_detail_api(request: HttpRequest, meeting_id: int) -> dict:
    """A meeting with its roster (pre-listed from the registry as of the meeting date) and attendance."""
    return _detail(policy.get_in_scope_or_404(Meeting, request.user, meeting_id))


@router.post("/", response={201: MeetingDetail, **WRITE_ERRORS}, url_name="meeting_create")
def meeting_create_api(request: HttpRequest, data: MeetingIn) -> Status:
    """Record a meeting (planned, held on `held_on`, or not held with a reason); its roster is
    listed from the registry as of the meeting date and `attendance` marks it at once."""
    _require_meet(request.user, data.org_id)
    m = services.meeting_create(
        actor=request.user,
        data=services.MeetingInput(
            org_id=data.org_id,
            kind=data.kind,
            planned_on=data.planned_on,
            held_on=data.held_on,
            not_held_reason=data.not_held_reason,
            chair_id=data.chair_id,
            recorder_id=data.recorder_id,
            agenda=data.agenda,
            resolution=data.resolution,
            guests=data.guests,
        ),
        marks=_marks(data.attendance),
    )
    return Status(201, _detail(m))


@router.post(
    "/{int:meeting_id}/attendance", response={200: MeetingDetail, **WRITE_ERRORS}, url_name="meeting_attendance"
)
def meeting_attendance_api(request: HttpRequest, meeting_id: int, data: AttendanceIn) -> dict:
    """Mark members of the roster present, absent with reason or absent without reason."""
    m = policy.get_in_scope_or_404(Meeting, request.user, meeting_id)
    _require_meet(request.user, m.org_id)
    services.attendance_mark(actor=request.user, meeting=m, marks=_marks(data.attendance))
    return _detail(m)


# --- the e-handbook coverage (R-043) ------------------------------------------------------------


class CoverageOut(Schema):
    accessed: int
    registered: int
    base: int
    pct: float | None
    label: str
    base_label: str


class CoverageRowOut(CoverageOut):
    org_id: int
    name: str
    direct: bool


class HandbookCoverageOut(Schema):
    org_id: int
    on: date
    exclude_exempt: bool
    total: CoverageOut
    rows: list[CoverageRowOut]


def _coverage(c) -> dict:
    return {
        "accessed": c.accessed,
        "registered": c.registered,
        "base": c.base,
        "pct": c.pct,
        "label": c.label,
        "base_label": c.base_label,
    }


@router.get("/handbook-coverage", response={200: HandbookCoverageOut, **READ_ERRORS}, url_name="handbook_coverage")
def handbook_coverage_api(
    request: HttpRequest, org_id: int, on: IsoDate | None = None, exclude_exempt: bool = False
) -> dict:
    """R-043 as of `on` (today by default): members registered in the e-handbook and having
    accessed it, over the active members (without the exempt ones with `exclude_exempt`), for the
    organization's subtree and for each organization directly below it."""
    on = on or policy.today()
    total, rows = handbook.coverage_by_org(actor=request.user, org_id=org_id, on=on, exclude_exempt=exclude_exempt)
    return {
        "org_id": org_id,
        "on": on,
        "exclude_exempt": exclude_exempt,
        "total": _coverage(total),
        "rows": [{**_coverage(r.coverage), "org_id": r.org_id, "name": r.name, "direct": r.direct} for r in rows],
    }


# --- upper-level committee members at grassroots meetings -------------------------------------


class SeatOut(Schema):
    id: int
    committee_id: int
    member_id: int
    valid_from: date
    valid_to: date | None


class SeatVisitsOut(Schema):
    seat_id: int
    member_id: int
    name: str
    valid_from: date | None
    valid_to: date | None
    visits: int
    short: bool


class SeatFiguresOut(Schema):
    committee_id: int
    year: int
    per_year: int
    short: int
    seats: list[SeatVisitsOut]


class SeatIn(Schema):
    committee_id: int
    member_id: int
    valid_from: IsoDate
    valid_to: IsoDate | None = None


class SeatEndIn(Schema):
    valid_to: IsoDate


class GuestIn(Schema):
    seat_id: int
    attended: bool = True


class GuestOut(Schema):
    seat_id: int
    member_id: int
    name: str
    attended: bool


def _seat(s: CommitteeSeat) -> dict:
    return {
        "id": s.pk,
        "committee_id": s.committee_id,
        "member_id": s.member_id,
        "valid_from": s.valid_from,
        "valid_to": s.valid_to,
    }


def _require_record(user, org_id: int) -> None:
    if policy.can(user, "record", org_id):
        return
    if not policy.can(user, "view", org_id):
        raise Http404(policy.NOT_FOUND)
    raise ReadOnly(READ_ONLY)


@router.get("/committee-seats", response={200: SeatFiguresOut, **READ_ERRORS}, url_name="committee_seats")
def committee_seats_api(request: HttpRequest, committee_id: int, year: int) -> dict:
    """The committee's members (seats active in `year`) with their visits to grassroots meetings
    that year, against twice a year."""
    if not 2000 <= year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100.", field="year")
    rows = guests.figures(actor=request.user, committee_id=committee_id, year=year)
    return {
        "committee_id": committee_id,
        "year": year,
        "per_year": guests.VISITS_PER_YEAR,
        "short": sum(1 for r in rows if r.short),
        "seats": [
            {
                "seat_id": r.seat_id,
                "member_id": r.member_id,
                "name": r.name,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "visits": r.visits,
                "short": r.short,
            }
            for r in rows
        ],
    }


@router.post("/committee-seats", response={201: SeatOut, **WRITE_ERRORS}, url_name="committee_seat_add")
def committee_seat_add_api(request: HttpRequest, data: SeatIn) -> Status:
    """A member sits on an upper-level committee from `valid_from` (needs "record" on the committee)."""
    _require_record(request.user, data.committee_id)
    seat = guests.seat_add(
        actor=request.user,
        committee_id=data.committee_id,
        member_id=data.member_id,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
    )
    return Status(201, _seat(seat))


@router.post(
    "/committee-seats/{int:seat_id}/end", response={200: SeatOut, **WRITE_ERRORS}, url_name="committee_seat_end"
)
def committee_seat_end_api(request: HttpRequest, seat_id: int, data: SeatEndIn) -> dict:
    """The member leaves the committee on `valid_to`; the seat and its visits are kept."""
    seat = policy.get_in_scope_or_404(CommitteeSeat, request.user, seat_id)
    _require_record(request.user, seat.committee_id)
    return _seat(guests.seat_end(actor=request.user, seat_id=seat.pk, valid_to=data.valid_to))


def _guests(m: Meeting) -> list[dict]:
    return [
        {"seat_id": g.seat_id, "member_id": g.seat.member_id, "name": g.seat.member.full_name, "attended": g.attended}
        for g in m.guest_rows.select_related("seat__member").order_by("seat__member__name_folded", "pk")
    ]


@router.get("/{int:meeting_id}/guests", response={200: list[GuestOut], **READ_ERRORS}, url_name="meeting_guests")
def meeting_guests_api(request: HttpRequest, meeting_id: int) -> list[dict]:
    """The upper-level committee members recorded at a meeting (attended or assigned and absent)."""
    return _guests(policy.get_in_scope_or_404(Meeting, request.user, meeting_id))


@router.post(
    "/{int:meeting_id}/guests", response={200: list[GuestOut], **WRITE_ERRORS}, url_name="meeting_guest_record"
)
def meeting_guest_record_api(request: HttpRequest, meeting_id: int, data: GuestIn) -> list[dict]:
    """Record that a committee member (a seat on a committee above the meeting's organization on
    the day) attended a held meeting, or was assigned and did not."""
    m = policy.get_in_scope_or_404(Meeting, request.user, meeting_id)
    _require_meet(request.user, m.org_id)
    guests.guest_record(actor=request.user, meeting=m, seat_id=data.seat_id, attended=data.attended)
    return _guests(m)


# --- the members' correction requests (R-161) ----------------------------------------------------

corrections_router = Router(tags=["Đính chính hồ sơ (đảng viên đề nghị)"])

CorrectionField = Literal[tuple(corrections.FIELDS)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(CorrectionStatus.values)]  # type: ignore[valid-type]


class CorrectionOut(Schema):
    id: int
    member_id: int
    full_name: str
    field: str
    field_label: str
    current_value: str
    requested_value: str
    reason: str
    status: str
    status_label: str
    requested_at: datetime
    decided_at: datetime | None
    refusal_reason: str
    event_id: int | None


class CorrectionPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[CorrectionOut]


class CorrectionRequestIn(Schema):
    field: CorrectionField
    requested_value: str
    reason: str = ""


class RefusalIn(Schema):
    reason: str


def _correction(r: CorrectionRequest) -> dict:
    return {
        "id": r.pk,
        "member_id": r.member_id,
        "full_name": r.member.full_name,
        "field": r.field,
        "field_label": corrections.FIELDS.get(r.field, r.field),
        "current_value": r.current_value,
        "requested_value": r.requested_value,
        "reason": r.reason,
        "status": r.status,
        "status_label": r.get_status_display(),
        "requested_at": r.requested_at,
        "decided_at": r.decided_at,
        "refusal_reason": r.refusal_reason,
        "event_id": r.event_id,
    }


@corrections_router.get("/", response={200: CorrectionPage, **READ_ERRORS}, url_name="correction_list")
def correction_list_api(
    request: HttpRequest, status: StatusCode | None = None, page: PageNumber = 1, page_size: PageSize = None
) -> dict:
    """Correction requests the user may see: an officer's, about the members in scope (oldest
    pending first); a member's, their own."""
    qs = policy.for_user(CorrectionRequest, request.user).select_related("member")
    if status:
        qs = qs.filter(status=status)
    result = paginate(qs.order_by("requested_at", "id"), page=page, page_size=page_size)
    return {**result, "items": [_correction(r) for r in result["items"]]}


@corrections_router.post("/", response={201: CorrectionOut, **WRITE_ERRORS}, url_name="correction_create")
def correction_create_api(request: HttpRequest, data: CorrectionRequestIn) -> Status:
    """The signed-in member asks to correct one field of their own record (no member profile: 404)."""
    if not policy.own_member_ids(request.user):
        raise Http404(policy.NOT_FOUND)
    req = corrections.correction_request(
        actor=request.user, field=data.field, requested_value=data.requested_value, reason=data.reason
    )
    return Status(201, _correction(req))


def _decidable(user, request_id: int) -> CorrectionRequest:
    req = policy.get_in_scope_or_404(CorrectionRequest, user, request_id)
    if not policy.for_user(CorrectionRequest, user, "record").filter(pk=req.pk).exists():
        raise ReadOnly(READ_ONLY)
    return req


@corrections_router.post(
    "/{int:request_id}/accept", response={200: CorrectionOut, **WRITE_ERRORS}, url_name="correction_accept"
)
def correction_accept_api(request: HttpRequest, request_id: int) -> dict:
    """Accept: the registry records the corrected value by a profile update event (`event_id`)."""
    req = _decidable(request.user, request_id)
    return _correction(corrections.correction_accept(actor=request.user, request_id=req.pk))


@corrections_router.post(
    "/{int:request_id}/refuse", response={200: CorrectionOut, **WRITE_ERRORS}, url_name="correction_refuse"
)
def correction_refuse_api(request: HttpRequest, request_id: int, data: RefusalIn) -> dict:
    """Refuse with a reason the member reads."""
    req = _decidable(request.user, request_id)
    return _correction(corrections.correction_refuse(actor=request.user, request_id=req.pk, reason=data.reason))
