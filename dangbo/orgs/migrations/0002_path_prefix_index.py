from django.db import migrations


def forwards(apps, schema_editor):
    # PostgreSQL with a non-C collation cannot use a plain btree for LIKE 'prefix%';
    # varchar_pattern_ops makes the subtree scan an index range scan. SQLite uses the default index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS orgs_orgversion_path_pattern "
            "ON orgs_orgversion (path varchar_pattern_ops, valid_from)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS orgs_orgversion_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
