"""Data stamps: "has anything this cache was computed from changed?", answered by one primary-key
read. Each stamp is a row of `core.DataStamp` whose token database triggers on its source tables
replace with a fresh random one on every INSERT, UPDATE, DELETE (and TRUNCATE on PostgreSQL).
So services, bulk loads, the admin site and raw SQL all invalidate, in every process; a rolled-back
change rolls its token back with it, and a token is never reused.

Stamps in use:
- "scope": role assignments and the organization tree (access.scope caches computed scopes);
- "registry": what report figures are computed from (reports.figures snapshots).

Migrations install the triggers with `install(schema_editor, name, tables)`. PostgreSQL triggers
are statement-level (a COPY of a million rows bumps once); SQLite only has row triggers.
"""

from __future__ import annotations

import secrets

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_data_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO core_datastamp (name, token) VALUES (TG_ARGV[0], md5(random()::text || clock_timestamp()::text))
  ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token;
  RETURN NULL;
END $$"""
SQLITE_OPS = ("insert", "update", "delete")


def token(name: str) -> str | None:
    """The stamp's current token (None when it is not installed)."""
    from dangbo.core.models import DataStamp

    return DataStamp.objects.filter(name=name).values_list("token", flat=True).first()


def _trigger(name: str, table: str, op: str = "") -> str:
    return f"{table}_{name}_stamp{'_' + op if op else ''}"


def install(schema_editor, name: str, tables: tuple[str, ...]) -> None:
    """Create the stamp row and the triggers that renew it on writes to `tables`."""
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        "INSERT INTO core_datastamp (name, token) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET token = "
        "excluded.token", [name, secrets.token_hex(16)])
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {_trigger(name, table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION core_data_stamp_bump('{name}')")
        elif vendor == "sqlite":
            for op in SQLITE_OPS:
                schema_editor.execute(
                    f"CREATE TRIGGER {_trigger(name, table, op)} AFTER {op} ON {table} BEGIN "
                    f"INSERT OR REPLACE INTO core_datastamp (name, token) VALUES ('{name}', lower(hex(randomblob(16)))); "
                    "END")
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
