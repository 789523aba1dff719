"""Writes of cell life. Every write checks the access policy ("meet" on the meeting's
organization: its cell secretary, an officer or administrator above it), runs in one transaction
with its audit entry; bad input raises DomainError with a Vietnamese message naming the field.

The roster of a meeting is pre-listed from the registry as of the meeting date (`roster_on`):
the active, non-exempt members whose attendance organization on that day is the meeting's
organization — the host organization of a temporarily attached member (R-035), the home
organization otherwise. A member in transit between two organizations on that day (transfer
letter issued, not yet received) is listed nowhere: the month is counted in the cell they
attend in it (selectors.member_months).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.meetings.models import Attendance, Kind, Meeting, Presence, Reply
from dangbo.members.models import ACTIVE_STATUSES, MembershipSpan

COUNT_FIELDS = ["listed", "present", "excused", "unexcused"]
NOT_HELD_LATER = "Ngày họp không được sau ngày hôm nay"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def roster_on(org_id: int, on: date) -> list[tuple[int, int, bool]]:
    """(member id, home organization id, temporarily attached?) of the members who attend the
    meetings of `org_id` on `on`."""
    spans = (
        MembershipSpan.objects.valid_on(on)
        .filter(status__in=ACTIVE_STATUSES, exempt=False, in_transfer=False)
        .annotate(attends=Coalesce("temp_org_id", "org_id"))
        .filter(attends=org_id)
        .order_by("member__name_folded", "member_id")
    )
    return [(m, o, t is not None) for m, o, t in spans.values_list("member_id", "org_id", "temp_org_id")]


def _counted(presence: str | None = None) -> Coalesce:
    rows = Attendance.objects.filter(meeting_id=OuterRef("pk"))
    if presence is not None:
        rows = rows.filter(presence=presence)
    return Coalesce(Subquery(rows.order_by().values("meeting_id").annotate(n=Count("pk")).values("n")), 0)


def _recounts() -> dict[str, Coalesce]:
    return {
        "listed": _counted(),
        "present": _counted(Presence.PRESENT),
        "excused": _counted(Presence.EXCUSED),
        "unexcused": _counted(Presence.UNEXCUSED),
    }


def recount(meetings: QuerySet) -> int:
    """Store the roster counts (listed, present, excused, unexcused) of `meetings` recounted from
    their attendance rows: one UPDATE. The services call it in the transaction that writes the
    rows; `rebuild_meeting_counts` calls it over all meetings after a bulk load."""
    return meetings.update(**_recounts())


def _lock(meeting: Meeting) -> None:
    """Serialize the writes of one meeting's attendance (PostgreSQL row lock, held until the
    transaction ends): the recount of a concurrent write then sees this one's rows."""
    list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True))


def _recount_one(meeting: Meeting) -> None:
    recount(Meeting.objects.filter(pk=meeting.pk))
    meeting.refresh_from_db(fields=COUNT_FIELDS)


def miscounted(meetings: QuerySet | None = None) -> QuerySet:
    """The meetings whose stored counts differ from a recount of their attendance rows."""
    qs = (Meeting.objects.all() if meetings is None else meetings).order_by("pk")
    fresh = {f"fresh_{k}": v for k, v in _recounts().items()}
    differ = Q()
    for k in COUNT_FIELDS:
        differ |= ~Q(**{k: F(f"fresh_{k}")})
    return qs.annotate(**fresh).filter(differ)


def count_issues(today=None) -> list:
    """check-data (members.selectors.register_derived_check): the members listed at a meeting
    whose stored counts differ from a recount of its attendance rows (a write that bypassed the
    services, or a bulk load without `dangbo rebuild-meeting-counts`)."""
    from dangbo.members.selectors import issues_of

    stale = miscounted().values("pk")
    member_ids = sorted(set(Attendance.objects.filter(meeting_id__in=stale).values_list("member_id", flat=True)))
    return issues_of(
        "meeting_counts_stale",
        member_ids,
        "Số liệu điểm danh của một buổi sinh hoạt có đảng viên này không khớp với danh sách điểm danh, "
        "nên số liệu sinh hoạt chi bộ có thể sai; hãy chạy «dangbo rebuild-meeting-counts».",
    )


@dataclass
class MeetingInput:
    org_id: int
    kind: str
    planned_on: date
    held_on: date | None = None
    not_held_reason: str = ""
    chair_id: int | None = None
    recorder_id: int | None = None
    agenda: str = ""
    resolution: str = ""
    guests: str = ""


def _validate(data: MeetingInput) -> None:
    if data.kind not in Kind.values:
        raise DomainError("Loại sinh hoạt không hợp lệ", field="kind")
    if data.held_on and data.held_on > policy.today():
        raise DomainError(NOT_HELD_LATER, field="held_on")
    if data.held_on and nfc(data.not_held_reason).strip():
        raise DomainError("Buổi sinh hoạt đã họp thì không ghi lý do không họp", field="not_held_reason")


def _check_person(member_id: int | None, roster_ids: set[int], field: str) -> None:
    if member_id is not None and member_id not in roster_ids:
        raise DomainError("Người này không sinh hoạt tại tổ chức đảng vào ngày họp", field=field)


def meeting_create(*, actor, data: MeetingInput, marks: dict[int, tuple[str, str]] | None = None) -> Meeting:
    """Create a meeting of `data.org_id` with its roster pre-listed; `marks` (member id →
    (presence, reason)) records the attendance at once (the secretary's one-screen form)."""
    policy.require(actor, "meet", data.org_id, message=policy.not_found("tổ chức đảng"), field="org_id")
    _validate(data)
    on = data.held_on or data.planned_on
    roster = roster_on(data.org_id, on)
    ids = {m for m, _, _ in roster}
    _check_person(data.chair_id, ids, "chair_id")
    _check_person(data.recorder_id, ids, "recorder_id")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            org_id=data.org_id,
            kind=data.kind,
            planned_on=data.planned_on,
            held_on=data.held_on,
            not_held_reason=nfc(data.not_held_reason).strip(),
            chair_id=data.chair_id,
            recorder_id=data.recorder_id,
            agenda=nfc(data.agenda),
            resolution=nfc(data.resolution),
            guests=nfc(data.guests),
            recorded_by=_user(actor),
        )
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member_id=m, home_org_id=o, temporary=t) for m, o, t in roster]
        )
        _recount_one(meeting)
        audit_record(
            actor=actor,
            action="meeting.create",
            obj=meeting,
            org_id=meeting.org_id,
            summary=f"Ghi buổi {meeting.get_kind_display().lower()} ngày {on:%d/%m/%Y}",
            after={
                "kind": meeting.kind,
                "planned_on": str(meeting.planned_on),
                "held_on": str(meeting.held_on or ""),
                "roster": len(roster),
            },
        )
        if marks:
            _mark(actor, meeting, marks)
    return meeting


def _mark(actor, meeting: Meeting, marks: dict[int, tuple[str, str]]) -> int:
    if not meeting.held_on:
        raise DomainError("Chỉ điểm danh buổi sinh hoạt đã họp (ghi ngày họp trước)", field="held_on")
    _lock(meeting)
    rows = {a.member_id: a for a in meeting.attendances.all()}
    changed = []
    for member_id, (presence, reason) in marks.items():
        if presence not in Presence.values:
            raise DomainError("Điểm danh không hợp lệ", field="presence")
        a = rows.get(member_id)
        if a is None:
            raise DomainError("Đảng viên không có trong danh sách buổi sinh hoạt", field="member_id")
        reason = nfc(reason or "").strip() if presence != Presence.PRESENT else ""
        if presence == Presence.EXCUSED and not reason and a.reply_reason:
            reason = a.reply_reason
        if presence == Presence.EXCUSED and not reason:
            raise DomainError(f"Ghi lý do vắng của {a.member.full_name}", field="reason")
        if (a.presence, a.reason) != (presence, reason):
            a.presence, a.reason = presence, reason
            changed.append(a)
    Attendance.objects.bulk_update(changed, ["presence", "reason"])
    if changed:
        _recount_one(meeting)
        counts = {p: sum(1 for a in rows.values() if a.presence == p) for p in Presence.values}
        audit_record(
            actor=actor,
            action="meeting.attendance",
            obj=meeting,
            org_id=meeting.org_id,
            summary=f"Điểm danh {len(changed)} đảng viên buổi ngày {meeting.on:%d/%m/%Y}",
            after={"changed": {a.member_id: a.presence for a in changed}, "counts": counts},
        )
    return len(changed)


def attendance_mark(*, actor, meeting: Meeting, marks: dict[int, tuple[str, str]]) -> int:
    """Record presence (present / absent with reason / absent without reason) of roster members."""
    policy.require(actor, "meet", meeting.org_id, message=policy.not_found("buổi sinh hoạt"), field="meeting_id")
    with transaction.atomic():
        return _mark(actor, meeting, marks)


def meeting_held(*, actor, meeting: Meeting, held_on: date, resolution: str = "") -> Meeting:
    """A planned meeting was held: its roster is listed again as of `held_on`."""
    policy.require(actor, "meet", meeting.org_id, message=policy.not_found("buổi sinh hoạt"), field="meeting_id")
    if held_on > policy.today():
        raise DomainError(NOT_HELD_LATER, field="held_on")
    if meeting.held_on:
        raise DomainError("Buổi sinh hoạt đã được ghi là đã họp", field="held_on")
    with transaction.atomic():
        _lock(meeting)
        roster = roster_on(meeting.org_id, held_on)
        keep = {m for m, _, _ in roster}
        meeting.attendances.exclude(member_id__in=keep).filter(presence="").delete()
        have = set(meeting.attendances.values_list("member_id", flat=True))
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, member_id=m, home_org_id=o, temporary=t)
                for m, o, t in roster
                if m not in have
            ]
        )
        meeting.held_on, meeting.not_held_reason = held_on, ""
        if resolution:
            meeting.resolution = nfc(resolution)
        meeting.save(update_fields=["held_on", "not_held_reason", "resolution"])
        _recount_one(meeting)
        audit_record(
            actor=actor,
            action="meeting.held",
            obj=meeting,
            org_id=meeting.org_id,
            summary=f"Đã họp ngày {held_on:%d/%m/%Y}",
        )
    return meeting


def meeting_not_held(*, actor, meeting: Meeting, reason: str) -> Meeting:
    policy.require(actor, "meet", meeting.org_id, message=policy.not_found("buổi sinh hoạt"), field="meeting_id")
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError("Ghi lý do không họp", field="not_held_reason")
    if meeting.held_on:
        raise DomainError("Buổi sinh hoạt đã được ghi là đã họp", field="not_held_reason")
    with transaction.atomic():
        meeting.not_held_reason = reason
        meeting.save(update_fields=["not_held_reason"])
        audit_record(
            actor=actor, action="meeting.not_held", obj=meeting, org_id=meeting.org_id, summary=f"Không họp: {reason}"
        )
    return meeting


def member_reply(*, actor, attendance_id: int, will_attend: bool, reason: str = "") -> Attendance:
    """A member answers the invitation of a meeting on their own list: attends, or asks to be
    excused with a reason (the secretary then marks "absent with reason" with it)."""
    own = policy.own_member_ids(actor) if getattr(actor, "is_authenticated", False) else frozenset()
    a = Attendance.objects.select_related("meeting").filter(pk=attendance_id, member_id__in=own).first()
    if a is None:
        raise DomainError(policy.NOT_FOUND, field="attendance_id")
    reason = nfc(reason or "").strip()
    if not will_attend and not reason:
        raise DomainError("Ghi lý do xin vắng", field="reason")
    with transaction.atomic():
        a.reply = Reply.WILL_ATTEND if will_attend else Reply.CANNOT_ATTEND
        a.reply_reason = "" if will_attend else reason
        a.replied_at = timezone.now()
        a.save(update_fields=["reply", "reply_reason", "replied_at"])
        audit_record(
            actor=actor,
            action="meeting.reply",
            obj=a.meeting,
            org_id=a.meeting.org_id,
            subject_member_id=a.member_id,
            summary=f"Đảng viên trả lời: {a.get_reply_display()}" + (f" ({reason})" if reason else ""),
        )
    return a
