"""Synthetic registry at province or national scale, for benchmarks (`dangbo synth`).

Tree (ratios of the national figures: 34 provinces, ~3,300 communes, ~55,000 grassroots
organizations, ~270,000 cells for ~5,300,000 members): provinces -> commune committees ->
grassroots organizations (40 % chi bộ cơ sở that hold members, 60 % đảng bộ cơ sở with ~7.5
subordinate cells) -> cells. All versions open on 01/01/2015.

People (fixed seed): ~77 % are members already on 01/01/2016 (one `official_transfer_in` with
their earlier admission in the payload, as an import records them), the rest are admitted over
ten years (decision, ceremony two weeks later, recognition after 12 months). Every year an active
member may die (by age: 0,2 % under 50, 1 % under 70, 4 % from 70), be transferred to another cell
(2 %: out, then in 2-6 weeks later, 70 % within the same commune) or have the name removed
(0,1 %). Measured at province scale, per year as a share of the members active on 1 January:
admissions ~2,8 %, deaths ~1,5 % (the stock was admitted since 1965 and ages), transfers ~2 %,
removals ~0,1 %. Names, sex and ethnicity come from dangbo/demo/names.py.

Spans are built directly from the generated state changes (the shape members.services._project
writes, merged the way lifecycle.replay merges them); a test replays a sample and compares.
Loading: streamed in chunks of 50 000 people (memory stays bounded; only the organization tree is
kept). COPY on PostgreSQL; from 200 000 members the member tables' secondary indexes, unique and
foreign-key constraints and user triggers are dropped first and rebuilt after the load (each index
built once, sorted, with maintenance_work_mem 1 GB), then VACUUM ANALYZE. Batched INSERTs on
SQLite, which refuses national scale. One audit entry records the build.

National scale (34 provinces, 3 300 communes, 56 100 grassroots organizations, ~275 000 cells,
5 300 000 members, ~8,4 M events and as many spans): see the README for the measured time.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from dangbo.access.policy import SYSTEM
from dangbo.audit.services import audit_record
from dangbo.core.dates import add_months
from dangbo.core.text import fold
from dangbo.demo import names as N
from dangbo.members.lifecycle import Span, spans_from_changes
from dangbo.members.models import EventType as E
from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.members.models import Status as S
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.reports.facts import rebuild_all as rebuild_report_facts
from dangbo.search.models import refresh_member_terms, refresh_name_words
from dangbo.synth.sizes import NATIONAL_MEMBERS, PROVINCE_MEMBERS, SYNTH_VERSION  # noqa: F401 (re-exported)

TREE_START = date(2015, 1, 1)
STOCK_DAY = date(2016, 1, 1)
FIRST_ADMISSION = date(2016, 8, 1)  # ceremony deadline parameter (24-QĐ/TW) is in force from 25/07/2016
CODE_PREFIX = "SYN"
ETHNICITIES = [
    ("01", 860),
    ("02", 20),
    ("03", 20),
    ("04", 15),
    ("05", 15),
    ("06", 12),
    ("07", 10),
    ("08", 8),
    ("09", 8),
    ("10", 6),
    ("11", 6),
    ("12", 20),
]
PROVINCE_CODES = [
    f"{i:03d}"
    for i in (
        1,
        4,
        8,
        11,
        12,
        14,
        15,
        19,
        20,
        22,
        24,
        25,
        26,
        31,
        33,
        37,
        38,
        40,
        42,
        44,
        45,
        46,
        48,
        51,
        52,
        56,
        66,
        68,
        75,
        79,
        82,
        86,
        92,
        96,
    )
]

SYNTH_ACTOR = SYSTEM.named("synth")


class SynthError(Exception):
    pass


@dataclass
class Tree:
    org_ids: list[int] = field(default_factory=list)
    cells: list[tuple[int, int]] = field(default_factory=list)  # (cell id, province index)
    cells_by_commune: dict[int, list[int]] = field(default_factory=dict)
    commune_of: dict[int, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class SynthResult:
    members: int
    events: int
    spans: int
    organizations: int
    seconds: float
    counts: dict[str, int]


def _next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _copy(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into the model's table on PostgreSQL; batched INSERT elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = [model._meta.get_field(c).column for c in columns]
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in cols)}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
                    count += 1
        return count
    sql = f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(v.isoformat() if isinstance(v, date) else v for v in row))
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _sizes(members: int, provinces: int) -> tuple[int, int, int]:
    ratio = members / NATIONAL_MEMBERS
    communes = max(provinces, round(3300 * ratio))
    grassroots = max(communes, round(55_000 * ratio))
    return communes, grassroots, 0


def build_tree(rng: random.Random, *, members: int, scale: str) -> Tree:
    provinces = 34 if scale == "national" else 1
    communes, grassroots, _ = _sizes(members, provinces)
    tree = Tree()
    next_id = _next_id(Organization)
    orgs: list[tuple] = []
    versions: list[tuple] = []
    now = timezone.now()

    def add(code: str, name: str, org_type: str, parent: int | None, parent_path: str) -> tuple[int, str]:
        nonlocal next_id
        oid = next_id
        next_id += 1
        path = f"{parent_path}{oid}/"
        orgs.append((oid, code, now))
        versions.append((oid, name, "", org_type, parent, path, path.count("/") - 2, TREE_START, None))
        tree.org_ids.append(oid)
        return oid, path

    counts = {"provinces": 0, "communes": 0, "grassroots": 0, "cells": 0}
    for p in range(provinces):
        place = N.PLACE_NAMES[p % len(N.PLACE_NAMES)]
        pid, ppath = add(
            f"{CODE_PREFIX}{p + 1:02d}", f"Đảng bộ tỉnh {place} {p + 1}", "provincial_party_org", None, "/"
        )
        counts["provinces"] += 1
        n_communes = communes // provinces + (1 if p < communes % provinces else 0)
        per_commune = max(1, round(grassroots / communes))
        for c in range(n_communes):
            cname = N.PLACE_NAMES[(p * 7 + c) % len(N.PLACE_NAMES)]
            cid, cpath = add(
                f"{CODE_PREFIX}{p + 1:02d}-X{c + 1:03d}", f"Đảng bộ xã {cname} {c + 1}", "commune_party_org", pid, ppath
            )
            counts["communes"] += 1
            tree.cells_by_commune[cid] = []
            for g in range(per_commune):
                gcode = f"{CODE_PREFIX}{p + 1:02d}-X{c + 1:03d}-G{g + 1:02d}"
                counts["grassroots"] += 1
                if rng.random() < 0.4:
                    gid, _ = add(gcode, f"Chi bộ cơ sở {cname} {g + 1}", "grassroots_cell", cid, cpath)
                    cells = [gid]
                else:
                    gid, gpath = add(
                        gcode, f"Đảng bộ cơ sở {cname} {g + 1}", "grassroots_party_committee_org", cid, cpath
                    )
                    cells = [
                        add(f"{gcode}-C{k + 1:02d}", f"Chi bộ {k + 1}", "subordinate_cell", gid, gpath)[0]
                        for k in range(rng.randint(5, 10))
                    ]
                for cell in cells:
                    tree.cells.append((cell, p))
                    tree.cells_by_commune[cid].append(cell)
                    tree.commune_of[cell] = cid
                counts["cells"] += len(cells)
    _copy(Organization, ["id", "code", "created_at"], orgs)
    _copy(
        OrgVersion,
        ["org", "name", "short_name", "org_type", "parent", "path", "depth", "valid_from", "valid_to"],
        versions,
    )
    tree.counts = counts
    return tree


# --- people ------------------------------------------------------------------------------------
@dataclass
class Person:
    full_name: str
    sex: str
    birth_date: date
    ethnicity: str
    province: int
    events: list[tuple] = field(default_factory=list)  # (type, on, org, counterpart, payload)
    changes: list[tuple[date, int, dict]] = field(default_factory=list)
    admitted_on: date | None = None
    ceremony_on: date | None = None
    full_on: date | None = None


def build_spans(changes: list[tuple[date, int, dict]]) -> list[Span]:
    """The spans lifecycle.replay derives from the same state changes (the same function)."""
    return spans_from_changes(changes)


def _day(rng: random.Random, year: int, today: date, start: date | None = None) -> date | None:
    lo = max(date(year, 1, 2), start or date(year, 1, 2))
    hi = min(date(year, 12, 28), today - timedelta(days=1))
    if lo > hi:
        return None
    d = lo + timedelta(days=rng.randrange((hi - lo).days + 1))
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d if d >= lo else None


def simulate_person(rng: random.Random, tree: Tree, *, stock: bool, today: date) -> Person:
    cell, province = tree.cells[rng.randrange(len(tree.cells))]
    sex = "M" if rng.random() < 0.62 else "F"
    ethnicity = N.weighted(rng, ETHNICITIES)
    seq = 0

    def change(on: date, **facts) -> None:
        nonlocal seq
        seq += 1
        p.changes.append((on, seq, facts))

    if stock:
        admitted = date(rng.randint(1965, 2014), rng.randint(1, 12), rng.randint(1, 28))
        born = date(admitted.year - rng.randint(20, 40), rng.randint(1, 12), rng.randint(1, 28))
        p = Person(N.full_name(rng, sex, ethnicity), sex, born, ethnicity, province)
        ceremony = admitted + timedelta(days=14)
        full = add_months(ceremony, 12)
        p.admitted_on, p.ceremony_on, p.full_on = admitted, ceremony, full
        p.events.append(
            (
                E.OFFICIAL_TRANSFER_IN,
                STOCK_DAY,
                cell,
                None,
                {
                    "status": S.FULL,
                    "admitted_on": admitted.isoformat(),
                    "ceremony_on": ceremony.isoformat(),
                    "full_on": full.isoformat(),
                    "source": "synth",
                },
            )
        )
        change(STOCK_DAY, status=S.FULL, org_id=cell, in_transfer=False)
        status, since = S.FULL, STOCK_DAY
    else:
        span_days = (today - FIRST_ADMISSION).days - 30
        decided = FIRST_ADMISSION + timedelta(days=rng.randrange(max(span_days, 1)))
        while decided.weekday() >= 5:
            decided -= timedelta(days=1)
        decided = max(decided, FIRST_ADMISSION)
        born = date(decided.year - rng.randint(19, 45), rng.randint(1, 12), rng.randint(1, 28))
        p = Person(N.full_name(rng, sex, ethnicity), sex, born, ethnicity, province)
        ceremony = decided + timedelta(days=14)
        p.admitted_on, p.ceremony_on = decided, ceremony
        p.events.append((E.ADMISSION_DECISION, decided, cell, None, {}))
        change(decided, status=S.PENDING, org_id=cell)
        status, since = S.PENDING, decided
        if ceremony < today:
            p.events.append((E.ADMISSION_CEREMONY, ceremony, cell, None, {}))
            change(ceremony, status=S.PROBATIONARY)
            status, since = S.PROBATIONARY, ceremony
            end = add_months(ceremony, 12)
            recognized = end + timedelta(days=rng.randint(3, 40))
            if recognized < today:
                p.events.append((E.FULL_RECOGNITION, recognized, cell, None, {}))
                change(end, status=S.FULL)
                p.full_on = end
                status, since = S.FULL, recognized
    # Yearly life: death, transfer to another cell, name removal.
    org = cell
    for year in range(since.year, today.year + 1):
        if status not in (S.FULL, S.PROBATIONARY):
            break
        roll = rng.random()
        age = year - p.birth_date.year
        death_rate = 0.002 if age < 50 else 0.01 if age < 70 else 0.04
        if roll < death_rate:
            on = _day(rng, year, today, since + timedelta(days=1))
            if on:
                p.events.append((E.DEATH, on, None, None, {}))
                change(on, status=S.DECEASED, temp_org_id=None, in_transfer=False, exempt=False)
                status = S.DECEASED
            break
        if roll < death_rate + 0.02:
            out = _day(rng, year, today, since + timedelta(days=1))
            if not out:
                continue
            siblings = tree.cells_by_commune[tree.commune_of[org]]
            dest = (
                siblings[rng.randrange(len(siblings))]
                if len(siblings) > 1 and rng.random() < 0.7
                else tree.cells[rng.randrange(len(tree.cells))][0]
            )
            if dest == org:
                continue
            back = out + timedelta(days=rng.randint(14, 42))
            p.events.append((E.OFFICIAL_TRANSFER_OUT, out, org, dest, {}))
            change(out, in_transfer=True, temp_org_id=None)
            if back < today:
                p.events.append((E.OFFICIAL_TRANSFER_IN, back, dest, org, {}))
                change(back, org_id=dest, in_transfer=False)
                org, since = dest, back
            else:
                break
            continue
        if status == S.FULL and roll < death_rate + 0.021:
            on = _day(rng, year, today, since + timedelta(days=1))
            if on:
                p.events.append((E.NAME_REMOVAL, on, org, None, {}))
                change(on, status=S.NAME_REMOVED, temp_org_id=None, in_transfer=False, exempt=False)
                status = S.NAME_REMOVED
            break
        if status == S.PROBATIONARY and p.full_on and p.full_on.year == year:
            status = S.FULL
    return p


BIG_TABLES = ("members_member", "members_memberevent", "members_membershipspan")


@dataclass
class Deferred:
    """What `_defer_indexes` dropped, to be rebuilt after the load."""

    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX ...)
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, definition)


def _defer_indexes(say) -> Deferred:
    """PostgreSQL, large loads: drop the secondary indexes, unique and foreign-key constraints of
    the member tables and their user triggers (name-word vocabulary, search terms); COPY then writes
    the heap alone and `_rebuild_indexes` builds each index once, sorted (PERFORMANCE.md: COPY
    370 000 rows/s with the primary key only, 69 000 rows/s with two trigram indexes)."""
    d = Deferred()
    with connection.cursor() as c:
        for table in BIG_TABLES:
            c.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype, conname",
                [table],
            )
            for name, definition in c.fetchall():
                d.constraints.append((table, name, definition))
        for table, name, _ in d.constraints:
            c.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table in BIG_TABLES:
            c.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY 1",
                [table],
            )
            d.indexes += c.fetchall()
        for name, _ in d.indexes:
            c.execute(f"DROP INDEX {name}")
        for table in ("members_member", "members_membershipspan"):
            c.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    say(f"dropped {len(d.indexes)} indexes and {len(d.constraints)} constraints for the load")
    return d


def _rebuild_indexes(d: Deferred, say, t0: float) -> None:
    with connection.cursor() as c:
        c.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for table in ("members_member", "members_membershipspan"):
            c.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for name, sql in d.indexes:
            t = time.perf_counter()
            c.execute(sql)
            say(f"index {name}: {time.perf_counter() - t:.1f} s (total {time.perf_counter() - t0:.0f} s)")
        for table, name, definition in sorted(d.constraints, key=lambda x: x[2].startswith("FOREIGN")):
            t = time.perf_counter()
            c.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            say(f"constraint {name}: {time.perf_counter() - t:.1f} s (total {time.perf_counter() - t0:.0f} s)")
    refresh_name_words()
    t = time.perf_counter()
    refresh_member_terms()  # the load ran with the search-terms triggers off
    say(f"member search terms: {time.perf_counter() - t:.1f} s (total {time.perf_counter() - t0:.0f} s)")


def synth_build(
    *,
    members: int,
    scale: str = "province",
    seed: int = 2025,
    today: date | None = None,
    actor=SYNTH_ACTOR,
    log=None,
    chunk: int = 50_000,
    defer_indexes: bool | None = None,
) -> SynthResult:
    """Generate and bulk load the dataset (one transaction). Refused when synthetic data exists.

    Streaming: people are simulated `chunk` at a time and COPied before the next chunk, so memory
    stays bounded (the organization tree, ~330 000 rows nationally, is the only thing kept)."""
    if scale not in ("province", "national"):
        raise SynthError("Quy mô phải là province (tỉnh) hoặc national (toàn quốc).")
    if scale == "national" and connection.vendor != "postgresql":
        raise SynthError(
            "Dữ liệu quy mô toàn quốc (~5,3 triệu đảng viên) chỉ tạo được trên PostgreSQL; "
            "SQLite chỉ phục vụ quy mô một tỉnh. Hãy đặt DATABASE_URL tới PostgreSQL."
        )
    if Organization.objects.filter(code=f"{CODE_PREFIX}01").exists():
        raise SynthError("Cơ sở dữ liệu này đã có dữ liệu tổng hợp (tổ chức SYN01).")
    t0 = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    say = log or (lambda msg: None)
    big = connection.vendor == "postgresql" and (members >= 200_000 if defer_indexes is None else defer_indexes)
    with transaction.atomic():
        tree = build_tree(rng, members=members, scale=scale)
        say(f"tree: {tree.counts} in {time.perf_counter() - t0:.1f} s")
        deferred = _defer_indexes(say) if big else None
        stock = round(members / 1.3)
        first = _next_id(Member)
        now = timezone.now()
        cid_seq: dict[tuple, int] = {}
        totals = {"events": 0, "spans": 0}
        t_people = time.perf_counter()
        for start in range(0, members, chunk):
            people = [
                simulate_person(rng, tree, stock=(i < stock), today=today)
                for i in range(start, min(members, start + chunk))
            ]
            base = first + start
            _write(people, base, today, now, cid_seq, totals)
            done = start + len(people)
            rate = done / max(time.perf_counter() - t_people, 1e-9)
            say(
                f"members: {done} / {members} ({100 * done / members:.0f} %), {totals['events']} events, "
                f"{rate:,.0f} members/s, elapsed {time.perf_counter() - t0:.0f} s, "
                f"left ~{(members - done) / rate:.0f} s"
            )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Organization, OrgVersion, Member, MemberEvent, MembershipSpan]
            ):
                cursor.execute(sql)
        if deferred is not None:
            _rebuild_indexes(deferred, say, t0)
            say(f"indexes rebuilt, elapsed {time.perf_counter() - t0:.0f} s")
        elif connection.vendor == "postgresql":
            refresh_name_words()
        rebuild_report_facts(log=say)  # the report fact tables the indicators read (reports.facts)
        say(f"report facts rebuilt, elapsed {time.perf_counter() - t0:.0f} s")
        audit_record(
            actor=actor,
            action="synth.built",
            object_type="synth",
            object_id=str(seed),
            summary=f"Tạo dữ liệu tổng hợp: {members} đảng viên, {len(tree.org_ids)} tổ chức ({scale})",
            after={"members": members, "scale": scale, "seed": seed, **tree.counts, **totals},
        )
    if connection.vendor == "postgresql":
        tables = (
            "members_member, members_membershipspan, members_memberevent, orgs_orgversion, search_nameword, "
            "search_membersearchterms"
        )
        with connection.cursor() as c:
            if big and connection.get_autocommit():
                c.execute(f"VACUUM (ANALYZE) {tables}")  # visibility map and hint bits once, not on first reads
            else:
                c.execute(f"ANALYZE {tables}")
        say(f"analyzed, elapsed {time.perf_counter() - t0:.0f} s")
    return SynthResult(
        members, totals["events"], totals["spans"], len(tree.org_ids), time.perf_counter() - t0, tree.counts
    )


_FOLDED: dict[str, str] = {}  # names repeat: fold each once


def _citizen_id(p: Person, seq: dict[tuple, int]) -> str:
    digit = (0 if p.birth_date.year < 2000 else 2) + (0 if p.sex == "M" else 1)
    key = (p.province, digit, p.birth_date.year % 100)
    n = seq.get(key, 0) + 1
    seq[key] = n
    return f"{PROVINCE_CODES[p.province]}{digit}{p.birth_date.year % 100:02d}{n:06d}"


def _write(people: list[Person], base: int, today: date, now, cid_seq: dict, totals: dict) -> None:
    spans_of = [build_spans(p.changes) for p in people]

    def member_rows() -> Iterator[tuple]:
        for pk, (p, spans) in enumerate(zip(people, spans_of, strict=True), start=base):
            cur = next(
                (s for s in spans if s.valid_from <= today and (s.valid_to is None or s.valid_to >= today)), None
            )
            st = cur.facts if cur else None
            folded = _FOLDED.get(p.full_name)
            if folded is None:
                folded = _FOLDED[p.full_name] = fold(p.full_name)
            yield (
                pk,
                p.full_name,
                folded,
                p.birth_date,
                p.birth_date.year,
                p.sex,
                p.ethnicity,
                "00",
                "",
                _citizen_id(p, cid_seq),
                f"SYN{pk:09d}",
                "",
                "",
                "none",
                "",
                "",
                (st.status if st and st.status else ""),
                (st.org_id if st else None),
                p.admitted_on,
                p.ceremony_on,
                p.full_on,
                bool(st and st.exempt),
                (st.temp_org_id if st else None),
                now,
            )

    _copy(
        Member,
        [
            "id",
            "full_name",
            "name_folded",
            "birth_date",
            "birth_year",
            "sex",
            "ethnicity",
            "religion",
            "hometown",
            "citizen_id",
            "party_card_number",
            "general_education",
            "professional_education",
            "theory_level",
            "occupation",
            "phone",
            "current_status",
            "current_org",
            "admitted_on",
            "ceremony_on",
            "full_on",
            "exempt",
            "temp_org",
            "created_at",
        ],
        member_rows(),
    )
    totals["events"] += _copy(
        MemberEvent,
        [
            "member",
            "type",
            "on",
            "org",
            "counterpart_org",
            "decision_number",
            "decision_body",
            "note",
            "payload",
            "recorded_at",
        ],
        (
            (pk, str(t), on, org, cp, "", "", "", json.dumps(payload, ensure_ascii=False) if payload else "{}", now)
            for pk, p in enumerate(people, start=base)
            for (t, on, org, cp, payload) in p.events
        ),
    )
    totals["spans"] += _copy(
        MembershipSpan,
        [
            "member",
            "org",
            "status",
            "exempt",
            "temp_org",
            "in_transfer",
            "valid_from",
            "valid_to",
            "sex",
            "birth_year",
            "ethnicity",
            "religion",
        ],
        (
            (
                pk,
                s.facts.org_id,
                str(s.facts.status),
                s.facts.exempt,
                s.facts.temp_org_id,
                s.facts.in_transfer,
                s.valid_from,
                s.valid_to,
                p.sex,
                p.birth_date.year,
                p.ethnicity,
                "00",
            )
            for pk, (p, spans) in enumerate(zip(people, spans_of, strict=True), start=base)
            for s in spans
            if s.facts.org_id is not None
        ),
    )
