"""Reports and pages at national size (issue 14), each next to hand-written SQL in the same run.

Database: the national synthetic registry of bench/search.py (`dangbo synth --scale national`,
seed 2025: 5,3 M members, 312.000 organizations), BENCH_NATIONAL_DATABASE_URL (default
`dangbo_bench_national`), built by bench/search.py's `build` when its tag does not match and
reused otherwise; this script migrates it and writes only its own bench users and the cached
summaries. Two users: an officer of the largest province SYN01 (~131.000 members, ~9.000
organizations) and a national administrator.

Printed (`BENCH name=value unit load=<1-min load average>`), each product figure next to the
hand-written SQL for the same numbers, measured in the same run:
- `report_<part>_ms` / `report_<part>_sql_ms`: every part of the province annual report
  (`figures_of`, as of 31/12/2025) and the whole report; the ratio per part;
- `page_<page>_<user>_{cold,warm}_ms`: the pages through Django's test client (tree landing
  page, dashboard, indicator overview, annual report page); cold = the cached summaries and
  figure snapshots emptied first (the first view after a write to the registry), warm = the
  next views; with the number of SQL queries;
- `subtree_<user>_ms` / `_sql_ms`: the province subtree through `orgs.selectors.org_subtree_on`
  (model objects) and `subtree_rows_<user>_ms` / `_sql_ms` through `org_subtree_rows_on` (the light
  rows the report, tree and picker callers use), each next to the hand-written SQL of its columns.

- `counts_<nodes>_summary_ms` / `_fact_rows_ms`: the member counts of the province's children and of
  the 34 provinces from the per-organization summary (OrgCountSpan) and from the fact rows;
  `pyramid_own_pass_ms` / `marginals_with_pyramid_ms`: the age pyramid as its own pass and with the
  marginals (`--summaries` measures only these, on an already migrated database).

Shorter runs (`--measure` on a migrated database, DATABASE_URL set): BENCH_NATIONAL_ONLY=pages (the
pages only), BENCH_NATIONAL_PAGES=tree,dashboard and BENCH_NATIONAL_USERS=officer (those only),
BENCH_NATIONAL_COLD_RUNS (3).

Run: `BENCH_NATIONAL_DATABASE_URL=postgres://…/db .venv/bin/python bench/run.py national`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_NATIONAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_national")
AT = date(2025, 12, 31)
WARM_RUNS, SQL_RUNS = 5, 5
COLD_RUNS = int(os.environ.get("BENCH_NATIONAL_COLD_RUNS", "3"))


def load() -> str:
    return f"load={os.getloadavg()[0]:.2f}"


def out(line: str) -> None:
    print(f"{line} {load()}" if line.startswith("BENCH") else line, flush=True)


def median_ms(fn, runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


# --- hand-written SQL: the same figures, straight on the tables ------------------------------

IN_TREE = (
    "SELECT org_id FROM orgs_orgversion WHERE valid_from <= %(d)s AND (valid_to IS NULL OR valid_to >= %(d)s) "
    "AND path LIKE %(p)s"
)
HAND_REPORT = {
    "marginals": """SELECT status, exempt, away, sex, religion, badge, handbook, ethnicity, birth_year, theory, general,
              professional, GROUPING(sex, ethnicity, birth_year, theory), count(*)
       FROM (SELECT s.status, s.exempt, s.temp_org_id IS NOT NULL AS away, s.sex, s.ethnicity, s.religion, s.birth_year,
                    s.theory, s.general, s.professional, s.badge, s.handbook
             FROM reports_reportspan s WHERE s.org_id IN ("""
    + IN_TREE.replace("%(d)s", "%(at)s")
    + """)
             AND s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s)) t
       GROUP BY GROUPING SETS ((status, exempt, away, sex, religion, badge, handbook), (status, exempt, away, ethnicity),
         (status, exempt, away, birth_year, sex), (status, theory, general, professional))""",
    "start_headcount": "SELECT count(*) FROM reports_reportspan s WHERE s.org_id IN ("
    + IN_TREE.replace("%(d)s", "%(start)s")
    + ") AND s.valid_from <= %(start)s AND (s.valid_to IS NULL OR s.valid_to >= %(start)s)",
    "attached_here": "SELECT count(*) FROM reports_reportspan s WHERE s.temp_org_id IS NOT NULL AND s.temp_org_id IN ("
    + IN_TREE.replace("%(d)s", "%(at)s")
    + ") AND s.org_id NOT IN ("
    + IN_TREE.replace("%(d)s", "%(at)s")
    + ") AND s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s)",
    "flows": """SELECT f.type, f.years, f.counterpart_org_id IS NULL,
              EXISTS (SELECT 1 FROM orgs_orgversion c WHERE c.org_id = f.counterpart_org_id AND c.valid_from <= f.on
                      AND (c.valid_to IS NULL OR c.valid_to >= f.on) AND c.path LIKE %(p)s), count(*)
       FROM reports_reportflow f JOIN orgs_orgversion v ON v.org_id = f.home_org_id AND v.valid_from <= f.on
        AND (v.valid_to IS NULL OR v.valid_to >= f.on) AND v.path LIKE %(p)s
       WHERE f.on BETWEEN %(start)s AND %(at)s GROUP BY 1, 2, 3, 4""",
    "temporary_arrivals": """SELECT count(*) FROM reports_reportflow f JOIN orgs_orgversion v ON v.org_id = f.counterpart_org_id
        AND v.valid_from <= f.on AND (v.valid_to IS NULL OR v.valid_to >= f.on) AND v.path LIKE %(p)s
       WHERE f.type = 'temporary_transfer_out' AND f.on BETWEEN %(start)s AND %(at)s AND NOT EXISTS (
         SELECT 1 FROM orgs_orgversion h WHERE h.org_id = f.home_org_id AND h.valid_from <= f.on
          AND (h.valid_to IS NULL OR h.valid_to >= f.on) AND h.path LIKE %(p)s)""",
    "org_types": """SELECT org_type, count(*) FROM orgs_orgversion WHERE valid_from <= %(at)s
       AND (valid_to IS NULL OR valid_to >= %(at)s) AND path LIKE %(p)s AND depth > 0 GROUP BY 1""",
    "org_changes": """SELECT type, count(*) FROM orgs_orgevent e WHERE e.on BETWEEN %(start)s AND %(at)s AND e.org_id IN (
         SELECT org_id FROM orgs_orgversion WHERE path LIKE %(p)s) GROUP BY 1""",
}
# The dashboard's own summaries (the figures come from HAND_REPORT): headcount and admissions of
# six years, the age pyramid, the headcount of each child organization.
HAND_TREND = (
    "SELECT count(*) FROM reports_reportspan s WHERE s.org_id IN (" + IN_TREE + ") AND s.valid_from <= %(d)s "
    "AND (s.valid_to IS NULL OR s.valid_to >= %(d)s)"
)
HAND_ADMITTED = """SELECT count(*) FROM reports_reportflow f JOIN orgs_orgversion v ON v.org_id = f.home_org_id
  AND v.valid_from <= f.on AND (v.valid_to IS NULL OR v.valid_to >= f.on) AND v.path LIKE %(p)s
  WHERE f.type IN ('admission_decision', 'readmission') AND f.on BETWEEN %(y0)s AND %(d)s"""
HAND_PYRAMID = (
    "SELECT birth_year, sex, count(*) FROM reports_reportspan s WHERE s.org_id IN ("
    + IN_TREE.replace("%(d)s", "%(at)s")
    + ") AND s.valid_from <= %(at)s "
    "AND (s.valid_to IS NULL OR s.valid_to >= %(at)s) GROUP BY 1, 2"
)
# Members per child of a node (and of the node itself): one pass, grouped by the path segment.
HAND_CHILDREN = """SELECT split_part(substr(v.path, %(n)s), '/', 1), count(*) FROM orgs_orgversion v
  JOIN reports_reportspan s ON s.org_id = v.org_id AND s.valid_from <= %(at)s AND (s.valid_to IS NULL OR s.valid_to >= %(at)s)
  WHERE v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s) AND v.path LIKE %(p)s GROUP BY 1"""
HAND_SUBTREE = (
    "SELECT v.id, v.org_id, v.name, v.short_name, v.org_type, v.parent_id, v.path, v.depth, v.valid_from, "
    "v.valid_to, v.event_id, o.id, o.code, o.created_at FROM orgs_orgversion v "
    "JOIN orgs_organization o ON o.id = v.org_id "
    "WHERE v.path LIKE %(p)s AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s) ORDER BY v.path"
)
HAND_SUBTREE_ROWS = (
    "SELECT v.org_id, v.name, v.path, v.parent_id, v.depth, v.org_type FROM orgs_orgversion v "
    "WHERE v.path LIKE %(p)s AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s) ORDER BY v.path"
)


def measure() -> None:
    os.environ["OTP_REQUIRED"] = "0"  # sessions signed in with force_login (TOTP is not what is measured)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from dangbo.access.models import Role, RoleAssignment
    from dangbo.orgs.models import Organization, OrgVersion
    from dangbo.orgs.selectors import org_subtree_on, org_subtree_rows_on
    from dangbo.reports.figures import figures_of
    from dangbo.reports.indicators import IndicatorContext
    from dangbo.reports.models import FigureSnapshot, SummarySnapshot

    setup_test_environment()

    def count_queries(fn) -> int:
        n = [0]

        def wrapper(execute, sql, params, many, context):
            n[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            fn()
        return n[0]

    settings.DEBUG = False
    from dangbo.reports.models import OrgCountSpan, ReportSpan
    from dangbo.reports.orgfacts import rebuild as rebuild_org_facts

    if ReportSpan.objects.exists() and not OrgCountSpan.objects.exists():
        # a database built before the per-organization summaries (reports.orgfacts): fill them once,
        # as `dangbo rebuild-org-facts` does
        t0 = time.perf_counter()
        due, counts = rebuild_org_facts(log=out)
        out(f"BENCH org_facts_rebuild_s={time.perf_counter() - t0:.1f} s due_rows={due} count_rows={counts}")
    province = Organization.objects.get(code="SYN01")
    root = OrgVersion.objects.valid_on(AT).get(org_id=province.pk)
    start = province.versions.order_by("valid_from").first().valid_from
    users = {}
    for key, role, org in (("officer", Role.OFFICER, province), ("admin", Role.ADMIN, None)):
        user, created = get_user_model().objects.get_or_create(username=f"bench_national_{key}")
        if created:
            RoleAssignment.objects.create(user=user, role=role, org=org, valid_from=start)
        users[key] = user
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM orgs_orgversion WHERE path LIKE %s AND valid_to IS NULL", [root.path + "%"])
        n_orgs = c.fetchone()[0]
        c.execute("SELECT count(*) FROM orgs_orgversion WHERE valid_to IS NULL")
        all_orgs = c.fetchone()[0]
    params = {"at": AT, "start": date(AT.year, 1, 1), "p": root.path + "%", "d": AT}
    out(
        f"# database {urlparse(URL).path.lstrip('/')}: {all_orgs} organizations; {province.code} «{root.name}» "
        f"{n_orgs} organizations; as of {AT:%d/%m/%Y}; {os.cpu_count()} cores; uptime: {os.popen('uptime').read().strip()}"
    )

    def sql(statement, p=None):
        def run():
            with connection.cursor() as c:
                c.execute(statement, p or params)
                return c.fetchall()

        return run

    # 1. The annual report, part by part ------------------------------------------------------
    def part(attr):
        def run():
            ctx = IndicatorContext(org_id=province.pk, at=AT)
            ctx.area, ctx.windows  # noqa: B018 (resolved before the timed part, as the report does once)
            t0 = time.perf_counter()
            getattr(ctx, attr)
            return time.perf_counter() - t0

        return run

    if os.environ.get("BENCH_NATIONAL_ONLY") == "pages":
        parts = {}
    else:
        parts = {
            "marginals": "marginals",
            "start_headcount": "start_headcount",
            "attached_here": "attached_here",
            "flows": "flow_counts",
            "temporary_arrivals": "temporary_arrivals",
            "org_changes": "org_changes",
        }
    total_sql = 0.0
    for name, attr in parts.items():
        fn = part(attr)
        fn()
        ms = statistics.median(fn() * 1000 for _ in range(WARM_RUNS))
        ref = median_ms(sql(HAND_REPORT[name]), SQL_RUNS)
        total_sql += ref
        out(f"BENCH report_{name}_ms={ms:.1f} ms")
        out(f"BENCH report_{name}_sql_ms={ref:.1f} ms ratio={ms / ref:.2f}")

    def report():
        return figures_of(IndicatorContext(org_id=province.pk, at=AT))

    if parts:
        ref = median_ms(sql(HAND_REPORT["org_types"]), SQL_RUNS)
        total_sql += ref
        out(f"BENCH report_org_types_sql_ms={ref:.1f} ms")
        with CaptureQueriesContext(connection) as ctx_q:
            figs = report()
        ms = median_ms(report, WARM_RUNS)
        hand_total = sum(r[-1] for r in sql(HAND_REPORT["marginals"])() if r[-2] == 7)
        assert figs["dv_tong"]["value"] == hand_total, (figs["dv_tong"]["value"], hand_total)
        out(
            f"# report: dv_tong={figs['dv_tong']['value']} ket_nap={figs['ket_nap']['value']} "
            f"({len(ctx_q.captured_queries)} queries)"
        )
        out(f"BENCH report_province_annual_ms={ms:.1f} ms queries={len(ctx_q.captured_queries)}")
        out(f"BENCH report_province_annual_sql_ms={total_sql:.1f} ms ratio={ms / total_sql:.2f}")

    # 2. Pages, cold and warm -------------------------------------------------------------------
    def empty_caches():
        SummarySnapshot.objects.all().delete()
        FigureSnapshot.objects.all().delete()

    q = {"org": province.pk, "ngay": f"{AT:%d/%m/%Y}"}
    pages = {
        "tree": (reverse("orgs:org_tree"), {"ngay": f"{AT:%d/%m/%Y}"}),
        "dashboard": (reverse("reports:dashboard"), q),
        "overview": (reverse("reports:indicator_overview"), q),
        "annual": (reverse("reports:periodic_report"), {"org": province.pk, "loai": "nam", "nam": AT.year, "so": 1}),
    }
    only = [p for p in os.environ.get("BENCH_NATIONAL_PAGES", "").split(",") if p]
    pages = {k: v for k, v in pages.items() if not only or k in only}
    who_only = os.environ.get("BENCH_NATIONAL_USERS", "")
    for who, user in users.items():
        if who_only and who not in who_only.split(","):
            continue
        client = Client()
        client.force_login(user)
        for page, (url, query) in pages.items():

            def get(url=url, query=query, client=client):
                r = client.get(url, query)
                assert r.status_code == 200, (url, r.status_code)
                return r

            get()
            cold = median_ms(get, COLD_RUNS, before=empty_caches)
            empty_caches()
            cold_q = count_queries(get)
            warm_q = count_queries(get)
            warm = median_ms(get, WARM_RUNS)
            out(f"BENCH page_{page}_{who}_cold_ms={cold:.1f} ms queries={cold_q}")
            out(f"BENCH page_{page}_{who}_warm_ms={warm:.1f} ms queries={warm_q}")

    if os.environ.get("BENCH_NATIONAL_ONLY") == "pages":
        return
    # the hand-written SQL of the pages' own summaries
    trend = [sql(HAND_TREND, {**params, "d": date(y, 12, 31)}) for y in range(AT.year - 5, AT.year + 1)]
    admitted = [
        sql(HAND_ADMITTED, {**params, "d": date(y, 12, 31), "y0": date(y, 1, 1)})
        for y in range(AT.year - 5, AT.year + 1)
    ]
    children = sql(HAND_CHILDREN, {**params, "n": len(root.path) + 1})
    dash = [*trend, *admitted, sql(HAND_PYRAMID), children]
    ref_dash = median_ms(lambda: [f() for f in dash], SQL_RUNS)
    out(
        f"BENCH page_dashboard_summaries_sql_ms={ref_dash:.1f} ms (6 headcounts, 6 admission counts, pyramid, "
        f"children; the figures: report_province_annual_sql_ms)"
    )
    ref_tree_officer = median_ms(sql(HAND_CHILDREN, {**params, "n": len(root.path) + 1}), SQL_RUNS)
    out(
        f"BENCH page_tree_officer_sql_ms={ref_tree_officer:.1f} ms (members of the province and of its children: "
        f"one grouped pass)"
    )
    ref_tree_admin = median_ms(sql(HAND_CHILDREN, {**params, "n": 2, "p": "/%"}), 3)
    out(f"BENCH page_tree_admin_sql_ms={ref_tree_admin:.1f} ms (members of the 34 provinces: one grouped pass)")

    # 3. The organization subtree through the selector -------------------------------------------
    for who, user in users.items():

        def product(user=user):
            u = get_user_model().objects.get(pk=user.pk)  # the scope resolved as in a request
            return list(org_subtree_on(actor=u, org_id=province.pk, at=AT))

        rows = product()
        ref_rows = sql(HAND_SUBTREE)()
        assert len(rows) == len(ref_rows), (len(rows), len(ref_rows))
        ms = median_ms(product, WARM_RUNS)
        ref = median_ms(sql(HAND_SUBTREE), WARM_RUNS)
        out(f"BENCH subtree_{who}_ms={ms:.1f} ms rows={len(rows)}")
        out(f"BENCH subtree_{who}_sql_ms={ref:.1f} ms ratio={ms / ref:.2f}")

        def light(user=user):
            u = get_user_model().objects.get(pk=user.pk)
            return org_subtree_rows_on(actor=u, org_id=province.pk, at=AT)

        rows = light()
        assert [r.org_id for r in rows] == [r[0] for r in sql(HAND_SUBTREE_ROWS)()]
        ms = median_ms(light, WARM_RUNS)
        ref = median_ms(sql(HAND_SUBTREE_ROWS), WARM_RUNS)
        out(f"BENCH subtree_rows_{who}_ms={ms:.1f} ms rows={len(rows)}")
        out(f"BENCH subtree_rows_{who}_sql_ms={ref:.1f} ms ratio={ms / ref:.2f}")


def measure_summaries() -> None:
    """The per-organization summaries against the fact rows they replace, in the same run: the
    member counts of the tree's nodes and of the dashboard's children (`fact_subtree_counts_on`
    from OrgCountSpan, and with `live=True` counting the ReportSpan rows as before), and the age
    pyramid (its own pass, as before, and taken from the marginals' pass)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    import django

    django.setup()
    from django.db import connection

    from dangbo.orgs.models import Organization, OrgVersion
    from dangbo.reports import selectors as sel

    province = Organization.objects.get(code="SYN01")
    children = list(OrgVersion.objects.valid_on(AT).filter(parent_id=province.pk).values_list("org_id", "path"))
    roots = list(OrgVersion.objects.valid_on(AT).filter(depth=0).values_list("org_id", "path"))
    for name, nodes in (("children_SYN01", children), ("provinces", roots)):
        summary = sel.fact_subtree_counts_on(nodes, AT)
        live = sel.fact_subtree_counts_on(nodes, AT, live=True)
        assert summary == live
        ms = median_ms(lambda nodes=nodes: sel.fact_subtree_counts_on(nodes, AT), SQL_RUNS)
        ref = median_ms(
            lambda nodes=nodes: sel.fact_subtree_counts_on(nodes, AT, live=True), SQL_RUNS if name != "provinces" else 1
        )
        out(
            f"BENCH counts_{name}_summary_ms={ms:.1f} ms nodes={len(nodes)} members={sum(t for t, _ in summary.values())}"
        )
        out(f"BENCH counts_{name}_fact_rows_ms={ref:.1f} ms ratio={ms / ref:.2f}")
    area = sel.area_on(org_id=province.pk, at=AT)
    assert connection.vendor == "postgresql"
    pyramid = sorted((r["birth_year"], r["sex"], r["n"]) for r in sel.fact_marginals_and_pyramid(area)[1])
    assert pyramid == sorted((r["birth_year"], r["sex"], r["n"]) for r in sel.age_pyramid_on(area))
    both = median_ms(lambda: sel.fact_marginals_and_pyramid(area), SQL_RUNS)
    alone = median_ms(lambda: sel.age_pyramid_on(area), SQL_RUNS)
    out(f"BENCH pyramid_own_pass_ms={alone:.1f} ms (before: a second pass after the marginals)")
    out(f"BENCH marginals_with_pyramid_ms={both:.1f} ms (one pass for both)")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure()
        if os.environ.get("BENCH_NATIONAL_ONLY") != "pages":
            measure_summaries()
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--summaries":
        measure_summaries()
        return 0
    from search import build, meta

    from dangbo.synth.sizes import NATIONAL_MEMBERS, SYNTH_VERSION

    tag = f"synth-v{SYNTH_VERSION}-national-{NATIONAL_MEMBERS}-seed2025"
    ensure_postgres_database(URL)
    if meta(URL).get("synth") != tag:
        print(f"# building the national database ({urlparse(URL).path.lstrip('/')}, tag {tag})", flush=True)
        build("national", URL, tag)
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "dangbo.settings"}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], check=True, cwd=ROOT, env=env)
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure"], check=True, cwd=ROOT, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
