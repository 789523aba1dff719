"""Benchmark: the home page worklist («Việc cần làm») of a province officer, province scale.

Builds (once: reused while the synthetic province exists) a synthetic province in its own
PostgreSQL database `dangbo_bench_worklist` (BENCH_WORKLIST_DATABASE_URL; created if missing,
migrations run into it) with the product's own builder (`dangbo synth --scale province`,
60 000 members, ten years of events: admissions, probations, transfers — some still in transit —
deaths, removals), and an officer of the province organization commission.

Then `access.worklist.worklist(user, today)` (every registered item: probation due/overdue,
transfers waiting/overdue, temporary attachments, badges, tasks, periodic reports, grading) is
timed warm, median of N runs, with its query count, and the whole page GET / (template included).
Target: < 200 ms at province scope (issue 15).

Run: `make bench` or `.venv/bin/python bench/worklist.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_WORKLIST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_worklist")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
MEMBERS = int(os.environ.get("BENCH_WORKLIST_MEMBERS", 60_000))
RUNS, WARMUP = 9, 2


def main() -> None:
    ensure_postgres_database(BENCH_URL)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dangbo.access.models import Role, RoleAssignment
    from dangbo.access.worklist import worklist
    from dangbo.orgs.models import Organization
    from dangbo.synth.builder import CODE_PREFIX, synth_build

    province = Organization.objects.filter(code=f"{CODE_PREFIX}01").first()
    if province is None:
        t0 = time.perf_counter()
        synth_build(members=MEMBERS, scale="province", log=lambda m: print(f"# {m}", flush=True))
        print(f"BENCH worklist_synth_s={time.perf_counter() - t0:.1f} s")
        province = Organization.objects.get(code=f"{CODE_PREFIX}01")
    user, created = get_user_model().objects.get_or_create(username="bench_worklist")
    if created or not RoleAssignment.objects.filter(user=user).exists():
        RoleAssignment.objects.create(user=user, role=Role.OFFICER, org=province, valid_from=date(2015, 1, 1))
    today = timezone.localdate()

    times = []
    for i in range(WARMUP + RUNS):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            items = worklist(user, today)
            dt = (time.perf_counter() - t) * 1000
        if i >= WARMUP:
            times.append(dt)
    print("# " + ", ".join(f"{i.key}={i.count}" for i in items))
    print(f"BENCH worklist_province_ms={statistics.median(times):.0f} ms")
    print(f"BENCH worklist_province_queries={len(q)} queries")

    settings.OTP_REQUIRED = False
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(user)
    page = []
    for i in range(WARMUP + RUNS):
        t = time.perf_counter()
        response = client.get("/")
        dt = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, response.status_code
        if i >= WARMUP:
            page.append(dt)
    print(f"BENCH worklist_home_page_province_ms={statistics.median(page):.0f} ms")


if __name__ == "__main__":
    main()
