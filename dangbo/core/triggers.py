"""Database triggers that make a history table append-only, for the migrations that need one.

PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE only, so that `flush` (tests, the demo
rebuild) still works there, and the model's delete() guard refuses deletes in the application.
Used by the audit log (R-165) and the member events; any new event log (e.g. cadre actions) calls
`append_only(...)` in its migration instead of copying the SQL.
"""

from __future__ import annotations

from django.db import migrations


def append_only(table: str, *, function: str, trigger: str) -> migrations.RunPython:
    """A migration operation installing (and on reverse removing) the append-only trigger of `table`."""
    pg_up = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = '{table} is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    pg_down = f"DROP TRIGGER IF EXISTS {trigger} ON {table};\nDROP FUNCTION IF EXISTS {function}();"
    sqlite_up = (
        f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
    )

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(pg_up)
        elif vendor == "sqlite":
            schema_editor.execute(sqlite_up)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(pg_down)
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")

    return migrations.RunPython(forwards, backwards)
