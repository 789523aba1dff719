"""Eligibility before an appointment, re-appointment or nomination (R-092a, R-095): what holds
and what is missing on the date the personnel body receives the proposal. Every number is a
versioned rule parameter (core.rules, R-000). The political-standard conclusion is checked only
for the political-protection role (cadres/political.py); discipline is not recorded yet: listed
as "chưa có dữ liệu", never as met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from dangbo.access import policy
from dangbo.audit.services import audit_read
from dangbo.cadres.models import (
    Cadre,
    PlanningEntry,
    PoliticalCase,
    PoliticalConclusion,
    PoliticalPurpose,
    PositionHolding,
    Title,
)
from dangbo.cadres.political import may_view
from dangbo.core.dates import add_months
from dangbo.core.rules import param

REGULATION_377_FROM = date(2025, 10, 8)  # R-092a: 377-QĐ/TW replaces 80-QĐ/TW


def retirement_date(birth: date, sex: str) -> date:
    """The statutory retirement date: the first year Y in which the birth date plus the
    retirement age in force for Y falls in Y (the schedule rises year by year)."""
    name = "retirement_age_months_female" if sex == "F" else "retirement_age_months_male"
    for year in range(birth.year + 50, birth.year + 70):
        reached = add_months(birth, param(name, date(year, 1, 1)))
        if reached.year <= year:
            return reached
    return add_months(birth, param(name, date(birth.year + 70, 1, 1)))


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (negative when `end` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


@dataclass(frozen=True)
class Check:
    key: str
    ok: bool | None  # None: no data in the product yet
    message: str


@dataclass(frozen=True)
class Eligibility:
    checks: list[Check]
    regulation: str
    becomes_extension: bool

    @property
    def ok(self) -> bool:
        return all(c.ok is not False for c in self.checks)


KINDS = {"appointment": "Bổ nhiệm", "reappointment": "Bổ nhiệm lại", "nomination": "Giới thiệu ứng cử"}


def _political_check(actor, cadre: Cadre, received_on: date) -> Check:
    """Only the political-protection role learns whether a conclusion exists (cadres/political.py);
    anyone else is told who confirms it, never whether there is one."""
    if actor is None or not may_view(actor):
        return Check(
            "political_standard", None, "Kết luận tiêu chuẩn chính trị: do cán bộ bảo vệ chính trị nội bộ xác nhận"
        )
    latest = (
        policy.for_user(PoliticalCase, actor)
        .filter(
            cadre=cadre,
            concluded_on__lte=received_on,
            purpose__in=[PoliticalPurpose.APPOINTMENT, PoliticalPurpose.PLANNING],
        )
        .order_by("-concluded_on", "-id")
        .first()
    )
    if latest is None:
        return Check("political_standard", False, "Chưa có kết luận tiêu chuẩn chính trị")
    audit_read(
        actor=actor,
        obj=latest,
        org_id=latest.org_id,
        what="political_case",
        summary=f"Xem kết luận tiêu chuẩn chính trị số {latest.pk} (kiểm tra điều kiện)",
    )
    ok = latest.conclusion == PoliticalConclusion.MEETS
    return Check(
        "political_standard",
        ok,
        f"Kết luận tiêu chuẩn chính trị ngày {latest.concluded_on:%d/%m/%Y}: {latest.get_conclusion_display().lower()}",
    )


def eligibility_check(*, cadre: Cadre, title: Title, kind: str, received_on: date, actor=None) -> Eligibility:
    """`kind`: "appointment", "reappointment" or "nomination". With `actor`, the political
    standard is checked when the actor has the political-protection role (else "not known")."""
    regulation = "377-QĐ/TW" if received_on >= REGULATION_377_FROM else "80-QĐ/TW"
    checks: list[Check] = []
    left = months_between(received_on, retirement_date(cadre.birth_date, cadre.sex))
    becomes_extension = False
    if kind == "reappointment":
        limit = param("reappointment_extension_months", received_on)
        becomes_extension = left < limit
        checks.append(
            Check(
                "retirement",
                True,
                (
                    f"Còn {left} tháng đến tuổi nghỉ hưu (dưới {limit} tháng): kéo dài thời gian giữ chức vụ đến nghỉ hưu, "
                    "không bổ nhiệm lại"
                )
                if becomes_extension
                else f"Còn {left} tháng đến tuổi nghỉ hưu",
            )
        )
    else:
        need = param("appointment_min_months_to_retirement", received_on)
        checks.append(
            Check("retirement", left >= need, f"Còn {left} tháng đến tuổi nghỉ hưu (cần ít nhất {need} tháng)")
        )
        planned = PlanningEntry.objects.filter(cadre=cadre, added_on__lte=received_on).filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=received_on)
        )
        from dangbo.cadres.selectors import title_lineage_q  # selectors imports this module

        lineage = title_lineage_q("title", of=title)  # an earlier version, a title merged into it
        in_planning = planned.filter(
            lineage | Q(title__group=title.group, title__is_head=title.is_head) if title.group else lineage
        ).exists()
        checks.append(
            Check(
                "planning",
                in_planning,
                "Có trong quy hoạch chức danh"
                if in_planning
                else f"Chưa có trong quy hoạch chức danh «{title.name}» hoặc tương đương",
            )
        )
        need_post = param("appointment_min_months_in_post", received_on)
        current = (
            PositionHolding.objects.filter(cadre=cadre, valid_from__lte=received_on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=received_on))
            .order_by("valid_from")
            .first()
        )
        held = months_between(current.valid_from, received_on) if current else 0
        checks.append(
            Check(
                "time_in_post", held >= need_post, f"Giữ chức vụ hiện tại {held} tháng (cần ít nhất {need_post} tháng)"
            )
        )
    checks.append(_political_check(actor, cadre, received_on))
    checks.append(Check("discipline", None, "Kỷ luật: chưa có dữ liệu"))
    return Eligibility(checks=checks, regulation=regulation, becomes_extension=becomes_extension)


def birth_dates_retiring_between(sex: str, start: date, end: date) -> tuple[date, date] | None:
    """The birth dates (inclusive bounds) of the cadres of `sex` whose retirement date falls in
    [start, end]: the retirement date grows with the birth date, so two bisections over days
    turn "retiring within" into a range on the indexed birth date (set-based lists and counts)."""
    lo_day, hi_day = date(start.year - 75, 1, 1), end

    def first_birth(pred) -> date:  # smallest birth date with pred(retirement) true
        lo, hi = 0, (hi_day - lo_day).days
        while lo < hi:
            mid = (lo + hi) // 2
            if pred(retirement_date(lo_day + timedelta(days=mid), sex)):
                hi = mid
            else:
                lo = mid + 1
        return lo_day + timedelta(days=lo)

    earliest = first_birth(lambda r: r >= start)
    after = first_birth(lambda r: r > end)
    latest = after - timedelta(days=1)
    return (earliest, latest) if earliest <= latest else None
