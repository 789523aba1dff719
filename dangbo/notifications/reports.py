"""A periodic or annual report submitted to the superior tells the superior: a notification
addressed to the parent organization (as of the report's cut-off date), read by its officers in
«Thông báo», linking to the superior's own report page for that period (which lists the
subordinates' reports). The reports app sits beside this one in the layers, so the hook is
Django's `post_save` with a lazy sender ("reports.ReportSubmission"): no import of reports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.apps import apps
from django.db.models.signals import post_save
from django.urls import NoReverseMatch, reverse

from dangbo.access.policy import SYSTEM
from dangbo.notifications.services import notify
from dangbo.orgs.models import OrgVersion

KIND = "reports.submitted"


def _submitted(sender, *, instance, **kwargs) -> None:
    if instance.status != "submitted" or instance.submitted_at is None:
        return
    period = instance.period
    parent_id = None
    for at in (period.cutoff, instance.submitted_at.date()):
        parent_id = (
            OrgVersion.objects.valid_on(at).filter(org_id=instance.org_id).values_list("parent_id", flat=True).first()
        )
        if parent_id:
            break
    if not parent_id:
        return  # a top organization reports to no one inside the system
    name = instance.org_name or str(instance.org_id)
    notify(
        kind=KIND,
        key=f"{KIND}:{instance.pk}",
        org_id=parent_id,
        target=instance,
        actor=instance.submitted_by or SYSTEM,
        message=f"{name} đã gửi báo cáo {period.name[:1].lower()}{period.name[1:]} lên cấp trên ngày {instance.submitted_at:%d/%m/%Y}.",
    )


def submission_link(note) -> str:
    """The superior's report page of the period (its list of the subordinates' reports)."""
    sub = (
        apps.get_model("reports", "ReportSubmission").objects.select_related("period").filter(pk=note.target_id).first()
    )
    if sub is None or note.org_id is None:
        return ""
    try:
        base = reverse("reports:periodic_report")
    except NoReverseMatch:
        return ""
    p = sub.period
    return base + "?" + urlencode({"org": note.org_id, "loai": p.kind, "nam": p.year, "so": p.number})


def connect() -> None:
    post_save.connect(_submitted, sender="reports.ReportSubmission", dispatch_uid="notifications.report_submitted")
