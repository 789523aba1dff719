"""Pages of the plans app: document register, plan with its tasks and progress, task page with
per-body status and the progress form, exports, import. Thin: parse → selector /
service → render. Scope through plans.selectors (access/scope.py); outside scope = 404."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.policy import can
from dangbo.core.errors import DomainError
from dangbo.core.form_views import ALREADY_SENT
from dangbo.core.forms import apply_domain_error
from dangbo.core.once import AlreadySubmitted, run_once
from dangbo.orgs.selectors import org_choices_on
from dangbo.plans import importer
from dangbo.plans import selectors as sel
from dangbo.plans.exports import ReportMeta, report_docx, report_xlsx
from dangbo.plans.forms import (
    DocumentEditForm,
    DocumentFilterForm,
    DocumentForm,
    ExportForm,
    ImportForm,
    ProgressForm,
    TargetForm,
    TaskForm,
)
from dangbo.plans.models import Evidence, PlanImport
from dangbo.plans.services import (
    DocumentEdit,
    DocumentInput,
    TaskEdit,
    TaskInput,
    document_delete,
    document_register,
    document_update,
    progress_report_submit,
    target_create,
    task_create,
    task_delete,
    task_update,
)
from dangbo.reports.indicators import CATALOG


def _today():
    return timezone.localdate()


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = sel.document_list(
        actor=request.user,
        q=filters.get("q") or "",
        issuer=filters.get("co_quan") or "",
        doc_type=filters.get("loai") or "",
        year=filters.get("nam"),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "plans/document_list.html",
        {
            "form": form,
            "page": page,
            "can_create": can(request.user, "record"),
        },
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "record"):
        raise Http404(policy.NOT_FOUND)
    today = _today()
    org_choices = org_choices_on(actor=request.user, at=today, action="record")
    doc_choices = [(d.pk, f"{d.number} — {d.title[:60]}") for d in sel.document_list(actor=request.user)[:300]]
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        org_choices=org_choices,
        doc_choices=doc_choices,
        allow_central=can(request.user, "manage_users", None),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = run_once(
                d.get("form_token"),
                actor=request.user,
                create=lambda: document_register(
                    actor=request.user,
                    file=d.get("file"),
                    data=DocumentInput(
                        number=d["number"],
                        issued_on=d["issued_on"],
                        issuer=d["issuer"],
                        doc_type=d["doc_type"],
                        title=d["title"],
                        owner_org_id=d.get("owner_org"),
                        summary=d.get("summary") or "",
                        implements_id=d.get("implements"),
                        replaces_id=d.get("replaces"),
                        place=d.get("place") or "",
                        recipients=d.get("recipients") or "",
                    ),
                ),
                url_of=lambda doc: reverse("plans:document_detail", args=[doc.pk]),
            )
        except AlreadySubmitted as sent:
            messages.info(request, ALREADY_SENT)
            return redirect(sent.url or reverse("plans:document_list"))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã đăng ký {doc}.")
            return redirect("plans:document_detail", pk=doc.pk)
    return render(request, "plans/document_form.html", {"form": form})


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = sel.document_get_or_404(actor=request.user, pk=pk)
    today = _today()
    context = {
        "doc": doc,
        "tree": sel.implementation_tree(actor=request.user, doc=doc),
        "can_manage": sel.can_manage_document(request.user, doc),
        "today": today,
    }
    if doc.is_plan:
        context["progress"] = sel.plan_progress(actor=request.user, plan=doc, as_of=today)
        context["targets"] = [sel.target_result(t, at=today) for t in doc.targets.all()]
        context["export_form"] = ExportForm(initial={"tu": today.replace(month=1, day=1), "den": today})
    return render(request, "plans/document_detail.html", context)


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    doc = sel.document_get_or_404(actor=request.user, pk=pk)
    if not doc.file:
        raise Http404(policy.NOT_FOUND)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=os.path.basename(doc.file.name))


def _plan_for_manage(request: HttpRequest, pk: int):
    plan = sel.document_get_or_404(actor=request.user, pk=pk)
    if not plan.is_plan or not sel.can_manage_document(request.user, plan):
        raise Http404(policy.NOT_FOUND)
    return plan


def _task_fields(d: dict) -> dict:
    """The task form's cleaned data as the fields of TaskInput / TaskEdit."""
    return {
        "content": d["content"],
        "deadline_text": d.get("deadline_text") or "",
        "number": d.get("number") or "",
        "directing_text": d.get("directing_text") or "",
        "lead_text": d.get("lead_text") or "",
        "lead_org_id": d.get("lead_org"),
        "cooperating_text": d.get("cooperating_text") or "",
        "implementing_org_ids": d.get("implementing_orgs") or [],
    }


@login_required
def task_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_manage(request, pk)
    form = TaskForm(request.POST or None, actor=request.user, at=_today())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            run_once(
                d.get("form_token"),
                actor=request.user,
                create=lambda: task_create(actor=request.user, plan=plan, data=TaskInput(**_task_fields(d))),
                url_of=lambda task: reverse("plans:task_detail", args=[task.pk]),
            )
        except AlreadySubmitted as sent:
            messages.info(request, ALREADY_SENT)
            return redirect(sent.url or reverse("plans:document_detail", args=[plan.pk]))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã thêm nhiệm vụ.")
            if "them_tiep" in request.POST:
                return redirect("plans:task_create", pk=plan.pk)
            return redirect("plans:document_detail", pk=plan.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = sel.task_get_or_404(actor=request.user, pk=pk)
    today = _today()
    bodies = sel.task_body_statuses(task, as_of=today)
    mine = [(b.org_id, b.name) for b in bodies if can(request.user, "record", b.org_id)]
    form = ProgressForm(request.POST or None, request.FILES or None, org_choices=mine)
    if request.method == "POST":
        if not mine:
            raise Http404(policy.NOT_FOUND)
        if form.is_valid():
            d = form.cleaned_data
            files = [d["evidence"]] if d.get("evidence") else []
            try:
                progress_report_submit(
                    actor=request.user,
                    task=task,
                    org_id=d["org"],
                    status=d["status"],
                    percent=d["percent"],
                    text=d.get("text") or "",
                    reported_on=d.get("reported_on"),
                    files=files,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, "Đã gửi báo cáo tiến độ.")
                return redirect("plans:task_detail", pk=task.pk)
    reports = list(sel.task_reports_visible(request.user, task, bodies))
    names = {b.org_id: b.name for b in bodies}
    missing = {r.org_id for r in reports if r.org_id not in names} | (
        {task.lead_org_id} if task.lead_org_id and task.lead_org_id not in names else set()
    )
    if missing:
        names.update(sel.org_names(missing, today))
    for r in reports:  # the reporting organization by name, never its internal id
        r.org_name = names.get(r.org_id, "")
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "bodies": sel.task_bodies_for_reader(request.user, task, bodies),
            "form": form if mine else None,
            "percent": sel.task_percent(bodies),
            "subtasks": sel.task_list(actor=request.user).filter(parent=task),
            "reports": reports,
            # the lead organization chosen with the picker, else the text typed or imported
            "lead_name": names.get(task.lead_org_id, "") if task.lead_org_id else "",
            "can_edit": sel.can_manage_document(request.user, task.plan),
        },
    )


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    ev = policy.get_in_scope_or_404(Evidence.objects.select_related("report"), request.user, pk)
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    rows = sel.my_task_rows(actor=request.user, as_of=_today())
    return render(request, "plans/my_tasks.html", {"rows": rows})


@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.document_get_or_404(actor=request.user, pk=pk)
    if not plan.is_plan:
        raise Http404(policy.NOT_FOUND)
    form = ExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "plans/export_form.html", {"form": form, "plan": plan})
    d = form.cleaned_data
    issuer = plan.issuer
    meta = ReportMeta(
        issuer=issuer,
        number=d["so"].strip(),
        place=plan.place,
        on=_today(),
        start=d["tu"],
        end=d["den"],
        recipients=plan.recipients or f"- {issuer},\n- Lưu.",
    )
    if d["dinh_dang"] == "docx":
        content = report_docx(actor=request.user, plan=plan, meta=meta, purpose=d["muc_dich"])
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        content = report_xlsx(actor=request.user, plan=plan, meta=meta, purpose=d["muc_dich"])
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-ke-hoach-{plan.pk}.{d["dinh_dang"]}"'
    return response


@login_required
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_manage(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "xac_nhan" in request.POST:
        try:
            applied = importer.apply_job(actor=request.user, plan=plan, job_id=request.POST.get("xac_nhan"))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("plans:plan_import", pk=plan.pk)
        if applied is None:
            raise Http404(policy.NOT_FOUND)
        if applied.already:
            messages.info(request, f"Tệp này đã được nhập trước đó ({applied.created} nhiệm vụ); không nhập lại.")
            return redirect("plans:document_detail", pk=plan.pk)
        n = applied.created
        messages.success(request, f"Đã nhập {n} nhiệm vụ.")
        return redirect("plans:document_detail", pk=plan.pk)
    preview = job = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            preview = importer.preview(actor=request.user, plan=plan, name=upload.name, content=content)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if preview.ok:
                upload.seek(0)
                job = PlanImport(plan=plan, file_name=upload.name, created_by=request.user)
                job.file.save(os.path.basename(upload.name), upload, save=True)
    return render(request, "plans/import.html", {"form": form, "plan": plan, "preview": preview, "job": job})


@login_required
def target_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_manage(request, pk)
    form = TargetForm(
        request.POST or None,
        org_choices=org_choices_on(actor=request.user, at=_today()),
        indicator_choices=[(c, i.name) for c, i in CATALOG.items()],
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            target_create(
                actor=request.user,
                plan=plan,
                name=d["name"],
                indicator=d.get("indicator") or "",
                measure=d["measure"],
                org_id=d.get("org"),
                year=d.get("year"),
                target_min=d["target_min"],
                target_max=d.get("target_max"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("plans:document_detail", pk=plan.pk)
    return render(request, "plans/target_form.html", {"form": form, "plan": plan})


# --- corrections and deletions ------------------------------------------------------------------


def _document_for_manage(request: HttpRequest, pk: int):
    doc = sel.document_get_or_404(actor=request.user, pk=pk)
    if not sel.can_manage_document(request.user, doc):
        raise Http404(policy.NOT_FOUND)
    return doc


def _task_for_manage(request: HttpRequest, pk: int):
    task = sel.task_get_or_404(actor=request.user, pk=pk)
    if not sel.can_manage_document(request.user, task.plan):
        raise Http404(policy.NOT_FOUND)
    return task


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_for_manage(request, pk)
    doc_choices = [
        (d.pk, f"{d.number} — {d.title[:60]}") for d in sel.document_list(actor=request.user).exclude(pk=doc.pk)[:300]
    ]
    for current in (doc.implements, doc.replaces):  # keep the current links selectable
        if current is not None and current.pk not in {c for c, _ in doc_choices}:
            doc_choices.append((current.pk, f"{current.number} — {current.title[:60]}"))
    initial = {
        "number": doc.number,
        "issued_on": doc.issued_on,
        "doc_type": doc.doc_type,
        "issuer": doc.issuer,
        "title": doc.title,
        "summary": doc.summary,
        "implements": doc.implements_id,
        "replaces": doc.replaces_id,
        "place": doc.place,
        "recipients": doc.recipients,
    }
    form = DocumentEditForm(request.POST or None, initial=initial, doc_choices=doc_choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            document_update(
                actor=request.user,
                doc=doc,
                data=DocumentEdit(
                    number=d["number"],
                    issued_on=d["issued_on"],
                    issuer=d["issuer"],
                    doc_type=d["doc_type"],
                    title=d["title"],
                    summary=d.get("summary") or "",
                    implements_id=d.get("implements"),
                    replaces_id=d.get("replaces"),
                    place=d.get("place") or "",
                    recipients=d.get("recipients") or "",
                ),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi của văn bản." if form.has_changed() else "Không có gì thay đổi.")
            return redirect("plans:document_detail", pk=doc.pk)
    return render(request, "plans/document_edit.html", {"form": form, "doc": doc})


@login_required
def document_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_for_manage(request, pk)
    if request.method == "POST":
        label = str(doc)
        try:
            document_delete(actor=request.user, doc=doc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("plans:document_detail", pk=doc.pk)
        messages.success(request, f"Đã xóa {label}.")
        return redirect("plans:document_list")
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "what": str(doc),
            "blockers": sel.document_delete_blockers(doc),
            "back": reverse("plans:document_detail", args=[doc.pk]),
        },
    )


def _task_orgs(task) -> list[int]:
    """The task's current bodies and lead: kept by the form even where the user cannot see them."""
    return [*task.assignments.values_list("org_id", flat=True), *([task.lead_org_id] if task.lead_org_id else [])]


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for_manage(request, pk)
    initial = {
        "number": task.number,
        "content": task.content,
        "directing_text": task.directing_text,
        "lead_text": task.lead_text,
        "lead_org": task.lead_org_id,
        "cooperating_text": task.cooperating_text,
        "implementing_orgs": list(task.assignments.values_list("org_id", flat=True)),
        "deadline_text": task.deadline_text,
    }
    form = TaskForm(request.POST or None, initial=initial, actor=request.user, at=_today(), keep=_task_orgs(task))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            task_update(actor=request.user, task=task, data=TaskEdit(**_task_fields(d)))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, "Đã lưu thay đổi của nhiệm vụ." if form.has_changed() else "Không có gì thay đổi."
            )
            return redirect("plans:task_detail", pk=task.pk)
    return render(request, "plans/task_edit.html", {"form": form, "task": task})


@login_required
def task_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for_manage(request, pk)
    if request.method == "POST":
        plan_id = task.plan_id
        try:
            task_delete(actor=request.user, task=task)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("plans:task_detail", pk=task.pk)
        messages.success(request, "Đã xóa nhiệm vụ.")
        return redirect("plans:document_detail", pk=plan_id)
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "what": f"nhiệm vụ {task.number} {task.content[:120]}".replace("  ", " "),
            "blockers": sel.task_delete_blockers(task),
            "back": reverse("plans:task_detail", args=[task.pk]),
        },
    )
