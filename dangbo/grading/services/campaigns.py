"""Grading campaigns: opening a year's grading, R-072 cap exceptions, reminders to late orgs."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.notifications.models import Notification
from dangbo.notifications.services import notify
from dangbo.orgs.models import Organization

from .. import rules, selectors
from ..models import CapException, GradingCampaign
from .common import NO_RIGHT
from .common import fmt as _fmt
from .common import user_or_none as _user


@transaction.atomic
def campaign_open(
    *,
    actor,
    year: int,
    root_org: Organization,
    opens_on: date,
    self_assessment_due: date,
    cell_meeting_due: date,
    decision_due: date,
    deadline: date,
    note: str = "",
) -> GradingCampaign:
    """Open a year's grading of `root_org`'s subtree (by an officer of that organization)."""
    if not (can(actor, "record", root_org.pk) or can(actor, "restructure", root_org.pk)):
        raise DomainError("Bạn không có quyền triển khai đánh giá, xếp loại cho tổ chức này.", field="root_org")
    if not (2000 <= int(year) <= timezone.localdate().year + 1):
        raise DomainError("Năm đánh giá không hợp lệ.", field="year")
    if (
        selectors.version_on(root_org.pk, rules.year_end(year)) is None
        and selectors.version_on(root_org.pk, opens_on) is None
    ):
        raise DomainError(f"Tổ chức không tồn tại trong năm {year}.", field="root_org")
    steps = [
        ("opens_on", opens_on, "Ngày bắt đầu"),
        ("self_assessment_due", self_assessment_due, "Hạn tự đánh giá"),
        ("cell_meeting_due", cell_meeting_due, "Hạn họp chi bộ"),
        ("decision_due", decision_due, "Hạn quyết định xếp loại"),
        ("deadline", deadline, "Hạn hoàn thành"),
    ]
    for name, value, title in steps:
        if value is None:
            raise DomainError(f"Phải nhập {title.lower()}.", field=name)
    for (_, a, ta), (name, b, tb) in zip(steps, steps[1:], strict=False):
        if b < a:
            raise DomainError(f"{tb} ({_fmt(b)}) không được trước {ta.lower()} ({_fmt(a)}).", field=name)
    if opens_on.year not in (year, year + 1) or deadline.year > year + 1:
        raise DomainError(f"Lịch đánh giá phải nằm trong năm {year} hoặc đầu năm {year + 1}.", field="opens_on")
    if GradingCampaign.objects.filter(year=year, root_org=root_org).exists():
        raise DomainError(f"Đã có đợt đánh giá, xếp loại năm {year} của tổ chức này.", field="year")
    campaign = GradingCampaign.objects.create(
        year=year,
        root_org=root_org,
        opens_on=opens_on,
        self_assessment_due=self_assessment_due,
        cell_meeting_due=cell_meeting_due,
        decision_due=decision_due,
        deadline=deadline,
        note=nfc(note),
        opened_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="grading.campaign_opened",
        obj=campaign,
        org_id=root_org.pk,
        summary=f"Triển khai đánh giá, xếp loại năm {year}",
        after={"year": year, "opens_on": opens_on, "deadline": deadline},
    )
    return campaign


@transaction.atomic
def cap_exception_record(
    *,
    actor,
    campaign: GradingCampaign,
    grassroots_org: Organization,
    max_excellent: int,
    decision_number: str,
    reason: str,
    decided_on: date,
) -> CapException:
    """R-072: the competent level allows up to `max_excellent` HTXSNV in a grassroots org."""
    v = selectors.version_on(grassroots_org.pk, rules.year_end(campaign.year))
    if v is None or not selectors.in_subtree(grassroots_org.pk, campaign.root_org_id, rules.year_end(campaign.year)):
        raise DomainError("Tổ chức không thuộc phạm vi của đợt đánh giá này.", field="grassroots_org")
    if not can(actor, "record", v.parent_id or grassroots_org.pk):
        raise DomainError(NO_RIGHT, field="grassroots_org")
    if not nfc(decision_number).strip():
        raise DomainError("Phải nhập số văn bản cho phép vượt tỷ lệ.", field="decision_number")
    if not nfc(reason).strip():
        raise DomainError("Phải nêu lý do.", field="reason")
    if max_excellent is None or int(max_excellent) < 1:
        raise DomainError("Số HTXSNV tối đa phải lớn hơn 0.", field="max_excellent")
    row = CapException.objects.create(
        campaign=campaign,
        grassroots_org=grassroots_org,
        max_excellent=int(max_excellent),
        decision_number=nfc(decision_number).strip(),
        reason=nfc(reason).strip(),
        decided_on=decided_on,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="grading.cap_exception",
        obj=row,
        org_id=grassroots_org.pk,
        summary=f"Cho phép {v.name} có tối đa {max_excellent} đảng viên HTXSNV năm {campaign.year}",
        after={"max_excellent": int(max_excellent), "decision_number": row.decision_number},
    )
    return row


@transaction.atomic
def campaign_remind_late(*, actor, campaign: GradingCampaign, today: date | None = None) -> list[Notification]:
    """Notify every late subordinate organization (once a day per organization)."""
    today = today or timezone.localdate()
    if not can(actor, "record", campaign.root_org_id):
        raise DomainError(NO_RIGHT, field="campaign")
    created = []
    for row in selectors.campaign_progress(campaign=campaign, today=today):
        if row.status != selectors.LATE:
            continue
        note = notify(
            kind="grading.late",
            key=f"grading.late:{campaign.pk}:{today.isoformat()}",  # once a day per organization
            org_id=row.org_id,
            target=campaign,
            actor=actor,
            message=f"{row.name}: đã quá hạn hoàn thành đánh giá, xếp loại năm {campaign.year} "
            f"({_fmt(campaign.deadline)}); đã quyết định {row.decided}/{row.members} đảng viên.",
        )
        if note is not None:
            created.append(note)
    audit_record(
        actor=actor,
        action="grading.reminders_sent",
        obj=campaign,
        org_id=campaign.root_org_id,
        summary=f"Nhắc {len(created)} tổ chức chậm đánh giá, xếp loại năm {campaign.year}",
        after={"orgs": [n.org_id for n in created]},
    )
    return created
