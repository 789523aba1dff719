"""Benchmark: an organization subtree on a date through `orgs.selectors`, next to hand SQL (issue 14:
"organization subtree through the selector <= 1,5x hand SQL").

Builds (once, cached by a tag) in its own PostgreSQL database `dangbo_bench_subtree`
(BENCH_SUBTREE_DATABASE_URL) four provinces of ~9.150 organizations each (a province, 150 communes,
60 cells per commune: the size of a large province of the national synthetic data, 9.118), rows
written with bulk_create (paths computed here, as the services would write them). Then, for the
first province, warm, median of N runs, with the scope resolved afresh each run (a new user object,
as in a request), for a national administrator and for an officer of the province:

- `subtree_rows_<who>_ms`: `org_subtree_rows_on` (light named tuples: id, name, path, parent, depth, type);
- `subtree_rows_user_loaded_<who>_ms`: the same with the user already read (as the authentication
  middleware has done before a view runs; the scope is still resolved each run);
- `subtree_objects_<who>_ms`: `org_subtree_on` (OrgVersion + Organization objects, as before);
- `..._sql_ms`: hand SQL for the same rows (root path, then the prefix scan; the light columns,
  resp. every column of both tables as the objects need), each run paired with a selector run;
- `..._ratio`: selector / hand SQL.

Run: `.venv/bin/python bench/subtree.py [--rebuild] [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_SUBTREE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_subtree")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

PROVINCES, COMMUNES, CELLS = 4, 150, 60
TAG = f"subtree-v1 provinces={PROVINCES} communes={COMMUNES} cells={CELLS}"
START, AT = date(2015, 1, 1), date(2025, 7, 1)
WARMUP = 3

HAND_ROOT = (
    "SELECT path FROM orgs_orgversion WHERE org_id = %s AND valid_from <= %s "
    "AND (valid_to IS NULL OR valid_to >= %s) LIMIT 1"
)
HAND_ROWS = (
    "SELECT org_id, name, path, parent_id, depth, org_type FROM orgs_orgversion "
    "WHERE path LIKE %s AND valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s) ORDER BY path"
)
HAND_JOIN = (
    "SELECT v.*, o.* FROM orgs_orgversion v JOIN orgs_organization o ON o.id = v.org_id "
    "WHERE v.path LIKE %s AND v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s) ORDER BY v.path"
)


def setup_django() -> None:
    import django
    from django.core.management import call_command

    ensure_postgres_database(BENCH_URL)
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def built() -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("SELECT value FROM bench_meta WHERE key = 'subtree'")
        row = cur.fetchone()
    return bool(row) and row[0] == TAG


def build() -> None:
    from django.db import connection, transaction

    from dangbo.orgs.models import Organization, OrgVersion

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("TRUNCATE orgs_orgversion, orgs_organization CASCADE")
        for p in range(1, PROVINCES + 1):
            codes = [f"B{p:02d}"] + [f"B{p:02d}-X{c:03d}" for c in range(1, COMMUNES + 1)]
            codes += [f"B{p:02d}-X{c:03d}-C{k:02d}" for c in range(1, COMMUNES + 1) for k in range(1, CELLS + 1)]
            Organization.objects.bulk_create([Organization(code=code) for code in codes], batch_size=5000)
            ids = dict(Organization.objects.filter(code__startswith=f"B{p:02d}").values_list("code", "id"))
            province = ids[f"B{p:02d}"]
            versions = [
                OrgVersion(
                    org_id=province,
                    name=f"Đảng bộ tỉnh Thử {p}",
                    org_type="provincial_party_org",
                    path=f"/{province}/",
                    depth=0,
                    valid_from=START,
                )
            ]
            for c in range(1, COMMUNES + 1):
                commune = ids[f"B{p:02d}-X{c:03d}"]
                cpath = f"/{province}/{commune}/"
                versions.append(
                    OrgVersion(
                        org_id=commune,
                        name=f"Đảng bộ xã Số {c}",
                        org_type="commune_party_org",
                        parent_id=province,
                        path=cpath,
                        depth=1,
                        valid_from=START,
                    )
                )
                for k in range(1, CELLS + 1):
                    cell = ids[f"B{p:02d}-X{c:03d}-C{k:02d}"]
                    versions.append(
                        OrgVersion(
                            org_id=cell,
                            name=f"Chi bộ thôn {k}",
                            org_type="subordinate_cell",
                            parent_id=commune,
                            path=f"{cpath}{cell}/",
                            depth=2,
                            valid_from=START,
                        )
                    )
            OrgVersion.objects.bulk_create(versions, batch_size=5000)
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO bench_meta VALUES ('subtree', %s) ON CONFLICT (key) DO UPDATE SET value = %s", [TAG, TAG]
            )
            cur.execute("ANALYZE orgs_orgversion; ANALYZE orgs_organization")


def users(province_id: int) -> dict:
    from django.contrib.auth import get_user_model

    from dangbo.access.models import Role, RoleAssignment

    admin, _ = get_user_model().objects.get_or_create(username="bench_quantri")
    RoleAssignment.objects.get_or_create(user=admin, role=Role.ADMIN, org=None, defaults={"valid_from": START})
    officer, _ = get_user_model().objects.get_or_create(username="bench_canbo_tinh")
    RoleAssignment.objects.get_or_create(
        user=officer, role=Role.OFFICER, org_id=province_id, defaults={"valid_from": START}
    )
    return {"admin": admin, "officer": officer}


def paired_ms(fn, ref, runs: int) -> tuple[float, float]:
    """Medians of `fn` and `ref` timed alternately (run i of each back to back), so that the load
    of a shared machine weighs on both alike."""
    for _ in range(WARMUP):
        fn(), ref()
    a, b = [], []
    for _ in range(runs):
        for f, acc in ((fn, a), (ref, b)):
            t0 = time.perf_counter()
            f()
            acc.append((time.perf_counter() - t0) * 1000)
    return statistics.median(a), statistics.median(b)


def measure(out, runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.orgs.models import Organization
    from dangbo.orgs.selectors import org_subtree_on, org_subtree_rows_on

    province = Organization.objects.get(code="B01").pk

    def hand(sql):
        def run():
            with connection.cursor() as cur:
                cur.execute(HAND_ROOT, [province, AT, AT])
                (path,) = cur.fetchone()
                cur.execute(sql, [path + "%", AT, AT])
                return cur.fetchall()

        return run

    n = len(hand(HAND_ROWS)())
    out(
        f"# province #{province}: {n} organizations in its subtree on {AT:%d/%m/%Y}; medians of {runs} warm runs, "
        "each selector run paired with a hand-SQL run"
    )
    for who, user in users(province).items():

        def rows(user=user):
            u = get_user_model().objects.get(pk=user.pk)  # the scope resolved as in a request
            return org_subtree_rows_on(actor=u, org_id=province, at=AT)

        def objects(user=user):
            u = get_user_model().objects.get(pk=user.pk)
            return list(org_subtree_on(actor=u, org_id=province, at=AT))

        loaded = get_user_model().objects.get(pk=user.pk)

        def rows_only(u=loaded):
            u.__dict__.pop("_dangbo_scope", None)  # the scope checked again (its stamp), the user not re-read
            return org_subtree_rows_on(actor=u, org_id=province, at=AT)

        for name, fn, sql, what in (
            ("rows", rows, HAND_ROWS, "the light columns"),
            ("rows_user_loaded", rows_only, HAND_ROWS, "the light columns"),
            ("objects", objects, HAND_JOIN, "every column of both tables"),
        ):
            with CaptureQueriesContext(connection) as ctx:
                got = fn()
            assert len(got) == n, (name, who, len(got), n)
            ms, ref = paired_ms(fn, hand(sql), runs)
            out(
                f"BENCH subtree_{name}_{who}_ms={ms:.2f} ms queries={len(ctx.captured_queries)} "
                f"(first run, every query)"
            )
            out(f"BENCH subtree_{name}_{who}_sql_ms={ref:.2f} ms (root path + prefix scan, {what})")
            out(f"BENCH subtree_{name}_{who}_ratio={ms / ref:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    if args.rebuild or not built():
        t0 = time.perf_counter()
        build()
        print(f"# built {TAG} in {time.perf_counter() - t0:.1f} s")
    measure(print, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
