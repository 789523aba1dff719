"""Search at province scale on PostgreSQL: p50/p95 over 200 random name queries.

Builds (once) a synthetic province (`dangbo synth`, ~60,000 members, seed 2025) in the database
dangbo_bench_search (BENCH_SEARCH_DATABASE_URL to change it), then times search.selectors.search
for an officer of the whole province with 200 names drawn from the stored members (folded, some
with the last letter dropped to exercise the typo pass). Prints `BENCH name=value unit` lines.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_search")
MEMBERS = int(os.environ.get("BENCH_SEARCH_MEMBERS", "60000"))


def ensure_database() -> None:
    ensure_postgres_database(URL)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    ensure_database()
    env = {**os.environ, "DATABASE_URL": URL}
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v", "0"], check=True, cwd=ROOT, env=env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from dangbo.access.models import Role, RoleAssignment
    from dangbo.members.models import Member
    from dangbo.orgs.models import Organization
    from dangbo.search.selectors import search
    from dangbo.synth.builder import synth_build

    if not Organization.objects.filter(code="SYN01").exists():
        t0 = time.perf_counter()
        r = synth_build(members=MEMBERS, scale="province", seed=2025)
        print(f"# synth province: {r.members} members, {r.events} events, {r.spans} spans, "
              f"{r.organizations} orgs in {time.perf_counter() - t0:.1f} s")
        print(f"BENCH synth_province_s={r.seconds:.1f} s")
    user, created = get_user_model().objects.get_or_create(username="bench_search_officer")
    province = Organization.objects.get(code="SYN01")
    if created:
        RoleAssignment.objects.create(user=user, role=Role.OFFICER, org=province, valid_from=province.versions.first().valid_from)
    rng = random.Random(2025)
    names = list(Member.objects.order_by("?").values_list("name_folded", flat=True)[:200])
    queries = []
    for name in names:
        words = name.split()
        if rng.random() < 0.25 and len(words[-1]) > 3:
            words[-1] = words[-1][:-1] + "x"  # one typo in the last word
        queries.append(" ".join(words))
    at = timezone.localdate()
    search(actor=user, q=queries[0], at=at)  # warm up (scope cached per user object)
    times, found, queries_count = [], 0, 0
    from django.test.utils import CaptureQueriesContext

    for q in queries:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = search(actor=user, q=q, at=at)
            times.append((time.perf_counter() - t0) * 1000)
        queries_count += len(ctx.captured_queries)
        found += bool(r.members)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"# {MEMBERS} members, PostgreSQL, 200 queries (25 % with a typo), found {found}/200, "
          f"{queries_count / len(queries):.1f} SQL queries per search, province officer "
          f"(scope = {province.pk} and its subtree)")
    print(f"BENCH search_province_p50_ms={p50:.1f} ms")
    print(f"BENCH search_province_p95_ms={p95:.1f} ms")
    # The same queries for a national administrator (no scope filter): the cost of the search itself.
    admin, created = get_user_model().objects.get_or_create(username="bench_search_admin")
    if created:
        RoleAssignment.objects.create(user=admin, role=Role.ADMIN, valid_from=province.versions.first().valid_from)
    search(actor=admin, q=queries[0], at=at)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        search(actor=admin, q=q, at=at)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"BENCH search_province_admin_p50_ms={statistics.median(times):.1f} ms")
    print(f"BENCH search_province_admin_p95_ms={times[int(len(times) * 0.95) - 1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
