"""The stored dues figures per organization and month (`DuesOrgMonthFact`), filled from the stored
member-month facts and the allocations when a database already has them (else the first rebuild
fills both)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Sum


def fill(apps, schema_editor):
    if not apps.get_model("dues", "DuesFactsState").objects.exists():
        return
    fact, alloc = apps.get_model("dues", "DuesMonthFact"), apps.get_model("dues", "DuesAllocation")
    sums: dict = {}
    for org, m, t in fact.objects.values("org_id", "month").annotate(t=Sum("due")).order_by().values_list(
        "org_id", "month", "t"
    ):
        sums.setdefault((org, m), [0, 0])[0] = t or 0
    for org, m, t in alloc.objects.values("payment__org_id", "month").annotate(t=Sum("amount")).order_by().values_list(
        "payment__org_id", "month", "t"
    ):
        sums.setdefault((org, m), [0, 0])[1] = t or 0
    model = apps.get_model("dues", "DuesOrgMonthFact")
    model.objects.bulk_create(
        [model(org_id=o, month=m, due=d, collected=c) for (o, m), (d, c) in sums.items() if d or c], batch_size=5000
    )


class Migration(migrations.Migration):

    dependencies = [
        ('dues', '0008_job_progress'),
        ('orgs', '0007_enterprise_change'),
    ]

    operations = [
        migrations.CreateModel(
            name='DuesOrgMonthFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='Ngày đầu tháng.', verbose_name='Tháng')),
                ('due', models.BigIntegerField(default=0, verbose_name='Phải thu (đồng)')),
                ('collected', models.BigIntegerField(default=0, verbose_name='Đã thu (đồng)')),
                ('org', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.organization', verbose_name='Tổ chức')),
            ],
            options={
                'verbose_name': 'Số liệu đảng phí theo tổ chức và tháng',
                'ordering': ['org_id', 'month'],
                'indexes': [models.Index(fields=['month', 'org'], name='dues_orgfact_month_org')],
                'constraints': [models.UniqueConstraint(fields=('org', 'month'), name='dues_orgfact_one_per_org_month')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
