"""The sector / ownership of an organization's unit (R-014) on its versions, and the event type of a
dated sector change.

On SQLite Django adds a NOT NULL column by rebuilding the table, which drops the triggers other
apps put on orgs_orgversion (the "scope" and "registry" data stamps): a plain ADD COLUMN with a
constant default is used there instead; PostgreSQL adds it with the schema editor (a constant
default: no table rewrite)."""

import dangbo.orgs.models
from django.db import migrations, models

SECTOR = models.CharField(blank=True, choices=dangbo.orgs.models.org_sector_choices, db_default="", default="",
                          max_length=30, verbose_name="Khu vực, loại hình đơn vị")


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ALTER TABLE orgs_orgversion ADD COLUMN sector varchar(30) DEFAULT '' NOT NULL")
        return
    model = apps.get_model("orgs", "OrgVersion")
    field = SECTOR.clone()
    field.set_attributes_from_name("sector")
    field.model = model
    schema_editor.add_field(model, field)


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE orgs_orgversion DROP COLUMN sector")


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_path_prefix_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name='orgversion', name='sector', field=SECTOR)],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.AlterField(
            model_name='orgevent',
            name='type',
            field=models.CharField(choices=[('org.established', 'Thành lập'), ('org.renamed', 'Đổi tên'), ('org.moved', 'Chuyển giao về tổ chức cấp trên khác'), ('org.retyped', 'Thay đổi loại hình tổ chức'), ('org.sector_changed', 'Thay đổi khu vực, loại hình đơn vị'), ('org.merged', 'Hợp nhất / sáp nhập'), ('org.split', 'Chia tách'), ('org.dissolved', 'Giải thể / kết thúc hoạt động')], max_length=30),
        ),
    ]
