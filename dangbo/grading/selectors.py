"""Reads for grading: campaigns in scope, members of a cell, progress, results as indicators.

Every list starts from the scope function (access/scope.py); results of a province (~60 000
members) are computed with a handful of set queries (no per-member query).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.policy import can, scope_members, scope_orgs
from dangbo.core.reference import label
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MembershipSpan
from dangbo.notifications.selectors import notification_list as all_notifications
from dangbo.orgs.models import OrgVersion

from . import rules
from .models import (
    GRADE_ABBREV,
    CapException,
    CriteriaFramework,
    Grade,
    GradingCampaign,
    GradingRecord,
    Step,
    Subject,
)

GRASSROOTS_TYPES = ("grassroots_cell", "grassroots_party_committee_org")
MEMBER_ORG_TYPES = ("grassroots_cell", "subordinate_cell", "party_group", "temporary_cell")
GRADE_ORDER = [g.value for g in Grade]


# --- organizations -------------------------------------------------------------------------


def version_on(org_id: int, at: date) -> OrgVersion | None:
    return OrgVersion.objects.valid_on(at).filter(org_id=org_id).first()


def subtree_versions(org_id: int, at: date) -> QuerySet:
    root = version_on(org_id, at)
    if root is None:
        return OrgVersion.objects.none()
    return OrgVersion.objects.valid_on(at).filter(path__startswith=root.path)


def in_subtree(org_id: int, root_id: int, at: date) -> bool:
    v, root = version_on(org_id, at), version_on(root_id, at)
    return bool(v and root and v.path.startswith(root.path))


def grassroots_of(cell_version: OrgVersion, at: date) -> int:
    """The grassroots organization a member's cell belongs to (where the R-072 cap applies): the
    nearest organization on the path of a grassroots type, else the cell's superior."""
    ids = [int(x) for x in cell_version.path.strip("/").split("/")]
    types = dict(OrgVersion.objects.valid_on(at).filter(org_id__in=ids).values_list("org_id", "org_type"))
    for oid in reversed(ids):
        if types.get(oid) in GRASSROOTS_TYPES:
            return oid
    return cell_version.parent_id or cell_version.org_id


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
        raise Http404("Không tìm thấy")
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
    children = list(OrgVersion.objects.valid_on(at).filter(parent_id=campaign.root_org_id).order_by("name"))
    if not children:
        children = [root]
    subtree = list(OrgVersion.objects.valid_on(at).filter(path__startswith=root.path).values_list("org_id", "path"))
    child_ids = {c.org_id for c in children}
    owner: dict[int, int] = {}
    for oid, path in subtree:  # the child of the root on the organization's path
        for part in path.strip("/").split("/"):
            if int(part) in child_ids:
                owner[oid] = int(part)
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


# --- results ---------------------------------------------------------------------------------


@dataclass
class LevelCell:
    key: str
    label: str
    count: int
    share: float | None  # percent of the denominator


@dataclass
class Results:
    org_id: int
    year: int
    population: int = 0  # active members on 31/12
    not_graded: int = 0  # excluded from the denominator
    denominator: int = 0
    pending: int = 0  # to grade, no decision yet
    levels: list[LevelCell] = field(default_factory=list)
    good_or_better: int = 0
    good_or_better_share: float | None = None
    target_percent: int = 90
    target_met: bool = False
    orgs: dict[str, Any] = field(default_factory=dict)  # organization grading
    by_org_type: list[dict[str, Any]] = field(default_factory=list)
    member_ids: dict[str, list[int]] = field(default_factory=dict)

    def count(self, key: str) -> int:
        return next((c.count for c in self.levels if c.key == key), 0)


def _share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _member_counts_with_ids(res: Results, year: int, spans: QuerySet, decisions: QuerySet) -> Counter:
    """Counts of members at each level, with the member ids behind each number (drill-down,
    export): two set queries, counted here."""
    not_graded = rules.not_graded_check(year)
    graded: set[int] = set()
    excluded: list[int] = []
    for member_id, status, exempt, ceremony_on in spans.values_list(
        "member_id", "status", "exempt", "member__ceremony_on"
    ):
        res.population += 1
        if not_graded(status, exempt, ceremony_on):
            excluded.append(member_id)
        else:
            graded.add(member_id)
    by_grade: dict[str, list[int]] = {g: [] for g in GRADE_ORDER}
    for member_id, grade in decisions.values_list("member_id", "grade"):
        if member_id in graded and grade != Grade.NOT_GRADED:
            by_grade[grade].append(member_id)
    decided = {m for g in rules.REAL_GRADES for m in by_grade[g]}
    res.not_graded, res.denominator = len(excluded), len(graded)
    res.member_ids = {
        **{g: by_grade[g] for g in rules.REAL_GRADES},
        "not_graded": excluded,
        "pending": [m for m in graded if m not in decided],
        "good_or_better": by_grade["excellent"] + by_grade["good"],
    }
    return Counter({g: len(by_grade[g]) for g in rules.REAL_GRADES})


def grading_results(*, org_id: int, year: int, keep_ids: bool = False) -> Results:
    """Count and share of members at each level in `org_id`'s subtree for `year` (R-076 target),
    the organizations' grades by organization type. Not scoped: callers check the org first."""
    at = rules.year_end(year)
    res = Results(org_id=org_id, year=year, target_percent=rules.param("grading_target_percent", year))
    versions = list(subtree_versions(org_id, at).values_list("org_id", "org_type"))
    if not versions:
        return res
    type_of = dict(versions)
    in_subtree = list(type_of)  # materialized: a subquery here misleads PostgreSQL's planner
    spans = MembershipSpan.objects.valid_on(at).filter(status__in=ACTIVE_STATUSES, org_id__in=in_subtree)
    decisions = GradingRecord.objects.current().filter(
        campaign__year=year, subject=Subject.MEMBER, step=Step.DECISION, org_id__in=in_subtree
    )
    counts = _member_counts_with_ids(res, year, spans, decisions)
    if not keep_ids:
        res.member_ids = {}
    res.pending = res.denominator - sum(counts[g] for g in rules.REAL_GRADES)
    for g in rules.REAL_GRADES:
        res.levels.append(
            LevelCell(g, f"{Grade(g).label} ({GRADE_ABBREV[g]})", counts[g], _share(counts[g], res.denominator))
        )
    res.levels.append(LevelCell("not_graded", "Không xếp loại (miễn, dự bị chưa đủ thời gian)", res.not_graded, None))
    res.levels.append(
        LevelCell("pending", "Chưa có quyết định xếp loại", res.pending, _share(res.pending, res.denominator))
    )
    res.good_or_better = counts["excellent"] + counts["good"]
    res.good_or_better_share = _share(res.good_or_better, res.denominator)
    res.target_met = rules.target_met(year=year, good_or_better=res.good_or_better, graded=res.denominator)
    # Organizations graded in the subtree, by organization type.
    org_grades = dict(
        GradingRecord.objects.current()
        .filter(campaign__year=year, subject=Subject.ORG, step=Step.DECISION, org_id__in=in_subtree)
        .values_list("org_id", "grade")
    )
    per_type: dict[str, Counter] = {}
    for oid, grade in org_grades.items():
        per_type.setdefault(type_of.get(oid, ""), Counter())[grade] += 1
    for org_type, counts in sorted(per_type.items()):
        total = sum(counts[g] for g in rules.REAL_GRADES)
        res.by_org_type.append(
            {
                "org_type": org_type,
                "label": label("org_types", org_type),
                "total": total,
                "levels": [(GRADE_ABBREV[g], counts[g], _share(counts[g], total)) for g in rules.REAL_GRADES],
                "good_or_better_share": _share(counts["excellent"] + counts["good"], total),
            }
        )
    orgs_total = sum(1 for g in org_grades.values() if g in rules.REAL_GRADES)
    orgs_good = sum(1 for g in org_grades.values() if g in ("excellent", "good"))
    res.orgs = {
        "total": orgs_total,
        "good_or_better": orgs_good,
        "share": _share(orgs_good, orgs_total),
        "target_met": rules.target_met(year=year, good_or_better=orgs_good, graded=orgs_total),
    }
    return res


def results_year_on_year(*, org_id: int, year: int, years: int = 3) -> list[Results]:
    return [grading_results(org_id=org_id, year=y) for y in range(year - years + 1, year + 1)]


def members_behind(*, actor, org_id: int, year: int, key: str) -> QuerySet:
    """The members behind one number of the results (scoped)."""
    ids = grading_results(org_id=org_id, year=year, keep_ids=True).member_ids.get(key)
    if ids is None:
        raise Http404("Không tìm thấy")
    return scope_members(Member.objects.filter(pk__in=ids), actor).order_by("name_folded", "pk")


def removal_review_flags(*, org_id: int, year: int) -> list[Member]:
    """R-040: members graded KHTNV in the last consecutive years (from their timeline events)."""
    n = rules.param("grading_removal_review_years", year)
    res = grading_results(org_id=org_id, year=year, keep_ids=True)
    candidates = res.member_ids.get("unsatisfactory", [])
    history: dict[int, dict[int, str]] = {}
    for member_id, payload in (
        MemberEvent.objects.effective()
        .filter(member_id__in=candidates, type="yearly_grading", on__year__gte=year - n)
        .values_list("member_id", "payload")
    ):
        if isinstance(payload, dict) and payload.get("year"):
            history.setdefault(member_id, {})[int(payload["year"])] = payload.get("grade", "")
    flagged = [m for m in candidates if rules.removal_review_due(history.get(m, {}), year)]
    return list(Member.objects.filter(pk__in=flagged).order_by("name_folded"))


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
                out.append(OwnCampaign(campaign, members[span.member_id],
                                       member_records(campaign=campaign, member=members[span.member_id])))
    return sorted(out, key=lambda o: (-o.campaign.year, o.campaign.pk))
