"""OrgCountSpan keeps the probationary members too (`p`): the rows are recomputed set-based
(reports.orgfacts.rebuild, the same as `dangbo rebuild-org-facts`) when the table holds any, so
no range is left with p = 0 where members were probationary."""

from django.db import migrations, models


def refill(apps, schema_editor):
    from dangbo.reports import orgfacts

    if apps.get_model("reports", "OrgCountSpan").objects.exists():
        orgfacts.rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0009_org_summaries"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="orgcountspan", name="orgcountspan_org"),
        migrations.AddField(model_name="orgcountspan", name="p", field=models.IntegerField(default=0)),
        migrations.AddIndex(
            model_name="orgcountspan",
            index=models.Index(fields=["org_id", "valid_from"], include=("valid_to", "n", "p"), name="orgcountspan_org"),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
