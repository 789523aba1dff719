"""PostgreSQL: unaccent + pg_trgm, and a GIN trigram index on the folded member names.

Guarded by vendor: SQLite keeps the plain btree index on `name_folded` (members 0001) and the
word-prefix LIKE fallback of search.selectors."""

from django.db import migrations

INDEX = "members_member_name_folded_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member USING gin (name_folded gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_event_append_only_trigger")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
