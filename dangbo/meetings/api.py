"""API routes of cell life (/api/v1/meetings/...): the same selectors and services as the pages.

A meeting outside the user's scope is 404 "Không tìm thấy"; writing needs the "meet" right on the
meeting's organization (404 outside scope, 403 for a role that only sees it); a refused rule is
422 with the Vietnamese message and the field. Dates are yyyy-mm-dd.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from dangbo.access import policy
from dangbo.core.api import READ_ERRORS, READ_ONLY, WRITE_ERRORS, PageNumber, PageSize, ReadOnly, paginate
from dangbo.core.errors import DomainError
from dangbo.meetings import selectors as sel
from dangbo.meetings import services
from dangbo.meetings.models import Kind, Meeting, Presence

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
    planned_on: date
    held_on: date | None = None
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
    return {"id": m.pk, "org_id": m.org_id, "kind": m.kind, "kind_label": m.get_kind_display(),
            "planned_on": m.planned_on, "held_on": m.held_on, "not_held_reason": m.not_held_reason,
            "status": m.status_label}


def _detail(m: Meeting) -> dict:
    return {**_item(m), "chair_id": m.chair_id, "recorder_id": m.recorder_id, "agenda": m.agenda,
            "resolution": m.resolution, "guests": m.guests,
            "attendance": [{"id": a.pk, "member_id": a.member_id, "full_name": a.member.full_name,
                            "home_org_id": a.home_org_id, "temporary": a.temporary, "presence": a.presence,
                            "reason": a.reason, "reply": a.reply, "reply_reason": a.reply_reason}
                           for a in sel.meeting_roster(m)]}


def _marks(items: list[MarkIn]) -> dict[int, tuple[str, str]]:
    return {i.member_id: (i.presence, i.reason) for i in items}


@router.get("/", response={200: MeetingPage, **READ_ERRORS}, url_name="meeting_list")
def meeting_list_api(request: HttpRequest, org_id: int | None = None, year: int | None = None, kind: str = "",
                     page: PageNumber = 1, page_size: PageSize = None) -> dict:
    """Meetings the user may see (of organizations in scope, or on the member's own list),
    newest first; filters: the subtree of `org_id`, a calendar `year`, a `kind`."""
    if year is not None and not 2000 <= year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100.", field="year")
    if org_id is not None:
        policy.get_org_or_404(request.user, org_id)
    result = paginate(sel.meeting_list(actor=request.user, org_id=org_id, year=year, kind=kind),
                      page=page, page_size=page_size)
    return {**result, "items": [_item(m) for m in result["items"]]}


@router.get("/figures", response={200: MeetingFiguresOut, **READ_ERRORS}, url_name="meeting_figures")
def meeting_figures_api(request: HttpRequest, org_id: int, year: int) -> dict:
    """Cell-life figures of the subtree for a calendar year: cell-months held / due (R-012),
    cell-quarters with a thematic meeting, attendance, members absent without reason 2 months
    (warning) and 3+ months (ground for name removal, R-039)."""
    if not 2000 <= year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100.", field="year")
    f = sel.figures(actor=request.user, org_id=org_id, year=year)
    return {"year": f.year, "due": f.due, "held": f.held, "held_rate": f.held_rate,
            "missing": [list(p) for p in f.missing], "thematic_quarters_due": f.thematic_quarters_due,
            "thematic_quarters_held": f.thematic_quarters_held, "listed": f.listed, "present": f.present,
            "excused": f.excused, "unexcused": f.unexcused, "unmarked": f.unmarked,
            "attendance_rate": f.attendance_rate, "warn_member_ids": sorted(f.warn_members),
            "removal_member_ids": sorted(f.removal_members)}


@router.get("/{int:meeting_id}", response={200: MeetingDetail, **READ_ERRORS}, url_name="meeting_detail")
def meeting_detail_api(request: HttpRequest, meeting_id: int) -> dict:
    """A meeting with its roster (pre-listed from the registry as of the meeting date) and attendance."""
    return _detail(policy.get_in_scope_or_404(Meeting, request.user, meeting_id))


@router.post("/", response={201: MeetingDetail, **WRITE_ERRORS}, url_name="meeting_create")
def meeting_create_api(request: HttpRequest, data: MeetingIn) -> Status:
    """Record a meeting (planned, held on `held_on`, or not held with a reason); its roster is
    listed from the registry as of the meeting date and `attendance` marks it at once."""
    _require_meet(request.user, data.org_id)
    m = services.meeting_create(actor=request.user, data=services.MeetingInput(
        org_id=data.org_id, kind=data.kind, planned_on=data.planned_on, held_on=data.held_on,
        not_held_reason=data.not_held_reason, chair_id=data.chair_id, recorder_id=data.recorder_id,
        agenda=data.agenda, resolution=data.resolution, guests=data.guests), marks=_marks(data.attendance))
    return Status(201, _detail(m))


@router.post("/{int:meeting_id}/attendance", response={200: MeetingDetail, **WRITE_ERRORS},
             url_name="meeting_attendance")
def meeting_attendance_api(request: HttpRequest, meeting_id: int, data: AttendanceIn) -> dict:
    """Mark members of the roster present, absent with reason or absent without reason."""
    m = policy.get_in_scope_or_404(Meeting, request.user, meeting_id)
    _require_meet(request.user, m.org_id)
    services.attendance_mark(actor=request.user, meeting=m, marks=_marks(data.attendance))
    return _detail(m)
