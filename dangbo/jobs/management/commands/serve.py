"""`dangbo serve`: what production runs, and what `make run` runs — in the foreground, three kinds
of process under one supervisor:

- the web server: gunicorn (WSGI, `dangbo.wsgi`), workers from the CPU count; static files are
  served by WhiteNoise from the collected `var/static`;
- the task worker: `dangbo db_worker` (django-tasks-db), which runs imports, e-mails and the
  periodic jobs from the queue in the database;
- the scheduler: `dangbo scheduler`, which enqueues the periodic jobs when due.

Each child runs in its own session (a terminal's Ctrl-C reaches only this supervisor, which then
stops every child once, gracefully: a task being run is finished, not cut) and dies with the
supervisor if the supervisor is killed (Linux parent-death signal). If one child exits, the others
are stopped and the command fails.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    """Gunicorn's rule of thumb, 2 × cores + 1 (sync workers; measured in bench/server.py)."""
    return 2 * (os.cpu_count() or 1) + 1


def commands(
    *, host: str, port: int, workers: int, threads: int, worker: bool = True, scheduler: bool = True
) -> dict[str, list[str]]:
    py = sys.executable
    web = [
        py,
        "-m",
        "gunicorn",
        "dangbo.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--graceful-timeout",
        "20",
        "--log-level",
        "warning",
        "--name",
        "dangbo",
    ]
    procs = {"web": web}
    if worker:
        procs["worker"] = [py, "-m", "dangbo.cli", "db_worker", "--no-reload", "--interval", "1", "--verbosity", "0"]
    if scheduler:
        procs["scheduler"] = [py, "-m", "dangbo.cli", "scheduler"]
    return procs


def connections_needed(*, workers: int, threads: int, worker: bool = True, scheduler: bool = True) -> int:
    """Database connections `dangbo serve` can hold at most: Django keeps one per thread that
    serves requests (CONN_MAX_AGE, reused), so workers × threads, plus the task worker and the
    scheduler. Under load (50 sessions) requests queue in gunicorn, never as new connections."""
    return workers * threads + int(worker) + int(scheduler)


def connection_budget_problem(needed: int) -> str:
    """PostgreSQL: a Vietnamese message when `needed` exceeds the server's free connections
    (max_connections minus the reserved ones), else ""."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as c:
        c.execute(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
        )
        available = c.fetchone()[0]
    if needed > available:
        return (
            f"Cấu hình cần tới {needed} kết nối cơ sở dữ liệu (tiến trình × luồng + tác vụ nền + lập lịch) "
            f"nhưng PostgreSQL chỉ cho {available}: giảm WEB_WORKERS/WEB_THREADS hoặc tăng max_connections."
        )
    return ""


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(OSError, AttributeError):  # not Linux: stopped by the supervisor only
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn), bộ chạy tác vụ nền và bộ lập lịch; Ctrl-C để dừng tất cả."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", default_workers())),
            help="Gunicorn worker processes (default 2 × cores + 1, env WEB_WORKERS).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "1")),
            help="Threads per worker (env WEB_THREADS; more than 1 uses gthread).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")
        parser.add_argument("--no-scheduler", action="store_true", help="Do not start the scheduler.")

    def handle(self, *args, host, port, workers, threads, no_worker=False, no_scheduler=False, **options):
        procs = commands(
            host=host, port=port, workers=workers, threads=threads, worker=not no_worker, scheduler=not no_scheduler
        )
        problem = connection_budget_problem(
            connections_needed(workers=workers, threads=threads, worker=not no_worker, scheduler=not no_scheduler)
        )
        if problem:
            raise CommandError(problem)
        connections.close_all()  # the children open their own
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "dangbo.settings")}
        stopping: list[int] = []

        def on_signal(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        children: dict[str, subprocess.Popen] = {}
        for name, argv in procs.items():
            children[name] = subprocess.Popen(argv, env=env, start_new_session=True, preexec_fn=_die_with_parent)
        self.stdout.write(
            f"Đảng bộ số đang chạy tại http://{host}:{port}/ — gunicorn {workers} tiến trình × {threads} luồng"
            + ("; bộ chạy tác vụ nền" if not no_worker else "")
            + ("; bộ lập lịch công việc định kỳ" if not no_scheduler else "")
            + ". Nhấn Ctrl-C để dừng."
        )
        self.stdout.flush()
        failed = ""
        while not stopping and not failed:
            for name, child in children.items():
                if child.poll() is not None:
                    failed = name
                    break
            else:
                time.sleep(0.3)
        self._stop(children)
        if failed:
            raise CommandError(
                f"Tiến trình «{failed}» đã dừng (mã {children[failed].returncode}); đã dừng các tiến trình khác."
            )
        self.stdout.write("Đã dừng máy chủ web, bộ chạy tác vụ nền và bộ lập lịch.")

    @staticmethod
    def _stop(children: dict[str, subprocess.Popen], *, grace: float = 25.0) -> None:
        for child in children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
