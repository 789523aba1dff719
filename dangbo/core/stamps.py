"""Data stamps: "has anything this cache was computed from changed?", answered by one primary-key
read. Each stamp is a row of `core.DataStamp` whose token database triggers on its source tables
replace with a fresh random one on INSERT, UPDATE, DELETE (and TRUNCATE on PostgreSQL).
So services, bulk loads, the admin site and raw SQL all invalidate, in every process; a rolled-back
change rolls its token back with it, and a token is never reused.

Stamps in use:
- "scope": role assignments and the organization tree (access.scope caches computed scopes);
- "registry": what report figures are computed from (reports.figures snapshots);
- "accounts": users and TOTP devices (access.middleware: the cached user and OTP verification);
- "notifications": notifications and their read marks (the navbar's unread count).

Migrations install the triggers with `install(schema_editor, name, tables)`. PostgreSQL triggers
are statement-level (a COPY of a million rows bumps once) and bump once per transaction; SQLite
only has row triggers, and updates its one row in place.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection

# Once per transaction on PostgreSQL: every UPDATE of the one stamp row leaves a row version that
# later updates in the same transaction must step over, so a bump per statement made a long
# transaction quadratic (the demo build: 47 591 bumps, 37 s of its 60). A transaction-local setting
# remembers the bump (and is undone with it when a savepoint rolls back); `read()` tells a caller
# that the current token is its own transaction's, so nothing computed under it is cached.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_data_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  flag text := 'dangbo.stamp_' || TG_ARGV[0];
BEGIN
  IF current_setting(flag, true) IS DISTINCT FROM '1' THEN
    INSERT INTO core_datastamp (name, token) VALUES (TG_ARGV[0], md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token;
    PERFORM set_config(flag, '1', true);
  END IF;
  RETURN NULL;
END $$"""
SQLITE_OPS = ("insert", "update", "delete")


@dataclass(frozen=True)
class Stamp:
    token: str | None  # None: the stamp is not installed
    mine: bool = False  # drawn by the current, uncommitted transaction: do not cache under it


class _Snapshot:
    """The stamps as one request first read them, and the request's memo (`request_memo`); both
    dropped by any statement that is not a SELECT (outside `unstamped_write`)."""

    __slots__ = ("stamps", "memo", "wrote", "quiet")

    def __init__(self) -> None:
        self.stamps: dict[str, Stamp] | None = None
        self.memo: dict[Hashable, Any] = {}
        self.wrote = False  # the request wrote: no memo for the rest of it (a rollback is not seen)
        self.quiet = 0  # inside unstamped_write


_snapshot: ContextVar[_Snapshot | None] = ContextVar("dangbo_stamp_snapshot", default=None)


@contextmanager
def request_snapshot() -> Iterator[None]:
    """Within a request (core.middleware.StampSnapshotMiddleware): the first read of a stamp reads
    every stamp in one query, and later reads are answered from it — the scope, the account checks
    and the list count then cost one query together, not one each. Any statement other than a
    SELECT on the connection (a write, a savepoint) drops the snapshot, so a read after a write in
    the same request sees the token the write drew. A snapshot is never newer than the data read
    after it, which is what caching under a token needs (`read`)."""
    snap = _Snapshot()

    def watch(execute, sql, params, many, context):
        if not snap.quiet and not (isinstance(sql, str) and sql.lstrip()[:6].upper() == "SELECT"):
            snap.stamps = None
            snap.memo.clear()
            snap.wrote = True
        return execute(sql, params, many, context)

    token = _snapshot.set(snap)
    try:
        with connection.execute_wrapper(watch):
            yield
    finally:
        _snapshot.reset(token)


@contextmanager
def unstamped_write() -> Iterator[None]:
    """Writes inside touch only tables that no stamp trigger watches and no `request_memo` value is
    read from (audit's pending reads: the audited read of a profile): the request keeps its
    snapshot and memo. tests check that such tables carry no stamp trigger."""
    snap = _snapshot.get()
    if snap is None:
        yield
        return
    snap.quiet += 1
    try:
        yield
    finally:
        snap.quiet -= 1


def request_memo(key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()` once per request (e.g. a member's home organization, asked by the page, its
    audit and two permission checks): later calls with the same key answer from memory until the
    request writes; after a write, and outside a request, every call computes."""
    snap = _snapshot.get()
    if snap is None or snap.wrote:
        return compute()
    if key in snap.memo:
        return snap.memo[key]
    value = compute()
    if not snap.wrote:
        snap.memo[key] = value
    return value


def _all() -> dict[str, Stamp]:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute(
                "SELECT name, token, coalesce(current_setting('dangbo.stamp_' || name, true) = '1', false) "
                "FROM core_datastamp"
            )
        else:
            c.execute("SELECT name, token, 0 FROM core_datastamp")
        return {name: Stamp(tok, bool(mine)) for name, tok, mine in c.fetchall()}


def _from_snapshot() -> dict[str, Stamp] | None:
    snap = _snapshot.get()
    if snap is None:
        return None
    if snap.stamps is None:
        snap.stamps = _all()
    return snap.stamps


def read(name: str) -> Stamp:
    """The stamp's token, and whether the current transaction drew it (PostgreSQL; on SQLite every
    write draws a new token, so a later write in the same transaction changes it again)."""
    snapped = _from_snapshot()
    if snapped is not None:
        return snapped.get(name, Stamp(None))
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute(
                "SELECT token, coalesce(current_setting('dangbo.stamp_' || name, true) = '1', false) "
                "FROM core_datastamp WHERE name = %s",
                [name],
            )
        else:
            c.execute("SELECT token, 0 FROM core_datastamp WHERE name = %s", [name])
        row = c.fetchone()
    return Stamp(row[0], bool(row[1])) if row else Stamp(None)


def read_many(*names: str) -> dict[str, Stamp]:
    """Several stamps in one query (`read` of each; missing ones are Stamp(None))."""
    snapped = _from_snapshot()
    if snapped is not None:
        return {name: snapped.get(name, Stamp(None)) for name in names}
    found: dict[str, Stamp] = {}
    with connection.cursor() as c:
        marks = ", ".join(["%s"] * len(names))
        if connection.vendor == "postgresql":
            c.execute(
                "SELECT name, token, coalesce(current_setting('dangbo.stamp_' || name, true) = '1', false) "
                f"FROM core_datastamp WHERE name IN ({marks})",
                list(names),
            )
        else:
            c.execute(f"SELECT name, token, 0 FROM core_datastamp WHERE name IN ({marks})", list(names))
        for name, tok, mine in c.fetchall():
            found[name] = Stamp(tok, bool(mine))
    return {name: found.get(name, Stamp(None)) for name in names}


def token(name: str) -> str | None:
    """The stamp's current token (None when it is not installed)."""
    return read(name).token


def cacheable(stamp: Stamp) -> bool:
    """May something computed now be cached under this stamp's token?"""
    return stamp.token is not None and not stamp.mine


def _trigger(name: str, table: str, op: str = "") -> str:
    return f"{table}_{name}_stamp{'_' + op if op else ''}"


def install(schema_editor, name: str, tables: tuple[str, ...]) -> None:
    """Create the stamp row and the triggers that renew it on writes to `tables`."""
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        "INSERT INTO core_datastamp (name, token) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET token = "
        "excluded.token",
        [name, secrets.token_hex(16)],
    )
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {_trigger(name, table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION core_data_stamp_bump('{name}')"
            )
        elif vendor == "sqlite":
            for op in SQLITE_OPS:
                schema_editor.execute(
                    # an upsert, not INSERT OR REPLACE: an outer INSERT OR IGNORE (bulk_create
                    # with ignore_conflicts) imposes its OR IGNORE on the trigger's statements, so
                    # the existing stamp row would be kept (SQLite "CREATE TRIGGER" docs)
                    f"CREATE TRIGGER {_trigger(name, table, op)} AFTER {op} ON {table} BEGIN "
                    f"INSERT INTO core_datastamp (name, token) VALUES ('{name}', lower(hex(randomblob(16)))) "
                    "ON CONFLICT (name) DO UPDATE SET token = excluded.token; END"
                )
        else:  # pragma: no cover - only the two supported databases
            raise RuntimeError(f"data stamp triggers are not written for {vendor}")


def uninstall(schema_editor, name: str, tables: tuple[str, ...]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger(name, table)} ON {table}")
        else:
            for op in SQLITE_OPS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger(name, table, op)}")
    schema_editor.execute("DELETE FROM core_datastamp WHERE name = %s", [name])


_TRIGGER_SQL = {
    "postgresql": "SELECT action_statement FROM information_schema.triggers WHERE action_statement LIKE %s",
    "sqlite": "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
}
_TRIGGER_STAMP = re.compile(
    r"core_data_stamp_bump\('(\w+)'\)|INSERT INTO core_datastamp \(name, token\) VALUES \('(\w+)'"
)


def ensure_rows(using: str = "default") -> list[str]:
    """Give every installed stamp (one with triggers) its row when it has none: `flush` (the demo
    command, tests) empties core_datastamp, and a stamp without a row reads as not installed, so
    nothing was cached under it until its first write (the navbar's unread count after
    `make run`'s demo). Connected to post_migrate, which `flush` sends too. Returns the names of
    the rows created."""
    from django.db import connections

    db = connections[using]
    if db.vendor not in _TRIGGER_SQL:  # pragma: no cover - only the two supported databases
        return []
    created = []
    with db.cursor() as c:
        c.execute(_TRIGGER_SQL[db.vendor], ["%core_data%"])
        names = {
            name for (text,) in c.fetchall() for m in _TRIGGER_STAMP.finditer(text or "") for name in m.groups() if name
        }
        for name in sorted(names):
            c.execute(
                "INSERT INTO core_datastamp (name, token) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                [name, secrets.token_hex(16)],
            )
            if c.rowcount:
                created.append(name)
    return created


class StampedCache:
    """A per-process, thread-safe, bounded (least recently used out first) cache of values computed
    under data stamps: the key holds the stamps' tokens, so a renewed stamp is a new key, and
    nothing is kept while a stamp is not cacheable (`cacheable=False`: inside a write)."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any], *, cacheable: bool) -> Any:
        if cacheable:
            with self._lock:
                value = self._values.get(key)
                if value is not None:
                    self._values.move_to_end(key)
                    return value
        value = compute()
        if cacheable:
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
