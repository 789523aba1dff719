"""The grading item of the worklist (access.worklist): for each open campaign in scope, the
members in scope not yet through the step the calendar is at (self-assessment until its due
date, then the cell's proposal, then the decision; R-073)."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.grading.models import GradingRecord, Step, Subject
from dangbo.grading.selectors import campaign_list
from dangbo.members.models import ACTIVE_STATUSES, Member


def _step(campaign, today: date) -> str:
    if today <= campaign.self_assessment_due:
        return Step.SELF
    if today <= campaign.cell_meeting_due:
        return Step.PROPOSAL
    return Step.DECISION


def provider(user, today: date) -> list[WorkItem]:
    items = []
    allowed = policy.allowed_org_ids(user, action="view")
    for campaign in campaign_list(actor=user).filter(opens_on__lte=today, deadline__gte=today)[:5]:
        step = _step(campaign, today)
        done = GradingRecord.objects.filter(
            campaign=campaign, subject=Subject.MEMBER, step=step, member_id=OuterRef("pk"), superseded_by__isnull=True
        )
        members = Member.objects.filter(current_status__in=ACTIVE_STATUSES, current_org__isnull=False, exempt=False)
        if allowed is not None:
            members = members.filter(current_org_id__in=Subquery(allowed))
        count = members.filter(~Exists(done)).count()
        items.append(
            WorkItem(
                f"danh_gia_{campaign.pk}",
                f"Đánh giá, xếp loại năm {campaign.year}: chưa qua bước «{Step(step).label}»",
                count,
                reverse("grading:campaign_detail", args=[campaign.pk]),
                "danger" if today > campaign.deadline else "warning",
                "Theo lịch của đợt đánh giá (R-073, R-074).",
                "Đánh giá, xếp loại",
            )
        )
    return items
