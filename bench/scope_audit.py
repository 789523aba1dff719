"""Benchmark: the cost of scope filtering on the member list and of the audit entry on a write (issue 4).

Database: its own, never the developer's var/dangbo.sqlite3 — a SQLite file var/bench/scope_audit.sqlite3,
or, when DATABASE_URL points at PostgreSQL, the database `dangbo_bench_scope` on that server
(BENCH_SCOPE_DATABASE_URL overrides both; created if missing, migrations run into it). The data is the
demo province (`dangbo demo`, ~6 000 members, two old provinces merged on 01/07/2025), built once and
reused while a tag in `bench_meta` matches (`--rebuild` forces a rebuild).

Measured (warm, median of N runs):
- members.selectors.member_list as the list page runs it (count + first page of 50) for the demo commune
  officer (scope filter) and for the administrator (no filter) over the same subtree and the same result
  set (checked equal); the scope is recomputed at every run, as at every request.
  `BENCH scope_list_overhead_pct`; the same for the province officer over the province.
- one GET /dang-vien/ through django.test.Client (force_login) for both users.
- members.services.member_record_event (replay, write, projection, audit) against the same call with
  audit_record replaced by a no-op, and audit_record alone. Each run is rolled back, so every run
  records the same event on the same member. `BENCH audit_per_write_ms`, `BENCH record_event_ms`.

Targets (issue 4): list overhead under 10 %, audit under 5 ms per write.
Run: `make bench` or `.venv/bin/python bench/scope_audit.py [--rebuild]`. Output also in var/bench/scope_audit.txt.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
OUT = ROOT / "var" / "bench" / "scope_audit.txt"

_given = os.environ.get("DATABASE_URL", "")
if os.environ.get("BENCH_SCOPE_DATABASE_URL"):
    BENCH_URL = os.environ["BENCH_SCOPE_DATABASE_URL"]
elif _given.startswith(("postgres://", "postgresql://")):
    BENCH_URL = urlparse(_given)._replace(path="/dangbo_bench_scope").geturl()
else:
    BENCH_URL = f"sqlite:///{ROOT / 'var' / 'bench' / 'scope_audit.sqlite3'}"
if BENCH_URL.startswith("sqlite") and Path(urlparse(BENCH_URL).path).resolve() == (ROOT / "var" / "dangbo.sqlite3"):
    raise SystemExit("the bench must not use the developer's var/dangbo.sqlite3")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["OTP_REQUIRED"] = "False"  # the HTTP round trip signs in with force_login
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

SEED = 2025
BUILD_TAG = f"scope-audit-v1 demo seed={SEED}"
RUNS, WARMUP = 21, 3
HTTP_RUNS = 11
WRITE_RUNS = 31
LINES: list[str] = []


def say(line: str) -> None:
    print(line, flush=True)
    LINES.append(line)


def ensure_database() -> None:
    if not BENCH_URL.startswith(("postgres://", "postgresql://")):
        return
    if ensure_postgres_database(BENCH_URL):
        say(f"# created database {urlparse(BENCH_URL).path.lstrip('/')}")


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def built_tag() -> str | None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(50) PRIMARY KEY, value text NOT NULL)")
        cur.execute("SELECT value FROM bench_meta WHERE key = 'scope_audit'")
        row = cur.fetchone()
    return row[0] if row else None


def build() -> None:
    import io

    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("demo", seed=SEED, stdout=io.StringIO())  # flushes the bench database first
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(50) PRIMARY KEY, value text NOT NULL)")
        cur.execute("DELETE FROM bench_meta WHERE key = 'scope_audit'")
        cur.execute("INSERT INTO bench_meta (key, value) VALUES ('scope_audit', %s)", [BUILD_TAG])
    say(f"# built the demo province in {time.perf_counter() - t0:.1f} s")


def timed(fn, runs: int = RUNS, warmup: int = WARMUP) -> tuple[float, object]:
    """Median wall time of `fn()` in ms, and its last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), result


def paired(fn_a, fn_b, runs: int = RUNS, warmup: int = WARMUP) -> tuple[float, object, float, object]:
    """Medians (ms) and last results of `fn_a` and `fn_b`, run alternately so that the load of a
    shared machine weighs on both alike."""
    res_a = res_b = None
    for _ in range(warmup):
        res_a, res_b = fn_a(), fn_b()
    a, b = [], []
    for i in range(runs):
        for fn, samples in ((fn_a, a), (fn_b, b)) if i % 2 == 0 else ((fn_b, b), (fn_a, a)):
            t0 = time.perf_counter()
            out = fn()
            samples.append((time.perf_counter() - t0) * 1000)
            if fn is fn_a:
                res_a = out
            else:
                res_b = out
    return statistics.median(a), res_a, statistics.median(b), res_b


def fresh(user):
    """The user as at the start of a request: no cached scope."""
    user.__dict__.pop("_dangbo_scope", None)
    return user


def bench_list(label: str, scoped_user, admin, org_id: int) -> None:
    from django.utils import timezone

    from dangbo.members.selectors import MemberFilters, member_list

    at = timezone.localdate()
    filters = MemberFilters(org_id=org_id)

    def page_of(user):
        def run():
            qs = member_list(actor=fresh(user), at=at, filters=filters)
            return qs.count(), [m.pk for m in qs[:50]]

        return run

    scoped_ms, scoped, plain_ms, plain = paired(page_of(scoped_user), page_of(admin))
    assert scoped == plain, f"{label}: scoped and unscoped lists differ ({scoped[0]} vs {plain[0]} members)"
    overhead = (scoped_ms - plain_ms) / plain_ms * 100
    suffix = "" if label == "commune" else f"_{label}"
    say(
        f"BENCH scope_list_overhead_pct{suffix}={overhead:.1f} %  "
        f"# {label} officer {scoped_ms:.2f} ms vs admin {plain_ms:.2f} ms, {scoped[0]} members, count + page of 50"
    )
    from dangbo.access.scope import _compute_scope, user_scope

    scope_ms, scope = timed(lambda: user_scope(fresh(scoped_user)))
    cold_ms, _ = timed(lambda: _compute_scope(fresh(scoped_user)))
    say(
        f"BENCH scope_list_scoped_ms{suffix}={scoped_ms:.2f} ms  # of which user_scope() {scope_ms:.2f} ms "
        f"cached, {cold_ms:.2f} ms computed ({len(scope.org_ids)} organizations in scope)"
    )
    say(f"BENCH scope_list_unscoped_ms{suffix}={plain_ms:.2f} ms")


def bench_http(officer, admin, org_id: int) -> None:
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    gets = []
    for user, query in ((officer, {}), (admin, {"org": org_id})):
        client = Client()
        client.force_login(user)

        def get(client=client, query=query):
            response = client.get("/dang-vien/", query)
            assert response.status_code == 200, response.status_code
            return response

        gets.append(get)
    results = {}
    results["officer"], _, results["admin"], _ = paired(*gets, runs=HTTP_RUNS, warmup=2)
    say(f"BENCH member_list_http_officer_ms={results['officer']:.1f} ms")
    say(f"BENCH member_list_http_admin_ms={results['admin']:.1f} ms  # same commune subtree (?org=)")


def bench_write(officer) -> None:
    from django.db import transaction
    from django.utils import timezone

    from dangbo.audit.services import audit_record
    from dangbo.members import services
    from dangbo.members.models import Member, MemberEvent
    from dangbo.members.services import EventInput, member_record_event
    from dangbo.orgs.models import Organization

    class Rollback(Exception):
        pass

    def rolled_back(fn):
        def run():
            try:
                with transaction.atomic():
                    result = fn()
                    raise Rollback
            except Rollback:
                pass
            return result

        return run

    # An active full member of the officer's commune, and an event the rules accept on it today.
    from dangbo.access.policy import scope_members

    today = timezone.localdate()
    candidates = scope_members(Member.objects.filter(current_status="chinh_thuc"), fresh(officer)).order_by("id")[:20]
    chosen = None
    for member in candidates:
        org = Organization.objects.get(pk=member.current_org_id)
        for etype in ("badge_awarded", "discipline_reprimand", "profile_update"):
            data = EventInput(
                type=etype,
                on=today - timedelta(days=1),
                org=org,
                decision_number="01-QĐ/BENCH",
                decision_date=today - timedelta(days=1),
                decision_body="Đảng ủy xã",
                note="bench",
                payload={"years": 30} if etype == "badge_awarded" else {},
            )
            try:
                rolled_back(lambda m=member, d=data: member_record_event(actor=fresh(officer), member=m, data=d))()
            except Exception:  # noqa: BLE001 - try the next kind of event
                continue
            chosen = (member, data)
            break
        if chosen:
            break
    if chosen is None:
        say("# no event could be recorded on a member of the officer's scope: write benchmark skipped")
        return
    member, data = chosen
    events_before = MemberEvent.objects.filter(member=member).count()

    original = services.audit_record
    audited = {"on": True}

    def switch(**kwargs):
        return original(**kwargs) if audited["on"] else None

    def record(with_audit: bool):
        def run():
            audited["on"] = with_audit
            return member_record_event(actor=fresh(officer), member=member, data=data)

        return rolled_back(run)

    services.audit_record = switch  # the audit entry on or off, alternately
    try:
        with_audit, _, without_audit, _ = paired(record(True), record(False), runs=WRITE_RUNS)
    finally:
        services.audit_record = original
    audit_alone, _ = timed(
        rolled_back(
            lambda: audit_record(
                actor=officer,
                action="bench.probe",
                obj=member,
                org_id=member.current_org_id,
                summary="bench",
                after={"type": data.type},
            )
        ),
        runs=WRITE_RUNS,
    )
    assert MemberEvent.objects.filter(member=member).count() == events_before, "a bench write was not rolled back"
    say(f"BENCH audit_per_write_ms={audit_alone:.2f} ms  # audit_record alone (hash chain + insert)")
    say(f"BENCH record_event_ms={with_audit:.2f} ms  # member_record_event ({data.type}), with audit")
    say(f"BENCH record_event_no_audit_ms={without_audit:.2f} ms  # same, audit_record replaced by a no-op")
    say(f"BENCH audit_share_of_write_pct={(with_audit - without_audit) / without_audit * 100:.1f} %")


def main(argv: list[str]) -> int:
    ensure_database()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from dangbo.access.models import RoleAssignment

    vendor = connection.vendor
    say(f"# database: {vendor} ({connection.settings_dict['NAME']})")
    if "--rebuild" in argv or built_tag() != BUILD_TAG:
        build()
    else:
        say("# demo province already built (tag matches); --rebuild to rebuild")

    User = get_user_model()
    admin = User.objects.get(username="admin")
    commune_officer = User.objects.get(username="canbo_xa")
    province_officer = User.objects.get(username="canbo_tinh")

    def home_org(user) -> int:
        return RoleAssignment.objects.filter(user=user).exclude(org=None).values_list("org_id", flat=True).first()

    commune_id, province_id = home_org(commune_officer), home_org(province_officer)
    bench_list("commune", commune_officer, admin, commune_id)
    bench_list("province", province_officer, admin, province_id)
    bench_http(commune_officer, admin, commune_id)
    bench_write(commune_officer)
    OUT.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
