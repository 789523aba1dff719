"""The portal import job on core.jobs.ProgressJob: rows done and in all, and the shared states
(checking / applying instead of one "running"). A job left "running" by the old worker has no task
to finish it: it is marked failed with a message, to be uploaded again."""

from django.db import migrations, models


def fail_running(apps, schema_editor):
    Job = apps.get_model("dues", "DuesImportJob")
    Job.objects.filter(status="running").update(
        status="failed", error="Lượt nhập bị gián đoạn khi nâng cấp hệ thống; hãy tải tệp lên lại."
    )


class Migration(migrations.Migration):

    dependencies = [
        ('dues', '0007_facts_stamp'),
    ]

    operations = [
        migrations.RunPython(fail_running, migrations.RunPython.noop),
        migrations.AddField(
            model_name='duesimportjob',
            name='processed_rows',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='duesimportjob',
            name='total_rows',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='duesimportjob',
            name='status',
            field=models.CharField(choices=[('check_queued', 'Chờ kiểm tra'), ('checking', 'Đang kiểm tra'), ('checked', 'Đã kiểm tra (chưa ghi)'), ('apply_queued', 'Chờ nhập'), ('applying', 'Đang nhập'), ('done', 'Đã nhập xong'), ('failed', 'Không nhập được')], default='check_queued', max_length=20, verbose_name='Trạng thái'),
        ),
    ]
