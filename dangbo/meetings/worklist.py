"""The cell-life items of the worklist (access.worklist): members in scope absent without reason
from their cell's meetings 2 months of this year (warning) and 3 or more (ground for name
removal, R-039). One aggregate query, bounded by the user's scope."""

from __future__ import annotations

from datetime import date

from django.db.models import Subquery
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.meetings.selectors import REMOVAL_MONTHS, WARN_MONTHS, unexcused_months
from dangbo.members.models import Member

GROUP = "Sinh hoạt chi bộ"


def provider(user, today: date) -> list[WorkItem]:
    if not policy.can(user, "view"):
        return []
    allowed = policy.allowed_org_ids(user, action="view")
    members = None
    if allowed is not None:
        members = Member.objects.filter(current_org_id__in=Subquery(allowed)).values("pk")
    months = unexcused_months(member_ids=members, year=today.year)
    warn = sum(1 for n in months.values() if n == WARN_MONTHS)
    removal = sum(1 for n in months.values() if n >= REMOVAL_MONTHS)
    url = reverse("meetings:absences") + f"?nam={today.year}"
    return [
        WorkItem(
            "sinh_hoat_vang_2",
            f"Đảng viên vắng sinh hoạt không lý do {WARN_MONTHS} tháng trong năm",
            warn,
            url,
            "warning",
            "Nhắc nhở: đến 3 tháng là căn cứ xem xét xóa tên (R-039).",
            GROUP,
        ),
        WorkItem(
            "sinh_hoat_vang_3",
            f"Đảng viên vắng sinh hoạt không lý do từ {REMOVAL_MONTHS} tháng trong năm",
            removal,
            url,
            "danger",
            "Căn cứ chi bộ xem xét, đề nghị xóa tên (R-039).",
            GROUP,
        ),
    ]
