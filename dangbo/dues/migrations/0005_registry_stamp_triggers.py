"""The dues indicators are in the report catalog (dues/indicators.py, read from the month closes):
a write to the closes renews the "registry" data stamp (core.stamps), so cached report figures
are recomputed."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("dues_duesmonthclose",)


def forwards(apps, schema_editor):
    stamps.install(schema_editor, "registry", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "registry", SOURCES)


class Migration(migrations.Migration):
    dependencies = [("dues", "0004_month_close_levels_reopen"), ("reports", "0006_registry_data_stamp")]
    operations = [migrations.RunPython(forwards, backwards)]
