"""The scope stamp becomes the "scope" row of core.DataStamp (core.stamps), the mechanism the
report figures use too: same sources, same triggers, one implementation."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("access_roleassignment", "orgs_orgversion", "orgs_orglineage")
OLD_SQLITE_OPS = ("insert", "update", "delete")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in SOURCES:  # the triggers of access 0004
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_scope_stamp ON {table}")
        else:
            for op in OLD_SQLITE_OPS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_scope_stamp_{op}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS access_scope_stamp_bump()")
    stamps.install(schema_editor, "scope", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "scope", SOURCES)


class Migration(migrations.Migration):
    dependencies = [("access", "0004_scope_stamp"), ("core", "0002_data_stamp")]
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ScopeStamp"),
    ]
