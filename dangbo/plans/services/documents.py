"""Plans writes: registering documents, anchoring relative deadlines to them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from dangbo.access.policy import can, not_found
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import fold, nfc
from dangbo.orgs.selectors import org_ancestor_ids_ever
from dangbo.plans import deadlines as dl
from dangbo.plans.models import (
    Document,
    DocumentType,
    Task,
)
from dangbo.plans.selectors import (
    can_manage_task,
    document_list,
)


def _search_key(doc: Document) -> str:
    return fold(" ".join([doc.number, doc.issuer, doc.title, doc.summary, doc.get_doc_type_display()]))


def _doc_snapshot(doc: Document) -> dict:
    return {
        "number": doc.number,
        "issued_on": doc.issued_on,
        "issuer": doc.issuer,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "owner_org": doc.owner_org_id,
        "implements": doc.implements_id,
        "replaces": doc.replaces_id,
    }


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


def check_document_fields(
    *, number: str, issuer: str, title: str, doc_type: str, issued_on=None, check_date: bool = False
) -> None:
    """The fields every document must have (registered or corrected), in the form's order."""
    if not number:
        raise DomainError("Phải nhập số, ký hiệu văn bản.", field="number")
    if check_date and not issued_on:
        raise DomainError("Phải nhập ngày ban hành.", field="issued_on")
    if not issuer:
        raise DomainError("Phải nhập cơ quan ban hành.", field="issuer")
    if not title:
        raise DomainError("Phải nhập trích yếu văn bản.", field="title")
    if doc_type not in DocumentType.values:
        raise DomainError("Loại văn bản không hợp lệ.", field="doc_type")


def _ancestor_ids(org_id: int) -> set[int]:
    return org_ancestor_ids_ever(org_id)


@transaction.atomic
def document_register(*, actor, data: DocumentInput, file=None) -> Document:
    """Register a document; pending relative deadlines waiting for a document of this kind get
    their anchor (and so their due date)."""
    number, issuer, title = nfc(data.number), nfc(data.issuer), nfc(data.title)
    check_document_fields(number=number, issuer=issuer, title=title, doc_type=data.doc_type)
    if data.owner_org_id is None:
        if not can(actor, "manage_users", None):
            raise DomainError("Chỉ quản trị hệ thống được đăng ký văn bản của Trung ương.", field="owner_org")
    elif not can(actor, "record", data.owner_org_id):
        raise DomainError("Không có quyền đăng ký văn bản cho tổ chức này.", field="owner_org")

    for fname, fid in (("implements", data.implements_id), ("replaces", data.replaces_id)):
        if fid and not document_list(actor=actor).filter(pk=fid).exists():
            raise DomainError(not_found("văn bản được dẫn chiếu."), field=fname)
    if Document.objects.filter(
        number__iexact=number, issued_on=data.issued_on, owner_org_id=data.owner_org_id
    ).exists():
        raise DomainError(f"Văn bản số {number} ngày {data.issued_on:%d/%m/%Y} đã được đăng ký.", field="number")
    doc = Document(
        number=number,
        issued_on=data.issued_on,
        issuer=issuer,
        issuer_org_id=data.issuer_org_id,
        owner_org_id=data.owner_org_id,
        doc_type=data.doc_type,
        title=title,
        summary=nfc(data.summary),
        implements_id=data.implements_id,
        replaces_id=data.replaces_id,
        place=nfc(data.place),
        recipients=(data.recipients or "").strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    doc.search_key = _search_key(doc)
    if file is not None:
        doc.file.save(os.path.basename(file.name), file, save=False)
    doc.save()
    audit_record(
        actor=actor,
        action="plans.document_registered",
        obj=doc,
        org_id=doc.owner_org_id,
        summary=f"Đăng ký {doc}",
        after=_doc_snapshot(doc),
    )
    _anchor_relative_tasks(actor=actor, doc=doc)
    return doc


def _anchor_relative_tasks(*, actor, doc: Document) -> list[Task]:
    pending = Task.objects.filter(
        deadline_kind=dl.RELATIVE, relative_document__isnull=True, plan__issued_on__lte=doc.issued_on
    ).select_related("plan")
    issuer = fold(doc.issuer)
    linked = []
    for task in pending:
        if task.relative_doc_type and task.relative_doc_type != doc.doc_type:
            continue
        if task.relative_issuer and task.relative_issuer not in issuer:
            continue
        if doc.owner_org_id is not None and (
            task.plan.owner_org_id is None or doc.owner_org_id not in _ancestor_ids(task.plan.owner_org_id)
        ):
            continue
        task.relative_document = doc
        task.save(update_fields=["relative_document"])
        audit_record(
            actor=actor,
            action="plans.task_anchored",
            obj=task,
            org_id=task.plan.owner_org_id,
            summary=f"Nhiệm vụ {task.number} có hạn tính từ {doc}",
            after={"relative_document": doc.pk, "due": dl.relative_due(task.spec)},
        )
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
    audit_record(
        actor=actor,
        action="plans.task_anchored",
        obj=task,
        org_id=task.plan.owner_org_id,
        summary=f"Nhiệm vụ {task.number} có hạn tính từ {doc}",
        after={"relative_document": doc.pk},
    )
    return task
