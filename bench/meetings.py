"""Benchmark: cell-life figures of a province (issue 20): 60 000 members × 12 months.

Builds (once: reused while it exists) a synthetic province in its own PostgreSQL database
`dangbo_bench_meetings` (BENCH_MEETINGS_DATABASE_URL; created if missing, migrations run into it)
with the product's builder (`dangbo synth --scale province`), then one monthly meeting of every
organization holding members for each of the last 12 full months, with every listed member's
attendance (≈ 60 000 × 12 rows), written set-based in SQL; the meetings' stored roster counts
(Meeting.listed/present/excused/unexcused) are then rebuilt by `rebuild_meeting_counts`, as after
any bulk load (a database built before those counts existed gets them from migration 0002).

Timed warm, median of N runs: `meetings.selectors.figures_between` over the province for those
12 months (R-012 held/due, thematic per quarter, attendance, R-039 absences), with its query
count, next to hand-written SQL computing the same held/due and attendance numbers over the raw
attendance rows. The machine's load average is printed next to the figures (a shared machine).
Target: < 300 ms (issue 20).

Run: `.venv/bin/python bench/meetings.py`.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

# bench/ is on sys.path when a script runs
from _pg import fetch_one, last_full_months, load_average, setup_django, synth_province, timed, use_bench_database

BENCH_URL = use_bench_database("BENCH_MEETINGS_DATABASE_URL", "dangbo_bench_meetings")
MEMBERS = int(os.environ.get("BENCH_MEETINGS_MEMBERS", 60_000))
RUNS, WARMUP = 7, 2

HAND_SQL = """
WITH months AS (
  SELECT (date_trunc('month', d) + interval '1 month - 1 day')::date AS month_end
  FROM generate_series(%(start)s::date, %(end)s::date, interval '1 month') AS d
), due AS (
  SELECT DISTINCT COALESCE(s.temp_org_id, s.org_id) AS org_id, m.month_end
  FROM members_membershipspan s JOIN months m
    ON s.valid_from <= m.month_end AND (s.valid_to IS NULL OR s.valid_to >= m.month_end)
  WHERE s.status IN ('du_bi', 'chinh_thuc') AND NOT s.exempt AND NOT s.in_transfer
), held AS (
  SELECT DISTINCT org_id, (date_trunc('month', held_on) + interval '1 month - 1 day')::date AS month_end
  FROM meetings_meeting WHERE held_on BETWEEN %(start)s AND %(end)s AND kind IN ('monthly', 'thematic', 'online')
)
SELECT (SELECT count(*) FROM due),
       (SELECT count(*) FROM due JOIN held USING (org_id, month_end)),
       (SELECT count(*) FILTER (WHERE a.presence = 'present') FROM meetings_attendance a
          JOIN meetings_meeting mt ON mt.id = a.meeting_id WHERE mt.held_on BETWEEN %(start)s AND %(end)s)
"""


def _build_meetings(start: date, months: int) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM meetings_meeting")
        if c.fetchone()[0]:
            return
        t0 = time.perf_counter()
        day = start
        for i in range(months):
            on = day.replace(day=5)
            kind = "thematic" if on.month % 3 == 2 else "monthly"
            c.execute(
                """
                INSERT INTO meetings_meeting (org_id, kind, planned_on, held_on, not_held_reason, agenda,
                       resolution, guests, recorded_at, listed, present, excused, unexcused)
                SELECT DISTINCT COALESCE(s.temp_org_id, s.org_id), %s, %s::date, %s::date, '', '', '', '', now(),
                       0, 0, 0, 0
                FROM members_membershipspan s
                WHERE s.valid_from <= %s AND (s.valid_to IS NULL OR s.valid_to >= %s)
                  AND s.status IN ('du_bi', 'chinh_thuc') AND NOT s.exempt AND NOT s.in_transfer
                  AND (hashtext(COALESCE(s.temp_org_id, s.org_id)::text || %s) %% 50) <> 0""",
                [kind, on, on, on, on, str(i)],
            )
            c.execute(
                """
                INSERT INTO meetings_attendance (meeting_id, member_id, home_org_id, temporary, presence, reason,
                       reply, reply_reason)
                SELECT mt.id, s.member_id, s.org_id, s.temp_org_id IS NOT NULL,
                       CASE WHEN abs(hashtext(s.member_id::text || %s) %% 100) < 3 THEN 'unexcused'
                            WHEN abs(hashtext(s.member_id::text || %s) %% 100) < 8 THEN 'excused' ELSE 'present' END,
                       '', '', ''
                FROM meetings_meeting mt JOIN members_membershipspan s
                  ON COALESCE(s.temp_org_id, s.org_id) = mt.org_id
                 AND s.valid_from <= mt.held_on AND (s.valid_to IS NULL OR s.valid_to >= mt.held_on)
                 AND s.status IN ('du_bi', 'chinh_thuc') AND NOT s.exempt AND NOT s.in_transfer
                WHERE mt.held_on = %s""",
                [f"a{i}", f"b{i}", on],
            )
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        from django.core.management import call_command

        call_command("rebuild_meeting_counts")
        c.execute("ANALYZE meetings_meeting; ANALYZE meetings_attendance")
        print(f"BENCH meetings_build_s={time.perf_counter() - t0:.1f} s")


def main() -> None:
    setup_django(BENCH_URL)
    from django.db import connection
    from django.utils import timezone

    from dangbo.meetings.models import Attendance
    from dangbo.meetings.selectors import figures_between

    province = synth_province(members=MEMBERS, label="meetings")
    start, end = last_full_months(timezone.localdate(), 12)  # 12 months: start .. end
    _build_meetings(start, 12)
    with connection.cursor() as c:  # fresh statistics and visibility map after a migration's backfill
        c.execute("VACUUM ANALYZE meetings_meeting")
    print(f"# attendance rows: {Attendance.objects.count()}, period {start:%d/%m/%Y}–{end:%d/%m/%Y}")

    ms, queries, f = timed(lambda: figures_between(org_id=province.pk, start=start, end=end), runs=RUNS, warmup=WARMUP)
    print(
        f"# due={f.due} held={f.held} thematic={f.thematic_quarters_held}/{f.thematic_quarters_due} "
        f"present={f.present}/{f.listed} warn={len(f.warn_members)} removal={len(f.removal_members)}"
    )
    print(f"BENCH meetings_figures_province_ms={ms:.0f} ms")
    print(f"BENCH meetings_figures_province_queries={queries} queries")

    hand_ms, _, (due, held, present) = timed(
        lambda: fetch_one(HAND_SQL, {"start": start, "end": end}), runs=RUNS, warmup=WARMUP
    )
    print(f"# hand SQL: due={due} held={held} present={present}")
    print(f"BENCH meetings_hand_sql_province_ms={hand_ms:.0f} ms")
    print(f"# figures/hand SQL = {ms / hand_ms:.2f}")
    print(f"BENCH meetings_load_average={load_average()}")


if __name__ == "__main__":
    main()
