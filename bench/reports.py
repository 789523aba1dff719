"""Benchmark: the province full annual report as of 31/12 (every indicator the report shows) and
the national headcount rollup by province, each next to the best hand-written SQL on the same data
in the same run (ratio printed).

Builds (once, cached by a tag in bench_meta) a synthetic registry in its own PostgreSQL database
`dangbo_bench_reports` (BENCH_REPORTS_DATABASE_URL), loaded with COPY (not through the services),
one province at a time, secondary indexes built after the load: 34 provinces x 30 communes x 20
cells; province 1 has PROVINCE_MEMBERS (60,000) members, the others OTHER_MEMBERS (158,800) each,
5,300,400 members in all (BENCH_OTHER_MEMBERS=2000 gives a 126,000-member registry in seconds).
Per member: admission (+ recognition) events, one span, a badge for the older ones, an e-handbook
account for ~90%. The report fact tables are then built by the product's own rebuild
(`dangbo rebuild-report-facts`), as after any bulk load (about 17 minutes at national size).

Printed: the product (live fast path; the figure-snapshot path; the slow path straight from
spans and events once, checked equal, with BENCH_REPORTS_SLOW=1), the hand-written SQL on the
base tables and on the report fact tables, and the product's ratio to the faster of the two.

Run: `make bench` or `.venv/bin/python bench/reports.py [--rebuild]`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_REPORTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_reports")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

SEED = 2025
PROVINCES, COMMUNES, CELLS = 34, 30, 20
PROVINCE_MEMBERS = int(os.environ.get("BENCH_PROVINCE_MEMBERS", 60_000))
OTHER_MEMBERS = int(os.environ.get("BENCH_OTHER_MEMBERS", 158_800))
TAG = f"reports-v2 seed={SEED} p={PROVINCES} c={COMMUNES} cells={CELLS} m={PROVINCE_MEMBERS} o={OTHER_MEMBERS}"
AT = date(2025, 12, 31)
RUNS, WARMUP = 7, 2
SLOW = os.environ.get("BENCH_REPORTS_SLOW", "0") == "1"  # also time the slow path once and check it equal


def ensure_database() -> None:
    ensure_postgres_database(BENCH_URL)


def _copy(cur, table: str, columns: list[str], rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(chr(34) + c + chr(34) for c in columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


BULK_TABLES = (
    "orgs_orgversion",
    "members_member",
    "members_membershipspan",
    "members_memberevent",
    "reports_handbookaccount",
)
MEMBER_COLUMNS = [
    "id",
    "birth_year",
    "exempt",
    "created_at",
    "current_org_id",
    "general_education",
    "professional_education",
    "theory_level",
    "occupation",
    "full_name",
    "name_folded",
    "phone",
    "current_status",
    "sex",
    "ethnicity",
    "religion",
    "hometown",
    "admitted_on",
]
SPAN_COLUMNS = [
    "birth_year",
    "member_id",
    "org_id",
    "exempt",
    "in_transfer",
    "valid_from",
    "status",
    "ethnicity",
    "sex",
    "religion",
]
EVENT_COLUMNS = [
    "member_id",
    "org_id",
    "on",
    "payload",
    "recorded_at",
    "type",
    "decision_body",
    "decision_number",
    "note",
]


def build() -> None:
    from django.db import connection

    rng = random.Random(SEED)
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE reports_figuresnapshot, reports_handbookaccount, reports_admissionquota, "
            "reports_reportspan, reports_reportflow, "
            "members_membershipspan, members_memberevent, members_member, orgs_orgversion, "
            "orgs_organization RESTART IDENTITY CASCADE"
        )
        cur = c.cursor if hasattr(c, "cursor") else c
        raw = connection.connection.cursor()
        now = "2026-01-01 00:00:00+07"
        orgs, versions, cells_of = [], [], {}
        oid = 0
        for p in range(PROVINCES):
            oid += 1
            prov = oid
            orgs.append((prov, f"P{p:02d}", now))
            versions.append(
                (prov, f"Đảng bộ tỉnh Thử {p:02d}", "", "provincial_party_org", None, f"/{prov}/", 0, date(2015, 1, 1))
            )
            cells_of[prov] = []
            for x in range(COMMUNES):
                oid += 1
                com = oid
                orgs.append((com, f"P{p:02d}-X{x:02d}", now))
                versions.append(
                    (
                        com,
                        f"Đảng bộ xã {p:02d}-{x:02d}",
                        "",
                        "commune_party_org",
                        prov,
                        f"/{prov}/{com}/",
                        1,
                        date(2015, 1, 1),
                    )
                )
                for k in range(CELLS):
                    oid += 1
                    orgs.append((oid, f"P{p:02d}-X{x:02d}-C{k:02d}", now))
                    versions.append(
                        (
                            oid,
                            f"Chi bộ {p:02d}-{x:02d}-{k:02d}",
                            "",
                            "subordinate_cell",
                            com,
                            f"/{prov}/{com}/{oid}/",
                            2,
                            date(2015, 1, 1),
                        )
                    )
                    cells_of[prov].append(oid)
        # Bulk load as PERFORMANCE.md says: no foreign-key triggers during COPY, secondary
        # indexes (the trigram GIN above all) dropped and built once after the load.
        raw.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s) "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [list(BULK_TABLES)],
        )
        secondary = raw.fetchall()
        for name, _ in secondary:
            raw.execute(f'DROP INDEX "{name}"')
        raw.execute("SET session_replication_role = replica")
        _copy(raw, "orgs_organization", ["id", "code", "created_at"], orgs)
        _copy(
            raw,
            "orgs_orgversion",
            ["org_id", "name", "short_name", "org_type", "parent_id", "path", "depth", "valid_from"],
            versions,
        )
        n_members = n_events = 0
        mid = 0
        for p, prov in enumerate(cells_of):
            # One province at a time, so memory stays flat at national size (~5,300,000 members).
            members, spans, events, handbook = [], [], [], []
            n = PROVINCE_MEMBERS if p == 0 else OTHER_MEMBERS
            cells = cells_of[prov]
            for _ in range(n):
                mid += 1
                cell = cells[rng.randrange(len(cells))]
                year = rng.choice(range(1975, 2026)) if rng.random() < 0.9 else 2025
                admitted = date(year, rng.randint(1, 12), rng.randint(1, 28))
                born = admitted.year - rng.randint(18, 40)
                sex = "F" if rng.random() < 0.4 else "M"
                eth = "01" if rng.random() < 0.85 else f"{rng.randint(2, 54):02d}"
                rel = "00" if rng.random() < 0.9 else "01"
                status = "du_bi" if admitted > date(2024, 12, 31) else "chinh_thuc"
                members.append(
                    (
                        mid,
                        born,
                        False,
                        now,
                        cell,
                        "gdpt_thpt",
                        "",
                        rng.choice(["none", "so_cap", "trung_cap", "cao_cap"]),
                        "",
                        f"Đảng viên {mid}",
                        f"dang vien {mid}",
                        "",
                        status,
                        sex,
                        eth,
                        rel,
                        "",
                        admitted,
                    )
                )
                spans.append((born, mid, cell, False, False, admitted, status, eth, sex, rel))
                events.append((mid, cell, admitted, "{}", now, "admission_decision", "", "", ""))
                if status == "chinh_thuc":
                    events.append(
                        (
                            mid,
                            cell,
                            date(admitted.year + 1, admitted.month, admitted.day),
                            "{}",
                            now,
                            "full_recognition",
                            "",
                            "",
                            "",
                        )
                    )
                if year <= 1995:
                    events.append((mid, None, date(year + 30, 9, 2), '{"years": 30}', now, "badge_awarded", "", "", ""))
                if rng.random() < 0.9:
                    handbook.append((mid, date(2023, 1, 1)))
            _copy(raw, "members_member", MEMBER_COLUMNS, members)
            _copy(raw, "members_membershipspan", SPAN_COLUMNS, spans)
            _copy(raw, "members_memberevent", EVENT_COLUMNS, events)
            _copy(raw, "reports_handbookaccount", ["member_id", "registered_on"], handbook)
            n_members += len(members)
            n_events += len(events)
        raw.execute("SET session_replication_role = DEFAULT")
        for _, ddl in secondary:
            raw.execute(ddl)
        raw.execute(
            "INSERT INTO reports_admissionquota (org_id, year, quota, note, set_at) VALUES (1, 2025, 2000, '', now())"
        )
        for seq in (
            "orgs_organization",
            "orgs_orgversion",
            "members_member",
            "members_memberevent",
            "members_membershipspan",
        ):
            raw.execute(f"SELECT setval(pg_get_serial_sequence('{seq}', 'id'), (SELECT max(id) FROM {seq}))")
        raw.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        raw.execute(
            "INSERT INTO bench_meta VALUES ('reports', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [TAG],
        )
        del cur
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    print(
        f"# built {len(orgs)} organizations, {n_members} members, {n_events} events "
        f"in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )


def built(key: str = "reports") -> bool:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        c.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = c.fetchone()
    return bool(row and row[0] == TAG)


def build_facts() -> None:
    """The product's report fact projections, by the product's own rebuild (as after a bulk load:
    `dangbo rebuild-report-facts`), then VACUUM so that the covering index serves index-only scans."""
    from django.db import connection

    from dangbo.reports.facts import rebuild_all

    t0 = time.perf_counter()
    spans, flows = rebuild_all(log=lambda m: print(f"# {m}", flush=True))
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE reports_reportspan")
        c.execute("VACUUM ANALYZE reports_reportflow")
        c.execute(
            "INSERT INTO bench_meta VALUES ('reports_facts', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [TAG],
        )
    print(f"# report facts: {spans} spans, {flows} flows in {time.perf_counter() - t0:.1f} s", flush=True)


def timed(fn, runs=RUNS):
    from django.db import connection, reset_queries

    for _ in range(WARMUP):
        fn()
    times = []
    for _ in range(runs):
        reset_queries()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(connection.queries)


HAND_PROVINCE = [
    # headcount breakdowns (status, sex, ethnicity, religion, birth year, exempt, away)
    """SELECT s.status, s.sex, s.ethnicity, s.religion, s.birth_year, s.exempt, count(*) FILTER (WHERE s.temp_org_id IS NOT NULL), count(*)
       FROM members_membershipspan s JOIN orgs_orgversion v ON v.org_id = s.org_id
        AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s) AND v.path LIKE %(p)s
       WHERE s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s) AND s.status IN ('du_bi','chinh_thuc')
       GROUP BY 1,2,3,4,5,6""",
    # profile fields
    """SELECT s.status, m.theory_level, m.general_education, m.professional_education, count(*)
       FROM members_membershipspan s JOIN members_member m ON m.id = s.member_id JOIN orgs_orgversion v ON v.org_id = s.org_id
        AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s) AND v.path LIKE %(p)s
       WHERE s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s) AND s.status IN ('du_bi','chinh_thuc')
       GROUP BY 1,2,3,4""",
    # highest badge held
    """SELECT e.member_id, max((e.payload->>'years')::int) FROM members_memberevent e
       JOIN members_membershipspan s ON s.member_id = e.member_id AND s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s)
        AND s.status IN ('du_bi','chinh_thuc')
       JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s) AND v.path LIKE %(p)s
       WHERE e.type = 'badge_awarded' AND e.on <= %(at)s AND NOT EXISTS (SELECT 1 FROM members_memberevent c WHERE c.corrects_id = e.id)
       GROUP BY 1""",
    # flows of the year by type
    """SELECT e.type, count(*) FROM members_memberevent e
       JOIN members_membershipspan s ON s.member_id = e.member_id AND s.valid_from <= e.on AND (s.valid_to IS NULL OR s.valid_to >= e.on)
       JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= e.on AND (v.valid_to IS NULL OR v.valid_to >= e.on) AND v.path LIKE %(p)s
       WHERE e.on BETWEEN %(start)s AND %(at)s AND NOT EXISTS (SELECT 1 FROM members_memberevent c WHERE c.corrects_id = e.id)
       GROUP BY 1""",
    # e-handbook coverage
    """SELECT count(*) FROM members_membershipspan s JOIN reports_handbookaccount h ON h.member_id = s.member_id
        AND h.registered_on <= %(at)s AND (h.closed_on IS NULL OR h.closed_on > %(at)s)
       JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s) AND v.path LIKE %(p)s
       WHERE s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s) AND s.status IN ('du_bi','chinh_thuc')""",
    # headcount at the start of the period, organizations by type
    """SELECT count(*) FROM members_membershipspan s JOIN orgs_orgversion v ON v.org_id = s.org_id
        AND v.valid_from <= %(start)s AND (v.valid_to IS NULL OR v.valid_to >= %(start)s) AND v.path LIKE %(p)s
       WHERE s.valid_from <= %(start)s AND (s.valid_to IS NULL OR s.valid_to >= %(start)s) AND s.status IN ('du_bi','chinh_thuc')""",
    """SELECT org_type, count(*) FROM orgs_orgversion WHERE valid_from <= %(at)s AND (valid_to IS NULL OR valid_to >= %(at)s)
       AND path LIKE %(p)s AND depth > 0 GROUP BY 1""",
]

# The best hand-written SQL we could write for the same figures, on the same data including the
# report fact tables the product keeps (reports_reportspan / reports_reportflow): the physical limit.
IN_TREE = """SELECT org_id FROM orgs_orgversion WHERE valid_from <= %(d)s AND (valid_to IS NULL OR valid_to >= %(d)s)
   AND path LIKE %(p)s"""
HAND_FACTS_PROVINCE = [
    # every headcount breakdown in one pass (status x exempt x away x each fact; profile; badge; handbook)
    """SELECT status, exempt, away, sex, religion, badge, handbook, ethnicity, birth_year, theory, general, professional,
              GROUPING(sex, ethnicity, birth_year, theory), count(*)
       FROM (SELECT s.status, s.exempt, s.temp_org_id IS NOT NULL AS away, s.sex, s.ethnicity, s.religion, s.birth_year,
                    s.theory, s.general, s.professional, s.badge, s.handbook
             FROM reports_reportspan s WHERE s.org_id IN ("""
    + IN_TREE.replace("%(d)s", "%(at)s")
    + """) AND s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s)) t
       GROUP BY GROUPING SETS ((status, exempt, away, sex, religion, badge, handbook), (status, exempt, away, ethnicity),
         (status, exempt, away, birth_year), (status, theory, general, professional))""",
    # headcount on the first day of the period
    """SELECT count(*) FROM reports_reportspan s WHERE s.org_id IN ("""
    + IN_TREE.replace("%(d)s", "%(start)s")
    + """) AND s.valid_from <= %(start)s AND (s.valid_to IS NULL OR s.valid_to >= %(start)s)""",
    # members of other organizations attached here
    """SELECT count(*) FROM reports_reportspan s WHERE s.temp_org_id IS NOT NULL AND s.temp_org_id IN ("""
    + IN_TREE.replace("%(d)s", "%(at)s")
    + """) AND s.org_id NOT IN ("""
    + IN_TREE.replace("%(d)s", "%(at)s")
    + """) AND s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s)""",
    # flows of the year: home inside on the day; the counterpart inside that day or not
    """SELECT f.type, f.years, f.counterpart_org_id IS NULL,
              EXISTS (SELECT 1 FROM orgs_orgversion c WHERE c.org_id = f.counterpart_org_id AND c.valid_from <= f.on
                      AND (c.valid_to IS NULL OR c.valid_to >= f.on) AND c.path LIKE %(p)s), count(*)
       FROM reports_reportflow f JOIN orgs_orgversion v ON v.org_id = f.home_org_id AND v.valid_from <= f.on
        AND (v.valid_to IS NULL OR v.valid_to >= f.on) AND v.path LIKE %(p)s
       WHERE f.on BETWEEN %(start)s AND %(at)s GROUP BY 1, 2, 3, 4""",
    # temporary arrivals from outside
    """SELECT count(*) FROM reports_reportflow f JOIN orgs_orgversion v ON v.org_id = f.counterpart_org_id
        AND v.valid_from <= f.on AND (v.valid_to IS NULL OR v.valid_to >= f.on) AND v.path LIKE %(p)s
       WHERE f.type = 'temporary_transfer_out' AND f.on BETWEEN %(start)s AND %(at)s AND NOT EXISTS (
         SELECT 1 FROM orgs_orgversion h WHERE h.org_id = f.home_org_id AND h.valid_from <= f.on
          AND (h.valid_to IS NULL OR h.valid_to >= f.on) AND h.path LIKE %(p)s)""",
    # organizations by type, restructuring events of the year, the quota
    """SELECT org_type, count(*) FROM orgs_orgversion WHERE valid_from <= %(at)s AND (valid_to IS NULL OR valid_to >= %(at)s)
       AND path LIKE %(p)s AND depth > 0 GROUP BY 1""",
    """SELECT type, count(*) FROM orgs_orgevent e WHERE e.on BETWEEN %(start)s AND %(at)s AND e.org_id IN (
         SELECT org_id FROM orgs_orgversion WHERE path LIKE %(p)s) GROUP BY 1""",
    """SELECT quota FROM reports_admissionquota WHERE org_id = 1 AND year = 2025""",
]

HAND_FACTS_NATIONAL = """
SELECT split_part(v.path, '/', 2)::int AS root, sum(n) FROM (
  SELECT org_id, count(*) AS n FROM reports_reportspan
  WHERE valid_from <= %(at)s AND (valid_to IS NULL OR valid_to >= %(at)s) GROUP BY 1) s
JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s)
GROUP BY 1"""

HAND_NATIONAL = """
SELECT split_part(v.path, '/', 2)::int AS root, count(*) FROM members_membershipspan s
JOIN orgs_orgversion v ON v.org_id = s.org_id AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s)
WHERE s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s) AND s.status IN ('du_bi','chinh_thuc')
GROUP BY 1"""


def main(argv: list[str]) -> int:
    ensure_database()
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    if "--rebuild" in argv or not built():
        build()
        build_facts()
    elif not built("reports_facts"):
        build_facts()
    if "--build-only" in argv:
        return 0
    settings.DEBUG = True  # query counts
    from django.db import connection

    from dangbo.reports import selectors as sel
    from dangbo.reports.figures import figures_fast, figures_of
    from dangbo.reports.indicators import IndicatorContext

    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM members_membershipspan WHERE org_id IN (SELECT org_id FROM orgs_orgversion WHERE path LIKE '/1/%%')"
        )
        province_size = c.fetchone()[0]
        c.execute("SELECT count(*) FROM members_member")
        national_size = c.fetchone()[0]
    print(
        f"# PostgreSQL {connection.pg_version}; province 1: {province_size} members; national: {national_size} members "
        f"in {PROVINCES} provinces; as of {AT:%d/%m/%Y}; median of {RUNS} warm runs",
        flush=True,
    )

    def product_live():
        return figures_of(IndicatorContext(org_id=1, at=AT))

    def product_slow():
        return figures_of(IndicatorContext(org_id=1, at=AT, fast=False))

    def product_snapshot():
        return figures_fast(IndicatorContext(org_id=1, at=AT))

    params = {"at": AT, "start": date(AT.year, 1, 1), "p": "/1/%"}

    def hand(statements):
        def run():
            out = []
            with connection.cursor() as c:
                for q in statements:
                    c.execute(q, params)
                    out.append(c.fetchall())
            return out

        return run

    live, live_q = timed(product_live)
    snap, snap_q = timed(product_snapshot)
    ref_facts, _ = timed(hand(HAND_FACTS_PROVINCE))
    ref_base, _ = timed(hand(HAND_PROVINCE), runs=3)
    slow, slow_q = timed(product_slow, runs=1) if SLOW else (float("nan"), 0)
    best = min(ref_facts, ref_base)
    figs = product_live()
    # the hand-written SQL and the product agree on the main figures
    marg = hand(HAND_FACTS_PROVINCE)()[0]
    hand_total = sum(r[-1] for r in marg if r[-2] == 7)  # the set with sex (and the handbook flag, column 6)
    hand_book = sum(r[-1] for r in marg if r[-2] == 7 and r[6])
    assert figs["dv_tong"]["value"] == hand_total, (figs["dv_tong"]["value"], hand_total)
    assert figs["so_tay_dien_tu"]["value"] == hand_book, (figs["so_tay_dien_tu"]["value"], hand_book)
    if SLOW:
        assert product_slow() == figs, "fast path differs from the slow path"
    print(
        f"# dv_tong={figs['dv_tong']['value']} ket_nap={figs['ket_nap']['value']} so_tay={figs['so_tay_dien_tu']['text']}"
        f" (hand SQL: {hand_total}, {hand_book})"
    )
    print(f"BENCH reports_province_annual_live_median={live:.3f} s queries={live_q}")
    print(f"BENCH reports_province_annual_handsql_facts_median={ref_facts:.3f} s statements={len(HAND_FACTS_PROVINCE)}")
    print(f"BENCH reports_province_annual_handsql_base_median={ref_base:.3f} s statements={len(HAND_PROVINCE)}")
    print(f"BENCH reports_province_annual_ratio={live / best:.2f} (live / best hand SQL)")
    print(f"BENCH reports_province_annual_snapshot_median={snap:.3f} s queries={snap_q}")
    if SLOW:
        print(
            f"BENCH reports_province_annual_slow_path={slow:.3f} s queries={slow_q} (one run, straight from spans/events)"
        )

    def nat_product():
        return sel.headcount_by_root_on(at=AT)

    def nat_hand(sql):
        def run():
            with connection.cursor() as c:
                c.execute(sql, {"at": AT})
                return c.fetchall()

        return run

    nat, nat_q = timed(nat_product, runs=5)
    nat_ref_facts, _ = timed(nat_hand(HAND_FACTS_NATIONAL), runs=5)
    nat_ref_base, _ = timed(nat_hand(HAND_NATIONAL), runs=3)
    a = {r["org_id"]: r["total"] for r in nat_product()}
    for sql in (HAND_FACTS_NATIONAL, HAND_NATIONAL):
        b = dict(nat_hand(sql)())
        assert a == {k: b.get(k, 0) for k in a}, "national rollup differs from the hand-written SQL"
    nat_best = min(nat_ref_facts, nat_ref_base)
    print(f"BENCH reports_national_rollup_median={nat:.3f} s queries={nat_q} members={national_size}")
    print(f"BENCH reports_national_rollup_handsql_facts_median={nat_ref_facts:.3f} s")
    print(f"BENCH reports_national_rollup_handsql_base_median={nat_ref_base:.3f} s")
    print(f"BENCH reports_national_rollup_ratio={nat / nat_best:.2f} (product / best hand SQL)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
