"""The plans' item of the worklist (access.worklist): tasks assigned to an organization in the
user's scope, with a fixed deadline (a date or a quarter) passed and no "done" report from that
organization (R-131). One set-based count; recurring and relative deadlines are reminded by the
periodic job `plans.remind` (per task, not on the home page)."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.plans import deadlines as dl
from dangbo.plans.models import ProgressReport, ReportStatus, TaskAssignment


def overdue_assignments(user, today: date):
    done = ProgressReport.objects.filter(
        task_id=OuterRef("task_id"), org_id=OuterRef("org_id"), status=ReportStatus.DONE
    )
    qs = TaskAssignment.objects.filter(task__deadline_kind__in=(dl.DATE, dl.QUARTER), task__due_on__lt=today).filter(
        ~Exists(done)
    )
    allowed = policy.allowed_org_ids(user, action="view")
    return qs if allowed is None else qs.filter(org_id__in=Subquery(allowed))


def provider(user, today: date) -> list[WorkItem]:
    return [
        WorkItem(
            "nhiem_vu_qua_han",
            "Nhiệm vụ quá hạn chưa báo cáo hoàn thành",
            overdue_assignments(user, today).count(),
            reverse("plans:my_tasks"),
            "danger",
            "Nhiệm vụ có hạn cụ thể (ngày, quý) đã qua mà tổ chức thực hiện chưa báo cáo hoàn thành (R-131).",
            "Văn bản, kế hoạch, báo cáo",
        )
    ]
