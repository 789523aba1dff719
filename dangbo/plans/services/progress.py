"""Plans writes: progress reports, plan targets, reminders."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from dangbo.access.policy import SYSTEM, can, org_officers, require_actor
from dangbo.audit.services import audit_record
from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.notifications.services import notify
from dangbo.plans import deadlines as dl
from dangbo.plans.models import (
    Document,
    Evidence,
    PlanTarget,
    ProgressReport,
    ReportStatus,
    Task,
    TaskAssignment,
)
from dangbo.plans.selectors import (
    can_manage_document,
    regular_every_months,
    task_body_statuses,
)
from dangbo.reports.indicators import CATALOG


@transaction.atomic
def progress_report_submit(
    *,
    actor,
    task: Task,
    org_id: int,
    status: str,
    percent: int,
    text: str = "",
    reported_on: date | None = None,
    files=(),
) -> ProgressReport:
    if not TaskAssignment.objects.filter(task=task, org_id=org_id).exists():
        raise DomainError("Tổ chức này không được giao thực hiện nhiệm vụ.", field="org")
    if not can(actor, "record", org_id):
        raise DomainError("Không có quyền báo cáo thay tổ chức này.", field="org")
    if status not in ReportStatus.values:
        raise DomainError("Tình trạng không hợp lệ.", field="status")
    try:
        percent = int(percent)
    except (TypeError, ValueError) as exc:
        raise DomainError("Tiến độ phải là số từ 0 đến 100.", field="percent") from exc
    if not 0 <= percent <= 100:
        raise DomainError("Tiến độ phải là số từ 0 đến 100.", field="percent")
    if status == ReportStatus.DONE:
        percent = 100
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise DomainError("Ngày báo cáo không được sau hôm nay.", field="reported_on")
    report = ProgressReport.objects.create(
        task=task,
        org_id=org_id,
        reported_on=reported_on,
        status=status,
        percent=percent,
        text=nfc(text),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for f in files:
        ev = Evidence(report=report, name=os.path.basename(f.name)[:255])
        ev.file.save(ev.name, f if isinstance(f, File) else File(f), save=True)
    audit_record(
        actor=actor,
        action="plans.progress_reported",
        obj=report,
        org_id=org_id,
        summary=f"Báo cáo tiến độ nhiệm vụ {task.number or task.pk}: {percent}%",
        after={
            "task": task.pk,
            "status": status,
            "percent": percent,
            "on": reported_on,
            "evidence": report.evidence.count(),
        },
    )
    return report


def _decimal(value, field_name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError("Giá trị phải là số.", field=field_name) from exc


@transaction.atomic
def target_create(
    *,
    actor,
    plan: Document,
    name: str,
    target_min,
    target_max=None,
    indicator: str = "",
    measure: str = "value",
    org_id: int | None = None,
    year: int | None = None,
) -> PlanTarget:
    if not can_manage_document(actor, plan):
        raise DomainError("Không có quyền sửa kế hoạch này.", field="plan")
    if indicator and indicator not in CATALOG:
        raise DomainError("Chỉ số không có trong danh mục.", field="indicator")
    if indicator and org_id is None:
        raise DomainError("Chỉ tiêu tính từ chỉ số phải gắn với một tổ chức.", field="org")
    if org_id is not None and not can(actor, "view", org_id):
        raise DomainError("Tổ chức nằm ngoài phạm vi.", field="org")
    target = PlanTarget.objects.create(
        plan=plan,
        name=nfc(name),
        indicator=indicator,
        measure=measure,
        org_id=org_id,
        year=year,
        target_min=_decimal(target_min, "target_min") or Decimal(0),
        target_max=_decimal(target_max, "target_max"),
    )
    audit_record(
        actor=actor,
        action="plans.target_created",
        obj=target,
        org_id=plan.owner_org_id,
        summary=f"Thêm chỉ tiêu “{target.name}”",
        after={"indicator": indicator, "min": target.target_min},
    )
    return target


@transaction.atomic
def target_report(*, actor, target: PlanTarget, value) -> PlanTarget:
    if target.indicator:
        raise DomainError("Chỉ tiêu này được tính tự động từ chỉ số.", field="manual_value")
    if not can_manage_document(actor, target.plan):
        raise DomainError("Không có quyền báo cáo chỉ tiêu này.", field="manual_value")
    before = target.manual_value
    target.manual_value = _decimal(value, "manual_value")
    target.save(update_fields=["manual_value"])
    audit_record(
        actor=actor,
        action="plans.target_reported",
        obj=target,
        org_id=target.plan.owner_org_id,
        summary=f"Báo cáo chỉ tiêu “{target.name}”",
        before={"value": before},
        after={"value": target.manual_value},
    )
    return target


# --- reminders --------------------------------------------------------------------------------


def reminder_rules() -> tuple[list[int], int]:
    """(days before a due date to remind, repeat an overdue reminder every N days) — settings
    PLANS_REMIND_DAYS_BEFORE (default [7, 1]) and PLANS_REMIND_OVERDUE_EVERY_DAYS (default 7)."""
    before = sorted(int(d) for d in getattr(settings, "PLANS_REMIND_DAYS_BEFORE", [7, 1]))
    every = max(1, int(getattr(settings, "PLANS_REMIND_OVERDUE_EVERY_DAYS", 7)))
    return before, every


def notification_create(*, user, key: str, message: str, task: Task | None = None, org_id: int | None = None):
    """A reminder for `user` about `task` and body `org_id` (notifications.services.notify),
    unless the same (user, task, body, key) exists; e-mailed on commit when e-mail is configured."""
    return notify(
        kind="plans.late" if key.startswith("late:") else "plans.due",
        key=f"plans.task:{task.pk if task else '-'}:{org_id or '-'}:{key}",
        message=message[:500],
        user=user,
        org_id=org_id,
        target=task,
        email_subject="[Đảng bộ số] Nhắc việc thực hiện kế hoạch",
    )


@transaction.atomic
def plans_remind(*, as_of: date | None = None, actor=SYSTEM) -> int:
    """Create the reminders due on `as_of` (idempotent: one per task, body, due date and step)."""
    require_actor(actor)
    as_of = as_of or timezone.localdate()
    before, every = reminder_rules()
    created = 0
    tasks = Task.objects.filter(assignments__isnull=False).select_related("plan", "relative_document").distinct()
    for task in tasks:
        for body in task_body_statuses(task, as_of=as_of):
            st = body.status
            if st.late and st.due:
                step = (as_of - st.due).days // every
                key = f"late:{st.due.isoformat()}:{step}"
                msg = (
                    f"{body.name}: nhiệm vụ “{task.content[:120]}” ({task.plan}) đã quá hạn "
                    f"ngày {st.due:%d/%m/%Y}, chưa có báo cáo."
                )
            elif st.state == "pending" and st.due:
                if task.spec.kind in (dl.RECURRING, dl.REGULAR) and any(
                    r.reported_on > st.due - timedelta(days=400) and r.reported_on >= _period_start(task, st.due)
                    for r in body.reports
                ):
                    continue
                left = (st.due - as_of).days
                step_days = next((d for d in before if 0 <= left <= d), None)
                if step_days is None:
                    continue
                key = f"due:{st.due.isoformat()}:{step_days}"
                msg = (
                    f"{body.name}: nhiệm vụ “{task.content[:120]}” ({task.plan}) đến hạn báo cáo "
                    f"ngày {st.due:%d/%m/%Y} (còn {left} ngày)."
                )
            else:
                continue
            for user in org_officers(body.org_id, on=as_of):
                if notification_create(user=user, key=key, message=msg, task=task, org_id=body.org_id):
                    created += 1
    if created:
        audit_record(
            actor=actor,
            action="plans.reminders_sent",
            object_type="notifications.notification",
            summary=f"Tạo {created} nhắc việc ngày {as_of:%d/%m/%Y}",
            after={"as_of": as_of, "created": created},
        )
    return created


def _period_start(task: Task, due: date) -> date:
    every = (
        regular_every_months() if task.deadline_kind == dl.REGULAR else dl.RECURRENCE_MONTHS.get(task.recurrence, 12)
    )

    return add_months(due + timedelta(days=1), -every)
