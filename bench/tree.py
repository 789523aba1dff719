"""Benchmark: subtrees of the national temporal organization tree, as of 30/06/2025 and 01/07/2025.

Builds (once, cached) a synthetic national tree in its own PostgreSQL database `dangbo_bench`
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dangbo_bench; created if missing,
Django migrations run into it):

  63 old provinces (15/01/2015 … 30/06/2025) → 34 provinces from 01/07/2025 (reference
  provinces_2025.csv: 11 unchanged, 23 new ones merging the other 52, with OrgLineage rows);
  ~700 districts (end 30/06/2025, R-001); ~3 300 communes, ~55 000 grassroots orgs and
  ~270 000 cells, each with a version under its district before and one directly under the new
  province from 01/07/2025 (R-002), as the services would write them.

Rows are loaded with COPY (paths computed here, not through the services). Then the product's
selector `orgs.selectors.org_subtree_on` (admin actor, rows fetched) is timed for a province, a
commune and a grassroots organization on both dates — warm, median of N runs — next to a
hand-written SQL reference (same two statements: root path, then prefix scan) and the ratio.

Run: `make bench` or `.venv/bin/python bench/tree.py [--rebuild]`. Output also in var/bench/tree.txt.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

SEED = 2025
SIZES = {"districts": 700, "communes": 3300, "grassroots": 55_000, "cells": 270_000}
BUILD_TAG = f"tree-v1 seed={SEED} " + " ".join(f"{k}={v}" for k, v in SIZES.items())
START, EVE, REFORM = date(2015, 1, 1), date(2025, 6, 30), date(2025, 7, 1)
RUNS = {"province": 15, "commune": 50, "grassroots": 50}
WARMUP = 3


def ensure_database() -> None:
    """Create the bench database when it does not exist (connects to the `postgres` database)."""
    if ensure_postgres_database(BENCH_URL):
        print(f"# created database {urlparse(BENCH_URL).path.lstrip('/')}")


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# --- build -----------------------------------------------------------------------------------


def built_tag() -> str | None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("SELECT value FROM bench_meta WHERE key = 'tree'")
        row = cur.fetchone()
    return row[0] if row else None


def _spread(total: int, buckets: int, rng: random.Random, low: float = 0.5, high: float = 1.5) -> list[int]:
    """`total` items over `buckets` (each at least 1), with random weights in [low, high]."""
    weights = [rng.uniform(low, high) for _ in range(buckets)]
    scale = (total - buckets) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in rng.sample(range(buckets), total - sum(counts)):
        counts[i] += 1
    return counts


def build() -> dict[str, int]:
    """Wipe the org tables and load the synthetic national tree with COPY. Returns the sizes."""
    from django.db import connection, transaction

    from dangbo.core.reference import items

    rng = random.Random(SEED)
    now = datetime.now(UTC)
    orgs: list[tuple] = []  # (id, code, created_at)
    versions: list[tuple] = []  # (org, name, short_name, type, parent, path, depth, from, to)
    events: list[tuple] = []  # (id, type, org, on, number, date, body, note, payload, recorded_at)
    lineage: list[tuple] = []  # (predecessor, successor, on, event)
    next_id = iter(range(1, 10_000_000))

    def org(code: str) -> int:
        oid = next(next_id)
        orgs.append((oid, code, now))
        return oid

    # Provinces: old ones (the 11 unchanged keep their identity), new ones from 01/07/2025.
    rows = items("provinces_2025")
    old_of: dict[str, int] = {}  # old province code → org id
    new_of_old: dict[int, int] = {}  # old org id → org id valid from 01/07/2025
    old_names = {}
    for it in rows:
        for name, code in re.findall(r"([^;()]+?)\s*\((\d+)\)", it.row["formed_from"]):
            old_names[code] = name.strip()
    for code in sorted(old_names):
        oid = old_of[code] = org(f"TINH-{code}")
        unchanged = any(it.row["merged"] == "false" and it.code == code for it in rows)
        versions.append(
            (
                oid,
                f"Đảng bộ tỉnh {old_names[code]}",
                "",
                "provincial_party_org",
                None,
                f"/{oid}/",
                0,
                START,
                None if unchanged else EVE,
            )
        )
        if unchanged:
            new_of_old[oid] = oid
    event_id = 0
    for it in rows:
        if it.row["merged"] == "false":
            continue
        nid = org(f"TINH-{it.code}-2025")
        versions.append((nid, f"Đảng bộ {it.name}", "", "provincial_party_org", None, f"/{nid}/", 0, REFORM, None))
        event_id += 1
        events.append(
            (event_id, "org.merged", nid, REFORM, "3xx-QĐ/TW", date(2025, 6, 25), "Bộ Chính trị", "", "{}", now)
        )
        for code in re.findall(r"\((\d+)\)", it.row["formed_from"]):
            new_of_old[old_of[code]] = nid
            lineage.append((old_of[code], nid, REFORM, event_id))
    provinces = [old_of[c] for c in sorted(old_of)]

    # Districts (end 30/06/2025), communes, grassroots orgs and cells.
    per_province = _spread(SIZES["districts"], len(provinces), rng)
    districts: list[tuple[int, int]] = []  # (district id, old province id)
    for pid, n in zip(provinces, per_province, strict=True):
        for _ in range(n):
            did = org(f"H{len(districts) + 1:04d}")
            districts.append((did, pid))
            versions.append(
                (
                    did,
                    f"Đảng bộ huyện Thử Nghiệm {len(districts)}",
                    "",
                    "district_party_org",
                    pid,
                    f"/{pid}/{did}/",
                    1,
                    START,
                    EVE,
                )
            )

    def two_versions(oid, name, otype, old_parent, old_path, new_parent, new_path, depth):
        versions.append((oid, name, "", otype, old_parent, old_path, depth, START, EVE))
        versions.append((oid, name, "", otype, new_parent, new_path, depth - 1, REFORM, None))

    counts = {
        "provinces_old": len(provinces),
        "provinces_new": len(set(new_of_old.values())),
        "districts": len(districts),
        "communes": 0,
        "grassroots": 0,
        "cells": 0,
    }
    communes_per_district = _spread(SIZES["communes"], len(districts), rng)
    n_communes = SIZES["communes"]
    grassroots_per_commune = _spread(SIZES["grassroots"], n_communes, rng)
    # 30% chi bộ cơ sở (no cells); the others are đảng bộ cơ sở whose cells make up SIZES["cells"].
    kinds = [
        "grassroots_cell" if rng.random() < 0.3 else "grassroots_party_committee_org"
        for _ in range(SIZES["grassroots"])
    ]
    committees = sum(k != "grassroots_cell" for k in kinds)
    cells_per_committee = iter(_spread(SIZES["cells"], committees, rng, 0.3, 1.7))
    kind_iter = iter(kinds)
    gpc = iter(grassroots_per_commune)
    for (did, pid), n_c in zip(districts, communes_per_district, strict=True):
        nid = new_of_old[pid]
        for _ in range(n_c):
            counts["communes"] += 1
            cid = org(f"X{counts['communes']:05d}")
            c_old, c_new = f"/{pid}/{did}/{cid}/", f"/{nid}/{cid}/"
            two_versions(
                cid, f"Đảng bộ xã Thử Nghiệm {counts['communes']}", "commune_party_org", did, c_old, nid, c_new, 2
            )
            for _ in range(next(gpc)):
                counts["grassroots"] += 1
                kind = next(kind_iter)
                gid = org(f"CS{counts['grassroots']:06d}")
                label = "Chi bộ" if kind == "grassroots_cell" else "Đảng bộ"
                g_old, g_new = f"{c_old}{gid}/", f"{c_new}{gid}/"
                two_versions(gid, f"{label} cơ sở Thử Nghiệm {counts['grassroots']}", kind, cid, g_old, cid, g_new, 3)
                if kind == "grassroots_cell":
                    continue
                for _ in range(next(cells_per_committee)):
                    counts["cells"] += 1
                    kid = org(f"CB{counts['cells']:07d}")
                    two_versions(
                        kid,
                        f"Chi bộ Thử Nghiệm {counts['cells']}",
                        "subordinate_cell",
                        gid,
                        f"{g_old}{kid}/",
                        gid,
                        f"{g_new}{kid}/",
                        4,
                    )
    counts["versions"] = len(versions)

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM bench_meta WHERE key = 'tree'")
        cur.execute(
            "TRUNCATE orgs_orglineage, orgs_orgversion, orgs_orgevent, orgs_organization RESTART IDENTITY CASCADE"
        )
        raw = cur.cursor  # the psycopg cursor, for COPY
        with raw.copy("COPY orgs_organization (id, code, created_at) FROM STDIN") as copy:
            for row in orgs:
                copy.write_row(row)
        with raw.copy(
            'COPY orgs_orgevent (id, type, org_id, "on", decision_number, decision_date, decision_body, '
            "note, payload, recorded_at) FROM STDIN"
        ) as copy:
            for row in events:
                copy.write_row(row)
        with raw.copy(
            "COPY orgs_orgversion (org_id, name, short_name, org_type, parent_id, path, depth, valid_from, "
            "valid_to) FROM STDIN"
        ) as copy:
            for row in versions:
                copy.write_row(row)
        with raw.copy('COPY orgs_orglineage (predecessor_id, successor_id, "on", event_id) FROM STDIN') as copy:
            for row in lineage:
                copy.write_row(row)
        for table in ("orgs_organization", "orgs_orgevent"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("INSERT INTO bench_meta (key, value) VALUES ('tree', %s)", [BUILD_TAG])
    with connection.cursor() as cur:
        for table in ("orgs_organization", "orgs_orgversion", "orgs_orgevent", "orgs_orglineage"):
            cur.execute(f"ANALYZE {table}")
    return counts


def sizes_now() -> dict[str, int]:
    from django.db.models import Count

    from dangbo.orgs.models import Organization, OrgVersion

    by_type = dict(OrgVersion.objects.filter(valid_to__isnull=True).values_list("org_type").annotate(n=Count("id")))
    return {
        "organizations": Organization.objects.count(),
        "versions": OrgVersion.objects.count(),
        "districts": OrgVersion.objects.filter(org_type="district_party_org").count(),
        "communes": by_type.get("commune_party_org", 0),
        "grassroots": by_type.get("grassroots_cell", 0) + by_type.get("grassroots_party_committee_org", 0),
        "cells": by_type.get("subordinate_cell", 0),
    }


# --- measure ---------------------------------------------------------------------------------


def bench_actor():
    from django.contrib.auth import get_user_model

    from dangbo.access.models import Role, RoleAssignment

    user, _ = get_user_model().objects.get_or_create(username="bench_quantri")
    RoleAssignment.objects.get_or_create(user=user, role=Role.ADMIN, org=None, defaults={"valid_from": START})
    return user


def bench_officer(org_id: int):
    from django.contrib.auth import get_user_model

    from dangbo.access.models import Role, RoleAssignment

    user, _ = get_user_model().objects.get_or_create(username="bench_canbo_tinh")
    RoleAssignment.objects.get_or_create(user=user, role=Role.OFFICER, org_id=org_id, defaults={"valid_from": START})
    return user


REFERENCE_ROOT = (
    "SELECT path FROM orgs_orgversion WHERE org_id = %s AND valid_from <= %s "
    "AND (valid_to IS NULL OR valid_to >= %s) LIMIT 1"
)
REFERENCE_SUBTREE = (
    "SELECT v.id, v.org_id, v.name, v.short_name, v.org_type, v.parent_id, v.path, v.depth, v.valid_from, "
    "v.valid_to, v.event_id, o.id, o.code, o.created_at FROM orgs_orgversion v "
    "JOIN orgs_organization o ON o.id = v.org_id "
    "WHERE v.path LIKE %s AND v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s) ORDER BY v.path"
)


def median_ms(fn, runs: int) -> float:
    for _ in range(WARMUP):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def pick_targets() -> dict[str, dict[date, int]]:
    """The largest new province (and, on 30/06, its largest predecessor), one commune and one
    đảng bộ cơ sở of it, chosen deterministically."""
    from django.db.models import Count

    from dangbo.orgs.models import OrgLineage, OrgVersion

    children = (
        OrgVersion.objects.valid_on(REFORM)
        .filter(depth=1)
        .values("parent_id")
        .annotate(n=Count("id"))
        .order_by("-n", "parent_id")
    )
    province = children[0]["parent_id"]
    preds = list(OrgLineage.objects.filter(successor_id=province).values_list("predecessor_id", flat=True)) or [
        province
    ]
    old = max(preds, key=lambda p: (OrgVersion.objects.valid_on(EVE).filter(path__startswith=f"/{p}/").count(), -p))
    commune = (
        OrgVersion.objects.valid_on(REFORM)
        .filter(parent_id=province, org_type="commune_party_org")
        .order_by("org_id")
        .values_list("org_id", flat=True)[len(preds)]
    )
    grassroots = (
        OrgVersion.objects.valid_on(REFORM)
        .filter(parent_id=commune, org_type="grassroots_party_committee_org")
        .order_by("org_id")
        .values_list("org_id", flat=True)
        .first()
    )
    return {
        "province": {EVE: old, REFORM: province},
        "commune": {EVE: commune, REFORM: commune},
        "grassroots": {EVE: grassroots, REFORM: grassroots},
    }


def measure(out) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.orgs.selectors import org_subtree_on

    actor = bench_actor()
    targets = pick_targets()
    for level, by_date in targets.items():
        for at, org_id in by_date.items():
            tag = f"tree_subtree_{level}_{at:%Y%m%d}"

            def product(org_id=org_id, at=at):
                return list(org_subtree_on(actor=actor, org_id=org_id, at=at))

            def reference(org_id=org_id, at=at):
                with connection.cursor() as cur:
                    cur.execute(REFERENCE_ROOT, [org_id, at, at])
                    (path,) = cur.fetchone()
                    cur.execute(REFERENCE_SUBTREE, [path + "%", at, at])
                    return cur.fetchall()

            with CaptureQueriesContext(connection) as ctx:
                rows = product()
            ref_rows = reference()
            assert len(rows) == len(ref_rows), (tag, len(rows), len(ref_rows))
            ms = median_ms(product, RUNS[level])
            ref = median_ms(reference, RUNS[level])
            out(
                f"# {tag}: org #{org_id} «{rows[0].name}», {len(rows)} rows, {len(ctx.captured_queries)} queries, "
                f"median of {RUNS[level]} warm runs"
            )
            out(f"BENCH {tag}_ms={ms:.2f} ms")
            out(f"BENCH {tag}_sql_ms={ref:.2f} ms")
            out(f"BENCH {tag}_ratio={ms / ref:.2f}")
    # The same province subtree for an officer of the new province, with the scope resolved
    # afresh each run (as in one request: the scope is cached on the request's user object).
    province = targets["province"][REFORM]
    officer = bench_officer(province)
    tag = f"tree_subtree_province_{REFORM:%Y%m%d}_officer"

    def scoped():
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=officer.pk)
        return list(org_subtree_on(actor=user, org_id=province, at=REFORM))

    with CaptureQueriesContext(connection) as ctx:
        rows = scoped()
    ms = median_ms(scoped, 5)
    out(
        f"# {tag}: officer of org #{province}, scope resolved per run, {len(rows)} rows, "
        f"{len(ctx.captured_queries)} queries, median of 5 warm runs"
    )
    out(f"BENCH {tag}_ms={ms:.2f} ms")


def main() -> int:
    rebuild = "--rebuild" in sys.argv
    t0 = time.perf_counter()
    ensure_database()
    setup_django()
    lines: list[str] = []

    def out(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    if rebuild or built_tag() != BUILD_TAG:
        t1 = time.perf_counter()
        counts = build()
        out(
            f"# built synthetic tree in {time.perf_counter() - t1:.1f} s: "
            + ", ".join(f"{k}={v}" for k, v in counts.items())
        )
    else:
        out("# synthetic tree already built (cached); --rebuild to rebuild")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        server = cur.fetchone()[0].split(",")[0]
    sizes = sizes_now()
    out(
        f"# database {urlparse(BENCH_URL).path.lstrip('/')} on {server}; "
        + ", ".join(f"{k}={v}" for k, v in sizes.items())
    )
    out(f"# machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start of measures")
    measure(out)
    out(f"# total {time.perf_counter() - t0:.1f} s")
    target = ROOT / "var" / "bench"
    target.mkdir(parents=True, exist_ok=True)
    (target / "tree.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
