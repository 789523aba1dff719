"""The cadre indicators are in the report catalog (cadres.indicators): a write to what they are
computed from renews the "registry" data stamp (core.stamps), so cached report figures are
recomputed."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("cadres_cadre", "cadres_cadreaction", "cadres_title", "cadres_planningentry", "cadres_trainingcourse",
           "cadres_trainingenrolment", "cadres_salaryevent")


def forwards(apps, schema_editor):
    stamps.install(schema_editor, "registry", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "registry", SOURCES)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0007_planning_removal_reason_neutral_label"), ("reports", "0006_registry_data_stamp")]
    operations = [migrations.RunPython(forwards, backwards)]
