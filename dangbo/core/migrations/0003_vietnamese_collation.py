"""PostgreSQL: the ICU collation `dangbo_vi` (Vietnamese dictionary order: Đ after D, tones ngang
huyền hỏi ngã sắc nặng), used by core.db.ViOrder and the member name index. SQLite registers its
equivalent on every connection (core.apps)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE COLLATION IF NOT EXISTS dangbo_vi (provider = icu, locale = 'vi')")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS dangbo_vi")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_data_stamp")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
