"""Writes of the plans app: one function per operation, atomic, audited (audit_record in the same
transaction); notifications' e-mails go out on_commit. Bad input raises DomainError with a
Vietnamese message naming the field, and nothing is written."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.access.policy import SYSTEM, can, org_officers, require_actor
from dangbo.audit.services import audit_record
from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.text import fold, nfc
from dangbo.notifications.services import forget, notify
from dangbo.orgs.models import OrgVersion
from dangbo.plans import deadlines as dl
from dangbo.plans.models import (
    Document,
    DocumentType,
    Evidence,
    PlanTarget,
    ProgressReport,
    ReportStatus,
    Task,
    TaskAssignment,
)
from dangbo.plans.selectors import (
    _names,
    can_manage_document,
    can_manage_task,
    document_delete_blockers,
    document_list,
    regular_every_months,
    task_body_statuses,
    task_delete_blockers,
)
from dangbo.reports.indicators import CATALOG


def _search_key(doc: Document) -> str:
    return fold(" ".join([doc.number, doc.issuer, doc.title, doc.summary, doc.get_doc_type_display()]))


def _doc_snapshot(doc: Document) -> dict:
    return {"number": doc.number, "issued_on": doc.issued_on, "issuer": doc.issuer, "doc_type": doc.doc_type,
            "title": doc.title, "owner_org": doc.owner_org_id, "implements": doc.implements_id,
            "replaces": doc.replaces_id}


@dataclass
class DocumentInput:
    number: str
    issued_on: date
    issuer: str
    doc_type: str
    title: str
    owner_org_id: int | None = None
    issuer_org_id: int | None = None
    summary: str = ""
    implements_id: int | None = None
    replaces_id: int | None = None
    place: str = ""
    recipients: str = ""


def _ancestor_ids(org_id: int) -> set[int]:
    ids: set[int] = set()
    for path in OrgVersion.objects.filter(org_id=org_id).values_list("path", flat=True):
        ids.update(int(x) for x in path.strip("/").split("/") if x)
    return ids


@transaction.atomic
def document_register(*, actor, data: DocumentInput, file=None) -> Document:
    """Register a document; pending relative deadlines waiting for a document of this kind get
    their anchor (and so their due date)."""
    number, issuer, title = nfc(data.number), nfc(data.issuer), nfc(data.title)
    if not number:
        raise DomainError("Phải nhập số, ký hiệu văn bản.", field="number")
    if not issuer:
        raise DomainError("Phải nhập cơ quan ban hành.", field="issuer")
    if not title:
        raise DomainError("Phải nhập trích yếu văn bản.", field="title")
    if data.doc_type not in DocumentType.values:
        raise DomainError("Loại văn bản không hợp lệ.", field="doc_type")
    if data.owner_org_id is None:
        if not can(actor, "manage_users", None):
            raise DomainError("Chỉ quản trị hệ thống được đăng ký văn bản của Trung ương.", field="owner_org")
    elif not can(actor, "record", data.owner_org_id):
        raise DomainError("Không có quyền đăng ký văn bản cho tổ chức này.", field="owner_org")

    for fname, fid in (("implements", data.implements_id), ("replaces", data.replaces_id)):
        if fid and not document_list(actor=actor).filter(pk=fid).exists():
            raise DomainError("Không tìm thấy văn bản được dẫn chiếu.", field=fname)
    if Document.objects.filter(number__iexact=number, issued_on=data.issued_on, owner_org_id=data.owner_org_id).exists():
        raise DomainError(f"Văn bản số {number} ngày {data.issued_on:%d/%m/%Y} đã được đăng ký.", field="number")
    doc = Document(
        number=number, issued_on=data.issued_on, issuer=issuer, issuer_org_id=data.issuer_org_id,
        owner_org_id=data.owner_org_id, doc_type=data.doc_type, title=title, summary=nfc(data.summary),
        implements_id=data.implements_id, replaces_id=data.replaces_id, place=nfc(data.place),
        recipients=(data.recipients or "").strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    doc.search_key = _search_key(doc)
    if file is not None:
        doc.file.save(os.path.basename(file.name), file, save=False)
    doc.save()
    audit_record(actor=actor, action="plans.document_registered", obj=doc, org_id=doc.owner_org_id,
                 summary=f"Đăng ký {doc}", after=_doc_snapshot(doc))
    _anchor_relative_tasks(actor=actor, doc=doc)
    return doc


def _anchor_relative_tasks(*, actor, doc: Document) -> list[Task]:
    pending = Task.objects.filter(deadline_kind=dl.RELATIVE, relative_document__isnull=True,
                                  plan__issued_on__lte=doc.issued_on).select_related("plan")
    issuer = fold(doc.issuer)
    linked = []
    for task in pending:
        if task.relative_doc_type and task.relative_doc_type != doc.doc_type:
            continue
        if task.relative_issuer and task.relative_issuer not in issuer:
            continue
        if doc.owner_org_id is not None and (task.plan.owner_org_id is None
                                             or doc.owner_org_id not in _ancestor_ids(task.plan.owner_org_id)):
            continue
        task.relative_document = doc
        task.save(update_fields=["relative_document"])
        audit_record(actor=actor, action="plans.task_anchored", obj=task, org_id=task.plan.owner_org_id,
                     summary=f"Nhiệm vụ {task.number} có hạn tính từ {doc}",
                     after={"relative_document": doc.pk, "due": dl.relative_due(task.spec)})
        linked.append(task)
    return linked


@transaction.atomic
def task_link_relative(*, actor, task: Task, doc: Document) -> Task:
    if not can_manage_task(actor, task):
        raise DomainError("Không có quyền sửa nhiệm vụ này.", field="relative_document")
    if task.deadline_kind != dl.RELATIVE:
        raise DomainError("Nhiệm vụ không có thời hạn tính theo văn bản.", field="relative_document")
    task.relative_document = doc
    task.save(update_fields=["relative_document"])
    audit_record(actor=actor, action="plans.task_anchored", obj=task, org_id=task.plan.owner_org_id,
                 summary=f"Nhiệm vụ {task.number} có hạn tính từ {doc}", after={"relative_document": doc.pk})
    return task


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


def _task_snapshot(task: Task) -> dict:
    return {"content": task.content[:300], "number": task.number, "deadline": task.deadline_text,
            "kind": task.deadline_kind, "lead_org": task.lead_org_id,
            "implementing": sorted(task.assignments.values_list("org_id", flat=True))}


@transaction.atomic
def task_create(*, actor, plan: Document, data: TaskInput, parent: Task | None = None) -> Task:
    if not plan.is_plan:
        raise DomainError("Chỉ kế hoạch mới có nhiệm vụ.", field="plan")
    if parent is None and not can_manage_document(actor, plan):
        raise DomainError("Không có quyền thêm nhiệm vụ vào kế hoạch này.", field="plan")
    content = nfc(data.content)
    if not content:
        raise DomainError("Phải nhập nội dung nhiệm vụ.", field="content")
    orgs_known = set(OrgVersion.objects.filter(org_id__in=set(data.implementing_org_ids) | set(data.cooperating_org_ids)
                                               | ({data.lead_org_id} if data.lead_org_id else set()))
                     .values_list("org_id", flat=True))
    for oid in [*data.implementing_org_ids, *data.cooperating_org_ids, *([data.lead_org_id] if data.lead_org_id else [])]:
        if oid not in orgs_known:
            raise DomainError("Tổ chức không tồn tại.", field="implementing_orgs")
    last = Task.objects.filter(plan=plan).order_by("-position").values_list("position", flat=True).first() or 0
    task = Task(plan=plan, parent=parent, number=nfc(data.number), position=last + 1, content=content,
                directing_text=nfc(data.directing_text)[:500], lead_text=nfc(data.lead_text)[:500],
                lead_org_id=data.lead_org_id, cooperating_text=nfc(data.cooperating_text)[:1000],
                implementing_text=nfc(data.implementing_text)[:1000])
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
    audit_record(actor=actor, action="plans.task_created", obj=task, org_id=plan.owner_org_id,
                 summary=f"Thêm nhiệm vụ vào {plan}", after=_task_snapshot(task))
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


# --- corrections and deletions ------------------------------------------------------------------
#
# A typo in a registered document or a task is corrected in place; the audit entry keeps the
# values before and after. A record is deleted only when nothing depends on it (selectors.
# *_delete_blockers); the audit entry then keeps its full content.

DOC_LABELS = {
    "number": "Số, ký hiệu", "issued_on": "Ngày ban hành", "issuer": "Cơ quan ban hành", "doc_type": "Loại văn bản",
    "title": "Trích yếu", "summary": "Tóm tắt nội dung", "implements": "Thực hiện văn bản",
    "replaces": "Thay thế văn bản", "place": "Địa danh", "recipients": "Nơi nhận",
}
TASK_LABELS = {
    "number": "Mục", "content": "Nội dung", "directing_text": "Cơ quan chỉ đạo", "lead_text": "Cơ quan chủ trì",
    "lead_org": "Tổ chức chủ trì", "cooperating_text": "Cơ quan phối hợp", "deadline_text": "Thời gian",
    "implementing_orgs": "Cơ quan thực hiện",
}


def _full_snapshot(obj) -> dict:
    """Every stored column of a row (files by name), for the audit entry of a deletion."""
    out = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        out[f.attname] = value.name if hasattr(value, "name") and f.get_internal_type() == "FileField" else value
    return out


@dataclass
class DocumentEdit:
    """The correctable fields of a registered document (its owner organization and file stay)."""

    number: str
    issued_on: date
    issuer: str
    doc_type: str
    title: str
    summary: str = ""
    implements_id: int | None = None
    replaces_id: int | None = None
    place: str = ""
    recipients: str = ""


def _implements_chain_reaches(start_id: int | None, target_id: int) -> bool:
    """Whether following `implements` up from `start_id` reaches `target_id` (a cycle)."""
    seen: set[int] = set()
    current = start_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        current = Document.objects.filter(pk=current).values_list("implements_id", flat=True).first()
    return False


@transaction.atomic
def document_update(*, actor, doc: Document, data: DocumentEdit) -> Document:
    """Correct a registered document (typo in number, date, issuer, title, recipients...).
    Audited with the changed fields before and after; nothing is written when nothing changed."""
    doc = Document.objects.select_for_update().get(pk=doc.pk)
    if not can_manage_document(actor, doc):
        raise DomainError("Không có quyền sửa văn bản này.", field="owner_org")
    number, issuer, title = nfc(data.number or ""), nfc(data.issuer or ""), nfc(data.title or "")
    if not number:
        raise DomainError("Phải nhập số, ký hiệu văn bản.", field="number")
    if not data.issued_on:
        raise DomainError("Phải nhập ngày ban hành.", field="issued_on")
    if not issuer:
        raise DomainError("Phải nhập cơ quan ban hành.", field="issuer")
    if not title:
        raise DomainError("Phải nhập trích yếu văn bản.", field="title")
    if data.doc_type not in DocumentType.values:
        raise DomainError("Loại văn bản không hợp lệ.", field="doc_type")
    if doc.doc_type == DocumentType.KE_HOACH and data.doc_type != DocumentType.KE_HOACH and (
            doc.tasks.exists() or doc.targets.exists()):
        raise DomainError("Kế hoạch đã có nhiệm vụ hoặc chỉ tiêu nên không đổi được sang loại văn bản khác.",
                          field="doc_type")
    for fname, fid in (("implements", data.implements_id), ("replaces", data.replaces_id)):
        if fid == doc.pk:
            raise DomainError("Văn bản không thể dẫn chiếu chính nó.", field=fname)
        if fid and fid != getattr(doc, f"{fname}_id") and not document_list(actor=actor).filter(pk=fid).exists():
            raise DomainError("Không tìm thấy văn bản được dẫn chiếu.", field=fname)
    if data.implements_id and _implements_chain_reaches(data.implements_id, doc.pk):
        raise DomainError("Văn bản được chọn lại đang thực hiện văn bản này (vòng lặp).", field="implements")
    if Document.objects.filter(number__iexact=number, issued_on=data.issued_on, owner_org_id=doc.owner_org_id
                               ).exclude(pk=doc.pk).exists():
        raise DomainError(f"Văn bản số {number} ngày {data.issued_on:%d/%m/%Y} đã được đăng ký.", field="number")
    new = {"number": number, "issued_on": data.issued_on, "issuer": issuer, "doc_type": data.doc_type,
           "title": title, "summary": nfc(data.summary or ""), "implements": data.implements_id,
           "replaces": data.replaces_id, "place": nfc(data.place or ""),
           "recipients": (data.recipients or "").strip()}
    old = {"number": doc.number, "issued_on": doc.issued_on, "issuer": doc.issuer, "doc_type": doc.doc_type,
           "title": doc.title, "summary": doc.summary, "implements": doc.implements_id,
           "replaces": doc.replaces_id, "place": doc.place, "recipients": doc.recipients}
    changed = [k for k in new if new[k] != old[k]]
    if not changed:
        return doc
    for k in changed:
        setattr(doc, f"{k}_id" if k in ("implements", "replaces") else k, new[k])
    doc.search_key = _search_key(doc)
    doc.save()
    audit_record(actor=actor, action="plans.document_updated", obj=doc, org_id=doc.owner_org_id,
                 summary=f"Sửa {doc}: " + ", ".join(DOC_LABELS[k].lower() for k in changed),
                 before={k: old[k] for k in changed}, after={k: new[k] for k in changed})
    return doc


@transaction.atomic
def document_delete(*, actor, doc: Document) -> None:
    """Delete a document registered by mistake, only when nothing depends on it (tasks, targets,
    documents implementing or replacing it, deadlines counted from it)."""
    doc = Document.objects.select_for_update().get(pk=doc.pk)
    if not can_manage_document(actor, doc):
        raise DomainError("Không có quyền xóa văn bản này.", field="owner_org")
    blockers = document_delete_blockers(doc)
    if blockers:
        raise DomainError(f"Không xóa được {doc} vì đã có " + ", ".join(blockers)
                          + ". Hãy xóa hoặc chuyển các mục đó trước.", field="document")
    snapshot = _full_snapshot(doc)
    label, pk, org_id = str(doc), doc.pk, doc.owner_org_id
    doc.imports.all().delete()  # pending task-table uploads of this plan
    doc.delete()
    audit_record(actor=actor, action="plans.document_deleted", object_type="plans.document", object_id=pk,
                 org_id=org_id, summary=f"Xóa {label}", before=snapshot)


@dataclass
class TaskEdit:
    """The correctable fields of a task. `implementing_org_ids` None = unchanged."""

    content: str
    deadline_text: str = ""
    number: str = ""
    directing_text: str = ""
    lead_text: str = ""
    lead_org_id: int | None = None
    cooperating_text: str = ""
    implementing_org_ids: list[int] | None = None


@transaction.atomic
def task_update(*, actor, task: Task, data: TaskEdit) -> Task:
    """Correct a task: content, bodies, lead organization, deadline text (parsed again, as in
    task_create; a relative deadline looks for its anchor document again). A body that already
    reported cannot be taken off the task. Audited with the changed fields before and after."""
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if not can_manage_document(actor, task.plan):
        raise DomainError("Không có quyền sửa nhiệm vụ này.", field="plan")
    content = nfc(data.content or "")
    if not content:
        raise DomainError("Phải nhập nội dung nhiệm vụ.", field="content")
    if data.lead_org_id is not None and not OrgVersion.objects.filter(org_id=data.lead_org_id).exists():
        raise DomainError("Tổ chức không tồn tại.", field="lead_org")
    old_orgs = list(task.assignments.order_by("id").values_list("org_id", flat=True))
    new_orgs = old_orgs if data.implementing_org_ids is None else list(dict.fromkeys(data.implementing_org_ids))
    added = [o for o in new_orgs if o not in old_orgs]
    removed = [o for o in old_orgs if o not in new_orgs]
    known = set(OrgVersion.objects.filter(org_id__in=added).values_list("org_id", flat=True))
    if any(o not in known for o in added):
        raise DomainError("Tổ chức không tồn tại.", field="implementing_orgs")
    reported = set(task.reports.filter(org_id__in=removed).values_list("org_id", flat=True))
    if reported:
        names = _names(reported, timezone.localdate())
        raise DomainError("Không bỏ được cơ quan đã báo cáo tiến độ: "
                          + ", ".join(names.get(o, str(o)) for o in sorted(reported)) + ".",
                          field="implementing_orgs")
    old = {"number": task.number, "content": task.content, "directing_text": task.directing_text,
           "lead_text": task.lead_text, "lead_org": task.lead_org_id, "cooperating_text": task.cooperating_text,
           "deadline_text": task.deadline_text, "implementing_orgs": old_orgs}
    new = {"number": nfc(data.number or "")[:30], "content": content,
           "directing_text": nfc(data.directing_text or "")[:500], "lead_text": nfc(data.lead_text or "")[:500],
           "lead_org": data.lead_org_id, "cooperating_text": nfc(data.cooperating_text or "")[:1000],
           "deadline_text": nfc(data.deadline_text or ""), "implementing_orgs": new_orgs}
    changed = [k for k in new if (sorted(new[k]) != sorted(old[k]) if k == "implementing_orgs" else new[k] != old[k])]
    if not changed:
        return task
    before, after = {k: old[k] for k in changed}, {k: new[k] for k in changed}
    if "deadline_text" in changed:
        was = {"kind": task.deadline_kind, "due": task.due_on, "relative_document": task.relative_document_id}
        _apply_deadline(task, new["deadline_text"])  # DomainError on "deadline_text": nothing written
        task.relative_document = _registered_anchor(task, task.plan)
        before.update(was)
        after.update({"kind": task.deadline_kind, "due": task.due_on, "relative_document": task.relative_document_id})
    for k in ("number", "content", "directing_text", "lead_text", "cooperating_text"):
        setattr(task, k, new[k])
    task.lead_org_id = new["lead_org"]
    task.save()
    if removed:
        TaskAssignment.objects.filter(task=task, org_id__in=removed).delete()
    for oid in added:
        TaskAssignment.objects.create(task=task, org_id=oid)
    audit_record(actor=actor, action="plans.task_updated", obj=task, org_id=task.plan.owner_org_id,
                 summary=f"Sửa nhiệm vụ {task.number or task.pk} của {task.plan}: "
                         + ", ".join(TASK_LABELS[k].lower() for k in changed),
                 before=before, after=after)
    return task


@transaction.atomic
def task_delete(*, actor, task: Task) -> None:
    """Delete a task entered by mistake, only when it has neither progress reports nor sub-tasks."""
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if not can_manage_document(actor, task.plan):
        raise DomainError("Không có quyền xóa nhiệm vụ này.", field="plan")
    blockers = task_delete_blockers(task)
    if blockers:
        raise DomainError(f"Không xóa được nhiệm vụ {task.number or task.pk} vì đã có " + ", ".join(blockers) + ".",
                          field="task")
    snapshot = _full_snapshot(task)
    snapshot["implementing_orgs"] = list(task.assignments.order_by("id").values_list("org_id", flat=True))
    snapshot["cooperating_orgs"] = sorted(task.cooperating_orgs.values_list("pk", flat=True))
    pk, plan = task.pk, task.plan
    forget(target=task)  # its reminders would link to nothing
    task.assignments.all().delete()
    task.cooperating_orgs.clear()
    task.delete()
    audit_record(actor=actor, action="plans.task_deleted", object_type="plans.task", object_id=pk,
                 org_id=plan.owner_org_id, summary=f"Xóa nhiệm vụ {snapshot['number'] or pk} của {plan}",
                 before=snapshot)


@transaction.atomic
def progress_report_submit(*, actor, task: Task, org_id: int, status: str, percent: int, text: str = "",
                           reported_on: date | None = None, files=()) -> ProgressReport:
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
    report = ProgressReport.objects.create(task=task, org_id=org_id, reported_on=reported_on, status=status,
                                           percent=percent, text=nfc(text),
                                           created_by=actor if getattr(actor, "is_authenticated", False) else None)
    for f in files:
        ev = Evidence(report=report, name=os.path.basename(f.name)[:255])
        ev.file.save(ev.name, f if isinstance(f, File) else File(f), save=True)
    audit_record(actor=actor, action="plans.progress_reported", obj=report, org_id=org_id,
                 summary=f"Báo cáo tiến độ nhiệm vụ {task.number or task.pk}: {percent}%",
                 after={"task": task.pk, "status": status, "percent": percent, "on": reported_on,
                        "evidence": report.evidence.count()})
    return report


def _decimal(value, field_name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError("Giá trị phải là số.", field=field_name) from exc


@transaction.atomic
def target_create(*, actor, plan: Document, name: str, target_min, target_max=None, indicator: str = "",
                  measure: str = "value", org_id: int | None = None, year: int | None = None) -> PlanTarget:
    if not can_manage_document(actor, plan):
        raise DomainError("Không có quyền sửa kế hoạch này.", field="plan")
    if indicator and indicator not in CATALOG:
        raise DomainError("Chỉ số không có trong danh mục.", field="indicator")
    if indicator and org_id is None:
        raise DomainError("Chỉ tiêu tính từ chỉ số phải gắn với một tổ chức.", field="org")
    if org_id is not None and not can(actor, "view", org_id):
        raise DomainError("Tổ chức nằm ngoài phạm vi.", field="org")
    target = PlanTarget.objects.create(plan=plan, name=nfc(name), indicator=indicator, measure=measure, org_id=org_id,
                                       year=year, target_min=_decimal(target_min, "target_min") or Decimal(0),
                                       target_max=_decimal(target_max, "target_max"))
    audit_record(actor=actor, action="plans.target_created", obj=target, org_id=plan.owner_org_id,
                 summary=f"Thêm chỉ tiêu “{target.name}”", after={"indicator": indicator, "min": target.target_min})
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
    audit_record(actor=actor, action="plans.target_reported", obj=target, org_id=target.plan.owner_org_id,
                 summary=f"Báo cáo chỉ tiêu “{target.name}”", before={"value": before}, after={"value": target.manual_value})
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
    return notify(kind="plans.late" if key.startswith("late:") else "plans.due",
                  key=f"plans.task:{task.pk if task else '-'}:{org_id or '-'}:{key}", message=message[:500], user=user,
                  org_id=org_id, target=task, email_subject="[Đảng bộ số] Nhắc việc thực hiện kế hoạch")


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
                msg = (f"{body.name}: nhiệm vụ “{task.content[:120]}” ({task.plan}) đã quá hạn "
                       f"ngày {st.due:%d/%m/%Y}, chưa có báo cáo.")
            elif st.state == "pending" and st.due:
                if task.spec.kind in (dl.RECURRING, dl.REGULAR) and any(
                        r.reported_on > st.due - timedelta(days=400) and r.reported_on >= _period_start(task, st.due)
                        for r in body.reports):
                    continue
                left = (st.due - as_of).days
                step_days = next((d for d in before if 0 <= left <= d), None)
                if step_days is None:
                    continue
                key = f"due:{st.due.isoformat()}:{step_days}"
                msg = (f"{body.name}: nhiệm vụ “{task.content[:120]}” ({task.plan}) đến hạn báo cáo "
                       f"ngày {st.due:%d/%m/%Y} (còn {left} ngày).")
            else:
                continue
            for user in org_officers(body.org_id, on=as_of):
                if notification_create(user=user, key=key, message=msg, task=task, org_id=body.org_id):
                    created += 1
    if created:
        audit_record(actor=actor, action="plans.reminders_sent", object_type="notifications.notification",
                     summary=f"Tạo {created} nhắc việc ngày {as_of:%d/%m/%Y}", after={"as_of": as_of, "created": created})
    return created


def _period_start(task: Task, due: date) -> date:
    every = regular_every_months() if task.deadline_kind == dl.REGULAR else dl.RECURRENCE_MONTHS.get(task.recurrence, 12)

    return add_months(due + timedelta(days=1), -every)
