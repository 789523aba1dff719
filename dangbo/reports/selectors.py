"""Reads behind the indicators: an organization subtree as of a date (or over a period), and the
grouped queries on members.MembershipSpan / members.MemberEvent / orgs.OrgVersion / orgs.OrgEvent.

The tree and names are those of the date asked for (R-141, R-146):

- as of a date D, the subtree is the versions valid on D whose path starts with the root's path on
  D. When the root did not exist on D (a province formed by the 01/07/2025 merger asked as of
  30/06/2025), its merge predecessors valid on D stand in for it, so a comparison across the
  merger aggregates the old units into their successor (R-146);
- over a period, an event belongs to the subtree when the organization it happened in was below
  the root (or a merge predecessor of the root) on the day of the event. Where the event itself
  names no organization (deaths, exits), the member's home organization that day is used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

from dangbo.access import policy
from dangbo.core import stamps
from dangbo.core.db import parallel_query
from dangbo.members.models import ACTIVE_STATUSES, MemberEvent, MembershipSpan
from dangbo.orgs.models import OrgEvent, OrgEventType, OrgVersion
from dangbo.orgs.selectors import LINEAGE
from dangbo.reports.models import (
    AdmissionQuota,
    HandbookAccount,
    OrgCountSpan,
    ReportSpan,
    ReportSubmission,
    ReportTemplate,
    SummarySnapshot,
)

# A periodic report's submission, a report template: their organization in scope.
policy.scoped_by(ReportSubmission, field="org_id")
policy.scoped_by(ReportTemplate, field="org_id")


@dataclass(frozen=True)
class Area:
    """An organization subtree as of a date."""

    org_id: int
    at: date
    name: str
    paths: tuple[str, ...]
    predecessors: tuple[str, ...] = ()  # names of the merge predecessors standing in for the root

    def org_ids(self) -> QuerySet:
        """Ids of the organizations in the subtree on `at` (a subquery)."""
        return OrgVersion.objects.valid_on(self.at).filter(_prefix_q(self.paths)).values("org_id")


@dataclass(frozen=True)
class Window:
    """`path` (a version of the root or of one of its merge predecessors) was valid from `start`
    to `end` inside the period asked for."""

    path: str
    start: date
    end: date


def _any(parts: list[Q]) -> Q:
    if not parts:
        return Q(pk__in=[])
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _prefix_q(paths: Iterable[str], field: str = "path") -> Q:
    return _any([Q(**{f"{field}__startswith": p}) for p in paths])


def merge_predecessor_ids(org_id: int) -> list[int]:
    """Organizations merged into `org_id` (transitively), oldest links included. Split lineage is
    not followed: a split source does not belong to any single one of its parts."""
    return LINEAGE.ancestors(org_id, event__type=OrgEventType.MERGED)


def area_on(*, org_id: int, at: date) -> Area | None:
    """The subtree of `org_id` on `at`, or None when neither it nor a merge predecessor existed."""
    root = OrgVersion.objects.valid_on(at).filter(org_id=org_id).values_list("path", "name").first()
    if root is not None:
        return Area(org_id, at, root[1], (root[0],))
    preds = merge_predecessor_ids(org_id)
    rows = list(OrgVersion.objects.valid_on(at).filter(org_id__in=preds).order_by("path").values_list("path", "name"))
    # Keep only the topmost predecessors (a predecessor below another is already in its subtree).
    tops = [(p, n) for p, n in rows if not any(p != q and p.startswith(q) for q, _ in rows)]
    if not tops:
        return None
    later = OrgVersion.objects.filter(org_id=org_id).order_by("valid_from").values_list("name", flat=True).first()
    return Area(org_id, at, later or "", tuple(p for p, _ in tops), tuple(n for _, n in tops))


def period_windows(*, org_id: int, start: date, end: date) -> list[Window]:
    """Versions of the root and its merge predecessors that overlap [start, end], clipped to it."""
    ids = [org_id, *merge_predecessor_ids(org_id)]
    versions = (
        OrgVersion.objects.filter(org_id__in=ids, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .values_list("path", "valid_from", "valid_to")
    )
    return [Window(p, max(vf, start), min(vt, end) if vt else end) for p, vf, vt in versions]


def _inside_q(windows: list[Window], *, org_field: str, on_field: str = "on") -> Q:
    """Rows whose `org_field` organization was in one of the windows' subtrees on `on_field`."""
    parts = []
    for w in windows:
        version = OrgVersion.objects.filter(
            org_id=OuterRef(org_field), path__startswith=w.path, valid_from__lte=OuterRef(on_field)
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef(on_field)))
        parts.append(Q(**{f"{on_field}__gte": w.start, f"{on_field}__lte": w.end}) & Q(Exists(version)))
    return _any(parts)


# --- headcounts as of a date -----------------------------------------------------------------


def active_spans_on(area: Area) -> QuerySet:
    """Spans of members counted in the subtree's đảng số on `area.at`: dự bị and chính thức whose
    home organization is in the subtree. A member temporarily attached elsewhere stays counted at
    home (R-035); exempt members are counted (R-037)."""
    return MembershipSpan.objects.valid_on(area.at).filter(
        status__in=ACTIVE_STATUSES, org_id__in=Subquery(area.org_ids())
    )


def span_fact_rows(area: Area) -> list[dict[str, Any]]:
    """Active spans grouped by the facts they carry (one query)."""
    return list(
        active_spans_on(area)
        .order_by()
        .values("status", "sex", "ethnicity", "religion", "birth_year", "exempt")
        .annotate(away=Count("id", filter=Q(temp_org_id__isnull=False)), n=Count("id"))
    )


def member_profile_rows(area: Area) -> list[dict[str, Any]]:
    """Active members grouped by status and the profile fields kept only on Member (one query)."""
    return list(
        active_spans_on(area)
        .order_by()
        .values(
            "status",
            theory=F("member__theory_level"),
            general=F("member__general_education"),
            professional=F("member__professional_education"),
        )
        .annotate(n=Count("id"))
    )


def badges_held_on(area: Area) -> dict[int, int]:
    """Member id -> highest badge (years) awarded on or before `at`, for members counted on `at`."""
    rows = (
        MemberEvent.objects.effective()
        .filter(type="badge_awarded", on__lte=area.at)
        .filter(Exists(active_spans_on(area).filter(member_id=OuterRef("member_id"))))
        .order_by()
        .values_list("member_id", "payload")
    )
    held: dict[int, int] = {}
    for member_id, payload in rows:
        try:
            years = int((payload or {}).get("years"))
        except (TypeError, ValueError):
            continue
        held[member_id] = max(years, held.get(member_id, 0))
    return held


def attached_here_spans(area: Area) -> QuerySet:
    """Members of other organizations temporarily attached to one in the subtree (not counted
    in its đảng số, R-035)."""
    ids = Subquery(area.org_ids())
    return (
        MembershipSpan.objects.valid_on(area.at)
        .filter(status__in=ACTIVE_STATUSES, temp_org_id__in=ids)
        .exclude(org_id__in=ids)
    )


def handbook_members_on(area: Area) -> QuerySet:
    """Counted members with an open e-handbook account on `at`."""
    return active_spans_on(area).filter(
        member_id__in=Subquery(HandbookAccount.objects.open_on(area.at).values("member_id"))
    )


def org_type_counts(area: Area) -> dict[str, int]:
    """Organizations below the root on `at`, by type (the root itself not counted)."""
    rows = (
        OrgVersion.objects.valid_on(area.at)
        .filter(_prefix_q(area.paths))
        .exclude(org_id=area.org_id)
        .exclude(path__in=area.paths)
        .order_by()
        .values("org_type")
        .annotate(n=Count("id"))
    )
    return {r["org_type"]: r["n"] for r in rows}


# --- flows over a period ----------------------------------------------------------------------


def _home_on_event_day() -> Subquery:
    return Subquery(
        MembershipSpan.objects.filter(member_id=OuterRef("member_id"), valid_from__lte=OuterRef("on"))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("on")))
        .order_by("-valid_from")
        .values("org_id")[:1]
    )


def flow_events(*, windows: list[Window], types: Iterable[str]) -> QuerySet:
    """Effective events of `types` that happened in the subtree during the windows."""
    if not windows:
        return MemberEvent.objects.none()
    start = min(w.start for w in windows)
    end = max(w.end for w in windows)
    return (
        MemberEvent.objects.effective()
        .filter(type__in=list(types), on__gte=start, on__lte=end)
        .annotate(home=_home_on_event_day())
        .filter(_inside_q(windows, org_field="home"))
    )


def flow_rows(*, windows: list[Window], types: Iterable[str]) -> list[dict[str, Any]]:
    """id, type, member_id, on, payload of the subtree's events, and whether the counterpart
    organization (other side of a transfer) was inside the subtree that day."""
    qs = flow_events(windows=windows, types=types)
    if not windows:
        return []
    qs = qs.annotate(cp_inside=_exists_inside(windows, "counterpart_org_id"))
    return list(qs.values("id", "type", "member_id", "on", "payload", "counterpart_org_id", "cp_inside"))


def _exists_inside(windows: list[Window], org_field: str):
    from django.db.models import BooleanField, ExpressionWrapper

    return ExpressionWrapper(_inside_q(windows, org_field=org_field), output_field=BooleanField())


def temporary_arrivals(*, windows: list[Window]) -> list[dict[str, Any]]:
    """Temporary transfers from outside the subtree to an organization inside it."""
    if not windows:
        return []
    start = min(w.start for w in windows)
    end = max(w.end for w in windows)
    qs = (
        MemberEvent.objects.effective()
        .filter(type="temporary_transfer_out", on__gte=start, on__lte=end)
        .filter(_inside_q(windows, org_field="counterpart_org_id"))
        .annotate(home=_home_on_event_day())
        .exclude(_inside_q(windows, org_field="home"))
    )
    return list(qs.values("id", "type", "member_id", "on", "payload"))


def org_events_in(*, windows: list[Window], types: Iterable[str]) -> list[dict[str, Any]]:
    """Restructuring events of the period about an organization that was in the subtree on the
    day of the event or on the day before (a dissolved or merged organization ends the day before)."""
    if not windows:
        return []
    start = min(w.start for w in windows)
    end = max(w.end for w in windows)
    events = list(
        OrgEvent.objects.filter(type__in=list(types), on__gte=start, on__lte=end).values(
            "id", "type", "org_id", "on", "payload"
        )
    )
    if not events:
        return []
    org_ids = {e["org_id"] for e in events}
    for e in events:
        if e["type"] == OrgEventType.MERGED:
            org_ids.update(e["payload"].get("sources", []))
    versions: dict[int, list[tuple[str, date, date | None]]] = {}
    for oid, path, vf, vt in OrgVersion.objects.filter(org_id__in=org_ids).values_list(
        "org_id", "path", "valid_from", "valid_to"
    ):
        versions.setdefault(oid, []).append((path, vf, vt))

    def inside(oid: int, day: date) -> bool:
        for path, vf, vt in versions.get(oid, []):
            if vf <= day and (vt is None or vt >= day):
                return any(w.start <= day <= w.end and path.startswith(w.path) for w in windows)
        return False

    result = []
    for e in events:
        day, before = e["on"], e["on"] - timedelta(days=1)
        if e["type"] == OrgEventType.MERGED:
            sources = [s for s in e["payload"].get("sources", []) if inside(s, before)]
            if sources or inside(e["org_id"], e["on"]):
                result.append({**e, "count": len(sources), "sources": sources})
        elif inside(e["org_id"], day) or inside(e["org_id"], before):
            result.append({**e, "count": 1})
    return result


def admission_quota(*, org_id: int, year: int) -> int | None:
    return AdmissionQuota.objects.filter(org_id=org_id, year=year).values_list("quota", flat=True).first()


def admission_quotas(*, org_id: int, years: Iterable[int]) -> dict[int, int]:
    return dict(AdmissionQuota.objects.filter(org_id=org_id, year__in=list(years)).values_list("year", "quota"))


def registry_stamp() -> stamps.Stamp:
    """Changes whenever something a figure depends on is written (members, events, spans, the
    tree, quotas, e-handbook accounts, report facts): the "registry" data stamp, renewed by
    database triggers (core.stamps, migration reports 0006)."""
    return stamps.read("registry")


def cached(key: str, compute):
    """`compute()` (JSON-serializable), stored under `key` in SummarySnapshot and reused while
    the registry stamp is unchanged: any write to what figures are computed from (members,
    events, spans, the tree, quotas, accounts, report facts) invalidates it, in every process.
    Inside a transaction that has just written (the stamp is its own), computed afresh."""
    from django.db import IntegrityError, transaction

    stamp = registry_stamp()
    if not stamps.cacheable(stamp):
        with parallel_query():
            return compute()
    row = SummarySnapshot.objects.filter(key=key).values_list("stamp", "data").first()
    if row and row[0] == stamp.token:
        return row[1]
    with parallel_query():  # a summary of a whole province or of the country
        data = compute()
    try:
        with transaction.atomic():
            if row:  # the registry changed since: drop every entry of older stamps (the table stays small)
                SummarySnapshot.objects.exclude(stamp=stamp.token).delete()
            SummarySnapshot.objects.update_or_create(key=key, defaults={"stamp": stamp.token, "data": data})
    except IntegrityError:  # another request stored it first
        pass
    return data


def headcount_by_child_on(*, org_id: int, at: date) -> list[dict[str, Any]]:
    """Headcount (total, probationary) of each organization directly below `org_id` on `at`,
    with its name: one grouped query over the report facts, rolled up to the children in SQL."""
    area = area_on(org_id=org_id, at=at)
    if area is None:
        return []
    children = list(
        OrgVersion.objects.valid_on(at)
        .filter(parent_id__in=[org_id])
        .order_by("name")
        .values("org_id", "name", "path", "org_type")
    )
    if not children and area.predecessors:
        children = list(
            OrgVersion.objects.valid_on(at)
            .filter(path__in=area.paths)
            .order_by("name")
            .values("org_id", "name", "path", "org_type")
        )
    counts = fact_subtree_counts_on([(c["org_id"], c["path"]) for c in children], at)
    return [{**c, "total": counts[c["org_id"]][0], "probationary": counts[c["org_id"]][1]} for c in children]


def _strpos() -> str:
    return "strpos" if connection.vendor == "postgresql" else "instr"


# The members (and the probationary ones) of each organization version valid on a date, read from
# the per-organization count ranges (reports.orgfacts, OrgCountSpan): one index probe per
# organization for the last range starting on or before the date (the ranges of an organization
# never overlap), instead of every ReportSpan row of the subtree (~9.000 probes for a large province
# instead of ~130.000 fact rows). Equal to counting the ReportSpan rows on that date by construction
# (`fact_subtree_counts_on(..., live=True)` counts them; the tests compare both).
_PROBE = (
    "(SELECT CASE WHEN c.valid_to IS NULL OR c.valid_to >= %s THEN c.{col} ELSE 0 END "
    "FROM reports_orgcountspan c WHERE c.org_id = v.org_id AND c.valid_from <= %s "
    "ORDER BY c.valid_from DESC LIMIT 1)"
)


def fact_subtree_counts_on(nodes: list[tuple[int, str]], at: date, *, live: bool = False) -> dict[int, tuple[int, int]]:
    """(counted members, of which probationary) on `at` in the subtree of each (org id, path)
    node: one grouped query per distinct parent of the nodes (siblings: one) over the versions
    below the nodes, grouping by the path segment right below the parent, so the rollup happens in
    SQL whatever the size of the subtrees. The counts come from the per-organization summary
    (OrgCountSpan); `live=True` counts the ReportSpan rows instead (the reference)."""
    out = {oid: (0, 0) for oid, _ in nodes}
    by_parent: dict[str, dict[str, int]] = {}
    for oid, path in nodes:
        parent = path[: path.rstrip("/").rindex("/") + 1]
        by_parent.setdefault(parent, {})[path[len(parent) : -1]] = oid
    for parent, segments in by_parent.items():
        prefixes = " OR ".join(["v.path LIKE %s"] * len(segments))
        segment = f"substr(v.path, %s, {_strpos()}(substr(v.path, %s), '/') - 1)"
        n = len(parent) + 1
        if live:
            sql = (
                f"SELECT {segment}, count(*), sum(CASE WHEN s.status = %s THEN 1 ELSE 0 END) "
                "FROM orgs_orgversion v JOIN reports_reportspan s ON s.org_id = v.org_id "
                "AND s.valid_from <= %s AND (s.valid_to IS NULL OR s.valid_to >= %s) "
                f"WHERE v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s) AND ({prefixes}) GROUP BY 1"
            )
            params = [n, n, "du_bi", at, at, at, at]
        else:
            sql = (
                f"SELECT {segment}, sum({_PROBE.format(col='n')}), sum({_PROBE.format(col='p')}) "
                "FROM orgs_orgversion v "
                f"WHERE v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s) AND ({prefixes}) GROUP BY 1"
            )
            params = [n, n, at, at, at, at, at, at]
        for seg, total, probationary in _fetch(sql, [*params, *(f"{parent}{seg}/%" for seg in segments)]):
            if seg in segments:
                out[segments[seg]] = (int(total or 0), int(probationary or 0))
    return out


def fact_list_count(restrict, at: date) -> int:
    """members.selectors.member_list_count of the default list (registered in ReportsConfig.ready):
    the counted members on `at` of the organizations `restrict` keeps, one OrgCountSpan row per
    organization instead of one span per member."""
    rows = OrgCountSpan.objects.filter(valid_from__lte=at).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
    return restrict(rows).aggregate(n=Sum("n"))["n"] or 0


def fact_subtree_member_counts(versions, at: date) -> dict[int, int]:
    """members.selectors.subtree_member_counts_on from the report facts (registered in
    ReportsConfig.ready), cached under the registry stamp (a national administrator's provinces
    are the whole registry)."""
    import hashlib

    nodes = sorted((v.org_id, v.path) for v in versions)
    digest = hashlib.sha256(";".join(f"{oid}{path}" for oid, path in nodes).encode()).hexdigest()[:32]
    data = cached(
        f"subtree_counts:{at.isoformat()}:{digest}",
        lambda: {str(oid): total for oid, (total, _) in fact_subtree_counts_on(nodes, at).items()},
    )
    return {int(k): v for k, v in data.items()}


def age_pyramid_on(area: Area) -> list[dict[str, Any]]:
    """Active members by birth year and sex on `at` (the dashboard's age pyramid; one index-only
    pass over the report facts)."""
    return list(fact_spans_on(area).order_by().values("birth_year", "sex").annotate(n=Count("*")))


# --- periodic reports ------------------------------------------------------------------------


@dataclass
class SubordinateReport:
    org_id: int
    name: str
    submission: Any  # ReportSubmission | None
    late: bool

    @property
    def status_label(self) -> str:
        if self.submission is None:
            return "Chưa lập"
        return self.submission.get_status_display()


def subordinate_reports(*, org_id: int, period, today: date) -> list[SubordinateReport]:
    """The organizations directly below `org_id` on the cut-off date, with their report for
    `period`: late when not submitted after the due date, or submitted after it."""
    children = list(
        OrgVersion.objects.valid_on(period.cutoff)
        .filter(parent_id=org_id)
        .order_by("name")
        .values_list("org_id", "name")
    )
    subs = {s.org_id: s for s in ReportSubmission.objects.filter(period=period, org_id__in=[c for c, _ in children])}
    rows = []
    for oid, name in children:
        s = subs.get(oid)
        if s is not None and s.is_submitted:
            late = s.submitted_at.date() > period.due_on
        else:
            late = today > period.due_on
        rows.append(SubordinateReport(oid, name, s, late))
    return rows


def headcount_by_root_on(*, at: date, fast: bool = True) -> list[dict[str, Any]]:
    """National rollup: headcount of every top-level organization (province) on `at`, on the tree
    of `at` — over ReportSpan, one grouped query rolled up to the roots in SQL
    (fact_subtree_counts_on); or, when `fast=False`, grouped by organization over MembershipSpan
    and rolled up by path in Python (the slow path it is checked against)."""
    versions = list(OrgVersion.objects.valid_on(at).filter(depth=0).values_list("org_id", "name", "path"))
    roots = {oid: name for oid, name, _ in versions}
    if fast:
        counts = fact_subtree_counts_on([(oid, path) for oid, _, path in versions], at)
        totals = {oid: counts[oid][0] for oid in roots}
        return [{"org_id": oid, "name": roots[oid], "total": totals[oid]} for oid in sorted(roots, key=roots.get)]
    root_of = {
        oid: int(path[1 : path.index("/", 1)])
        for oid, path in OrgVersion.objects.valid_on(at).values_list("org_id", "path").iterator(chunk_size=20_000)
    }
    totals: dict[int, int] = dict.fromkeys(roots, 0)
    rows = (
        MembershipSpan.objects.valid_on(at)
        .filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .values_list("org_id")
        .annotate(n=Count("id"))
    )
    for oid, n in rows:
        root = root_of.get(oid)
        if root in totals:
            totals[root] += n
    return [{"org_id": oid, "name": roots[oid], "total": totals[oid]} for oid in sorted(roots, key=roots.get)]


# --- the fast path: the report fact projections (reports.facts) ------------------------------
#
# The same figures as the functions above, read from ReportSpan / ReportFlow (one pass each).
# tests/test_fast_path_equals_slow_path proves they agree as of many dates.

SPAN_DIMS = ("sex", "ethnicity", "religion", "birth_year")
PROFILE_DIMS = ("theory", "general", "professional")

# Four grouping sets, one pass: the low-cardinality facts together, ethnicity alone and birth year
# with sex (many values; with sex, the same pass also gives the dashboard's age pyramid), the
# profile fields together. GROUPING(sex, ethnicity, birth_year, theory) tells the sets apart:
# 7, 11, 5, 14.
_MARGINALS_PG = """
SELECT status, exempt, away, sex, religion, badge, handbook, ethnicity, birth_year, theory, general, professional,
       GROUPING(sex, ethnicity, birth_year, theory), count(*)
FROM (SELECT s.status, s.exempt, (s.temp_org_id IS NOT NULL) AS away, s.sex, s.ethnicity, s.religion, s.birth_year,
             s.theory, s.general, s.professional, s.badge, s.handbook
      FROM reports_reportspan s
      WHERE s.org_id IN ({orgs}) AND s.valid_from <= %s AND (s.valid_to IS NULL OR s.valid_to >= %s)) t
GROUP BY GROUPING SETS ((status, exempt, away, sex, religion, badge, handbook), (status, exempt, away, ethnicity),
                        (status, exempt, away, birth_year, sex), (status, theory, general, professional))
"""


def fact_spans_on(area: Area) -> QuerySet:
    return ReportSpan.objects.filter(org_id__in=Subquery(area.org_ids()), valid_from__lte=area.at).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=area.at)
    )


def fact_marginals(area: Area) -> Counter:
    """Counted members of the subtree on `at`, as marginal counts (one pass over ReportSpan):
    ("span", status, exempt, away, dim, key) for the facts kept on spans, ("prof", status, dim, key)
    for the profile fields, ("badge", status, years) and ("handbook", status, has_account)."""
    return fact_marginals_and_pyramid(area)[0]


def fact_marginals_and_pyramid(area: Area) -> tuple[Counter, list[dict[str, Any]] | None]:
    """`fact_marginals(area)` and, on PostgreSQL, the rows of `age_pyramid_on(area)` from the same
    pass (None on SQLite: ask `age_pyramid_on`)."""
    out: Counter = Counter()
    if connection.vendor == "postgresql":
        pyramid: Counter = Counter()
        orgs_sql, orgs_params = area.org_ids().query.sql_with_params()
        with connection.cursor() as c:
            c.execute(_MARGINALS_PG.format(orgs=orgs_sql), [*orgs_params, area.at, area.at])
            rows = c.fetchall()
        for status, exempt, away, sex, rel, badge, handbook, eth, by, theory, general, prof, g, n in rows:
            if g == 7:
                out[("span", status, exempt, away, "sex", sex)] += n
                out[("span", status, exempt, away, "religion", rel)] += n
                out[("badge", status, badge)] += n
                out[("handbook", status, handbook)] += n
            elif g == 11:
                out[("span", status, exempt, away, "ethnicity", eth)] += n
            elif g == 5:
                out[("span", status, exempt, away, "birth_year", by)] += n
                pyramid[(by, sex)] += n
            else:
                out[("prof", status, "theory", theory)] += n
                out[("prof", status, "general", general)] += n
                out[("prof", status, "professional", prof)] += n
        return out, [{"birth_year": by, "sex": sex, "n": n} for (by, sex), n in pyramid.items()]
    rows = (
        fact_spans_on(area)
        .order_by()
        .values_list(
            "status",
            "exempt",
            "sex",
            "ethnicity",
            "religion",
            "birth_year",
            "theory",
            "general",
            "professional",
            "badge",
            "handbook",
        )
        .annotate(away=Count("id", filter=Q(temp_org_id__isnull=False)), n=Count("id"))
    )
    for status, exempt, sex, eth, rel, by, theory, general, prof, badge, handbook, away, n in rows:
        for flag, k in ((True, away), (False, n - away)):
            if k:
                for dim, value in zip(SPAN_DIMS, (sex, eth, rel, by), strict=True):
                    out[("span", status, exempt, flag, dim, value)] += k
        for dim, value in zip(PROFILE_DIMS, (theory, general, prof), strict=True):
            out[("prof", status, dim, value)] += n
        out[("badge", status, badge)] += n
        out[("handbook", status, handbook)] += n
    return out, None


def slow_marginals(area: Area) -> Counter:
    """The same marginal counts straight from MembershipSpan, Member, MemberEvent and
    HandbookAccount (the slow path the fast one is checked against)."""
    out: Counter = Counter()
    for r in span_fact_rows(area):
        for flag, k in ((True, r["away"]), (False, r["n"] - r["away"])):
            if k:
                for dim in SPAN_DIMS:
                    out[("span", r["status"], r["exempt"], flag, dim, r[dim])] += k
    for r in member_profile_rows(area):
        for dim in PROFILE_DIMS:
            out[("prof", r["status"], dim, r[dim])] += r["n"]
    held = badges_held_on(area)
    status_of = dict(active_spans_on(area).filter(member_id__in=list(held)).values_list("member_id", "status"))
    total = Counter()
    for r in span_fact_rows(area):
        total[r["status"]] += r["n"]
    for member_id, years in held.items():
        out[("badge", status_of[member_id], years)] += 1
    for status, n in total.items():
        out[("badge", status, 0)] += n - sum(v for k, v in out.items() if k[0] == "badge" and k[1] == status and k[2])
    with_account = Counter(dict(handbook_members_on(area).order_by().values_list("status").annotate(n=Count("id"))))
    for status, n in total.items():
        out[("handbook", status, True)] += with_account.get(status, 0)
        out[("handbook", status, False)] += n - with_account.get(status, 0)
    return +out


def fact_attached_here_count(area: Area) -> int:
    ids = Subquery(area.org_ids())
    return (
        ReportSpan.objects.filter(temp_org_id__isnull=False, temp_org_id__in=ids, valid_from__lte=area.at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=area.at))
        .exclude(org_id__in=ids)
        .count()
    )


# The members of a subtree on a date from the per-organization count ranges (reports.orgfacts,
# OrgCountSpan, equal to counting the ReportSpan rows on that date by construction): for each
# organization of the subtree, the one range that can hold the date is the last one starting on or
# before it (ranges of one organization never overlap), found by one index probe. ~9.000 probes for
# a large province instead of counting its ~130.000 fact rows.
_HEADCOUNT_SQL = (
    "SELECT COALESCE(SUM((SELECT CASE WHEN c.valid_to IS NULL OR c.valid_to >= %s THEN c.n ELSE 0 END "
    "FROM reports_orgcountspan c WHERE c.org_id = o.org_id AND c.valid_from <= %s "
    "ORDER BY c.valid_from DESC LIMIT 1)), 0) FROM ({orgs}) o"
)


def _headcount_sql(area: Area) -> tuple[str, list]:
    orgs_sql, orgs_params = area.org_ids().query.sql_with_params()
    return _HEADCOUNT_SQL.format(orgs=orgs_sql), [area.at, area.at, *orgs_params]


def fact_headcount(area: Area) -> int:
    """The counted members of the subtree on `area.at` (what `fact_spans_on(area).count()` counts)."""
    sql, params = _headcount_sql(area)
    return int(_fetch(sql, params)[0][0])


def _flow_dict(row: tuple) -> dict[str, Any]:
    event_id, type_, member_id, on, years, home, cp = row[:7]
    return {
        "id": event_id,
        "type": type_,
        "member_id": member_id,
        "on": on,
        "payload": {"years": years} if years else {},
        "counterpart_org_id": cp,
        "home": home,
    }


# Set-based reads of ReportFlow: the subtree is resolved in SQL by joining the organization
# versions valid on the day of each event (one prefix scan of the small version table drives an
# index scan of reportflow_home_type_on / reportflow_cp_type_on), never as a list of ids shipped
# from Python. Versions of one organization never overlap, so the join yields at most one row per
# event: counts need no DISTINCT.
_VALID_ON_EVENT_DAY = '{a}.valid_from <= f."on" AND ({a}.valid_to IS NULL OR {a}.valid_to >= f."on")'
_FLOW_COLUMNS = 'f.event_id, f.type, f.member_id, f."on", f.years, f.home_org_id, f.counterpart_org_id'


def _in_windows_sql(windows: list[Window], alias: str) -> tuple[str, list[Any]]:
    """SQL condition: the version `alias` (valid on the event's day) is below one of the windows'
    paths, and the event's day is inside that window."""
    parts, params = [], []
    for w in windows:
        parts.append(f'({alias}.path LIKE %s AND f."on" >= %s AND f."on" <= %s)')
        params += [w.path + "%", w.start, w.end]
    return "(" + " OR ".join(parts) + ")", params


def _flows_inside_sql(windows: list[Window], types: Iterable[str], *, side: str = "home_org_id") -> tuple[str, list]:
    """FROM/WHERE of the ReportFlow rows of `types` whose `side` organization was inside the
    windows' subtrees on the day of the event."""
    types = list(types)
    inside, params = _in_windows_sql(windows, "v")
    sql = (
        f"FROM reports_reportflow f JOIN orgs_orgversion v ON v.org_id = f.{side} AND "
        f"{_VALID_ON_EVENT_DAY.format(a='v')} "
        f'WHERE f."on" >= %s AND f."on" <= %s AND f.type IN ({", ".join(["%s"] * len(types))}) AND {inside}'
    )
    return sql, [min(w.start for w in windows), max(w.end for w in windows), *types, *params]


def _exists_inside_sql(windows: list[Window], org_column: str) -> tuple[str, list]:
    inside, params = _in_windows_sql(windows, "c")
    return (
        f"EXISTS (SELECT 1 FROM orgs_orgversion c WHERE c.org_id = {org_column} AND "
        f"{_VALID_ON_EVENT_DAY.format(a='c')} AND {inside})",
        params,
    )


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def _flow_rows_sql(windows: list[Window], types: Iterable[str]) -> list[dict[str, Any]]:
    cp_sql, cp_params = _exists_inside_sql(windows, "f.counterpart_org_id")
    body, params = _flows_inside_sql(windows, types)
    out = []
    for row in _fetch(f"SELECT {_FLOW_COLUMNS}, {cp_sql} {body}", [*cp_params, *params]):
        r = _flow_dict(row)
        r["cp_inside"] = bool(row[7])
        out.append(r)
    return out


def fact_flow_rows(*, windows: list[Window], types: Iterable[str]) -> list[dict[str, Any]]:
    """flow_rows() from ReportFlow: events whose member's home organization that day was inside
    (one query; the drill-down into the members behind a flow figure)."""
    if not windows:
        return []
    return _flow_rows_sql(windows, types)


def fact_flow_summary(
    *, windows: list[Window], types: Iterable[str], row_types: Iterable[str]
) -> tuple[list[tuple[str, str, int]], list[dict[str, Any]]]:
    """The flows of the period in two parts, two queries whatever the size of the subtree:
    (type, badge years, count) of the events of `types` not in `row_types`, counted in SQL, and
    the rows (as fact_flow_rows) of the events of `row_types` (transfers: their keyers look at
    the counterpart and at the member's other rows)."""
    if not windows:
        return [], []
    row_types = list(row_types)
    plain = [t for t in types if t not in row_types]
    counted: list[tuple[str, str, int]] = []
    if plain:
        body, params = _flows_inside_sql(windows, plain)
        counted = [
            (t, y, n) for t, y, n in _fetch(f"SELECT f.type, f.years, count(*) {body} GROUP BY f.type, f.years", params)
        ]
    rows = _flow_rows_sql(windows, row_types) if row_types else []
    return counted, rows


def fact_temporary_arrivals(*, windows: list[Window]) -> list[dict[str, Any]]:
    """Temporary transfers from outside the subtree to an organization inside it (one query)."""
    if not windows:
        return []
    body, params = _flows_inside_sql(windows, ["temporary_transfer_out"], side="counterpart_org_id")
    home_sql, home_params = _exists_inside_sql(windows, "f.home_org_id")
    rows = _fetch(f"SELECT {_FLOW_COLUMNS} {body} AND NOT {home_sql}", [*params, *home_params])
    return [_flow_dict(r) for r in rows]


def fact_trend_counts(
    items: list[tuple[Area | None, list[Window]]], flow_types: Iterable[str]
) -> list[tuple[int, int]]:
    """(counted members on the area's date, events of `flow_types` in the windows) for each item
    (a year of the dashboard's trend, each on the tree of its own date): one statement, a UNION
    ALL of one index-driven count per item and figure."""
    flow_types = list(flow_types)
    parts, params = [], []
    for i, (area, windows) in enumerate(items):
        if area is not None:
            sql, sql_params = _headcount_sql(area)
            parts.append(f"SELECT {i}, 0, ({sql})")
            params += sql_params
        if windows:
            body, body_params = _flows_inside_sql(windows, flow_types)
            parts.append(f"SELECT {i}, 1, count(*) {body}")
            params += body_params
    out = [[0, 0] for _ in items]
    if parts:
        for i, kind, n in _fetch(" UNION ALL ".join(parts), params):
            out[i][kind] = n
    return [(h, a) for h, a in out]
