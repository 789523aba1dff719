"""Move the rows of the two former notification models into notifications.Notification.

plans.Notification (to a user, idempotent on user+task+org+key, read_at) → addressed to the user,
key "plans.task:<task>:<org>:<old key>", linked to the task; read_at → a NotificationRead of that
user. grading.Notification (to an organization, once a day per campaign and organization) →
addressed to the organization, key "grading.late:<campaign>:<day>", linked to the campaign. Its
read_at said nothing about who read it (no page set it): it is not carried over.

Reversible: going back copies the rows to the former models again.
"""

from django.db import migrations
from django.utils import timezone


def _plans_key(note) -> str:
    return f"plans.task:{note.task_id or '-'}:{note.org_id or '-'}:{note.key}"


def _grading_key(note) -> str:
    return f"{note.kind}:{note.campaign_id or '-'}:{note.created_on.isoformat()}"


def forward(apps, schema_editor):
    New = apps.get_model("notifications", "Notification")
    Read = apps.get_model("notifications", "NotificationRead")
    PlansNote = apps.get_model("plans", "Notification")
    GradingNote = apps.get_model("grading", "Notification")
    reads = []
    for old in PlansNote.objects.order_by("id").iterator():
        new = New.objects.create(
            user_id=old.user_id, org_id=old.org_id,
            kind="plans.late" if old.key.startswith("late:") else "plans.due", key=_plans_key(old)[:160],
            message=old.message, target_type="plans.task" if old.task_id else "", target_id=old.task_id,
            created_at=old.created_at, emailed=old.emailed,
        )
        if old.read_at is not None:
            reads.append(Read(notification_id=new.pk, user_id=old.user_id, read_at=old.read_at))
    Read.objects.bulk_create(reads)
    seen = set()
    for old in GradingNote.objects.order_by("id").iterator():
        key = _grading_key(old)
        if (old.org_id, key) in seen:  # the old table had no constraint: keep each row
            key = f"{key}:{old.pk}"
        seen.add((old.org_id, key))
        New.objects.create(
            user_id=None, org_id=old.org_id, kind=old.kind or "grading.late", key=key[:160], message=old.message,
            target_type="grading.gradingcampaign" if old.campaign_id else "", target_id=old.campaign_id,
            created_at=old.created_at, created_by_id=old.created_by_id,
        )


def backward(apps, schema_editor):
    New = apps.get_model("notifications", "Notification")
    PlansNote = apps.get_model("plans", "Notification")
    GradingNote = apps.get_model("grading", "Notification")
    Task = apps.get_model("plans", "Task")
    Campaign = apps.get_model("grading", "GradingCampaign")
    for new in New.objects.filter(kind__startswith="plans.", user__isnull=False).order_by("id").iterator():
        read = new.reads.filter(user_id=new.user_id).first()
        task_id = new.target_id if new.target_type == "plans.task" else None
        if task_id and not Task.objects.filter(pk=task_id).exists():
            task_id = None
        parts = new.key.split(":", 3)
        key = parts[3] if new.key.startswith("plans.task:") and len(parts) == 4 else new.key
        old = PlansNote.objects.create(user_id=new.user_id, task_id=task_id, org_id=new.org_id, key=key[:80],
                                       message=new.message[:500], read_at=read.read_at if read else None,
                                       emailed=new.emailed)
        PlansNote.objects.filter(pk=old.pk).update(created_at=new.created_at)  # auto_now_add on create
    for new in New.objects.filter(kind__startswith="grading.", user__isnull=True).order_by("id").iterator():
        campaign_id = new.target_id if new.target_type == "grading.gradingcampaign" else None
        if campaign_id and not Campaign.objects.filter(pk=campaign_id).exists():
            campaign_id = None
        old = GradingNote.objects.create(campaign_id=campaign_id, org_id=new.org_id, kind=new.kind,
                                         message=new.message, created_on=timezone.localtime(new.created_at).date(),
                                         created_by_id=new.created_by_id)
        GradingNote.objects.filter(pk=old.pk).update(created_at=new.created_at)
    New.objects.filter(kind__startswith="plans.").delete()
    New.objects.filter(kind__startswith="grading.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("plans", "0001_documents_tasks_reports"),
        ("grading", "0001_grading_campaign_frameworks_records"),
    ]

    operations = [migrations.RunPython(forward, backward)]
