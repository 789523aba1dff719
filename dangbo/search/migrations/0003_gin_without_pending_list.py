"""PostgreSQL: the name GIN indexes (members and organizations) without a pending list (fastupdate = off).

With fastupdate (the default) new rows wait in an unsorted pending list (up to 4 MB) that every
search scans until a vacuum merges it: measured 26 ms per query for a freshly loaded province.
Members and organizations are written rarely and read on every search, so inserts pay the index update instead.
"""

from django.db import migrations

INDEXES = ("members_member_name_words_gin", "members_member_name_folded_trgm", "orgs_orgversion_name_fold_trgm")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = off)")
        schema_editor.execute(
            f"SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relname = '{name}' AND c.relkind = 'i'")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_name_words")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
