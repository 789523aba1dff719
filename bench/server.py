"""Benchmark: the member-list page under 20 and 50 concurrent logged-in sessions, served by what
`make run` serves with (gunicorn through `dangbo serve`'s own command line) and, for comparison, by
Django's development server (`runserver`, threaded), in turn on a free port of 127.0.0.1.

Data: the demo province (`dangbo demo`, the data `make run` shows: 467 organizations, ~7 200
members) in its own SQLite file var/bench/server.sqlite3, built once and reused while its tag
matches. Sessions: the province officer `canbo_tinh` (the whole province, the heaviest list),
N sessions created directly in the session store with the verified TOTP device recorded (what a
login with password + code leaves), so no TOTP is scripted.

Load: N client threads on the same machine (closed loop, no think time: each session asks for the
next page as soon as the previous one arrived; or with BENCH_SERVER_THINK_S, a staggered start and a
think time between requests), one warm-up request each, then at most
BENCH_SERVER_SECONDS (30) seconds of requests, cycling through the first pages of the list.
Printed per server and N: p50/p95 in ms (and the p95 of each kind of page), requests per second,
errors, and what a request costs
in CPU: `cpu_ms_per_request` (user + system time of the server's processes — gunicorn's master and
workers, or runserver — during the run, divided by the requests answered), `db_cpu_ms_per_request`
(the same for the PostgreSQL backends of the database; PostgreSQL mode only) and the machine's load
average. On a shared machine latency follows the load; CPU per request does not.

Run: `make bench` or `.venv/bin/python bench/server.py [--rebuild]`; BENCH_SERVER_SECONDS (30),
BENCH_SERVER_SESSIONS (20,50), BENCH_SERVER_SERVERS (gunicorn,runserver), BENCH_SERVER_THINK_S (0),
WEB_WORKERS / WEB_THREADS as
for `dangbo serve`.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_PATH = ROOT / "var" / "bench" / "server.sqlite3"
# BENCH_SERVER_DATABASE_URL: a migrated PostgreSQL database with synthetic data (e.g. a copy of the
# national data): the officer of its largest province, and the mix of pages below. Unset: the demo
# province on SQLite (built once), the member list's first pages only.
PG_URL = os.environ.get("BENCH_SERVER_DATABASE_URL", "")
os.environ["DATABASE_URL"] = PG_URL or f"sqlite:///{DB_PATH}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

TAG = "server-bench-1 demo"
SECONDS = float(os.environ.get("BENCH_SERVER_SECONDS", "30"))
CONCURRENCY = [int(n) for n in os.environ.get("BENCH_SERVER_SESSIONS", "20,50").split(",")]
USERNAME = "canbo_tinh"
PAGES = 5
# Think time between a session's requests, in seconds (BENCH_SERVER_THINK_S, default 0: a closed loop
# that measures saturation). An officer reads a page before asking for the next: with a think time the
# run measures what N sessions of people working see, drawn uniformly in [0,5; 1,5] × the value.
THINK = float(os.environ.get("BENCH_SERVER_THINK_S", "0"))


def _run(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "dangbo.cli", *args], check=True, cwd=ROOT, env=os.environ, stdout=subprocess.DEVNULL
    )


def build(rebuild: bool) -> None:
    import sqlite3

    if PG_URL:
        print(f"# using {PG_URL.rsplit('/', 1)[-1]} as it is (migrated, with synthetic data)", flush=True)
        return
    DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    if DB_PATH.exists() and not rebuild:
        try:
            with sqlite3.connect(DB_PATH) as db:
                if db.execute("SELECT tag FROM bench_meta").fetchone() == (TAG,):
                    print(f"# reusing {DB_PATH}", flush=True)
                    return
        except sqlite3.Error:
            pass
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    _run("migrate", "--noinput", "-v0")
    _run("demo")
    with sqlite3.connect(DB_PATH) as db:
        db.execute("CREATE TABLE bench_meta (tag text)")
        db.execute("INSERT INTO bench_meta VALUES (?)", [TAG])
    print(f"# built {DB_PATH} in {time.perf_counter() - t0:.0f} s", flush=True)


MIX: list[str] = []  # PostgreSQL mode: the URLs the sessions cycle through


def pg_officer():
    """The officer of the largest province (most active members today) of the PostgreSQL data, with
    a confirmed TOTP device; fills MIX with page 1, deep keyset pages and profiles of that scope."""

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dangbo.access.models import Role, RoleAssignment

    today = timezone.localdate()
    span = (
        "s.valid_from <= %(d)s AND (s.valid_to IS NULL OR s.valid_to >= %(d)s) AND s.status IN ('du_bi', 'chinh_thuc')"
    )
    version = "v.org_id = s.org_id AND v.valid_from <= %(d)s AND (v.valid_to IS NULL OR v.valid_to >= %(d)s)"
    with connection.cursor() as c:
        c.execute(
            f"SELECT split_part(v.path, '/', 2)::bigint, count(*) FROM members_membershipspan s "
            f"JOIN orgs_orgversion v ON {version} WHERE {span} GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            {"d": today},
        )
        root, total = c.fetchone()
        c.execute(
            f"SELECT s.member_id FROM members_membershipspan s JOIN orgs_orgversion v ON {version} "
            f"WHERE {span} AND v.path LIKE %(p)s ORDER BY md5(s.member_id::text) LIMIT 300",
            {"d": today, "p": f"/{root}/%"},
        )
        sample = [r[0] for r in c.fetchall()]
    user, _ = get_user_model().objects.get_or_create(username="bench_server_canbo_tinh")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.OFFICER, org_id=root, defaults={"valid_from": "2000-01-01"}
    )
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    rng = random.Random(11)
    for i in range(600):
        kind = i % 3
        MIX.append(
            "/dang-vien/"
            if kind == 0
            else f"/dang-vien/?sau={rng.choice(sample)}"
            if kind == 1
            else f"/dang-vien/{rng.choice(sample)}/"
        )
    print(
        f"# PostgreSQL {PG_URL.rsplit('/', 1)[-1]}: officer of province org {root} ({total:,} active members); "
        "mix: list page 1, a random deep keyset page, a profile",
        flush=True,
    )
    return user


def session_cookies(n: int) -> list[str]:
    """n sessions of the province officer, as a password + TOTP login leaves them."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = pg_officer() if PG_URL else get_user_model().objects.get(username=USERNAME)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    cookies = []
    for _ in range(n):
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if device is not None:
            s[DEVICE_ID_SESSION_KEY] = device.persistent_id
        s.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={s.session_key}")
    return cookies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/dang-nhap/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def load(port: int, cookies: list[str], reading=None) -> tuple[list[float], int, float, tuple]:
    """Each session's thread asks for pages until SECONDS have passed (a request started before then is
    waited for and counted, so slow answers are not left out); (latencies s, errors, wall s, the
    `reading()` taken once every session has warmed up and again when every session is done)."""
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    errors = [0]
    lock = threading.Lock()
    stop_at = [0.0]
    readings = []

    def go() -> None:  # runs once, when every session has warmed up, before any is released
        if reading is not None:
            readings.append(reading())
        stop_at[0] = time.perf_counter() + SECONDS

    start = threading.Barrier(len(cookies) + 1, action=go)

    def session(i: int, cookie: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookie}

        def get(page: int) -> tuple[float, str]:
            t0 = time.perf_counter()
            url = MIX[page % len(MIX)] if MIX else f"/dang-vien/?trang={page % PAGES + 1}"
            kind = "list1" if url == "/dang-vien/" else "deep" if "?sau=" in url else "profile" if MIX else "list"
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
            return time.perf_counter() - t0, kind

        try:
            get(1)  # warm-up, not counted
        except (OSError, RuntimeError, http.client.HTTPException):
            with lock:
                errors[0] += 1
        start.wait()
        n = i
        pause = random.Random(i)
        while time.perf_counter() < stop_at[0]:
            n += 1
            if THINK:
                # Working officers do not click in step: the first request after a random part of
                # one think time (a run with every session released at once measured the burst of
                # 50 simultaneous first clicks, ~20 % of a 30 s run's requests), then a think time
                # between each answer and the next request.
                time.sleep(pause.uniform(0.5, 1.5) * THINK if n > i + 1 else pause.uniform(0, 1) * THINK)
                if time.perf_counter() >= stop_at[0]:
                    break
            try:
                took, kind = get(n)
            except (OSError, RuntimeError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                continue
            with lock:
                latencies.append(took)
                by_kind.setdefault(kind, []).append(took)
        conn.close()

    threads = [threading.Thread(target=session, args=(i, c), daemon=True) for i, c in enumerate(cookies)]
    for t in threads:
        t.start()
    start.wait()
    t0 = stop_at[0] - SECONDS
    for t in threads:
        t.join(timeout=SECONDS + 90)
    wall = time.perf_counter() - t0
    if reading is not None:
        readings.append(reading())
    return latencies, errors[0], wall, tuple(readings), by_kind


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def server_cpu(session_id: int) -> dict[int, float]:
    """CPU seconds of every process of the server's session (gunicorn master and workers)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session_id:  # field 6 of stat: the session id
                found[int(entry)] = (int(fields[11]) + int(fields[12])) / _TICK
    return found


def db_cpu() -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends connected to the bench database (PostgreSQL mode)."""
    if not PG_URL:
        return {}
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return {pid: _cpu_seconds(pid) for pid in pids}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings (processes started meanwhile count whole)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def servers(port: int) -> dict[str, list[str]]:
    from dangbo.jobs.management.commands.serve import commands, default_workers

    gunicorn = commands(
        host="127.0.0.1",
        port=port,
        workers=int(os.environ.get("WEB_WORKERS", default_workers())),
        threads=int(os.environ.get("WEB_THREADS", "1")),
        worker=False,
        scheduler=False,
    )["web"]
    runserver = [sys.executable, "-m", "dangbo.cli", "runserver", "--noreload", f"127.0.0.1:{port}"]
    chosen = os.environ.get("BENCH_SERVER_SERVERS", "gunicorn,runserver").split(",")
    return {name: argv for name, argv in {"gunicorn": gunicorn, "runserver": runserver}.items() if name in chosen}


def main(argv: list[str]) -> int:
    build("--rebuild" in argv)
    cookies = session_cookies(max(CONCURRENCY))
    print(
        f"# member list /dang-vien/ as {USERNAME if not PG_URL else 'the largest province officer'} "
        f"(whole province), {'PostgreSQL' if PG_URL else 'demo data on SQLite'}; "
        f"{f'think time ~{THINK:g} s' if THINK else 'closed loop'}, {SECONDS:.0f} s per run, client threads on the same 2-core machine "
        f"(load average before: {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    failed = False
    for name, argv_ in servers(free_port()).items():
        port = (
            int(argv_[argv_.index("--bind") + 1].rsplit(":", 1)[1])
            if "--bind" in argv_
            else int(argv_[-1].rsplit(":", 1)[1])
        )
        if name == "gunicorn":
            print(f"# gunicorn: {' '.join(argv_[argv_.index('--workers') : argv_.index('--workers') + 4])}", flush=True)
        proc = subprocess.Popen(
            argv_, cwd=ROOT, env=os.environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            wait_ready(port, proc)
            for n in CONCURRENCY:
                latencies, errors, wall, ((cpu0, db0), (cpu1, db1)), by_kind = load(
                    port, cookies[:n], reading=lambda pid=proc.pid: (server_cpu(pid), db_cpu())
                )
                cpu, db = cpu_used(cpu0, cpu1), cpu_used(db0, db1)
                if not latencies:
                    print(f"# {name} {n} sessions: no answer", flush=True)
                    failed = True
                    continue
                q = statistics.quantiles(latencies, n=100)
                what = ("list_and_profile" if PG_URL else "member_list") + (f"_think{THINK:g}s" if THINK else "")
                print(f"BENCH {what}_p50_ms_{name}_{n}={statistics.median(latencies) * 1000:.0f} ms", flush=True)
                print(f"BENCH {what}_p95_ms_{name}_{n}={q[94] * 1000:.0f} ms", flush=True)
                for kind, times in sorted(by_kind.items()):
                    if len(times) >= 2:
                        p95 = statistics.quantiles(times, n=100)[94] * 1000
                        print(f"BENCH {what}_{kind}_p95_ms_{name}_{n}={p95:.0f} ms ({len(times)} requests)", flush=True)
                print(f"BENCH {what}_rps_{name}_{n}={len(latencies) / wall:.1f} req/s", flush=True)
                print(f"BENCH {what}_errors_{name}_{n}={errors} requests", flush=True)
                print(f"BENCH {what}_cpu_ms_per_request_{name}_{n}={cpu * 1000 / len(latencies):.1f} ms", flush=True)
                if PG_URL:
                    print(
                        f"BENCH {what}_db_cpu_ms_per_request_{name}_{n}={db * 1000 / len(latencies):.1f} ms", flush=True
                    )
                print(f"BENCH {what}_load_average_{name}_{n}={os.getloadavg()[0]:.1f}", flush=True)
                failed = failed or errors > 0
        finally:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
