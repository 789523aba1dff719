"""The "dues_facts" data stamp (core.stamps): renewed by every write to `DuesFactsState`, so the
month the stored facts reach may be cached per process (dues.selectors.facts_until) instead of
being read on every page that shows dues figures (the home page's worklist among them)."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("dues_duesfactsstate",)


def forwards(apps, schema_editor):
    stamps.install(schema_editor, "dues_facts", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "dues_facts", SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("dues", "0006_month_facts"),
        ("core", "0002_data_stamp"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
