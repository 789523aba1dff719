from django.db import migrations, models

from dangbo.core.stamps import PG_FUNCTION


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS core_data_stamp_bump()")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="DataStamp",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
            options={"verbose_name": "Dấu phiên bản dữ liệu"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
