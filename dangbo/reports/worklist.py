"""The periodic reports' item of the worklist (access.worklist): reports of the user's own
organizations (where they record) whose period has ended and that are not yet sent — due within
the next days or overdue (R-140, R-141). Periods not yet opened count with their default dates;
nothing is written by reading the worklist."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.reports.models import PeriodKind, ReportPeriod, ReportSubmission, SubmissionStatus
from dangbo.reports.services import DEFAULT_DUE_DAYS, period_bounds

LOOK_BACK_DAYS = 190  # periods whose due date is at most this old still show


def _periods(today: date) -> list[tuple[str, int, int, date]]:
    """(kind, year, number, due) of the periods ended by `today` and due from LOOK_BACK_DAYS ago."""
    stored = {
        (p.kind, p.year, p.number): p.due_on
        for p in ReportPeriod.objects.filter(year__gte=today.year - 1, year__lte=today.year)
    }
    out = []
    for year in (today.year - 1, today.year):
        for kind, numbers in ((PeriodKind.QUARTER, (1, 2, 3, 4)), (PeriodKind.HALF, (1,)), (PeriodKind.YEAR, (1,))):
            for number in numbers:
                _, cutoff = period_bounds(kind, year, number)
                due = stored.get((kind, year, number)) or cutoff + timedelta(
                    days=getattr(settings, "DANGBO_REPORT_DUE_DAYS", DEFAULT_DUE_DAYS)
                )
                if cutoff <= today and due >= today - timedelta(days=LOOK_BACK_DAYS):
                    out.append((kind, year, number, due))
    return out


def provider(user, today: date) -> list[WorkItem]:
    roots = policy.scope_roots(user, action="record")
    if not roots:  # everywhere (None) or no organization of one's own
        return []
    org_ids = sorted(r.org_id for r in roots)
    periods = _periods(today)
    sent = set(
        ReportSubmission.objects.filter(
            org_id__in=org_ids, status=SubmissionStatus.SUBMITTED, period__year__gte=today.year - 1
        ).values_list("org_id", "period__kind", "period__year", "period__number")
    )
    missing = sorted(
        (
            (due, org, kind, year, number)
            for org in org_ids
            for kind, year, number, due in periods
            if (org, kind, year, number) not in sent
        )
    )
    url = reverse("reports:periodic_report")
    if missing:
        due, org, kind, year, number = missing[0]
        url += "?" + urlencode({"org": org, "loai": kind, "nam": year, "so": number})
    level = "danger" if any(m[0] < today for m in missing) else "warning"
    return [
        WorkItem(
            "bao_cao_dinh_ky",
            "Báo cáo định kỳ đến hạn hoặc quá hạn chưa gửi",
            len(missing),
            url,
            level,
            "Báo cáo quý, 6 tháng, năm của tổ chức bạn phụ trách đã đến ngày chốt số liệu mà chưa gửi "
            "cấp trên (R-140, R-141).",
            "Văn bản, kế hoạch, báo cáo",
        )
    ]
