"""Search on PostgreSQL at province and national scale: p50/p95 over 200 random name queries.

Two databases built by `dangbo synth` (dangbo.synth.builder, seed 2025) and reused while the tag
stored in their `bench_meta` table (key 'synth') matches SYNTH_TAG; otherwise dropped and rebuilt:
- province: ~60,000 members, `dangbo_bench_search` (BENCH_SEARCH_DATABASE_URL);
- national: ~5,300,000 members, 34 provinces, `dangbo_bench_national`
  (BENCH_NATIONAL_DATABASE_URL; BENCH_SEARCH_SCALES=province to skip it: the build took 888 s on
  the idle 2-core machine, search terms and report facts included). Its build time is printed as
  `synth_national_s` (stored in bench_meta 'synth_seconds' when it was built, so a reused
  database prints the same figure).

For each database, three users: a national administrator (no scope filter), an officer of the
province SYN01 (the largest) and an officer of its commune SYN01-X001; scoped users search the
member search terms (search.models.MemberSearchTerms) and then the exact scope of access/scope.py.
Each gets 200 names drawn from members they may see: a third folded ("nguyen van an"), a third
with one typo (a letter changed, dropped or doubled in one word), a third as written with
diacritics ("Nguyễn Văn An"); then 50 citizen IDs and 50 party card numbers. The figure is the
wall time of search.selectors.search (members and organizations, as the page calls it). Next to
it, the hand-written reference: the bare word-index query (`words @> ARRAY[...] LIMIT 51`, no
scope, no typo/prefix passes) for the same names.
Prints `BENCH name=value unit` lines.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
URLS = {
    "province": os.environ.get("BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_search"),
    "national": os.environ.get(
        "BENCH_NATIONAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_national"
    ),
}
SCALES = [s for s in os.environ.get("BENCH_SEARCH_SCALES", "province,national").split(",") if s]
QUERIES = 200
ID_QUERIES = 50


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(0, int(len(times) * 0.95) - 1)]


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word))
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + rng.choice("aeiouhnmtgc".replace(word[i], "")) + word[i + 1 :]
    if kind == 1 and len(word) > 3:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def meta(url: str) -> dict[str, str]:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
            return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())
    except psycopg.OperationalError:
        return {}


def build(scale: str, url: str, tag: str) -> None:
    """Drop, create, migrate and synthesize the database (in a child process: settings read DATABASE_URL once)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ensure_postgres_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "dangbo.settings"}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], check=True, cwd=ROOT, env=env)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "django", "synth", "--scale", scale, "--seed", "2025"], check=True, cwd=ROOT, env=env
    )
    seconds = time.perf_counter() - t0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        for key, value in (("synth", tag), ("synth_seconds", f"{seconds:.0f}")):
            conn.execute(
                "INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )
        # The synthesis only ANALYZEs: without a VACUUM the visibility map is empty, index-only scans
        # read the heap and the figures come out several times slower than on a settled database.
        conn.execute("VACUUM ANALYZE")


def measure(scale: str) -> None:
    """Runs in a child process whose DATABASE_URL is the scale's database (or as
    `bench/search.py --measure SCALE` with DATABASE_URL set)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from dangbo.access.models import Role, RoleAssignment
    from dangbo.access.policy import scope_members
    from dangbo.members.models import Member
    from dangbo.orgs.models import Organization
    from dangbo.search.selectors import search

    at = timezone.localdate()
    # The largest province is the hardest for its officer; at province scale there is one.
    province = Organization.objects.get(code="SYN01")
    start = province.versions.first().valid_from
    commune = Organization.objects.get(code="SYN01-X001")
    users = {}
    for key, role, org in (
        ("admin", Role.ADMIN, None),
        ("officer", Role.OFFICER, province),
        ("commune", Role.OFFICER, commune),
    ):
        user, created = get_user_model().objects.get_or_create(username=f"bench_search_{key}")
        if created:
            RoleAssignment.objects.create(user=user, role=role, org=org, valid_from=start)
        users[key] = user
    with connection.cursor() as c:
        c.execute("SELECT min(id), max(id) FROM members_member")
        lo, hi = c.fetchone()
    n_members = Member.objects.count() if scale == "province" else hi - lo + 1
    print(f"# {scale}: {n_members} members, database {connection.settings_dict['NAME']}", flush=True)

    def sample(key: str, user, rng: random.Random, n: int) -> list[Member]:
        if key == "admin":  # everyone: random ids
            picked: list[Member] = []
            while len(picked) < n:
                ids = [rng.randint(lo, hi) for _ in range(2000)]
                picked += list(Member.objects.filter(pk__in=ids).order_by("pk"))
            rng.shuffle(picked)
            return picked[:n]
        visible = list(scope_members(Member.objects.all(), user).order_by("pk").values_list("pk", flat=True))
        ids = rng.sample(visible, min(n, len(visible)))
        by_id = Member.objects.in_bulk(ids)
        return [by_id[i] for i in ids]

    for key, user in users.items():
        rng = random.Random(2025)
        people = sample(key, user, rng, QUERIES + 2 * ID_QUERIES)
        queries = []
        for i, m in enumerate(people[:QUERIES]):
            words = m.name_folded.split()
            if i % 3 == 0:
                queries.append(" ".join(words))
            elif i % 3 == 1:
                j = rng.randrange(len(words))
                words[j] = typo(rng, words[j])
                queries.append(" ".join(words))
            else:
                queries.append(m.full_name)
        id_queries = [m.citizen_id for m in people[QUERIES : QUERIES + ID_QUERIES]] + [
            m.party_card_number for m in people[QUERIES + ID_QUERIES :]
        ]
        search(actor=user, q=queries[0], at=at)  # warm up (the scope is cached on the user object)
        times, found, sql = [], 0, 0
        by_kind: dict[str, list[float]] = {"folded": [], "typo": [], "diacritics": []}
        from django.test.utils import CaptureQueriesContext

        for i, q in enumerate(queries):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = search(actor=user, q=q, at=at)
                ms = (time.perf_counter() - t0) * 1000
            times.append(ms)
            by_kind[("folded", "typo", "diacritics")[i % 3]].append(ms)
            sql += len(ctx.captured_queries)
            found += any(h.member.pk == people[i].pk for h in r.members) or r.truncated
        id_times, id_found = [], 0
        for i, q in enumerate(id_queries):
            t0 = time.perf_counter()
            r = search(actor=user, q=q, at=at)
            id_times.append((time.perf_counter() - t0) * 1000)
            id_found += any(h.member.pk == people[QUERIES + i].pk for h in r.members)
        suffix = {"officer": "", "admin": "_admin", "commune": "_commune"}[key]
        who = {
            "admin": "national administrator (no scope filter)",
            "officer": f"officer of province {province.code} (search terms: province-qualified words)",
            "commune": f"officer of commune {commune.code} (search terms: name words + #commune)",
        }[key]
        print(
            f"# {who}: {QUERIES} names ({', '.join(f'{k} p95 {p95(v):.1f} ms' for k, v in by_kind.items())}), "
            f"the person found (or the list truncated) {found}/{QUERIES}, {sql / QUERIES:.1f} SQL per search; "
            f"{len(id_queries)} ID/card lookups found {id_found}",
            flush=True,
        )
        print(f"BENCH search{suffix}_p50_ms_{scale}={statistics.median(times):.1f} ms")
        print(f"BENCH search{suffix}_p95_ms_{scale}={p95(times):.1f} ms")
        print(f"BENCH search{suffix}_id_p95_ms_{scale}={p95(id_times):.1f} ms", flush=True)
        if key == "admin":  # hand-written reference: the bare word-index query for the same names
            ref = []
            with connection.cursor() as c:
                for m in people[:QUERIES]:
                    t0 = time.perf_counter()
                    c.execute(
                        "SELECT id, full_name, name_folded FROM members_member "
                        "WHERE regexp_split_to_array(name_folded, '[^a-z0-9]+') @> %s::text[] LIMIT 51",
                        [m.name_folded.split()],
                    )
                    c.fetchall()
                    ref.append((time.perf_counter() - t0) * 1000)
            print(f"BENCH search_reference_p95_ms_{scale}={p95(ref):.1f} ms", flush=True)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure(sys.argv[2])
        return 0
    from dangbo.synth.sizes import NATIONAL_MEMBERS, PROVINCE_MEMBERS, SYNTH_VERSION

    for scale in SCALES:
        url = URLS[scale]
        members = NATIONAL_MEMBERS if scale == "national" else PROVINCE_MEMBERS
        tag = f"synth-v{SYNTH_VERSION}-{scale}-{members}-seed2025"
        ensure_postgres_database(url)
        if meta(url).get("synth") != tag:
            print(f"# building the {scale} database ({urlparse(url).path.lstrip('/')}, tag {tag})", flush=True)
            build(scale, url, tag)
        else:
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "dangbo.settings"}
            subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], check=True, cwd=ROOT, env=env)
        seconds = meta(url).get("synth_seconds", "")
        print(f"BENCH synth_{scale}_s={seconds} s", flush=True)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "dangbo.settings"}
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--measure", scale], check=True, cwd=ROOT, env=env
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
