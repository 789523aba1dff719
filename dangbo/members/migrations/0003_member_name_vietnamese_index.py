"""The member list sorts by name in Vietnamese order (core.db.ViOrder) then id, and pages with a
keyset on the same two columns: this index answers both, so page N costs what page 1 costs.
PostgreSQL: ICU collation `dangbo_vi` (core 0003); SQLite: the collation "vi" that core.apps
registers on every connection."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        column = "(full_name COLLATE dangbo_vi)"
    else:
        column = "full_name COLLATE vi"
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS members_member_name_vi ON members_member ({column}, id)")


def backwards(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS members_member_name_vi")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_event_append_only_trigger"), ("core", "0003_vietnamese_collation")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
