"""Plans writes: corrections in place (audited before/after) and deletions when nothing depends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError, not_found
from dangbo.core.text import nfc
from dangbo.notifications.services import forget
from dangbo.orgs.selectors import org_ids_known
from dangbo.plans.models import (
    Document,
    DocumentType,
    Task,
    TaskAssignment,
)
from dangbo.plans.selectors import (
    can_manage_document,
    document_delete_blockers,
    document_list,
    org_names,
    task_delete_blockers,
)
from dangbo.plans.services.documents import _search_key, check_document_fields
from dangbo.plans.services.tasks import _apply_deadline, _registered_anchor, notify_assigned

# --- corrections and deletions ------------------------------------------------------------------
#
# A typo in a registered document or a task is corrected in place; the audit entry keeps the
# values before and after. A record is deleted only when nothing depends on it (selectors.
# *_delete_blockers); the audit entry then keeps its full content.

DOC_LABELS = {
    "number": "Số, ký hiệu",
    "issued_on": "Ngày ban hành",
    "issuer": "Cơ quan ban hành",
    "doc_type": "Loại văn bản",
    "title": "Trích yếu",
    "summary": "Tóm tắt nội dung",
    "implements": "Thực hiện văn bản",
    "replaces": "Thay thế văn bản",
    "place": "Địa danh",
    "recipients": "Nơi nhận",
}
TASK_LABELS = {
    "number": "Mục",
    "content": "Nội dung",
    "directing_text": "Cơ quan chỉ đạo",
    "lead_text": "Cơ quan chủ trì",
    "lead_org": "Tổ chức chủ trì",
    "cooperating_text": "Cơ quan phối hợp",
    "deadline_text": "Thời gian",
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
    check_document_fields(
        number=number, issuer=issuer, title=title, doc_type=data.doc_type, issued_on=data.issued_on, check_date=True
    )
    if (
        doc.doc_type == DocumentType.KE_HOACH
        and data.doc_type != DocumentType.KE_HOACH
        and (doc.tasks.exists() or doc.targets.exists())
    ):
        raise DomainError(
            "Kế hoạch đã có nhiệm vụ hoặc chỉ tiêu nên không đổi được sang loại văn bản khác.", field="doc_type"
        )
    for fname, fid in (("implements", data.implements_id), ("replaces", data.replaces_id)):
        if fid == doc.pk:
            raise DomainError("Văn bản không thể dẫn chiếu chính nó.", field=fname)
        if fid and fid != getattr(doc, f"{fname}_id") and not document_list(actor=actor).filter(pk=fid).exists():
            raise DomainError(not_found("văn bản được dẫn chiếu."), field=fname)
    if data.implements_id and _implements_chain_reaches(data.implements_id, doc.pk):
        raise DomainError("Văn bản được chọn lại đang thực hiện văn bản này (vòng lặp).", field="implements")
    if (
        Document.objects.filter(number__iexact=number, issued_on=data.issued_on, owner_org_id=doc.owner_org_id)
        .exclude(pk=doc.pk)
        .exists()
    ):
        raise DomainError(f"Văn bản số {number} ngày {data.issued_on:%d/%m/%Y} đã được đăng ký.", field="number")
    new = {
        "number": number,
        "issued_on": data.issued_on,
        "issuer": issuer,
        "doc_type": data.doc_type,
        "title": title,
        "summary": nfc(data.summary or ""),
        "implements": data.implements_id,
        "replaces": data.replaces_id,
        "place": nfc(data.place or ""),
        "recipients": (data.recipients or "").strip(),
    }
    old = {
        "number": doc.number,
        "issued_on": doc.issued_on,
        "issuer": doc.issuer,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "summary": doc.summary,
        "implements": doc.implements_id,
        "replaces": doc.replaces_id,
        "place": doc.place,
        "recipients": doc.recipients,
    }
    changed = [k for k in new if new[k] != old[k]]
    if not changed:
        return doc
    for k in changed:
        setattr(doc, f"{k}_id" if k in ("implements", "replaces") else k, new[k])
    doc.search_key = _search_key(doc)
    doc.save()
    audit_record(
        actor=actor,
        action="plans.document_updated",
        obj=doc,
        org_id=doc.owner_org_id,
        summary=f"Sửa {doc}: " + ", ".join(DOC_LABELS[k].lower() for k in changed),
        before={k: old[k] for k in changed},
        after={k: new[k] for k in changed},
    )
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
        raise DomainError(
            f"Không xóa được {doc} vì đã có " + ", ".join(blockers) + ". Hãy xóa hoặc chuyển các mục đó trước.",
            field="document",
        )
    snapshot = _full_snapshot(doc)
    label, pk, org_id = str(doc), doc.pk, doc.owner_org_id
    doc.imports.all().delete()  # pending task-table uploads of this plan
    doc.delete()
    audit_record(
        actor=actor,
        action="plans.document_deleted",
        object_type="plans.document",
        object_id=pk,
        org_id=org_id,
        summary=f"Xóa {label}",
        before=snapshot,
    )


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
    if data.lead_org_id is not None and not org_ids_known([data.lead_org_id]):
        raise DomainError("Tổ chức không tồn tại.", field="lead_org")
    old_orgs = list(task.assignments.order_by("id").values_list("org_id", flat=True))
    new_orgs = old_orgs if data.implementing_org_ids is None else list(dict.fromkeys(data.implementing_org_ids))
    added = [o for o in new_orgs if o not in old_orgs]
    removed = [o for o in old_orgs if o not in new_orgs]
    known = org_ids_known(added)
    if any(o not in known for o in added):
        raise DomainError("Tổ chức không tồn tại.", field="implementing_orgs")
    reported = set(task.reports.filter(org_id__in=removed).values_list("org_id", flat=True))
    if reported:
        names = org_names(reported, timezone.localdate())
        raise DomainError(
            "Không bỏ được cơ quan đã báo cáo tiến độ: "
            + ", ".join(names.get(o, str(o)) for o in sorted(reported))
            + ".",
            field="implementing_orgs",
        )
    old = {
        "number": task.number,
        "content": task.content,
        "directing_text": task.directing_text,
        "lead_text": task.lead_text,
        "lead_org": task.lead_org_id,
        "cooperating_text": task.cooperating_text,
        "deadline_text": task.deadline_text,
        "implementing_orgs": old_orgs,
    }
    new = {
        "number": nfc(data.number or "")[:30],
        "content": content,
        "directing_text": nfc(data.directing_text or "")[:500],
        "lead_text": nfc(data.lead_text or "")[:500],
        "lead_org": data.lead_org_id,
        "cooperating_text": nfc(data.cooperating_text or "")[:1000],
        "deadline_text": nfc(data.deadline_text or ""),
        "implementing_orgs": new_orgs,
    }
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
    audit_record(
        actor=actor,
        action="plans.task_updated",
        obj=task,
        org_id=task.plan.owner_org_id,
        summary=f"Sửa nhiệm vụ {task.number or task.pk} của {task.plan}: "
        + ", ".join(TASK_LABELS[k].lower() for k in changed),
        before=before,
        after=after,
    )
    newly_lead = [new["lead_org"]] if "lead_org" in changed and new["lead_org"] not in old_orgs else []
    notify_assigned(actor=actor, task=task, org_ids=[*added, *newly_lead])
    return task


@transaction.atomic
def task_delete(*, actor, task: Task) -> None:
    """Delete a task entered by mistake, only when it has neither progress reports nor sub-tasks."""
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if not can_manage_document(actor, task.plan):
        raise DomainError("Không có quyền xóa nhiệm vụ này.", field="plan")
    blockers = task_delete_blockers(task)
    if blockers:
        raise DomainError(
            f"Không xóa được nhiệm vụ {task.number or task.pk} vì đã có " + ", ".join(blockers) + ".", field="task"
        )
    snapshot = _full_snapshot(task)
    snapshot["implementing_orgs"] = list(task.assignments.order_by("id").values_list("org_id", flat=True))
    snapshot["cooperating_orgs"] = sorted(task.cooperating_orgs.values_list("pk", flat=True))
    pk, plan = task.pk, task.plan
    forget(target=task)  # its reminders would link to nothing
    task.assignments.all().delete()
    task.cooperating_orgs.clear()
    task.delete()
    audit_record(
        actor=actor,
        action="plans.task_deleted",
        object_type="plans.task",
        object_id=pk,
        org_id=plan.owner_org_id,
        summary=f"Xóa nhiệm vụ {snapshot['number'] or pk} của {plan}",
        before=snapshot,
    )
