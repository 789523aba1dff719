"""Plans writes: creating and splitting tasks (deadline text parsed into a rule)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.notifications.services import notify
from dangbo.orgs.selectors import org_ids_known
from dangbo.plans import deadlines as dl
from dangbo.plans.models import (
    Document,
    Task,
    TaskAssignment,
)
from dangbo.plans.selectors import (
    can_manage_document,
    can_manage_task,
)


@dataclass
class TaskInput:
    content: str
    deadline_text: str = ""
    number: str = ""
    directing_text: str = ""
    lead_text: str = ""
    lead_org_id: int | None = None
    cooperating_text: str = ""
    cooperating_org_ids: list[int] = field(default_factory=list)
    implementing_org_ids: list[int] = field(default_factory=list)
    implementing_text: str = ""


def _apply_deadline(task: Task, text: str) -> None:
    try:
        spec = dl.parse_deadline(text)
    except ValueError as exc:
        raise DomainError(str(exc), field="deadline_text") from exc
    task.deadline_text = nfc(text)
    task.deadline_kind = spec.kind
    task.due_on = spec.due
    task.recurrence = spec.recurrence
    task.relative_months = spec.months
    task.relative_days = spec.days
    task.relative_doc_type = spec.anchor_type
    task.relative_issuer = spec.anchor_issuer


def _registered_anchor(task: Task, plan: Document) -> Document | None:
    """For a relative deadline ("3 months after the central guidance"): the first central
    document of that kind registered on or after the plan, if there is one yet."""
    if task.deadline_kind != dl.RELATIVE:
        return None
    candidates = Document.objects.filter(issued_on__gte=plan.issued_on).order_by("issued_on", "id")
    if task.relative_doc_type:
        candidates = candidates.filter(doc_type=task.relative_doc_type)
    if task.relative_issuer:
        candidates = candidates.filter(search_key__contains=task.relative_issuer)
    return candidates.exclude(pk=plan.pk).filter(Q(owner_org__isnull=True)).first()


ASSIGNED_KIND = "plans.assigned"


def notify_assigned(*, actor, task: Task, org_ids) -> int:
    """Tell each organization newly given `task` (an implementing body or the lead organization):
    one notification addressed to the organization, read by its officers in «Thông báo», linking
    to the task. Idempotent per (task, organization). Returns how many were created."""
    created = 0
    plan = task.plan
    what = f"{task.number} {task.content}".strip()
    for oid in dict.fromkeys(o for o in org_ids if o):
        note = notify(
            kind=ASSIGNED_KIND,
            key=f"{ASSIGNED_KIND}:{task.pk}:{oid}",
            org_id=oid,
            target=task,
            actor=actor,
            message=f"Được giao nhiệm vụ «{what[:200]}» theo {plan}"
            + (f"; thời hạn: {task.deadline_text}." if task.deadline_text else "."),
        )
        created += note is not None
    return created


def _task_snapshot(task: Task) -> dict:
    return {
        "content": task.content[:300],
        "number": task.number,
        "deadline": task.deadline_text,
        "kind": task.deadline_kind,
        "lead_org": task.lead_org_id,
        "implementing": sorted(task.assignments.values_list("org_id", flat=True)),
    }


@transaction.atomic
def task_create(*, actor, plan: Document, data: TaskInput, parent: Task | None = None) -> Task:
    if not plan.is_plan:
        raise DomainError("Chỉ kế hoạch mới có nhiệm vụ.", field="plan")
    if parent is None and not can_manage_document(actor, plan):
        raise DomainError("Không có quyền thêm nhiệm vụ vào kế hoạch này.", field="plan")
    content = nfc(data.content)
    if not content:
        raise DomainError("Phải nhập nội dung nhiệm vụ.", field="content")
    orgs_known = org_ids_known(
        set(data.implementing_org_ids)
        | set(data.cooperating_org_ids)
        | ({data.lead_org_id} if data.lead_org_id else set())
    )
    for oid in [
        *data.implementing_org_ids,
        *data.cooperating_org_ids,
        *([data.lead_org_id] if data.lead_org_id else []),
    ]:
        if oid not in orgs_known:
            raise DomainError("Tổ chức không tồn tại.", field="implementing_orgs")
    last = Task.objects.filter(plan=plan).order_by("-position").values_list("position", flat=True).first() or 0
    task = Task(
        plan=plan,
        parent=parent,
        number=nfc(data.number),
        position=last + 1,
        content=content,
        directing_text=nfc(data.directing_text)[:500],
        lead_text=nfc(data.lead_text)[:500],
        lead_org_id=data.lead_org_id,
        cooperating_text=nfc(data.cooperating_text)[:1000],
        implementing_text=nfc(data.implementing_text)[:1000],
    )
    _apply_deadline(task, data.deadline_text)
    task.save()
    task.cooperating_orgs.set(data.cooperating_org_ids)
    for oid in dict.fromkeys(data.implementing_org_ids):
        TaskAssignment.objects.create(task=task, org_id=oid)
    # A relative deadline whose document is already registered gets its anchor now.
    first = _registered_anchor(task, plan)
    if first is not None:
        task.relative_document = first
        task.save(update_fields=["relative_document"])
    audit_record(
        actor=actor,
        action="plans.task_created",
        obj=task,
        org_id=plan.owner_org_id,
        summary=f"Thêm nhiệm vụ vào {plan}",
        after=_task_snapshot(task),
    )
    notify_assigned(actor=actor, task=task, org_ids=[*data.implementing_org_ids, data.lead_org_id])
    return task


@transaction.atomic
def task_split(*, actor, parent: Task, data: TaskInput) -> Task:
    """A sub-task for subordinate organizations of one of the parent's implementing bodies; the
    implementing body itself (or the plan's owner) splits it."""
    parent_orgs = set(parent.assignments.values_list("org_id", flat=True))
    allowed = can_manage_task(actor, parent) or any(can(actor, "record", o) for o in parent_orgs)
    if not allowed:
        raise DomainError("Không có quyền giao nhiệm vụ con.", field="implementing_orgs")
    if not data.implementing_org_ids:
        raise DomainError("Phải chọn tổ chức thực hiện nhiệm vụ con.", field="implementing_orgs")
    for oid in data.implementing_org_ids:
        if not can(actor, "record", oid):
            raise DomainError("Tổ chức thực hiện nằm ngoài phạm vi quản lý.", field="implementing_orgs")
    if not data.deadline_text:
        data.deadline_text = parent.deadline_text
    return task_create(actor=actor, plan=parent.plan, data=data, parent=parent)
