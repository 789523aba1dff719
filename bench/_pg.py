"""What the bench scripts share: their own PostgreSQL database (created when missing, migrated),
the synthetic province they measure, the last full months, and the timing of a call."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def ensure_postgres_database(database_url: str) -> bool:
    """Create the database named in `database_url` (connecting to `postgres`); True if created."""
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def use_bench_database(env_var: str, name: str) -> str:
    """Point this process at the bench's own database: `env_var` if set, else `name` on the local
    server. Call before Django is set up (it reads DATABASE_URL once); returns the URL."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    url = os.environ.get(env_var, f"postgres://postgres@127.0.0.1:5432/{name}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    return url


def setup_django(url: str) -> None:
    """Create the database if missing, set Django up and run the migrations into it."""
    ensure_postgres_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def synth_province(*, members: int, label: str):
    """The synthetic province of `dangbo synth --scale province`, built with `members` when the
    database has none yet (then `BENCH <label>_synth_s` is printed)."""
    from dangbo.orgs.models import Organization
    from dangbo.synth.builder import CODE_PREFIX, synth_build

    province = Organization.objects.filter(code=f"{CODE_PREFIX}01").first()
    if province is None:
        t0 = time.perf_counter()
        synth_build(members=members, scale="province", log=lambda m: print(f"# {m}", flush=True))
        print(f"BENCH {label}_synth_s={time.perf_counter() - t0:.1f} s")
        province = Organization.objects.get(code=f"{CODE_PREFIX}01")
    return province


def last_full_months(today: date, months: int = 12) -> tuple[date, date]:
    """The first day of the first and the last day of the last of the `months` full months
    before `today`'s month."""
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


def timed(fn: Callable[[], Any], *, runs: int = 7, warmup: int = 2) -> tuple[float, int, Any]:
    """`fn()` run `warmup` + `runs` times: the median time of the timed runs in ms, the number of
    queries of the last run, and its result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for i in range(warmup + runs):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            result = fn()
            dt = (time.perf_counter() - t) * 1000
        if i >= warmup:
            times.append(dt)
    return statistics.median(times), len(q), result


def fetch_one(sql: str, params: dict) -> tuple:
    """One row of hand-written SQL (what a bench compares the product with)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(sql, params)
        return c.fetchone()


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
