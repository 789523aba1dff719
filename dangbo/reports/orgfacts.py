"""Per-organization summaries kept with the report facts (`OrgDueSpan`, `OrgCountSpan`): dated
ranges, so that every "as of a date" question is answered from history, not only today's count.

- `OrgDueSpan`: the ranges over which an organization had at least one active, non-exempt member
  attending it who is not in transit (R-012: it owes its regular meeting on those days). Read by
  the cell-life figures (`meetings.selectors`, indicators sh_thuong_ky / sh_chuyen_de) instead
  of a pass over every membership span of the subtree.
- `OrgCountSpan`: the number of counted members (`ReportSpan` rows) of each home organization,
  and of them the probationary ones, constant over each range. Read by the members-by-sector
  indicator (`reports.sectors`), the headcounts (`selectors.fact_headcount`, the dashboard's
  trend) and the member counts of the tree's nodes and the dashboard's children
  (`selectors.fact_subtree_counts_on`).

Kept current by the writers: `reports.facts.refresh_members` (run in the transaction of every
member write, import and merger reassignment) calls `refresh_orgs` for the organizations the
member's fact rows named before and after the write. Organization changes (moves, renames, sector
changes) do not touch them: both are keyed by the stable organization id, the tree and the sectors
of the date asked for are read from `orgs.OrgVersion` when asked.

Built set-based: one INSERT ... SELECT with window functions (gaps and islands) per table, for
every organization (`rebuild`, `dangbo rebuild-org-facts`) or for a few (`refresh_orgs`).
`stale_orgs` (`dangbo rebuild-org-facts --check`, and check-data) compares the stored rows with a
separate computation in Python straight from `members.MembershipSpan` (the live reference).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Max, Q

from dangbo.members.models import ACTIVE_STATUSES, MembershipSpan, Status
from dangbo.reports.models import OrgCountSpan, OrgDueSpan

DAY = timedelta(days=1)
FOREVER = date(9999, 12, 31)  # stands for an open range inside the queries


def _day(expr: str, sign: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr} {sign} 1)"
    return f"date({expr}, '{sign}1 day')"


def _ids_sql(org_ids: list[int] | None) -> str:
    return ", ".join(str(int(o)) for o in org_ids) if org_ids else ""


def _due_select(org_ids: list[int] | None) -> tuple[str, list]:
    """(org_id, valid_from, valid_to) of the due ranges, for these organizations or all."""
    statuses = ", ".join("%s" for _ in ACTIVE_STATUSES)
    where = ""
    if org_ids is not None:
        ids = _ids_sql(org_ids)
        where = f" AND ((temp_org_id IS NULL AND org_id IN ({ids})) OR temp_org_id IN ({ids}))"
    sql = f"""
        SELECT o, MIN(f), NULLIF(MAX(t), %s) FROM (
          SELECT o, f, t, SUM(CASE WHEN prev IS NULL OR f > {_day("prev", "+")} THEN 1 ELSE 0 END)
                 OVER (PARTITION BY o ORDER BY f, t ROWS UNBOUNDED PRECEDING) AS grp
          FROM (
            SELECT o, f, t, MAX(t) OVER (PARTITION BY o ORDER BY f, t
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
            FROM (SELECT COALESCE(temp_org_id, org_id) AS o, valid_from AS f, COALESCE(valid_to, %s) AS t
                  FROM members_membershipspan
                  WHERE status IN ({statuses}) AND NOT exempt AND NOT in_transfer{where}) s
          ) m
        ) g GROUP BY o, grp"""
    return sql, [FOREVER, FOREVER, *ACTIVE_STATUSES]


def _count_select(org_ids: list[int] | None) -> tuple[str, list]:
    """(org_id, valid_from, valid_to, n, p) of the count ranges, for these organizations or all:
    n counted members, p of them probationary; a range ends where either changes."""
    where = f" AND org_id IN ({_ids_sql(org_ids)})" if org_ids is not None else ""
    sql = f"""
        SELECT o, d, {_day("nxt", "-")}, n, p FROM (
          SELECT o, d, SUM(dn) OVER (PARTITION BY o ORDER BY d ROWS UNBOUNDED PRECEDING) AS n,
                 SUM(dp) OVER (PARTITION BY o ORDER BY d ROWS UNBOUNDED PRECEDING) AS p,
                 LEAD(d) OVER (PARTITION BY o ORDER BY d) AS nxt
          FROM (SELECT o, d, SUM(dn) AS dn, SUM(dp) AS dp FROM (
                  SELECT org_id AS o, valid_from AS d, 1 AS dn, CASE WHEN status = %s THEN 1 ELSE 0 END AS dp
                  FROM reports_reportspan WHERE 1 = 1{where}
                  UNION ALL
                  SELECT org_id, {_day("valid_to", "+")}, -1, CASE WHEN status = %s THEN -1 ELSE 0 END
                  FROM reports_reportspan WHERE valid_to IS NOT NULL{where}
                ) e GROUP BY o, d HAVING SUM(dn) <> 0 OR SUM(dp) <> 0) c
        ) r WHERE n <> 0"""
    return sql, [Status.PROBATIONARY.value, Status.PROBATIONARY.value]


def _fill(org_ids: list[int] | None) -> None:
    with connection.cursor() as c:
        sql, params = _due_select(org_ids)
        c.execute(f"INSERT INTO reports_orgduespan (org_id, valid_from, valid_to) {sql}", params)
        sql, params = _count_select(org_ids)
        c.execute(f"INSERT INTO reports_orgcountspan (org_id, valid_from, valid_to, n, p) {sql}", params)


def refresh_orgs(org_ids: Iterable[int | None]) -> None:
    """Recompute both summaries of these organizations (inside the writer's transaction, after the
    member's spans and fact rows are written): two statements per 500 organizations."""
    ids = sorted({int(o) for o in org_ids if o is not None})
    if not ids:
        return
    with transaction.atomic():
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            OrgDueSpan.objects.filter(org_id__in=chunk).delete()
            OrgCountSpan.objects.filter(org_id__in=chunk).delete()
            _fill(chunk)


def rebuild(*, log: Callable[[str], None] | None = None) -> tuple[int, int]:
    """Rebuild both tables for every organization in one transaction (set-based: two statements).
    Returns (OrgDueSpan rows, OrgCountSpan rows)."""
    t0 = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("TRUNCATE reports_orgduespan, reports_orgcountspan")
        else:
            OrgDueSpan.objects.all().delete()
            OrgCountSpan.objects.all().delete()
        _fill(None)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE reports_orgduespan")
            c.execute("ANALYZE reports_orgcountspan")
    due, counts = OrgDueSpan.objects.count(), OrgCountSpan.objects.count()
    if log:
        log(f"org facts: {due} due ranges, {counts} count ranges ({time.perf_counter() - t0:.0f} s)")
    return due, counts


# --- the live reference (Python, straight from the membership spans) ---------------------------


def _merge(ranges: list[tuple[date, date]]) -> list[tuple[date, date | None]]:
    out: list[list[date]] = []
    for f, t in sorted(ranges):
        if out and (out[-1][1] == FOREVER or f <= out[-1][1] + DAY):
            out[-1][1] = max(out[-1][1], t)
        else:
            out.append([f, t])
    return [(f, None if t == FOREVER else t) for f, t in out]


def _sweep(ranges: list[tuple[date, date, bool]]) -> list[tuple[date, date | None, int, int]]:
    """(from, to, members, of which probationary) over the ranges (from, to, probationary)."""
    delta: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for f, t, probationary in ranges:
        delta[f][0] += 1
        delta[f][1] += probationary
        if t != FOREVER:
            delta[t + DAY][0] -= 1
            delta[t + DAY][1] -= probationary
    days = sorted(d for d, v in delta.items() if v != [0, 0])
    out, n, p = [], 0, 0
    for i, d in enumerate(days):
        n, p = n + delta[d][0], p + delta[d][1]
        if n:
            out.append((d, days[i + 1] - DAY if i + 1 < len(days) else None, n, p))
    return out


def live_rows(lo: int, hi: int) -> tuple[set, set]:
    """The rows both tables should hold for the organizations with ids in [lo, hi), computed from
    `MembershipSpan` in Python (independently of the SQL above): (due rows, count rows)."""
    due: dict[int, list] = defaultdict(list)
    counts: dict[int, list] = defaultdict(list)
    spans = (
        MembershipSpan.objects.filter(status__in=ACTIVE_STATUSES)
        .filter(Q(org_id__gte=lo, org_id__lt=hi) | Q(temp_org_id__gte=lo, temp_org_id__lt=hi))
        .order_by()
        .values_list("org_id", "temp_org_id", "valid_from", "valid_to", "exempt", "in_transfer", "status")
    )
    for org_id, temp_org_id, f, t, exempt, in_transfer, status in spans:
        t = t or FOREVER
        if lo <= org_id < hi:
            counts[org_id].append((f, t, status == Status.PROBATIONARY))
        attends = temp_org_id or org_id
        if not exempt and not in_transfer and lo <= attends < hi:
            due[attends].append((f, t))
    due_rows = {(o, f, t) for o, r in due.items() for f, t in _merge(r)}
    count_rows = {(o, f, t, n, p) for o, r in counts.items() for f, t, n, p in _sweep(r)}
    return due_rows, count_rows


def stale_orgs(*, chunk: int = 5_000) -> list[int]:
    """Organizations whose stored summary rows differ from the live reference (a write that
    bypassed the services, or a bulk load without `dangbo rebuild-org-facts`)."""
    from dangbo.orgs.models import Organization

    top = (
        max(
            Organization.objects.aggregate(m=Max("pk"))["m"] or 0,
            OrgDueSpan.objects.aggregate(m=Max("org_id"))["m"] or 0,
            OrgCountSpan.objects.aggregate(m=Max("org_id"))["m"] or 0,
        )
        + 1
    )
    stale: set[int] = set()
    for lo in range(0, top, chunk):
        due, counts = live_rows(lo, lo + chunk)
        stored_due = set(
            OrgDueSpan.objects.filter(org_id__gte=lo, org_id__lt=lo + chunk).values_list(
                "org_id", "valid_from", "valid_to"
            )
        )
        stored_counts = set(
            OrgCountSpan.objects.filter(org_id__gte=lo, org_id__lt=lo + chunk).values_list(
                "org_id", "valid_from", "valid_to", "n", "p"
            )
        )
        stale.update(r[0] for r in due ^ stored_due)
        stale.update(r[0] for r in counts ^ stored_counts)
    return sorted(stale)
