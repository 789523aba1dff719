"""The reference list of staffing categories (MODULES.md §2.2): not interchangeable."""

from django.db import migrations

CATEGORIES = [
    ("cb_cc", "Biên chế cán bộ, công chức", "staffing_reduction_pct_cadres", 1),
    ("vc_nsnn", "Số lượng người làm việc (viên chức hưởng lương ngân sách)", "staffing_reduction_pct_public_employees", 2),
    ("vc_tu_chu", "Viên chức đơn vị tự chủ tài chính", "", 3),
    ("hd_ld", "Hợp đồng lao động", "", 4),
    ("cb_xa", "Cán bộ, công chức cấp xã (trước 01/7/2025)", "", 5),
]


def forwards(apps, schema_editor):
    StaffingCategory = apps.get_model("staffing", "StaffingCategory")
    for code, name, target, order in CATEGORIES:
        StaffingCategory.objects.update_or_create(code=code, defaults={"name": name, "target_param": target,
                                                                       "order": order})


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_agencies_quotas_headcount_projects")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
