"""What one request of the member list and profile pages costs in the web process, in process
(Django's test client, the whole middleware stack, a session as a password + TOTP login leaves it):
CPU ms per request, SQL queries and template variables resolved per request, and optionally a
cProfile of the mix (`--profile [N]`: the N most expensive functions by own time, and cumulative).

Data: the PostgreSQL database of BENCH_PAGE_COST_DATABASE_URL (e.g. a `dangbo synth --members
131000` province), as bench/server.py's PostgreSQL mode: the officer of the largest province,
list page 1, a deep keyset page and a profile, in turn.
Run: `BENCH_PAGE_COST_DATABASE_URL=postgres://…/db .venv/bin/python bench/page_cost.py [--profile 40]`.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_PAGE_COST_DATABASE_URL", "")
if not URL:
    sys.exit("BENCH_PAGE_COST_DATABASE_URL: a migrated PostgreSQL database with synthetic data")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
RUNS = int(os.environ.get("BENCH_PAGE_COST_RUNS", "60"))


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.template import base as template_base
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    sys.path.insert(0, str(ROOT / "bench"))
    import server  # the same officer, sessions and mix as the load benchmark

    server.PG_URL = URL
    cookie = server.session_cookies(1)[0]
    name, _, key = cookie.partition("=")
    client = Client()
    client.cookies[name] = key
    kinds = {
        "list": [u for u in server.MIX if u == "/dang-vien/"],
        "deep": [u for u in server.MIX if "?sau=" in u],
        "profile": [u for u in server.MIX if u != "/dang-vien/" and "?" not in u],
    }

    resolved = [0, 0]  # variables, and their attribute/key steps
    original = template_base.Variable._resolve_lookup

    def counting(self, context):
        resolved[0] += 1
        resolved[1] += len(self.lookups or ())
        return original(self, context)

    template_base.Variable._resolve_lookup = counting
    for urls in kinds.values():  # warm-up: templates compiled, caches filled
        for u in urls[:3]:
            assert client.get(u).status_code == 200, u
    print(f"# load average {os.getloadavg()[0]:.1f}; {RUNS} requests of each kind", flush=True)
    for kind, urls in kinds.items():
        resolved[0] = resolved[1] = 0
        queries = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for i in range(RUNS):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(urls[i % len(urls)])
            assert response.status_code == 200
            queries += len(ctx.captured_queries)
        cpu = (time.process_time() - cpu0) * 1000 / RUNS
        wall = (time.perf_counter() - wall0) * 1000 / RUNS
        print(f"BENCH page_cost_{kind}_cpu_ms={cpu:.1f} ms (wall {wall:.1f} ms)", flush=True)
        print(f"BENCH page_cost_{kind}_queries={queries / RUNS:.1f} queries", flush=True)
        print(
            f"BENCH page_cost_{kind}_template_vars={resolved[0] / RUNS:.0f} variables "
            f"({resolved[1] / RUNS:.0f} lookup steps)",
            flush=True,
        )
    template_base.Variable._resolve_lookup = original
    if "--profile" in argv:
        i = argv.index("--profile")
        top = int(argv[i + 1]) if len(argv) > i + 1 and argv[i + 1].isdigit() else 40
        mix = [u for group in zip(*kinds.values(), strict=False) for u in group]
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(RUNS):
            client.get(mix[n % len(mix)])
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
