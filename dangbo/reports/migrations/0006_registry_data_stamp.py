"""Report figure snapshots are keyed by the "registry" data stamp (core.stamps): triggers renew it
on any write to what figures are computed from. It replaces a stamp read from index maxima (last
event id, last account id...), which missed deletions (an e-handbook account closed by deleting
it) and rewrites without a new event (`dangbo rebuild-projections`)."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("members_member", "members_memberevent", "members_membershipspan", "orgs_orgversion", "orgs_orglineage",
           "orgs_orgevent", "reports_admissionquota", "reports_handbookaccount", "reports_reportspan",
           "reports_reportflow")


def forwards(apps, schema_editor):
    stamps.install(schema_editor, "registry", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "registry", SOURCES)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_handbook_updated_at"), ("core", "0002_data_stamp"),
                    ("members", "0002_event_append_only_trigger"), ("orgs", "0002_path_prefix_index")]
    operations = [migrations.RunPython(forwards, backwards)]
