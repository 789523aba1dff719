"""Import of a 60,000-row XLSX through dangbo/imports/services.py: dry run, then apply.

The database (BENCH_IMPORTS_DATABASE_URL, default PostgreSQL dangbo_bench_imports) is recreated
on each run, migrated, and given a synthetic province tree (synth.builder.build_tree, ~3,000
cells, seed 2025). The XLSX (openpyxl write-only, seed 2025) is written by a child process so
that the peak RSS printed is the import's (the process's peak: Django, the tree build and the
import). Prints `BENCH name=value unit` lines: the dry run and the confirmed apply are timed
separately (the apply reads and checks the file again, then writes; the target is the dry run plus
the apply of 60,000 rows under 30 s, issue #16); BENCH_IMPORT_ROWS=500000 measures the memory of
a large file. The load average is printed beside the figures: on a shared machine they compare
only at a similar load.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_IMPORTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_imports")
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "60000"))
OUT = ROOT / "var" / "bench"


def make_file(path: Path, codes: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from openpyxl import Workbook

    from dangbo.demo import names as N
    from dangbo.imports.parse import TEMPLATE_HEADERS

    rng = random.Random(2025)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đảng viên")
    ws.append(TEMPLATE_HEADERS)
    idx = {h: i for i, h in enumerate(TEMPLATE_HEADERS)}
    for n in range(ROWS):
        sex = "M" if rng.random() < 0.62 else "F"
        born = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
        admitted = born + timedelta(days=365 * rng.randint(19, 24) + rng.randint(0, 300))
        ceremony = admitted + timedelta(days=14)
        full = date(ceremony.year + 1, ceremony.month, min(ceremony.day, 28)) if rng.random() < 0.97 else None
        row = [None] * len(TEMPLATE_HEADERS)
        row[idx["Họ và tên"]] = N.full_name(rng, sex)
        row[idx["Ngày sinh"]] = born
        row[idx["Giới tính"]] = "Nam" if sex == "M" else "Nữ"
        row[idx["Dân tộc"]] = "Kinh"
        row[idx["Quê quán"]] = rng.choice(N.PLACE_NAMES)
        row[idx["Số CCCD"]] = f"0{n:011d}"
        row[idx["Mã chi bộ"]] = rng.choice(codes)
        row[idx["Ngày vào Đảng"]] = admitted
        row[idx["Ngày lễ kết nạp"]] = ceremony
        row[idx["Ngày chính thức"]] = full
        ws.append(row)
    wb.save(path)


def _cpu() -> float:
    """CPU seconds of this process (the import's Python side; PostgreSQL's work is not counted):
    less sensitive than wall time to other jobs on a shared machine."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _db_cpu(connection) -> float | None:
    """CPU seconds of this connection's PostgreSQL backend (same machine: /proc), None elsewhere:
    the database side of the import (triggers, indexes, foreign-key checks), which the Python
    process's CPU does not include, measured independently of the other jobs' load."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def recreate_database() -> None:
    import psycopg

    base, _, name = URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str]) -> int:
    if argv[:1] == ["--make"]:
        make_file(Path(argv[1]), Path(argv[2]).read_text().split())
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    if URL.startswith("postgres"):
        recreate_database()
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v", "0"],
        check=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": URL},
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction

    from dangbo.access.policy import SYSTEM
    from dangbo.imports.services import import_apply, import_dry_run
    from dangbo.orgs.models import OrgVersion
    from dangbo.synth.builder import build_tree

    with transaction.atomic():
        build_tree(random.Random(2025), members=60_000, scale="province")
    codes = list(
        OrgVersion.objects.filter(org_type__in=("grassroots_cell", "subordinate_cell")).values_list(
            "org__code", flat=True
        )
    )
    codes_file, path = OUT / "import_codes.txt", OUT / f"import_{ROWS}.xlsx"
    codes_file.write_text("\n".join(codes))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--make", str(path), str(codes_file)], check=True)
    print(
        f"# wrote {path.name} ({path.stat().st_size / 1e6:.1f} MB, {ROWS} rows, {len(codes)} cells) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    report = import_dry_run(path, actor=SYSTEM.named("bench"))
    dry = time.perf_counter() - t0
    assert report.ok and report.created == ROWS, report.refusals[:3]
    peak_dry = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu0, db0 = _cpu(), _db_cpu(connection)
    t0 = time.perf_counter()
    flagged = report.duplicate_count  # same synthetic name and birth date: the officer confirms them
    report = import_apply(path, actor=SYSTEM.named("bench"), confirm_duplicates=True)
    apply = time.perf_counter() - t0
    apply_cpu = _cpu() - cpu0
    db1 = _db_cpu(connection)
    assert report.created == ROWS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"# {connection.vendor}, {ROWS} rows: dry run {dry:.1f} s, confirmed apply {apply:.1f} s "
        f"(the apply re-reads and re-checks the whole file); peak RSS before the import {rss_before:.0f} MB, "
        f"after the dry run {peak_dry:.0f} MB, after the apply {peak:.0f} MB"
    )
    print(f"# {flagged} rows flagged as likely duplicates (same name and birth date), confirmed")
    print(f"# load average (1 min) {load_before:.1f} before the dry run, {os.getloadavg()[0]:.1f} after the apply")
    print(f"BENCH import_dry_run_s={dry:.1f} s")
    print(f"BENCH import_apply_excl_dry_run_s={apply:.1f} s")
    print(f"BENCH import_apply_excl_dry_run_rows_per_s={ROWS / apply:.0f} rows/s")
    print(f"BENCH import_apply_excl_dry_run_cpu_s={apply_cpu:.1f} s")
    if db0 is not None and db1 is not None:
        print(f"BENCH import_apply_excl_dry_run_db_cpu_s={db1 - db0:.1f} s")
    print(f"BENCH import_dry_run_plus_apply_s={dry + apply:.1f} s")
    print(f"BENCH import_peak_rss_mb={peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
