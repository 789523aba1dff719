"""API routes of documents, plans and tasks (/api/v1/plans/...).

Thin: parse → plans.selectors / plans.services (the same functions the pages call) → schema.
Scope is the pages' scope: a document or task the user may not see is 404 "Không tìm thấy".
Submitting a progress report needs the "record" right on the reporting body: a body outside the
user's scope is 404 as if it did not exist, a body the user only reads (leader) is 403, and a
refused rule (body not assigned, percent out of range, date in the future) is 422 with the
Vietnamese message and the field; nothing is written then.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, IsoDate, OrgRef, PageNumber, PageSize, as_of, paginate
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.members.api import require_record
from dangbo.plans import selectors as sel
from dangbo.plans.models import Document, DocumentType, ProgressReport, ReportStatus
from dangbo.plans.services import progress_report_submit

router = Router(tags=["Văn bản, kế hoạch"])

DocType = Literal[tuple(DocumentType.values)]  # type: ignore[valid-type]
ReportStatusCode = Literal[tuple(ReportStatus.values)]  # type: ignore[valid-type]


# --- schemas -------------------------------------------------------------------------------------


class DocumentItem(Schema):
    id: int
    number: str
    issued_on: date
    issuer: str
    doc_type: str
    doc_type_label: str
    title: str
    owner_org: OrgRef | None  # null: a central document
    implements_id: int | None
    replaces_id: int | None
    is_plan: bool


class DocumentPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[DocumentItem]


class BodyOut(Schema):
    org: OrgRef
    state: str  # done, late, pending, waiting, open
    state_label: str
    due: date | None
    late: bool
    percent: int
    last_reported_on: date | None


class TaskItem(Schema):
    id: int
    plan_id: int
    parent_id: int | None
    number: str
    content: str
    lead_text: str
    lead_org: OrgRef | None
    deadline_text: str
    deadline_kind: str
    deadline_label: str
    percent: float
    late: bool
    bodies: list[BodyOut]


class TaskPage(Schema):
    at: date
    count: int
    page: int
    page_size: int
    pages: int
    items: list[TaskItem]


class DocumentDetail(DocumentItem):
    summary: str
    place: str
    recipients: str
    has_file: bool
    can_manage: bool
    implemented_by: list[DocumentItem]  # visible documents implementing this one (one level)
    at: date
    percent: float | None  # plans only: mean of the top-level tasks' percent
    late_count: int | None
    tasks: list[TaskItem]  # plans only: the tasks the user may see


class ReportOut(Schema):
    id: int
    task_id: int
    org: OrgRef
    reported_on: date
    status: str
    status_label: str
    percent: int
    text: str
    evidence: list[str]  # file names


class TaskDetail(TaskItem):
    plan: DocumentItem
    directing_text: str
    cooperating_text: str
    implementing_text: str
    subtask_ids: list[int]
    can_report_for: list[OrgRef]  # bodies the user may report for
    reports: list[ReportOut]  # all for the plan's owner or the lead body, else those of bodies in scope


class ProgressIn(Schema):
    org_id: int
    status: ReportStatusCode
    percent: int
    text: str = ""
    reported_on: IsoDate | None = None  # default today


# --- helpers -------------------------------------------------------------------------------------


def _doc_item(doc: Document, names: dict[int, str]) -> dict:
    return {
        "id": doc.pk,
        "number": doc.number,
        "issued_on": doc.issued_on,
        "issuer": doc.issuer,
        "doc_type": doc.doc_type,
        "doc_type_label": doc.get_doc_type_display(),
        "title": doc.title,
        "owner_org": {"id": doc.owner_org_id, "name": names.get(doc.owner_org_id, "")} if doc.owner_org_id else None,
        "implements_id": doc.implements_id,
        "replaces_id": doc.replaces_id,
        "is_plan": doc.is_plan,
    }


def _doc_items(docs: list[Document]) -> list[dict]:
    names = sel.org_names({d.owner_org_id for d in docs if d.owner_org_id}, as_of(None))
    return [_doc_item(d, names) for d in docs]


def _task_item(row: sel.TaskRow, names: dict[int, str]) -> dict:
    t = row.task
    return {
        "id": t.pk,
        "plan_id": t.plan_id,
        "parent_id": t.parent_id,
        "number": t.number,
        "content": t.content,
        "lead_text": t.lead_text,
        "lead_org": {"id": t.lead_org_id, "name": names.get(t.lead_org_id, "")} if t.lead_org_id else None,
        "deadline_text": t.deadline_text,
        "deadline_kind": t.deadline_kind,
        "deadline_label": t.spec.label,
        "percent": round(row.percent, 1),
        "late": row.late,
        "bodies": [
            {
                "org": {"id": b.org_id, "name": b.name},
                "state": b.status.state,
                "state_label": b.status.label,
                "due": b.status.due,
                "late": b.late,
                "percent": b.percent,
                "last_reported_on": b.latest.reported_on if b.latest else None,
            }
            for b in row.bodies
        ],
    }


def _task_items(rows: list[sel.TaskRow], at: date) -> list[dict]:
    names = sel.org_names({r.task.lead_org_id for r in rows if r.task.lead_org_id}, at)
    return [_task_item(r, names) for r in rows]


def _report_out(r: ProgressReport, names: dict[int, str]) -> dict:
    return {
        "id": r.pk,
        "task_id": r.task_id,
        "org": {"id": r.org_id, "name": names.get(r.org_id, str(r.org_id))},
        "reported_on": r.reported_on,
        "status": r.status,
        "status_label": r.get_status_display(),
        "percent": r.percent,
        "text": r.text,
        "evidence": [e.name for e in r.evidence.all()],
    }


# --- documents -----------------------------------------------------------------------------------


@router.get("/documents", response={200: DocumentPage, **READ_ERRORS}, url_name="plan_document_list")
def document_list_api(
    request: HttpRequest,
    doc_type: DocType | None = None,
    year: int | None = None,
    q: str = "",
    issuer: str = "",
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> dict:
    """Documents the user may see (those of organizations in scope, of the organizations above
    them, and central ones), newest first. `doc_type` a type code (ke_hoach, nghi_quyet...),
    `year` the year of issue, `q` words of the number, issuer, title or summary (accents
    optional), `issuer` words of the issuing body. 50 per page."""
    if page < 1:
        raise DomainError("Số trang phải từ 1 trở lên.", field="page")
    if year is not None and not 1930 <= year <= 2100:
        raise DomainError("Năm phải từ 1930 đến 2100.", field="year")
    qs = sel.document_list(actor=request.user, q=nfc(q), issuer=nfc(issuer), doc_type=doc_type or "", year=year)
    result = paginate(qs, page=page, page_size=page_size)
    return {**result, "items": _doc_items(result["items"])}


@router.get("/documents/{int:doc_id}", response={200: DocumentDetail, **READ_ERRORS}, url_name="plan_document_detail")
def document_detail_api(request: HttpRequest, doc_id: int, at: IsoDate | None = None) -> dict:
    """One document; for a plan, its tasks the user may see with each implementing body's state
    on `at` (default today): due date, late or not, latest percent, as on the plan's page."""
    doc = sel.document_get_or_404(actor=request.user, pk=doc_id)
    day = as_of(at)
    children = list(sel.document_list(actor=request.user).filter(implements=doc).order_by("issued_on", "id"))
    items = _doc_items([doc, *children])
    out = {
        **items[0],
        "summary": doc.summary,
        "place": doc.place,
        "recipients": doc.recipients,
        "has_file": bool(doc.file),
        "can_manage": sel.can_manage_document(request.user, doc),
        "implemented_by": items[1:],
        "at": day,
        "percent": None,
        "late_count": None,
        "tasks": [],
    }
    if doc.is_plan:
        progress = sel.plan_progress(actor=request.user, plan=doc, as_of=day)
        out.update(
            percent=round(progress.percent, 1), late_count=progress.late_count, tasks=_task_items(progress.rows, day)
        )
    return out


# --- tasks ---------------------------------------------------------------------------------------


@router.get("/tasks", response={200: TaskPage, **READ_ERRORS}, url_name="plan_task_list")
def task_list_api(
    request: HttpRequest,
    mine: bool = True,
    late: bool = False,
    plan: int | None = None,
    at: IsoDate | None = None,
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> dict:
    """Tasks with their bodies' states on `at` (default today).

    `mine=true` (default): the tasks the user's organizations implement or lead, showing only
    those bodies (the page «Nhiệm vụ của tôi»); `mine=false`: every task the user may see.
    `late=true`: only tasks with a body late on `at`. `plan`: the tasks of one plan (404 when
    the plan is not visible). 50 per page."""
    if page < 1:
        raise DomainError("Số trang phải từ 1 trở lên.", field="page")
    day = as_of(at)
    qs = (
        sel.my_tasks_qs(actor=request.user)
        if mine
        else (
            sel.task_list(actor=request.user)
            .select_related("plan", "relative_document")
            .order_by("plan_id", "position", "id")
        )
    )
    if plan is not None:
        qs = qs.filter(plan=sel.document_get_or_404(actor=request.user, pk=plan))
    keep = sel.own_body_ids(request.user) if mine else None
    if late:
        # Lateness is computed from the history, not stored: evaluate every candidate.
        rows = [r for r in sel.task_rows(list(qs), as_of=day, keep_org_ids=keep) if r.late]
        result = paginate(_ListQS(rows), page=page, page_size=page_size)
    else:
        result = paginate(qs, page=page, page_size=page_size)
        result["items"] = sel.task_rows(result["items"], as_of=day, keep_org_ids=keep)
    return {**result, "at": day, "items": _task_items(result["items"], day)}


class _ListQS(list):
    """A computed list that `paginate` can count and slice like a queryset."""

    def count(self) -> int:  # type: ignore[override]
        return len(self)


@router.get("/tasks/{int:task_id}", response={200: TaskDetail, **READ_ERRORS}, url_name="plan_task_detail")
def task_detail_api(request: HttpRequest, task_id: int, at: IsoDate | None = None) -> dict:
    """One task with every implementing body's state on `at` (default today) and the progress
    reports the user may read (plans.selectors.progress_readable_org_ids, as on the task's page):
    all of them for the plan's owner and the lead body, otherwise those of the bodies in scope."""
    task = sel.task_get_or_404(actor=request.user, pk=task_id)
    day = as_of(at)
    row = sel.task_rows([task], as_of=day)[0]
    names = {b.org_id: b.name for b in row.bodies}
    reports = list(sel.task_reports_visible(request.user, task, row.bodies))
    missing = {r.org_id for r in reports} - names.keys()
    if missing:
        names.update(sel.org_names(missing, day))
    return {
        **_task_items([row], day)[0],
        "plan": _doc_items([task.plan])[0],
        "directing_text": task.directing_text,
        "cooperating_text": task.cooperating_text,
        "implementing_text": task.implementing_text,
        "subtask_ids": list(
            sel.task_list(actor=request.user)
            .filter(parent=task)
            .order_by("position", "id")
            .values_list("pk", flat=True)
        ),
        "can_report_for": [
            {"id": b.org_id, "name": b.name} for b in row.bodies if sel.can_report(request.user, task, b.org_id)
        ],
        "reports": [_report_out(r, names) for r in reports],
    }


@router.post("/tasks/{int:task_id}/reports", response={201: ReportOut, **WRITE_ERRORS}, url_name="plan_progress_report")
def progress_report_api(request: HttpRequest, task_id: int, data: ProgressIn) -> Status:
    """Report a body's progress on a task (plans.services.progress_report_submit, as the task's
    page): `status` not_started, in_progress, done (percent then 100) or blocked; `percent`
    0–100; `reported_on` not after today. Needs the "record" right on `org_id` (404 outside the
    scope, 403 read-only), which must be one of the task's implementing bodies (422, field
    "org"). Evidence files: on the page only."""
    task = sel.task_get_or_404(actor=request.user, pk=task_id)
    require_record(request.user, data.org_id)  # 404 outside the scope, 403 read-only
    report = progress_report_submit(
        actor=request.user,
        task=task,
        org_id=data.org_id,
        status=data.status,
        percent=data.percent,
        text=data.text,
        reported_on=data.reported_on,
    )
    return Status(201, _report_out(report, sel.org_names([report.org_id], report.reported_on)))
