"""Reads for grading: campaigns in scope, members of a cell, progress, results as indicators.

Every list starts from the scope function (access/scope.py); results of a province (~60 000
members) are computed with a handful of set queries (no per-member query).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.policy import can, scope_orgs
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MembershipSpan
from dangbo.notifications.selectors import notification_list as all_notifications
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_child_versions_on, path_ids

from . import rules
from .models import (
    CapException,
    CriteriaFramework,
    GradingCampaign,
    GradingRecord,
    Step,
    Subject,
)
from .results import (  # noqa: F401 (read through selectors too)
    LevelCell,
    Results,
    grading_results,
    members_behind,
    removal_review_flags,
    results_year_on_year,
)
from .tree import GRASSROOTS_TYPES, grassroots_of, in_subtree, subtree_versions, version_on  # noqa: F401

MEMBER_ORG_TYPES = ("grassroots_cell", "subordinate_cell", "party_group", "temporary_cell")


# --- campaigns -------------------------------------------------------------------------------


@policy.scoped(GradingCampaign)
def _campaigns_for(qs: QuerySet, user, action: str) -> QuerySet:
    """Campaigns of an organization in scope; to view, also those of an organization above the
    user's own or above a predecessor they absorbed (a campaign opened by a superior concerns
    the organizations inside it): access.policy.above_org_ids, merge lineage included."""
    if policy.everywhere(user, action):
        return qs
    in_scope = scope_orgs(qs, user, field="root_org_id", action=action)
    if action != "view":
        return in_scope
    return (in_scope | qs.filter(root_org_id__in=policy.above_org_ids(user))).distinct()


@policy.scoped(GradingRecord)
def _records_for(qs: QuerySet, user, action: str) -> QuerySet:
    """A member's record: the member in scope with "view_personal" (for viewing); an
    organization's record: the organization in scope."""
    personal = "view_personal" if action == "view" else action
    if policy.everywhere(user, personal) and policy.everywhere(user, action):
        return qs
    members = policy.scope_members(Member.objects.all(), user, action=personal).values("pk")
    orgs = policy.allowed_org_ids(user, action=action)
    org_cond = Q(member__isnull=True) if orgs is None else Q(member__isnull=True, org_id__in=orgs)
    return qs.filter(Q(member_id__in=members) | org_cond)


def campaign_list(*, actor) -> QuerySet:
    """Campaigns of an organization in scope, or of an organization above the user's own."""
    return policy.for_user(GradingCampaign, actor).order_by("-year", "id")


def campaign_get_or_404(*, actor, pk: int) -> GradingCampaign:
    return policy.get_in_scope_or_404(GradingCampaign, actor, pk)


def record_get_or_404(*, actor, pk: int) -> GradingRecord:
    return policy.get_in_scope_or_404(GradingRecord.objects.select_related("campaign"), actor, pk)


def grading_date(campaign: GradingCampaign) -> date:
    return rules.year_end(campaign.year)


def campaign_org_or_404(*, actor, campaign: GradingCampaign, org_id: int, action: str = "view") -> OrgVersion:
    at = grading_date(campaign)
    if not can(actor, action, org_id) or not in_subtree(org_id, campaign.root_org_id, at):
        raise Http404(policy.NOT_FOUND)
    return version_on(org_id, at)


def cell_member_rows(*, campaign: GradingCampaign, cell_id: int) -> list[dict[str, Any]]:
    """The members of a cell on the grading date, with whether they are graded (R-075) and their
    current self-assessment, proposal and decision."""
    at = grading_date(campaign)
    spans = (
        MembershipSpan.objects.valid_on(at)
        .active()
        .filter(org_id=cell_id)
        .select_related("member")
        .order_by("member__name_folded", "member_id")
    )
    members = [s for s in spans]
    current = _current_steps(campaign, [s.member_id for s in members])
    rows = []
    for s in members:
        reason = rules.not_graded_reason(
            year=campaign.year, status=s.status, exempt=s.exempt, ceremony_on=s.member.ceremony_on
        )
        rows.append(
            {
                "member": s.member,
                "span": s,
                "not_graded_reason": reason,
                **{step: current.get((s.member_id, step)) for step in Step.values},
            }
        )
    return rows


def _current_steps(campaign: GradingCampaign, member_ids) -> dict[tuple[int, str], GradingRecord]:
    qs = GradingRecord.objects.current().filter(campaign=campaign, subject=Subject.MEMBER, member_id__in=member_ids)
    return {(r.member_id, r.step): r for r in qs}


def member_records(*, campaign: GradingCampaign, member: Member) -> list[GradingRecord]:
    return list(
        GradingRecord.objects.filter(campaign=campaign, member=member)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    )


def org_records(*, campaign: GradingCampaign, org_id: int) -> list[GradingRecord]:
    return list(
        GradingRecord.objects.filter(campaign=campaign, subject=Subject.ORG, org_id=org_id).order_by(
            "recorded_at", "id"
        )
    )


def member_disciplined_in(member_id: int, year: int) -> bool:
    return (
        MemberEvent.objects.effective()
        .filter(member_id=member_id, type__in=rules.DISCIPLINE_TYPES, on__year=year)
        .exists()
    )


def cap_allowed(campaign: GradingCampaign, grassroots_id: int) -> int | None:
    row = (
        CapException.objects.filter(campaign=campaign, grassroots_org_id=grassroots_id)
        .order_by("-decided_on", "-id")
        .first()
    )
    return row.max_excellent if row else None


def grassroots_counts(campaign: GradingCampaign, grassroots_id: int) -> Counter:
    return Counter(
        GradingRecord.objects.current()
        .filter(
            campaign=campaign,
            subject=Subject.MEMBER,
            step=Step.DECISION,
            grassroots_org_id=grassroots_id,
        )
        .values_list("grade", flat=True)
    )


# --- frameworks ------------------------------------------------------------------------------


def framework_list(*, actor, year: int | None = None) -> QuerySet:
    visible = scope_orgs(CriteriaFramework.objects.all(), actor, field="owner_org_id")
    qs = (CriteriaFramework.objects.filter(owner_org__isnull=True) | visible).distinct()
    if year:
        qs = qs.filter(year=year)
    return qs.prefetch_related("criteria").order_by("-year", "name", "version")


def framework_count_issued(*, year: int, org_id: int | None = None) -> int:
    """How many criteria frameworks were issued in `year` (within `org_id`'s subtree when given)."""
    qs = CriteriaFramework.objects.filter(year=year)
    if org_id is not None:
        ids = subtree_versions(org_id, rules.year_end(year)).values("org_id")
        qs = qs.filter(Q(owner_org_id__in=ids))
    return qs.count()


# --- progress --------------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, DECIDED, LATE = "not_started", "in_progress", "decided", "late"
PROGRESS_LABELS = {
    NOT_STARTED: "Chưa triển khai",
    IN_PROGRESS: "Đang thực hiện",
    DECIDED: "Đã có quyết định",
    LATE: "Quá hạn",
}


@dataclass
class ProgressRow:
    org_id: int
    name: str
    org_type: str
    members: int = 0  # members to grade (R-075 excluded)
    started: int = 0
    decided: int = 0
    org_decided: bool = False
    status: str = NOT_STARTED

    @property
    def status_label(self) -> str:
        return PROGRESS_LABELS[self.status]


def campaign_progress(*, campaign: GradingCampaign, today: date | None = None) -> list[ProgressRow]:
    """Per direct subordinate organization of the campaign's root: not started, in progress,
    decided, late (deadline passed and not decided)."""
    today = today or timezone.localdate()
    at = grading_date(campaign)
    root = version_on(campaign.root_org_id, at)
    if root is None:
        return []
    children = list(org_child_versions_on(org_id=campaign.root_org_id, at=at))
    if not children:
        children = [root]
    subtree = list(subtree_versions(campaign.root_org_id, at).values_list("org_id", "path"))
    child_ids = {c.org_id for c in children}
    owner: dict[int, int] = {}
    for oid, path in subtree:  # the child of the root on the organization's path
        for part in path_ids(path):
            if part in child_ids:
                owner[oid] = part
                break
    rows = {c.org_id: ProgressRow(c.org_id, c.name, c.org_type) for c in children}
    member_of: dict[int, int] = {}
    not_graded = rules.not_graded_check(campaign.year)
    for member_id, org_id, status, exempt, ceremony_on in (
        MembershipSpan.objects.valid_on(at)
        .active()
        .filter(org_id__in=subtree_versions(root.org_id, at).values("org_id"))
        .values_list("member_id", "org_id", "status", "exempt", "member__ceremony_on")
    ):
        if not_graded(status, exempt, ceremony_on) or org_id not in owner:
            continue
        child = owner[org_id]
        member_of[member_id] = child
        rows[child].members += 1
    started: dict[int, set[int]] = {}
    decided: dict[int, set[int]] = {}
    for member_id, step in (
        GradingRecord.objects.current()
        .filter(campaign=campaign, subject=Subject.MEMBER)
        .values_list("member_id", "step")
    ):
        child = member_of.get(member_id)
        if child is None:
            continue
        started.setdefault(child, set()).add(member_id)
        if step == Step.DECISION:
            decided.setdefault(child, set()).add(member_id)
    org_steps = dict(
        GradingRecord.objects.current()
        .filter(campaign=campaign, subject=Subject.ORG, org_id__in=list(rows))
        .values_list("org_id", "step")
    )
    org_decided = set(
        GradingRecord.objects.current()
        .filter(campaign=campaign, subject=Subject.ORG, step=Step.DECISION, org_id__in=list(rows))
        .values_list("org_id", flat=True)
    )
    for oid, row in rows.items():
        row.started = len(started.get(oid, ()))
        row.decided = len(decided.get(oid, ()))
        row.org_decided = oid in org_decided
        if row.members and row.decided >= row.members:
            row.status = DECIDED
        elif row.started or oid in org_steps:
            row.status = IN_PROGRESS
        if row.status != DECIDED and today > campaign.deadline:
            row.status = LATE
    return list(rows.values())


def notification_list(*, actor) -> QuerySet:
    """The grading notifications the actor sees (notifications.selectors, same scope)."""
    return all_notifications(actor=actor, kind_prefix="grading.")


# --- a member's own self-assessment ------------------------------------------------------------


@dataclass
class OwnCampaign:
    """A campaign the signed-in member is graded in, with their records in it."""

    campaign: GradingCampaign
    member: Member
    records: list[GradingRecord]

    @property
    def key(self) -> str:
        """Identifies the row on the page (a member may be graded in nested campaigns)."""
        return f"{self.campaign.pk}-{self.member.pk}"

    @property
    def decided(self) -> bool:
        return any(r.step == Step.DECISION for r in self.records)

    @property
    def assessed(self) -> bool:
        return any(r.step == Step.SELF for r in self.records)


def own_campaigns(*, member_ids, today: date | None = None) -> list[OwnCampaign]:
    """Campaigns of this year and last year whose subtree holds the cell of one of `member_ids`
    (the user's own member profile, from the scope function) at the campaign's grading date."""
    today = today or timezone.localdate()
    out: list[OwnCampaign] = []
    members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids)}
    for campaign in GradingCampaign.objects.filter(year__in=(today.year, today.year - 1), opens_on__lte=today):
        at = min(today, rules.year_end(campaign.year))
        spans = MembershipSpan.objects.valid_on(at).filter(member_id__in=members, status__in=ACTIVE_STATUSES)
        for span in spans:
            if in_subtree(span.org_id, campaign.root_org_id, at):
                out.append(
                    OwnCampaign(
                        campaign,
                        members[span.member_id],
                        member_records(campaign=campaign, member=members[span.member_id]),
                    )
                )
    return sorted(out, key=lambda o: (-o.campaign.year, o.campaign.pk))
