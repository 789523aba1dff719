"""Benchmark: the grading results of a province (~60 000 members) for one year.

Builds (once, cached by a tag in `bench_meta`) a synthetic province in its own PostgreSQL
database `dangbo_bench_grading` (BENCH_GRADING_DATABASE_URL; created if missing, migrations
run into it): 1 province → 100 communes → 20 cells each (2 000 cells) → 30 members per cell
(60 000 members, 1% exempt, 1% probationary admitted in the second half of the year), and a
2025 campaign with a current decision for ~97% of the members (HTXSNV 10%, HTTNV 75%, HTNV
10%, KHTNV 2%) plus a superseded decision for 1 000 of them. Rows are written with
`bulk_create` (not through the services: the bench measures the read).

Then `grading.selectors.grading_results(org_id=province, year=2025)` is timed warm, median of
N runs, with its query count; `campaign_progress` (per commune) is timed too.

Run: `make bench` or `.venv/bin/python bench/grading.py [--rebuild]`. Output also in var/bench/grading.txt.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_GRADING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_grading")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

SEED = 2025
COMMUNES, CELLS_PER_COMMUNE, MEMBERS_PER_CELL = 100, 20, 30
YEAR = 2025
BUILD_TAG = f"grading-v1 seed={SEED} communes={COMMUNES} cells={CELLS_PER_COMMUNE} members={MEMBERS_PER_CELL}"
RUNS, WARMUP = 9, 2
START = date(2015, 1, 1)


def ensure_database() -> None:
    if ensure_postgres_database(BENCH_URL):
        print(f"# created database {urlparse(BENCH_URL).path.lstrip('/')}")


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def built_tag() -> str | None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("SELECT value FROM bench_meta WHERE key = 'grading'")
        row = cur.fetchone()
    return row[0] if row else None


def build() -> int:
    from django.db import connection, transaction

    from dangbo.grading.models import GradingCampaign, GradingRecord
    from dangbo.members.models import Member, MembershipSpan
    from dangbo.orgs.models import Organization, OrgVersion

    rnd = random.Random(SEED)
    t0 = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            for table in (
                "grading_gradingrecord",
                "grading_capexception",
                "notifications_notificationread",
                "notifications_notification",
                "grading_gradingcampaign",
                "members_membershipspan",
                "members_member",
                "orgs_orgversion",
                "orgs_organization",
            ):
                cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            cur.execute("DELETE FROM bench_meta WHERE key = 'grading'")
        province = Organization.objects.create(code="BG")
        OrgVersion.objects.create(
            org=province,
            name="Đảng bộ tỉnh Thử Tải",
            org_type="provincial_party_org",
            path=f"/{province.pk}/",
            depth=0,
            valid_from=START,
        )
        communes = Organization.objects.bulk_create(Organization(code=f"BG-X{i:03d}") for i in range(COMMUNES))
        OrgVersion.objects.bulk_create(
            OrgVersion(
                org=c,
                name=f"Đảng bộ xã Thử {i + 1}",
                org_type="commune_party_org",
                parent=province,
                path=f"/{province.pk}/{c.pk}/",
                depth=1,
                valid_from=START,
            )
            for i, c in enumerate(communes)
        )
        cells = Organization.objects.bulk_create(
            Organization(code=f"BG-X{i:03d}-C{j:02d}") for i in range(COMMUNES) for j in range(CELLS_PER_COMMUNE)
        )
        OrgVersion.objects.bulk_create(
            OrgVersion(
                org=cell,
                name=f"Chi bộ thôn {k % CELLS_PER_COMMUNE + 1}",
                org_type="subordinate_cell",
                parent=communes[k // CELLS_PER_COMMUNE],
                path=f"/{province.pk}/{communes[k // CELLS_PER_COMMUNE].pk}/{cell.pk}/",
                depth=2,
                valid_from=START,
            )
            for k, cell in enumerate(cells)
        )
        people = []
        for k in range(len(cells) * MEMBERS_PER_CELL):
            late = rnd.random() < 0.01
            ceremony = date(2025, 9, 1) if late else date(2000 + rnd.randrange(24), 1 + rnd.randrange(12), 1)
            people.append(
                Member(
                    full_name=f"Đảng viên {k}",
                    name_folded=f"dang vien {k}",
                    birth_year=1950 + rnd.randrange(50),
                    sex=rnd.choice("MF"),
                    current_status="du_bi" if late else "chinh_thuc",
                    current_org=cells[k // MEMBERS_PER_CELL],
                    ceremony_on=ceremony,
                    admitted_on=ceremony,
                    exempt=rnd.random() < 0.01,
                )
            )
        members = Member.objects.bulk_create(people, batch_size=5000)
        MembershipSpan.objects.bulk_create(
            (
                MembershipSpan(
                    member=m,
                    org_id=m.current_org_id,
                    status=m.current_status,
                    exempt=m.exempt,
                    valid_from=m.ceremony_on,
                    sex=m.sex,
                    birth_year=m.birth_year,
                    ethnicity="01",
                    religion="00",
                )
                for m in members
            ),
            batch_size=5000,
        )
        campaign = GradingCampaign.objects.create(
            year=YEAR,
            root_org=province,
            opens_on=date(2025, 11, 15),
            self_assessment_due=date(2025, 11, 30),
            cell_meeting_due=date(2025, 12, 10),
            decision_due=date(2025, 12, 20),
            deadline=date(2025, 12, 25),
        )
        grades = ["excellent"] * 10 + ["good"] * 75 + ["satisfactory"] * 10 + ["unsatisfactory"] * 2
        records = []
        for m in members:
            if m.exempt or m.current_status == "du_bi" or rnd.random() < 0.03:
                continue
            records.append(
                GradingRecord(
                    campaign=campaign,
                    subject="member",
                    step="decision",
                    member=m,
                    org_id=m.current_org_id,
                    grassroots_org_id=None,
                    grade=rnd.choice(grades),
                    total=80,
                    on=date(2025, 12, 15),
                )
            )
        GradingRecord.objects.bulk_create(records, batch_size=5000)
        # 1 000 corrections: a new decision superseding the first one.
        GradingRecord.objects.bulk_create(
            (
                GradingRecord(
                    campaign=campaign,
                    subject="member",
                    step="decision",
                    member_id=r.member_id,
                    org_id=r.org_id,
                    grade="good",
                    total=82,
                    on=date(2025, 12, 18),
                    supersedes=r,
                    reason="Điều chỉnh",
                )
                for r in records[:1000]
            ),
            batch_size=5000,
        )
        with connection.cursor() as cur:
            cur.execute("INSERT INTO bench_meta (key, value) VALUES ('grading', %s)", [BUILD_TAG])
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"# built {len(members)} members, {len(cells)} cells, {len(records) + 1000} decisions "
        f"in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    return len(members)


def timed(fn, runs: int) -> tuple[float, int]:
    from django.db import connection, reset_queries

    for _ in range(WARMUP):
        fn()
    times, queries = [], 0
    for _ in range(runs):
        reset_queries()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        queries = len(connection.queries)
    return statistics.median(times), queries


def main(argv: list[str]) -> int:
    ensure_database()
    setup_django()
    from django.conf import settings
    from django.db import connection

    from dangbo.grading.models import GradingCampaign
    from dangbo.grading.selectors import campaign_progress, grading_results
    from dangbo.members.models import Member

    if "--rebuild" in argv or built_tag() != BUILD_TAG:
        build()
    campaign = GradingCampaign.objects.get(year=YEAR, root_org__code="BG")
    settings.DEBUG = True  # to count queries
    connection.force_debug_cursor = True
    res = grading_results(org_id=campaign.root_org_id, year=YEAR)
    ms, queries = timed(lambda: grading_results(org_id=campaign.root_org_id, year=YEAR), RUNS)
    pms, pqueries = timed(lambda: campaign_progress(campaign=campaign, today=date(2025, 12, 20)), RUNS)
    members = Member.objects.count()
    lines = [
        f"# grading results of a province: {members} members, postgresql, warm median of {RUNS} runs",
        f"# denominator={res.denominator} not_graded={res.not_graded} pending={res.pending} "
        f"good_or_better_share={res.good_or_better_share}% target_met={res.target_met}",
        f"BENCH grading_results_province_ms={ms:.0f} ms (queries={queries})",
        f"BENCH grading_progress_province_ms={pms:.0f} ms (queries={pqueries})",
    ]
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "grading.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
