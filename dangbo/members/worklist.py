"""The member registry's items of the worklist («Việc cần làm», access.worklist): probation due
or overdue (R-022), transfers waiting for reception or overdue (R-033), temporary attachments
past their end (R-035), party badges due in the next award round (R-029).

Each item is one set-based query on the projections (Member.current_*, spans, events), bounded
by the user's scope; the same querysets feed the list behind each count (`item_members`), so a
count and its list never disagree. The deadlines are those of members.deadlines (the profile,
`dangbo check-data` and the periodic job read the same functions)."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.core.rules import param
from dangbo.members.deadlines import recognition_alert_cutoff, recognition_overdue_cutoff
from dangbo.members.models import ACTIVE_STATUSES, EventType, Member, MemberEvent, Status, Transfer
from dangbo.members.transfers import incoming

GROUP = "Đảng viên"
# usual award dates of the party badge (UNVERIFIED: 3/2, 19/5, 2/9, 7/11).
BADGE_AWARD_DAYS = ((2, 3), (5, 19), (9, 2), (11, 7))

LABELS = {
    "du_bi_den_han": "Đảng viên dự bị đến hạn xét công nhận chính thức",
    "du_bi_qua_han": "Đảng viên dự bị quá hạn xét công nhận chính thức",
    "huy_hieu": "Đảng viên đến mốc Huy hiệu Đảng trong đợt trao tặng tới",
    "tam_thoi_qua_han": "Sinh hoạt tạm thời quá ngày trở về",
}


def next_award_day(today: date) -> date:
    for year in (today.year, today.year + 1):
        for month, day in BADGE_AWARD_DAYS:
            if date(year, month, day) >= today:
                return date(year, month, day)
    raise AssertionError("unreachable")


def _in_scope(qs: QuerySet, user) -> QuerySet:
    """Members whose organization today is in the user's scope (the projection Member.current_org)."""
    allowed = policy.allowed_org_ids(user, action="view")
    return qs if allowed is None else qs.filter(current_org_id__in=Subquery(allowed))


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29/02
        return d.replace(year=d.year - years, day=28)


def item_members(key: str, user, today: date) -> QuerySet:
    """The members behind an item (scoped), for its count and its list."""
    qs = _in_scope(Member.objects.all(), user)
    if key == "du_bi_den_han":
        return qs.filter(
            current_status=Status.PROBATIONARY,
            ceremony_on__lte=recognition_alert_cutoff(today),
            ceremony_on__gt=recognition_overdue_cutoff(today),
        )
    if key == "du_bi_qua_han":
        return qs.filter(current_status=Status.PROBATIONARY, ceremony_on__lte=recognition_overdue_cutoff(today))
    if key == "huy_hieu":
        # members reaching a milestone in the year up to the next award day (one range of
        # admitted_on per milestone, disjoint: the milestone is a CASE), less those already
        # awarded that milestone (NOT EXISTS on their badge events): one query.
        award = next_award_day(today)
        windows = [
            (years, _years_before(_years_before(award, years), 1), _years_before(award, years))
            for years in param("badge_milestones", today)
        ]
        milestone = Case(
            *[When(admitted_on__gt=low, admitted_on__lte=high, then=Value(years)) for years, low, high in windows],
            default=None,
            output_field=IntegerField(),
        )
        awarded = (
            MemberEvent.objects.filter(member_id=OuterRef("pk"), type=EventType.BADGE_AWARDED, voided_by__isnull=True)
            .annotate(years=Cast(KT("payload__years"), IntegerField()))
            .filter(years=OuterRef("milestone"))
        )
        in_window = Q()
        for _, low, high in windows:
            in_window |= Q(admitted_on__gt=low, admitted_on__lte=high)  # index members(admitted_on)
        return (
            qs.filter(in_window, current_status__in=ACTIVE_STATUSES).alias(milestone=milestone).filter(~Exists(awarded))
        )
    if key == "tam_thoi_qua_han":
        return qs.filter(pk__in=Transfer.objects.temporary_overdue(today).values("member_id"))
    raise KeyError(key)


def provider(user, today: date) -> list[WorkItem]:
    inbox = reverse("members:transfer_inbox")
    letters_in = incoming(actor=user, today=today)
    # overdue letters of either side: the sender's (the member's organization today is the
    # sending cell while in transit) and the destination's
    overdue = Transfer.objects.overdue(today)
    allowed = policy.allowed_org_ids(user, action="view")
    if allowed is not None:
        overdue = overdue.filter(
            Q(member__current_org_id__in=Subquery(allowed)) | Q(counterpart_org_id__in=Subquery(allowed))
        )

    def item(key: str, level: str, help_text: str) -> WorkItem:
        return WorkItem(
            key,
            LABELS[key],
            item_members(key, user, today).count(),
            reverse("members:worklist_members") + f"?muc={key}",
            level,
            help_text,
            GROUP,
        )

    return [
        item("du_bi_den_han", "warning", "Từ tháng thứ 11 của thời gian dự bị đến hạn chi bộ đề nghị (R-022)."),
        item(
            "du_bi_qua_han", "danger", "Quá 12 tháng dự bị và 30 ngày làm việc chưa xét công nhận chính thức (R-022)."
        ),
        WorkItem(
            "chuyen_den",
            "Đảng viên chuyển đến chờ tiếp nhận",
            letters_in.count(),
            inbox + "#den",
            "warning",
            "Giấy giới thiệu gửi đến tổ chức trong phạm vi của bạn.",
            GROUP,
        ),
        WorkItem(
            "chuyen_qua_han",
            "Chuyển sinh hoạt quá hạn chưa được tiếp nhận",
            overdue.count(),
            inbox + "?qua_han=1",
            "danger",
            "Quá 30 ngày làm việc kể từ ngày cấp giấy giới thiệu (R-033).",
            GROUP,
        ),
        item("tam_thoi_qua_han", "danger", "Quá ngày kết thúc sinh hoạt tạm thời ghi trên giấy giới thiệu (R-035)."),
        item(
            "huy_hieu",
            "info",
            "Đủ 30, 40, 45, … năm tuổi Đảng vào đợt trao tặng tới (R-029), chưa được tặng; "
            "tính từ ngày quyết định kết nạp, thời gian gián đoạn được kiểm tra khi ghi tặng (R-027).",
        ),
    ]
