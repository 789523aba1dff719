"""Benchmark: the yearly dues summary of a province (issue #21): 60 000 members × 12 months.

Builds (once: reused while it exists) a synthetic province in its own PostgreSQL database
`dangbo_bench_dues` (BENCH_DUES_DATABASE_URL; created if missing, migrations run into it) with the
product's builder (`dangbo synth --scale province`), then, set-based in SQL, one SI-salary
declaration per member (base 4–20 million đồng, from before the period) and, for ~92 % of the
member-months of the last 12 full months, a payment at the member's cell with its allocation
(three bulk INSERT … SELECT statements, whatever the number of months).

Timed warm, median of N runs: `dues.selectors.summary` over the province for those 12 months
(due, collected, retained by the collecting organization's R-121 share, remitted), with its
query count, next to hand-written SQL computing the same due / collected / retained over the raw
rows, and over the stored organization-months the summary reads. The load average is printed next to the figures (a shared machine). Target: < 300 ms.
The summary reads the stored facts per organization and month (dues.facts `DuesOrgMonthFact`, rebuilt
once after the bulk load with the member-month facts); the live computation over the raw rows is
timed once beside it, for comparison.

Run: `.venv/bin/python bench/dues.py` (also run by `bench/run.py`).
"""

from __future__ import annotations

import os
import time
from datetime import date

# bench/ is on sys.path when a script runs
from _pg import fetch_one, last_full_months, load_average, setup_django, synth_province, timed, use_bench_database

BENCH_URL = use_bench_database("BENCH_DUES_DATABASE_URL", "dangbo_bench_dues")
MEMBERS = int(os.environ.get("BENCH_DUES_MEMBERS", 60_000))
RUNS, WARMUP = int(os.environ.get("BENCH_DUES_RUNS", 7)), int(os.environ.get("BENCH_DUES_WARMUP", 2))

# Same figures as selectors.summary for SI-salary declarations (1 % in both regimes, no hardship,
# one declaration per member): due per month over the members attending in the subtree on the
# month's last day; collected / retained over the allocations of payments received in the subtree
# (the share kept floored per collecting organization and month, as a month's closing does).
HAND_SQL = """
WITH sub AS (
  SELECT org_id, org_type FROM orgs_orgversion
  WHERE path LIKE %(path)s AND valid_from <= %(end)s AND (valid_to IS NULL OR valid_to >= %(end)s)
), months AS (
  SELECT (date_trunc('month', d) + interval '1 month - 1 day')::date AS month_end, d::date AS month
  FROM generate_series(%(start)s::date, %(last)s::date, interval '1 month') AS d
), due AS (
  SELECT coalesce(sum(dd.base * 100 / 10000), 0) AS due
  FROM months m
  JOIN members_membershipspan s ON s.valid_from <= m.month_end AND (s.valid_to IS NULL OR s.valid_to >= m.month_end)
   AND s.status IN ('du_bi', 'chinh_thuc') AND COALESCE(s.temp_org_id, s.org_id) IN (SELECT org_id FROM sub)
  JOIN dues_duesdeclaration dd ON dd.member_id = s.member_id AND dd.valid_from <= m.month
), per_org_month AS (
  SELECT sub.org_type, sum(a.amount)::bigint AS c
  FROM dues_duesallocation a JOIN dues_duespayment p ON p.id = a.payment_id JOIN sub ON sub.org_id = p.org_id
  WHERE a.month BETWEEN %(start)s AND %(last)s
  GROUP BY p.org_id, a.month, sub.org_type
), got AS (
  SELECT coalesce(sum(c), 0) AS collected,
         coalesce(sum(c * CASE org_type WHEN 'subordinate_cell' THEN 30 WHEN 'grassroots_cell' THEN 50
                                        WHEN 'party_group' THEN 0 ELSE 30 END / 100), 0) AS retained
  FROM per_org_month
)
SELECT due.due, got.collected, got.retained FROM due, got
"""

# The same figures by hand over the stored organization-months the summary reads (the floor of the
# mechanism): due per month, collected and kept per organization (its type at the period's end).
HAND_SQL_FACTS = """
WITH sub AS (
  SELECT org_id, org_type FROM orgs_orgversion
  WHERE path LIKE %(path)s AND valid_from <= %(end)s AND (valid_to IS NULL OR valid_to >= %(end)s)
)
SELECT coalesce(sum(f.due), 0)::bigint, coalesce(sum(f.collected), 0)::bigint,
       coalesce(sum(f.collected * CASE sub.org_type WHEN 'subordinate_cell' THEN 30 WHEN 'grassroots_cell' THEN 50
                                                    WHEN 'party_group' THEN 0 ELSE 30 END / 100), 0)::bigint
FROM dues_duesorgmonthfact f JOIN sub ON sub.org_id = f.org_id
WHERE f.month BETWEEN %(start)s AND %(last)s
"""


def _build_dues(start: date, last: date) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM dues_duesdeclaration")
        if c.fetchone()[0]:
            return
        t0 = time.perf_counter()
        # Synthetic rows consistent by construction: no per-row foreign-key trigger checks during the
        # bulk load (~2 M queued checks otherwise), restored right after.
        c.execute("SET session_replication_role = replica")
        c.execute(
            """
            INSERT INTO dues_duesdeclaration (member_id, category, base, valid_from, declared_on, source, hardship,
                                              recorded_at)
            SELECT m.id, 'si_salary', 4000000 + (abs(hashtext(m.id::text)) %% 160) * 100000, %s, %s,
                   'Bản kê khai (dữ liệu tổng hợp)', false, now()
            FROM members_member m""",
            [date(2024, 1, 1), date(2024, 1, 1)],
        )
        # Bulk, two statements whatever the number of months: the payments of every month of the
        # period (one per member-month paid, at the member's cell on the month's last day), then
        # their allocations straight from the payments (a single month each).
        c.execute(
            """
            INSERT INTO dues_duespayment (member_id, org_id, from_month, to_month, amount, paid_on, channel,
                                          receipt_no, note, recorded_at)
            SELECT s.member_id, COALESCE(s.temp_org_id, s.org_id), m.month, m.month, d.base / 100, m.month_end,
                   CASE WHEN s.member_id %% 3 = 0 THEN 'portal' ELSE 'cash' END, '', '', now()
            FROM (SELECT g::date AS month, (g + interval '1 month - 1 day')::date AS month_end
                  FROM generate_series(%(start)s::date, %(last)s::date, interval '1 month') AS g) m
            JOIN members_membershipspan s
              ON s.valid_from <= m.month_end AND (s.valid_to IS NULL OR s.valid_to >= m.month_end)
             AND s.status IN ('du_bi', 'chinh_thuc')
            JOIN dues_duesdeclaration d ON d.member_id = s.member_id
            WHERE abs(hashtext(s.member_id::text || m.month::text)) %% 100 >= 8""",
            {"start": start, "last": last},
        )
        c.execute("""
            INSERT INTO dues_duesallocation (payment_id, member_id, month, amount)
            SELECT id, member_id, from_month, amount FROM dues_duespayment""")
        c.execute("SET session_replication_role = DEFAULT")
        c.execute("ANALYZE dues_duesdeclaration; ANALYZE dues_duespayment; ANALYZE dues_duesallocation")
        print(f"BENCH dues_build_s={time.perf_counter() - t0:.1f} s")


def main() -> None:
    setup_django(BENCH_URL)
    from django.db import connection
    from django.utils import timezone

    from dangbo.core.actors import SYSTEM
    from dangbo.dues import facts
    from dangbo.dues.models import DuesAllocation, DuesOrgMonthFact
    from dangbo.dues.selectors import summary
    from dangbo.orgs.models import OrgVersion

    province = synth_province(members=MEMBERS, label="dues")
    start, end = last_full_months(timezone.localdate(), 12)
    last = end.replace(day=1)  # the last full month: 12 months start .. last
    _build_dues(start, last)
    print(f"# allocations: {DuesAllocation.objects.count()}, period {start:%m/%Y}–{last:%m/%Y}")
    # The stored facts per member and month (dues.facts) from the bulk-written rows, as after any
    # bulk load (`dangbo rebuild-dues-facts`); kept by the services from then on.
    if facts.facts_until() is None or facts.facts_until() < last:
        t0 = time.perf_counter()
        n = facts.rebuild_all()
        with connection.cursor() as c:
            c.execute("ANALYZE dues_duesmonthfact; ANALYZE dues_duesorgmonthfact")
        print(f"BENCH dues_facts_rebuild_s={time.perf_counter() - t0:.1f} s ({n} rows)")
    elif not DuesOrgMonthFact.objects.exists():  # member facts stored before the organization-month ones
        t0 = time.perf_counter()
        n = facts.rebuild_org_months()
        print(f"BENCH dues_org_facts_rebuild_s={time.perf_counter() - t0:.1f} s ({n} rows)")

    ms, queries, s = timed(
        lambda: summary(actor=SYSTEM, org_id=province.pk, first=start, last=last), runs=RUNS, warmup=WARMUP
    )
    print(
        f"# due={s.due} collected={s.collected} retained={s.retained} remitted={s.remitted} "
        f"rate={s.collection_rate:.1f}%"
    )
    print(f"BENCH dues_summary_province_ms={ms:.0f} ms")
    print(f"BENCH dues_summary_province_queries={queries} queries")

    path = OrgVersion.objects.valid_on(end).get(org_id=province.pk).path
    params = {"path": path + "%", "start": start, "last": last, "end": end}
    hand_ms, _, (due, collected, retained) = timed(lambda: fetch_one(HAND_SQL, params), runs=RUNS, warmup=WARMUP)
    print(
        f"# hand SQL: due={due} collected={collected} retained={retained}"
        f" (same as the product: {(due, collected, retained) == (s.due, s.collected, s.retained)})"
    )
    print(f"BENCH dues_hand_sql_province_ms={hand_ms:.0f} ms")
    print(f"# summary/hand SQL = {ms / hand_ms:.2f}")
    facts_ms, _, by_hand = timed(lambda: fetch_one(HAND_SQL_FACTS, params), runs=RUNS, warmup=WARMUP)
    print(
        f"# hand SQL over the stored organization-months: same as the product: {by_hand == (s.due, s.collected, s.retained)}"
    )
    print(f"BENCH dues_hand_sql_facts_province_ms={facts_ms:.0f} ms")
    print(f"# summary/hand SQL over the same facts = {ms / facts_ms:.2f}")
    live_ms, _, live = timed(
        lambda: summary(actor=SYSTEM, org_id=province.pk, first=start, last=last, live=True), runs=1, warmup=0
    )
    print(
        f"# live (no stored facts): {live_ms:.0f} ms, same figures: "
        f"{(live.due, live.collected, live.retained) == (s.due, s.collected, s.retained)}"
    )
    print(f"BENCH dues_load_average={load_average()}")


if __name__ == "__main__":
    main()
