"""Benchmark: the member list and profile pages of the officer of the largest province, in process
(Django's test client, logged in with a verified TOTP device), next to hand-written SQL for the
same page in the same run.

Data: any migrated database with synthetic data (BENCH_MEMBERS_DATABASE_URL; default the national
copy postgres://postgres@127.0.0.1:5432/dangbo_bench_national_copy — never the lead's original).
Make one with `createdb -T dangbo_bench_national <name>` then `DATABASE_URL=... dangbo migrate`.
The "largest province" is the depth-0 organization with the most active members today.

Printed (BENCH lines): member list page 1 p50/p95; a random deep page (keyset ?sau=<a member of
the scope>) p50/p95; a deep page by number (?trang=N, OFFSET: old links) p50; the uncached count (spans;
the summary the page reads) and the hand-written count; the hand-written page 1 and deep page; profile p95; machine load.
Run: `.venv/bin/python bench/members.py` (or `python bench/run.py members`). BENCH_MEMBERS_RUNS (30).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_MEMBERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_national_copy")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
RUNS = int(os.environ.get("BENCH_MEMBERS_RUNS", "30"))


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[q - 1]


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def largest_province(today) -> tuple[int, str]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT split_part(v.path, '/', 2)::bigint AS root, count(*) FROM members_membershipspan s "
            "JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s) "
            "WHERE s.valid_from <= %s AND (s.valid_to IS NULL OR s.valid_to >= %s) AND s.status IN ('du_bi', 'chinh_thuc') "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [today] * 4,
        )
        root, _ = c.fetchone()
        c.execute(
            "SELECT path FROM orgs_orgversion WHERE org_id = %s AND valid_from <= %s "
            "AND (valid_to IS NULL OR valid_to >= %s)",
            [root, today, today],
        )
        return root, c.fetchone()[0]


def officer_client(org_id: int):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dangbo.access.models import Role, RoleAssignment

    user, _ = get_user_model().objects.get_or_create(username="bench_members_canbo_tinh")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.OFFICER, org_id=org_id, defaults={"valid_from": "2000-01-01"}
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user, client


HAND_PAGE = """
SELECT m.id, m.full_name, m.birth_year, m.sex, m.ethnicity, m.citizen_id, s.status, s.exempt, v.name
FROM members_member m
JOIN members_membershipspan s ON s.member_id = m.id AND s.valid_from <= %(d)s AND (s.valid_to IS NULL OR s.valid_to >= %(d)s)
  AND s.status IN ('du_bi', 'chinh_thuc')
JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= %(d)s AND (v.valid_to IS NULL OR v.valid_to >= %(d)s)
WHERE v.path LIKE %(p)s {after}
ORDER BY m.full_name COLLATE dangbo_vi, m.id LIMIT 50
"""
HAND_COUNT = """
SELECT count(*) FROM members_membershipspan s
JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= %(d)s AND (v.valid_to IS NULL OR v.valid_to >= %(d)s)
WHERE s.valid_from <= %(d)s AND (s.valid_to IS NULL OR s.valid_to >= %(d)s) AND s.status IN ('du_bi', 'chinh_thuc')
  AND v.path LIKE %(p)s
"""


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from dangbo.members.selectors import MemberFilters, _summary_count, member_list

    today = timezone.localdate()
    root, path = largest_province(today)
    user, client = officer_client(root)
    rng = random.Random(7)
    with connection.cursor() as c:
        c.execute(HAND_COUNT, {"d": today, "p": path + "%"})
        total = c.fetchone()[0]
        c.execute(
            "SELECT s.member_id, m.full_name FROM members_membershipspan s JOIN orgs_orgversion v ON v.org_id = s.org_id "
            "AND v.valid_from <= %(d)s AND (v.valid_to IS NULL OR v.valid_to >= %(d)s) "
            "JOIN members_member m ON m.id = s.member_id "
            "WHERE s.valid_from <= %(d)s AND (s.valid_to IS NULL OR s.valid_to >= %(d)s) "
            "AND s.status IN ('du_bi', 'chinh_thuc') AND v.path LIKE %(p)s "
            "ORDER BY md5(s.member_id::text) LIMIT 400",
            {"d": today, "p": path + "%"},
        )
        sample = c.fetchall()
    print(
        f"# largest province: org {root}, {total:,} active members today; "
        f"database {URL.rsplit('/', 1)[-1]}; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    page1 = timed(lambda: get("/dang-vien/"), RUNS)
    deep = timed(lambda: get(f"/dang-vien/?sau={rng.choice(sample)[0]}"), RUNS)
    pages = max(total // 50, 1)
    by_number = timed(lambda: get(f"/dang-vien/?trang={rng.randint(pages // 2, pages)}"), max(RUNS // 3, 3))
    profile = timed(lambda: get(f"/dang-vien/{rng.choice(sample)[0]}/"), RUNS)
    filters = MemberFilters()
    count_orm = timed(lambda: member_list(actor=user, at=today, filters=filters).order_by().count(), 3)
    # what the page counts with now (the default list): the per-organization summary
    count_summary = timed(lambda: _summary_count(actor=user, at=today, filters=filters), 3)

    def hand(after: bool):
        params = {"d": today, "p": path + "%"}
        clause = ""
        if after:
            pk, name = rng.choice(sample)
            params.update(n=name, i=pk)
            clause = "AND (m.full_name COLLATE dangbo_vi, m.id) > (%(n)s, %(i)s)"
        with connection.cursor() as c:
            c.execute(HAND_PAGE.format(after=clause), params)
            c.fetchall()

    def hand_count():
        with connection.cursor() as c:
            c.execute(HAND_COUNT, {"d": today, "p": path + "%"})
            c.fetchone()

    hand1 = timed(lambda: hand(False), RUNS)
    hand_deep = timed(lambda: hand(True), RUNS)
    hand_n = timed(hand_count, 3)
    print(f"BENCH member_list_page1_p50_ms={statistics.median(page1):.1f} ms", flush=True)
    print(f"BENCH member_list_page1_p95_ms={pct(page1, 95):.1f} ms", flush=True)
    print(f"BENCH member_list_deep_keyset_p50_ms={statistics.median(deep):.1f} ms", flush=True)
    print(f"BENCH member_list_deep_keyset_p95_ms={pct(deep, 95):.1f} ms", flush=True)
    print(f"BENCH member_list_deep_by_number_p50_ms={statistics.median(by_number):.1f} ms", flush=True)
    print(f"BENCH member_list_hand_sql_page1_p50_ms={statistics.median(hand1):.1f} ms", flush=True)
    print(f"BENCH member_list_hand_sql_deep_p50_ms={statistics.median(hand_deep):.1f} ms", flush=True)
    print(f"BENCH member_list_count_uncached_ms={statistics.median(count_orm):.1f} ms (counting the spans)", flush=True)
    print(f"BENCH member_list_count_summary_ms={statistics.median(count_summary):.1f} ms (OrgCountSpan)", flush=True)
    print(f"BENCH member_list_hand_sql_count_ms={statistics.median(hand_n):.1f} ms", flush=True)
    print(f"BENCH member_profile_p95_ms={pct(profile, 95):.1f} ms", flush=True)
    print(f"# load average after: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
