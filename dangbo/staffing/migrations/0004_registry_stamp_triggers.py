"""The staffing indicators are in the report catalog: a write to what they are computed from
renews the "registry" data stamp (core.stamps), so cached report figures are recomputed."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("staffing_agency", "staffing_agencyversion", "staffing_agencylineage", "staffing_quotaallocation",
           "staffing_headcount", "staffing_baseline", "staffing_jobcatalogue", "staffing_staffingcategory")


def forwards(apps, schema_editor):
    stamps.install(schema_editor, "registry", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "registry", SOURCES)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0003_projects_applied_job_positions"), ("reports", "0006_registry_data_stamp")]
    operations = [migrations.RunPython(forwards, backwards)]
