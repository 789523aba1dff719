"""Reads of apparatus and staffing, all through the access policy (scope = the agency's managing
party organization). Registers the visibility of the staffing models with `access.policy.scoped`.

Figures are computed as of a date on the agency tree valid that day (R-110, R-111): quota in force
(the latest decision of the year effective on or before the date), headcount (the latest snapshot
on or before the date), vacancies, reduction against the baseline year and progress to the target.
A successor carries its predecessors (lineage): their baseline always, their quota and headcount
until it has a decision or snapshot of its own dated from the restructuring on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from dangbo.access import policy
from dangbo.core.rules import param
from dangbo.core.temporal import Lineage, TemporalTree, valid_on_q
from dangbo.staffing.models import (
    Agency,
    AgencyLineage,
    AgencyVersion,
    Baseline,
    CatalogueStatus,
    DepartureKind,
    Headcount,
    JobCatalogue,
    ProjectAgency,
    ProjectDeparture,
    ProjectSide,
    ProjectUnit,
    QuotaAllocation,
    RestructuringProject,
    StaffingCategory,
    SurplusLeaders,
)

policy.scoped_by(Agency, field="managing_org_id")
policy.scoped_by(AgencyVersion, field="agency__managing_org_id")
policy.scoped_by(QuotaAllocation, field="receiving__managing_org_id")
policy.scoped_by(Headcount, field="agency__managing_org_id")
policy.scoped_by(Baseline, field="agency__managing_org_id")
policy.scoped_by(RestructuringProject, field="org_id")


@policy.scoped(JobCatalogue)
def _catalogues_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="agency__managing_org_id", action=action)


# --- the tree as of a date --------------------------------------------------------------------


TREE = TemporalTree(AgencyVersion, "agency", path="path")  # shared with orgs (core.temporal), paths as orgs'
LINEAGE = Lineage(AgencyLineage)  # the lineage reader shared with orgs (core.temporal)


def version_on(agency_id: int, at: date) -> AgencyVersion | None:
    return TREE.versions_on(at).filter(agency_id=agency_id).select_related("agency").first()


def parent_on(agency_id: int, at: date) -> int | None:
    v = version_on(agency_id, at)
    return v.parent_id if v else None


def children_on(agency_id: int, at: date) -> list[int]:
    return TREE.children_on(agency_id, at)


@dataclass
class TreeRow:
    version: AgencyVersion
    depth: int


def agency_tree(*, actor, at: date, root_id: int | None = None) -> list[TreeRow]:
    """The agencies `actor` may see valid on `at`, as a depth-first list (roots: no visible parent)."""
    versions = list(
        policy.for_user(AgencyVersion, actor)
        .filter(valid_on_q(at))
        .select_related("agency", "agency__managing_org")
        .order_by("name")
    )
    by_parent: dict[int | None, list[AgencyVersion]] = {}
    visible = {v.agency_id for v in versions}
    for v in versions:
        by_parent.setdefault(v.parent_id if v.parent_id in visible else None, []).append(v)
    rows: list[TreeRow] = []

    def walk(v: AgencyVersion, depth: int) -> None:
        rows.append(TreeRow(v, depth))
        for c in by_parent.get(v.agency_id, []):
            walk(c, depth + 1)

    roots = [v for v in versions if v.agency_id == root_id] if root_id else by_parent.get(None, [])
    for v in roots:
        walk(v, 0)
    return rows


def subtree_ids(agency_id: int, at: date) -> list[int]:
    """The agency and every agency below it on `at` (the agency itself even if not valid then):
    one prefix scan on the materialized path, whatever the depth."""
    return TREE.subtree_ids(agency_id, at)


def subtree_on(*, actor, agency_id: int, at: date) -> QuerySet:
    """The versions valid on `at` of the agency and every agency below it, ordered by path (a
    parent before its children): the agency is checked in scope (404 outside), the rows narrowed
    to the actor's scope; two queries whatever the depth."""
    policy.get_in_scope_or_404(Agency, actor, agency_id)
    return (
        policy.for_user(AgencyVersion, actor)
        .filter(pk__in=TREE.subtree(agency_id, at).values("pk"))
        .select_related("agency")
        .order_by("path")
    )


# --- quota, headcount, baseline with lineage ----------------------------------------------------


def own_allocation(agency_id: int, category_id: int, year: int, at: date) -> QuotaAllocation | None:
    """The quota decision in force on `at` for `agency` × `category` × `year` (the latest effective)."""
    return (
        QuotaAllocation.objects.filter(
            receiving_id=agency_id, category_id=category_id, year=year, effective_from__lte=at
        )
        .order_by("-effective_from", "-id")
        .first()
    )


def _links_into(agency_id: int, at: date) -> list[AgencyLineage]:
    return list(LINEAGE.links_into(agency_id, at))


def predecessors_on(agency_id: int, at: date) -> list[int]:
    """Every agency merged or split into this one on or before `at` (transitively)."""
    return LINEAGE.ancestors(agency_id, at)


def successors_on(agency_id: int, at: date) -> list[int]:
    """Every agency this one went into on or before `at` (transitively)."""
    return LINEAGE.descendants(agency_id, at)


def _share(value: int, pct: Decimal) -> int:
    if pct == 100:
        return value
    return int((Decimal(value) * pct / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quota_on(agency_id: int, category_id: int, at: date, year: int | None = None) -> int | None:
    """Quota of the year of `at` in force on `at`, predecessors included until the agency's own
    decision dated from the restructuring on (None: never allocated)."""
    year = year or at.year
    own = own_allocation(agency_id, category_id, year, at)
    total = own.number if own else None
    for link in _links_into(agency_id, at):
        if link.on.year != year or (own is not None and own.effective_from >= link.on):
            continue
        carried = quota_on(link.predecessor_id, category_id, link.on - timedelta(days=1), year)
        if carried is not None:
            total = (total or 0) + _share(carried, link.share_pct)
    return total


def subtree_quota(agency_id: int, category_id: int, at: date) -> int | None:
    """Quota of a subtree: what its root received (allocations below are shares of it); for a
    root without a decision, the sum of its children's."""
    own = quota_on(agency_id, category_id, at)
    if own is not None:
        return own
    parts = [q for c in children_on(agency_id, at) if (q := subtree_quota(c, category_id, at)) is not None]
    return sum(parts) if parts else None


def headcount_on(agency_id: int, category_id: int, at: date) -> int | None:
    """Latest headcount snapshot on or before `at`, predecessors' until one of its own from the
    restructuring on."""
    own = (
        Headcount.objects.filter(agency_id=agency_id, category_id=category_id, on__lte=at)
        .order_by("-on", "-id")
        .first()
    )
    total = own.count if own else None
    for link in _links_into(agency_id, at):
        if own is not None and own.on >= link.on:
            continue
        carried = headcount_on(link.predecessor_id, category_id, link.on - timedelta(days=1))
        if carried is not None:
            total = (total or 0) + _share(carried, link.share_pct)
    return total


def baseline_on(agency_id: int, category_id: int, at: date) -> tuple[int, int] | None:
    """(baseline number, carried shortfall/credit) of the baseline year for the agency as of `at`:
    its own plus its predecessors' (summed at a merge, apportioned at a split)."""
    year = param("staffing_baseline_year", at)
    own = Baseline.objects.filter(agency_id=agency_id, category_id=category_id, year=year).first()
    number, carried, found = (own.number, own.carried, True) if own else (0, 0, False)
    for link in _links_into(agency_id, at):
        sub = baseline_on(link.predecessor_id, category_id, link.on - timedelta(days=1))
        if sub is not None:
            number += _share(sub[0], link.share_pct)
            carried += _share(sub[1], link.share_pct) if sub[1] >= 0 else -_share(-sub[1], link.share_pct)
            found = True
    return (number, carried) if found else None


# --- figures ------------------------------------------------------------------------------------


@dataclass
class CategoryFigures:
    category: StaffingCategory
    quota: int = 0
    headcount: int = 0
    baseline: int = 0
    carried: int = 0
    has_quota: bool = False
    has_headcount: bool = False
    has_baseline: bool = False
    target_pct: int | None = None

    @property
    def vacancies(self) -> int:
        return self.quota - self.headcount

    @property
    def reduction(self) -> int:
        """Quota (biên chế) cut against the baseline (R-111)."""
        return self.baseline - self.quota

    @property
    def reduction_pct(self) -> Decimal | None:
        if not self.baseline:
            return None
        return (Decimal(self.reduction) * 100 / self.baseline).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def required(self) -> int | None:
        """Posts to cut by the target year: ⌈baseline × target %⌉ plus the carried shortfall
        (minus the credit) of 2016–2021, never below zero."""
        if self.target_pct is None or not self.has_baseline:
            return None
        return max(math.ceil(Decimal(self.baseline) * Decimal(self.target_pct) / 100) + self.carried, 0)

    @property
    def target_quota(self) -> int | None:
        return None if self.required is None else self.baseline - self.required

    @property
    def shortfall(self) -> int | None:
        return None if self.required is None else max(self.required - self.reduction, 0)

    @property
    def progress_pct(self) -> Decimal | None:
        if self.required is None:
            return None
        if self.required == 0:
            return Decimal(100)
        return (Decimal(self.reduction) * 100 / self.required).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    at: date
    agency: Agency
    name: str
    rows: list[CategoryFigures] = field(default_factory=list)
    agency_count: int = 0
    baseline_year: int = 2021
    target_year: int = 2026

    def row(self, code: str) -> CategoryFigures:
        return next(r for r in self.rows if r.category.code == code)


class Snapshot:
    """Every staffing figure as of `at`, read in a constant number of queries (versions, lineage,
    the year's allocations, headcounts, baselines, categories: six, whatever the number of
    agencies and categories), then computed in memory with exactly the semantics of `quota_on`,
    `headcount_on`, `baseline_on`, `subtree_quota` and `subtree_ids` above (tested equal)."""

    def __init__(self, at: date):
        self.at = at
        self.year = at.year
        self.baseline_year = param("staffing_baseline_year", at)
        self.versions: dict[int, list[tuple[date, date | None, int | None, str, str]]] = {}
        for aid, vf, vt, parent, name, path in AgencyVersion.objects.order_by("agency_id", "valid_from").values_list(
            "agency_id", "valid_from", "valid_to", "parent_id", "name", "path"
        ):
            self.versions.setdefault(aid, []).append((vf, vt, parent, name, path))
        self.links: dict[int, list[tuple[int, date, Decimal]]] = {}
        for succ, pred, on, share in (
            AgencyLineage.objects.filter(on__lte=at)
            .order_by("on", "id")
            .values_list("successor_id", "predecessor_id", "on", "share_pct")
        ):
            self.links.setdefault(succ, []).append((pred, on, share))
        # (agency, category) -> [(effective_from, id, number)] ascending
        self.allocs: dict[tuple[int, int], list[tuple[date, int, int]]] = {}
        for aid, cid, eff, pk, n in (
            QuotaAllocation.objects.filter(year=self.year, effective_from__lte=at)
            .order_by("effective_from", "id")
            .values_list("receiving_id", "category_id", "effective_from", "id", "number")
        ):
            self.allocs.setdefault((aid, cid), []).append((eff, pk, n))
        self.heads: dict[tuple[int, int], list[tuple[date, int, int]]] = {}
        for aid, cid, on, pk, n in (
            Headcount.objects.filter(on__lte=at)
            .order_by("on", "id")
            .values_list("agency_id", "category_id", "on", "id", "count")
        ):
            self.heads.setdefault((aid, cid), []).append((on, pk, n))
        self.bases: dict[tuple[int, int], tuple[int, int]] = {
            (aid, cid): (n, c)
            for aid, cid, n, c in Baseline.objects.filter(year=self.baseline_year).values_list(
                "agency_id", "category_id", "number", "carried"
            )
        }
        self.categories = list(StaffingCategory.objects.all())
        self.children: dict[int, list[int]] = {}
        self.paths: dict[int, str] = {}  # agency -> materialized path on `at`
        for aid in self.versions:
            v = self._version(aid, at)
            if v is not None:
                self.paths[aid] = v[4]
                if v[2] is not None:
                    self.children.setdefault(v[2], []).append(aid)

    def _version(self, agency_id: int, at: date):
        for v in self.versions.get(agency_id, ()):
            if v[0] <= at and (v[1] is None or v[1] >= at):
                return v
        return None

    def name(self, agency_id: int) -> str:
        v = self._version(agency_id, self.at) or (self.versions.get(agency_id) or [None])[-1]
        return v[3] if v else str(agency_id)

    def valid(self, agency_id: int) -> bool:
        return self._version(agency_id, self.at) is not None

    def subtree_ids(self, agency_id: int) -> list[int]:
        """The agency and those below it on `at`, by path prefix (as `TREE.subtree_ids`)."""
        root = self.paths.get(agency_id)
        if root is None:
            return [agency_id]
        below = sorted((p, a) for a, p in self.paths.items() if a != agency_id and p.startswith(root))
        return [agency_id] + [a for _, a in below]

    @staticmethod
    def _latest(rows, at: date):
        found = None
        for row in rows or ():
            if row[0] <= at:
                found = row
        return found

    def quota_on(self, agency_id: int, category_id: int, at: date | None = None) -> int | None:
        at = at or self.at
        own = self._latest(self.allocs.get((agency_id, category_id)), at)
        total = own[2] if own else None
        for pred, on, share in self.links.get(agency_id, ()):
            if on > at or on.year != self.year or (own is not None and own[0] >= on):
                continue
            carried = self.quota_on(pred, category_id, on - timedelta(days=1))
            if carried is not None:
                total = (total or 0) + _share(carried, share)
        return total

    def subtree_quota(self, agency_id: int, category_id: int) -> int | None:
        own = self.quota_on(agency_id, category_id)
        if own is not None:
            return own
        parts = [q for c in self.children.get(agency_id, ()) if (q := self.subtree_quota(c, category_id)) is not None]
        return sum(parts) if parts else None

    def headcount_on(self, agency_id: int, category_id: int, at: date | None = None) -> int | None:
        at = at or self.at
        own = self._latest(self.heads.get((agency_id, category_id)), at)
        total = own[2] if own else None
        for pred, on, share in self.links.get(agency_id, ()):
            if on > at or (own is not None and own[0] >= on):
                continue
            carried = self.headcount_on(pred, category_id, on - timedelta(days=1))
            if carried is not None:
                total = (total or 0) + _share(carried, share)
        return total

    def baseline_on(self, agency_id: int, category_id: int, at: date | None = None) -> tuple[int, int] | None:
        at = at or self.at
        own = self.bases.get((agency_id, category_id))
        number, carried, found = (own[0], own[1], True) if own else (0, 0, False)
        for pred, on, share in self.links.get(agency_id, ()):
            if on > at:
                continue
            sub = self.baseline_on(pred, category_id, on - timedelta(days=1))
            if sub is not None:
                number += _share(sub[0], share)
                carried += _share(sub[1], share) if sub[1] >= 0 else -_share(-sub[1], share)
                found = True
        return (number, carried) if found else None

    def used_categories(self) -> list[StaffingCategory]:
        used = {c for _, c in self.allocs} | {c for _, c in self.heads} | {c for _, c in self.bases}
        return [c for c in self.categories if c.pk in used]

    def figures(self, agency: Agency) -> Figures:
        """Figures of the agency's subtree (see `figures`)."""
        at = self.at
        ids = self.subtree_ids(agency.pk)
        figs = Figures(
            at=at,
            agency=agency,
            name=self.name(agency.pk),
            agency_count=len(ids),
            baseline_year=self.baseline_year,
            target_year=param("staffing_target_year", at),
        )
        for cat in self.used_categories():
            row = CategoryFigures(category=cat, target_pct=param(cat.target_param, at) if cat.target_param else None)
            q = self.subtree_quota(agency.pk, cat.pk)
            if q is not None:
                row.quota, row.has_quota = q, True
            for aid in ids:
                h = self.headcount_on(aid, cat.pk)
                if h is not None:
                    row.headcount += h
                    row.has_headcount = True
                b = self.baseline_on(aid, cat.pk)
                if b is not None:
                    row.baseline += b[0]
                    row.carried += b[1]
                    row.has_baseline = True
            if row.has_quota or row.has_headcount or row.has_baseline:
                figs.rows.append(row)
        return figs

    def own_row(self, agency_id: int, category: StaffingCategory) -> tuple[int | None, int | None]:
        """(quota, headcount) of one agency itself (not its subtree) × category."""
        return self.quota_on(agency_id, category.pk), self.headcount_on(agency_id, category.pk)


def figures(*, actor, agency_id: int, at: date, snapshot: Snapshot | None = None) -> Figures:
    """Quota, headcount, vacancies, reduction vs the baseline and progress to the target for the
    agency's subtree on `at`, per category (404 outside scope). Headcount and baseline are of each
    agency itself, summed over the subtree; the quota is what the subtree's root received. A
    constant number of queries (Snapshot), whatever the size of the subtree."""
    agency = policy.get_in_scope_or_404(Agency, actor, agency_id)
    return (snapshot or Snapshot(at)).figures(agency)


def figures_slow(*, actor, agency_id: int, at: date) -> Figures:
    """The same figures through the per-agency functions (a few queries per agency × category):
    kept to check the Snapshot against."""
    agency = policy.get_in_scope_or_404(Agency, actor, agency_id)
    v = version_on(agency.pk, at) or agency.versions.order_by("-valid_from").first()
    ids = subtree_ids(agency.pk, at)
    figs = Figures(
        at=at,
        agency=agency,
        name=v.name if v else agency.code,
        agency_count=len(ids),
        baseline_year=param("staffing_baseline_year", at),
        target_year=param("staffing_target_year", at),
    )
    used = (
        set(QuotaAllocation.objects.values_list("category_id", flat=True).distinct())
        | set(Headcount.objects.values_list("category_id", flat=True).distinct())
        | set(Baseline.objects.values_list("category_id", flat=True).distinct())
    )
    for cat in StaffingCategory.objects.filter(pk__in=used):  # a category without any data has no row
        row = CategoryFigures(category=cat, target_pct=param(cat.target_param, at) if cat.target_param else None)
        q = subtree_quota(agency.pk, cat.pk, at)
        if q is not None:
            row.quota, row.has_quota = q, True
        for aid in ids:
            h = headcount_on(aid, cat.pk, at)
            if h is not None:
                row.headcount += h
                row.has_headcount = True
            b = baseline_on(aid, cat.pk, at)
            if b is not None:
                row.baseline += b[0]
                row.carried += b[1]
                row.has_baseline = True
        if row.has_quota or row.has_headcount or row.has_baseline:
            figs.rows.append(row)
    return figs


@dataclass
class Balance:
    received: int | None
    allocated: int
    allocated_ids: list[int]

    @property
    def remaining(self) -> int:
        return (self.received or 0) - self.allocated


def balance(agency_id: int, category_id: int, year: int, at: date, *, exclude_child: int | None = None) -> Balance:
    """What `agency` received of `category` for `year` in force on `at`, and what it has allocated
    to the agencies under it on that date (`exclude_child`: leave one child out)."""
    own = own_allocation(agency_id, category_id, year, at)
    allocated, kids = 0, []
    for child in children_on(agency_id, at):
        if child == exclude_child:
            continue
        a = own_allocation(child, category_id, year, at)
        if a is not None:
            allocated += a.number
            kids.append(child)
    return Balance(received=own.number if own else None, allocated=allocated, allocated_ids=kids)


def allocations(*, actor, year: int | None = None, agency_id: int | None = None) -> QuerySet:
    qs = policy.for_user(QuotaAllocation, actor).select_related("category", "receiving", "allocating")
    if year:
        qs = qs.filter(year=year)
    if agency_id:
        qs = qs.filter(Q(receiving_id=agency_id) | Q(allocating_id=agency_id))
    return qs.order_by("-year", "-effective_from", "-id")


# --- restructuring ------------------------------------------------------------------------------


@dataclass
class ModelProgress:
    model: str
    done: int
    total: int

    def __str__(self) -> str:
        return f"{self.done}/{self.total} {self.model}"


def restructured_by_model(*, actor, at: date, org_id: int | None = None) -> list[ModelProgress]:
    """Units restructured on or before `at` of those in scope of the projects, per model
    («7/8 Cơ quan Thanh tra - Kiểm tra»), in the order the projects' models were first registered."""
    projects = policy.for_user(RestructuringProject, actor)
    if org_id:
        projects = projects.filter(org_id=org_id)
    return progress_by_model(ProjectUnit.objects.filter(project__in=projects), at)


def progress_by_model(units: QuerySet, at: date) -> list[ModelProgress]:
    """Of `units` (project units already restricted to a scope or an area), those restructured on
    or before `at`, per model of their project (one query)."""
    out: dict[str, ModelProgress] = {}
    for model, done_on in units.order_by("project_id", "id").values_list("project__model", "done_on"):
        mp = out.setdefault(model, ModelProgress(model, 0, 0))
        mp.total += 1
        if done_on is not None and done_on <= at:
            mp.done += 1
    return list(out.values())


def restructured_summary(progress: list[ModelProgress]) -> str:
    return "; ".join(str(p) for p in progress)


def months_left(at: date, deadline: date) -> int:
    """Whole months from `at` to `deadline` (0 when due or past)."""
    months = (deadline.year - at.year) * 12 + deadline.month - at.month - (1 if deadline.day < at.day else 0)
    return max(months, 0)


@dataclass
class SurplusRow:
    agency_name: str
    position: str
    surplus: int
    deadline: date
    months_left: int

    @property
    def overdue(self) -> bool:
        return self.months_left == 0


@dataclass
class ProjectFigures:
    """What the applied projects (applied on or before `at`) changed: agencies and internal units
    before/after, surplus leaders with the months left to resolve them, people leaving by kind."""

    at: date
    projects_applied: int = 0
    agencies_before: int = 0
    agencies_after: int = 0
    units_before: int = 0
    units_after: int = 0
    surplus: list[SurplusRow] = field(default_factory=list)
    departures: dict[str, int] = field(default_factory=dict)  # kind label -> people

    @property
    def surplus_total(self) -> int:
        return sum(r.surplus for r in self.surplus)

    @property
    def departures_total(self) -> int:
        return sum(self.departures.values())


def project_figures(*, actor, at: date, org_id: int | None = None) -> ProjectFigures:
    """Figures of the projects in scope applied on or before `at` (four queries)."""
    projects = policy.for_user(RestructuringProject, actor).filter(applied_on__lte=at, lineage__isnull=False)
    if org_id:
        projects = projects.filter(org_id=org_id)
    ids = set(projects.values_list("pk", flat=True))
    out = ProjectFigures(at=at, projects_applied=len(ids))
    for side, units in ProjectAgency.objects.filter(project_id__in=ids).values_list("side", "internal_units"):
        if side == ProjectSide.BEFORE:
            out.agencies_before += 1
            out.units_before += units
        else:
            out.agencies_after += 1
            out.units_after += units
    rows = SurplusLeaders.objects.filter(project_id__in=ids).select_related("agency")
    names = _names_on([r.agency_id for r in rows], at)
    for r in rows:
        out.surplus.append(
            SurplusRow(
                names.get(r.agency_id, r.agency.code),
                r.get_position_display(),
                r.surplus,
                r.deadline,
                months_left(at, r.deadline),
            )
        )
    labels = dict(DepartureKind.choices)
    for d in ProjectDeparture.objects.filter(project_id__in=ids).order_by("kind"):
        key = labels[d.kind]
        out.departures[key] = out.departures.get(key, 0) + d.count
    return out


def _names_on(agency_ids, at: date) -> dict[int, str]:
    """Name of each agency on `at` (or its last name if it had ended)."""
    out: dict[int, str] = {}
    for aid, name, vf in (
        AgencyVersion.objects.filter(agency_id__in=set(agency_ids))
        .order_by("agency_id", "valid_from")
        .values_list("agency_id", "name", "valid_from")
    ):
        if vf <= at or aid not in out:
            out[aid] = name
    return out


# --- job-position catalogues ----------------------------------------------------------------------


@dataclass
class CatalogueFigures:
    agencies: int
    approved: int
    by_status: dict[str, int]

    @property
    def text(self) -> str:
        return f"{self.approved}/{self.agencies}"


def catalogue_figures(*, agency_ids: list[int], at: date) -> CatalogueFigures:
    """Agencies (of `agency_ids`) whose latest catalogue is approved on `at`, and the count per
    status (as of `at`) of each agency's latest catalogue (one query)."""
    latest: dict[int, str] = {}
    for c in JobCatalogue.objects.filter(agency_id__in=agency_ids).order_by("agency_id", "id"):
        latest[c.agency_id] = c.status_on(at)
    by_status = {label: 0 for label in CatalogueStatus.labels}
    for status in latest.values():
        by_status[CatalogueStatus(status).label] += 1
    return CatalogueFigures(
        agencies=len(agency_ids),
        approved=sum(1 for s in latest.values() if s == CatalogueStatus.APPROVED),
        by_status=by_status,
    )


def catalogues(*, actor, agency_id: int) -> QuerySet:
    return (
        policy.for_user(JobCatalogue, actor)
        .filter(agency_id=agency_id)
        .prefetch_related("positions", "positions__category")
        .order_by("-id")
    )


names_on = _names_on


# --- restructuring projects: list and detail --------------------------------------------------------


def projects(*, actor) -> list[RestructuringProject]:
    """The projects in scope (newest first, at most 500), each with its units done/total and
    whether it was applied (its lineage recorded): three queries, whatever the number of projects."""
    rows = list(policy.for_user(RestructuringProject, actor).select_related("org").order_by("-id")[:500])
    ids = [p.pk for p in rows]
    units: dict[int, list[int]] = {}
    for pid, done in ProjectUnit.objects.filter(project_id__in=ids).values_list("project_id", "done_on"):
        u = units.setdefault(pid, [0, 0])
        u[1] += 1
        u[0] += done is not None
    applied = set(AgencyLineage.objects.filter(project_id__in=ids).values_list("project_id", flat=True))
    for p in rows:
        p.units_done, p.units_total = units.get(p.pk, [0, 0])
        p.applied = p.pk in applied
        p.status_label = "Đã thực hiện" if p.applied else "Đã phê duyệt" if p.decision_number else "Chưa phê duyệt"
    return rows


@dataclass
class SideRow:
    agency_id: int
    code: str
    name: str
    internal_units: int
    share_pct: Decimal | None


@dataclass
class SurplusDetail:
    agency_id: int
    code: str
    name: str
    position: str
    position_label: str
    norm: int
    actual: int
    deadline: date
    months_left: int


@dataclass
class DepartureDetail:
    kind: str
    kind_label: str
    category_code: str
    category_name: str
    count: int
    policy: str


@dataclass
class ProjectDetail:
    project: RestructuringProject
    applied: bool
    units: list[ProjectUnit]
    before: list[SideRow]
    after: list[SideRow]
    surplus: list[SurplusDetail]
    departures: list[DepartureDetail]
    lineage: list[tuple[str, str, str, date, Decimal]]  # predecessor, successor, kind label, on, share

    @property
    def surplus_total(self) -> int:
        return sum(max(s.actual - s.norm, 0) for s in self.surplus)

    @property
    def departures_total(self) -> int:
        return sum(d.count for d in self.departures)

    @property
    def units_done(self) -> int:
        return sum(1 for u in self.units if u.done_on is not None)


def project_detail(project: RestructuringProject, at: date | None = None) -> ProjectDetail:
    """A project (already checked in scope) as shown on its page and by the API: names of the
    before-agencies the day before it is applied, of the after-agencies on that day."""
    on = project.applied_on or at or policy.today()
    sides = list(project.agencies.select_related("agency"))
    surplus = list(project.surplus.select_related("agency"))
    links = list(project.lineage.all())
    ids = (
        {r.agency_id for r in sides}
        | {s.agency_id for s in surplus}
        | {x.predecessor_id for x in links}
        | {x.successor_id for x in links}
    )
    before_names = _names_on(ids, on - timedelta(days=1))
    after_names = _names_on(ids, on)

    def side(rows, names):
        return [
            SideRow(r.agency_id, r.agency.code, names.get(r.agency_id, r.agency.code), r.internal_units, r.share_pct)
            for r in rows
        ]

    kinds = dict(DepartureKind.choices)
    kind_lineage = dict(AgencyLineage._meta.get_field("kind").choices)
    return ProjectDetail(
        project=project,
        applied=bool(links),
        units=list(project.units.all()),
        before=side([r for r in sides if r.side == ProjectSide.BEFORE], before_names),
        after=side([r for r in sides if r.side == ProjectSide.AFTER], after_names),
        surplus=[
            SurplusDetail(
                s.agency_id,
                s.agency.code,
                after_names.get(s.agency_id, s.agency.code),
                s.position,
                s.get_position_display(),
                s.norm,
                s.actual,
                s.deadline,
                months_left(at or policy.today(), s.deadline),
            )
            for s in surplus
        ],
        departures=[
            DepartureDetail(d.kind, kinds[d.kind], d.category.code, d.category.name, d.count, d.policy)
            for d in project.departures.select_related("category")
        ],
        lineage=[
            (
                before_names.get(x.predecessor_id, ""),
                after_names.get(x.successor_id, ""),
                kind_lineage[x.kind],
                x.on,
                x.share_pct,
            )
            for x in links
        ],
    )
