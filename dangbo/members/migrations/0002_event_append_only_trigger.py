from django.db import migrations

# Events are history: PostgreSQL refuses UPDATE and DELETE on them (the model guards too).
# The single allowed update is none: corrections are new rows pointing at the voided event.
PG_UP = """
CREATE OR REPLACE FUNCTION members_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'members_memberevent is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER members_event_no_update BEFORE UPDATE OR DELETE ON members_memberevent
  FOR EACH ROW EXECUTE FUNCTION members_event_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS members_event_no_update ON members_memberevent;
DROP FUNCTION IF EXISTS members_event_append_only();
"""
# SQLite: UPDATE is refused; DELETE stays possible so that `flush` (tests, demo rebuild) works
# there; the model's delete() guard refuses it in the application.
SQLITE_UP = [
    "CREATE TRIGGER members_event_no_update BEFORE UPDATE ON members_memberevent "
    "BEGIN SELECT RAISE(ABORT, 'members_memberevent is append-only'); END;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS members_event_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS members_event_no_delete")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
