"""`dangbo serve` (what `make run` runs): gunicorn, the task worker and the scheduler in the
foreground; static files served by WhiteNoise; one Ctrl-C stops every process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection

from dangbo.jobs.management.commands.serve import commands, default_workers


def test_the_web_server_is_gunicorn_with_workers_from_the_cpu_count():
    procs = commands(host="127.0.0.1", port=8123, workers=default_workers(), threads=1)
    assert set(procs) == {"web", "worker", "scheduler"}
    assert procs["web"][1:4] == ["-m", "gunicorn", "dangbo.wsgi:application"]
    assert procs["web"][procs["web"].index("--workers") + 1] == str(2 * (os.cpu_count() or 1) + 1)
    assert procs["worker"][3] == "db_worker" and procs["scheduler"][3] == "scheduler"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.mark.django_db(transaction=True)
def test_serve_answers_pages_and_static_files_and_one_interrupt_stops_every_process(tree):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "WEB_WORKERS": "2"}
    serve = subprocess.Popen(
        [sys.executable, "-m", "dangbo.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/dang-nhap/")
                break
            except OSError:
                assert serve.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        assert status == 200 and "Đăng nhập".encode() in body
        status, css = _get(f"http://127.0.0.1:{port}/static/vendor/bootstrap/css/bootstrap.min.css")
        assert status == 200 and len(css) > 100_000
        children = subprocess.run(["pgrep", "-P", str(serve.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 3  # the gunicorn master, the task worker, the scheduler
        children += subprocess.run(["pgrep", "-P", ",".join(children)], capture_output=True, text=True).stdout.split()
        assert len(children) == 5  # and the two gunicorn workers

        serve.send_signal(signal.SIGINT)  # what Ctrl-C sends
        out, _ = serve.communicate(timeout=40)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert serve.returncode == 0, out
    assert "Đã dừng máy chủ web, bộ chạy tác vụ nền và bộ lập lịch." in out
    alive = subprocess.run(["ps", "-o", "pid=,stat=", "-p", ",".join(children)], capture_output=True, text=True)
    assert [line for line in alive.stdout.splitlines() if "Z" not in line.split()[1]] == []
