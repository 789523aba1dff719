"""Upper-level committee members at grassroots meetings (issue 20): the seeds ask each provincial
committee member (Tỉnh ủy viên) to attend grassroots cell meetings twice a year. A `CommitteeSeat`
says who sits on which committee from/to; a `MeetingGuest` row says a seat was at a held meeting of
an organization below that committee. The figure per committee and year: visits per seat against
`VISITS_PER_YEAR`, and the seats short of it (a worklist item)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import fold
from dangbo.meetings.models import CommitteeSeat, HandbookImportJob, Meeting, MeetingGuest
from dangbo.members.models import Member
from dangbo.orgs.models import OrgVersion

VISITS_PER_YEAR = 2  # seeds: provincial committee members attend grassroots meetings twice a year

# Seats are seen by whoever sees their committee; a guest row by whoever sees the meeting; an
# e-handbook upload by the user who made it only.
policy.scoped_by(CommitteeSeat, field="committee_id")
policy.scoped_by(MeetingGuest, field="meeting__org_id")
policy.owned_by(HandbookImportJob, field="uploaded_by")


def seat_add(
    *, actor, committee_id: int, member_id: int, valid_from: date, valid_to: date | None = None
) -> CommitteeSeat:
    policy.require(actor, "record", committee_id, message=policy.NOT_FOUND, field="committee_id")
    if not policy.for_user(Member, actor).filter(pk=member_id).exists():
        raise DomainError(f"{policy.not_found('đảng viên')}.", field="member_id")
    if valid_to and valid_to < valid_from:
        raise DomainError("Ngày kết thúc trước ngày bắt đầu.", field="valid_to")
    if (
        CommitteeSeat.objects.filter(committee_id=committee_id, member_id=member_id)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        .filter(valid_from__lte=valid_to or date.max)
        .exists()
    ):
        raise DomainError("Người này đã là cấp ủy viên của cấp ủy này trong thời gian đó.", field="member_id")
    with transaction.atomic():
        seat = CommitteeSeat.objects.create(
            committee_id=committee_id, member_id=member_id, valid_from=valid_from, valid_to=valid_to
        )
        audit_record(
            actor=actor,
            action="meeting.seat_add",
            obj=seat,
            org_id=committee_id,
            subject_member_id=member_id,
            summary=f"Cấp ủy viên dự sinh hoạt cơ sở từ {valid_from:%d/%m/%Y}",
        )
    return seat


def guest_record(*, actor, meeting: Meeting, seat_id: int, attended: bool = True) -> MeetingGuest:
    """A committee member attended (or was assigned and did not attend) a held meeting of an
    organization below their committee."""
    policy.require(actor, "meet", meeting.org_id, message=policy.not_found("buổi sinh hoạt"), field="meeting_id")
    if not meeting.held_on:
        raise DomainError("Chỉ ghi khách mời của buổi sinh hoạt đã họp.", field="held_on")
    seat = CommitteeSeat.objects.filter(pk=seat_id).first()
    if seat is None:
        raise DomainError(policy.not_found("cấp ủy viên."), field="seat_id")
    on = meeting.held_on
    if seat.valid_from > on or (seat.valid_to and seat.valid_to < on):
        raise DomainError("Người này không là cấp ủy viên vào ngày họp.", field="seat_id")
    path = OrgVersion.objects.valid_on(on).filter(org_id=meeting.org_id).values_list("path", flat=True).first() or ""
    if f"/{seat.committee_id}/" not in path or meeting.org_id == seat.committee_id:
        raise DomainError("Cấp ủy của người này không phải cấp trên của tổ chức đảng họp.", field="seat_id")
    with transaction.atomic():
        guest, _ = MeetingGuest.objects.update_or_create(meeting=meeting, seat=seat, defaults={"attended": attended})
        audit_record(
            actor=actor,
            action="meeting.guest",
            obj=meeting,
            org_id=meeting.org_id,
            subject_member_id=seat.member_id,
            summary=f"Cấp ủy viên cấp trên {'dự' if attended else 'không dự'} buổi ngày {on:%d/%m/%Y}",
        )
    return guest


def seat_end(*, actor, seat_id: int, valid_to: date) -> CommitteeSeat:
    """The member leaves the committee on `valid_to` (the seat is kept, with its visits)."""
    seat = policy.for_user(CommitteeSeat, actor, "record").filter(pk=seat_id).first()
    if seat is None:
        raise DomainError(policy.NOT_FOUND, field="seat_id")
    if seat.valid_to is not None:
        raise DomainError(f"Đã ghi thôi là cấp ủy viên từ ngày {seat.valid_to:%d/%m/%Y}.", field="valid_to")
    if valid_to < seat.valid_from:
        raise DomainError(f"Ngày thôi trước ngày bắt đầu {seat.valid_from:%d/%m/%Y}.", field="valid_to")
    with transaction.atomic():
        seat.valid_to = valid_to
        seat.save(update_fields=["valid_to"])
        audit_record(
            actor=actor,
            action="meeting.seat_end",
            obj=seat,
            org_id=seat.committee_id,
            subject_member_id=seat.member_id,
            summary=f"Thôi là cấp ủy viên từ {valid_to:%d/%m/%Y}",
        )
    return seat


def seats_for_meeting(meeting: Meeting) -> list[tuple[int, str]]:
    """(seat id, "name — committee") of the seats that may be recorded as guests of a held
    meeting: on a committee above the meeting's organization on the day. Two queries."""
    on = meeting.held_on
    if on is None:
        return []
    path = OrgVersion.objects.valid_on(on).filter(org_id=meeting.org_id).values_list("path", flat=True).first() or ""
    above = [int(x) for x in path.strip("/").split("/") if x.isdigit() and int(x) != meeting.org_id]
    seats = (
        CommitteeSeat.objects.filter(committee_id__in=above, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .values_list("pk", "member__full_name", "committee_id")
        .order_by("member__name_folded", "pk")
    )
    rows = list(seats)
    names = (
        dict(OrgVersion.objects.valid_on(on).filter(org_id__in={c for _, _, c in rows}).values_list("org_id", "name"))
        if rows
        else {}
    )
    return [(pk, f"{name} — {names.get(c, '')}") for pk, name, c in rows]


@dataclass(frozen=True)
class SeatVisits:
    seat_id: int
    member_id: int
    name: str
    visits: int
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def short(self) -> bool:
        return self.visits < VISITS_PER_YEAR


def seat_visits(*, committee_ids, year: int) -> list[SeatVisits]:
    """Per seat active in `year` on these committees: held meetings attended in the year. One query."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    seats = (
        CommitteeSeat.objects.filter(committee_id__in=committee_ids, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .annotate(n=Count("visits", filter=Q(visits__attended=True, visits__meeting__held_on__range=(start, end))))
        .values_list("pk", "member_id", "member__full_name", "n", "valid_from", "valid_to")
        .order_by("member__name_folded", "pk")
    )
    return [SeatVisits(*row) for row in seats]


def figures(*, actor, committee_id: int, year: int) -> list[SeatVisits]:
    policy.get_org_or_404(actor, committee_id)
    return seat_visits(committee_ids=[committee_id], year=year)


def worklist_provider(user, today: date) -> list[WorkItem]:
    """Committee members in scope short of twice a year at grassroots meetings (this year)."""
    if not policy.can(user, "view"):
        return []
    committees = policy.scope_orgs(CommitteeSeat.objects.all(), user, field="committee_id").values("committee_id")
    short = sum(1 for s in seat_visits(committee_ids=committees, year=today.year) if s.short)
    return [
        WorkItem(
            "cap_uy_du_sinh_hoat",
            f"Cấp ủy viên chưa dự đủ {VISITS_PER_YEAR} lần sinh hoạt chi bộ cơ sở năm {today.year}",
            short,
            reverse("meetings:meeting_list"),
            "warning",
            "Mỗi cấp ủy viên cấp trên dự sinh hoạt với chi bộ cơ sở ít nhất 2 lần trong năm.",
            "Sinh hoạt chi bộ",
        )
    ]


def seat_candidates(*, actor, query: str, limit: int = 20) -> list:
    """The member picker of the seats page: members in the actor's scope whose name (accents and
    case ignored) contains every word of `query`, or whose party card number is `query`."""
    qs = policy.for_user(Member, actor)
    card = query.replace(" ", "").upper()
    words = fold(query).split()
    by_name = Q()
    for word in words:
        by_name &= Q(name_folded__contains=word)
    return list(
        qs.filter(by_name | Q(party_card_number=card))
        .order_by("name_folded", "pk")
        .values("pk", "full_name", "birth_year", "party_card_number")[:limit]
    )
