"""Grading results as indicators: the count and share of members at each level in a subtree for
a year (R-076 target), the organizations' grades by type, the members behind each number."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from dangbo.access.policy import NOT_FOUND, scope_members
from dangbo.core.reference import label
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MembershipSpan

from . import rules
from .models import GRADE_ABBREV, Grade, GradingRecord, Step, Subject
from .tree import subtree_versions

GRADE_ORDER = [g.value for g in Grade]


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
        raise Http404(NOT_FOUND)
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
