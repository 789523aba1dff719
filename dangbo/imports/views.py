"""Pages of the import: upload -> dry-run report -> confirm -> progress -> done.

Importing members needs the "record" right somewhere in the user's scope, importing organizations
the "restructure" right (else 404, as for anything out of scope); rows for organizations outside
that scope are refused as not found by the services. A job
is visible to the user who uploaded it only.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangbo.access.policy import NOT_FOUND, can
from dangbo.core.errors import DomainError
from dangbo.core.once import AlreadySubmitted, run_once
from dangbo.imports.forms import UploadForm
from dangbo.imports.mappings import mapping_save
from dangbo.imports.models import ImportJob
from dangbo.imports.orgs import ORGS, build_org_template
from dangbo.imports.parse import MEMBERS
from dangbo.imports.selectors import job_get_or_404
from dangbo.imports.services import build_template
from dangbo.imports.tasks import job_enqueue


def upload_dir() -> Path:
    return Path(getattr(settings, "DANGBO_IMPORT_DIR", settings.BASE_DIR / "var" / "imports"))


def _require_importer(user, kind: str = ImportJob.Kind.MEMBERS) -> None:
    """Members need the "record" right somewhere in scope; organizations the "restructure" right."""
    if not can(user, "record"):
        raise Http404(NOT_FOUND)
    if kind == ImportJob.Kind.ORGS and not can(user, "restructure"):
        raise Http404(NOT_FOUND)


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    return job_get_or_404(actor=request.user, pk=pk)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"kind": request.GET.get("kind", ImportJob.Kind.MEMBERS)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> ImportJob:
            f = data["file"]
            folder = upload_dir()
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{uuid.uuid4().hex}{Path(f.name).suffix.lower()}"
            with target.open("wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            return ImportJob.objects.create(
                file_path=str(target),
                original_name=Path(f.name).name[:255],
                uploaded_by=request.user,
                kind=data["kind"],
                under=data["under"],
                create_cells=data["create_cells"],
            )

        try:
            # One import per form: a double submit (double click, resent request) checks the file once.
            job = run_once(
                data.get("form_token"),
                actor=request.user,
                create=create,
                url_of=lambda j: reverse("imports:job_detail", args=[j.pk]),
            )
        except AlreadySubmitted as done:
            return redirect(done.url or "imports:import_upload")
        job_enqueue(job, apply=False)  # after the commit: the task must find the job
        return redirect("imports:job_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(uploaded_by=request.user)[:10]
    return render(
        request, "imports/upload.html", {"form": form, "jobs": jobs, "can_orgs": can(request.user, "restructure")}
    )


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    response = HttpResponse(
        build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-dang-vien.xlsx"'
    return response


@login_required
def org_template_download(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user, ImportJob.Kind.ORGS)
    response = HttpResponse(
        build_org_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-to-chuc-dang.xlsx"'
    return response


def _layout(job: ImportJob):
    return ORGS if job.kind == ImportJob.Kind.ORGS else MEMBERS


def _mapping_rows(job: ImportJob, report: dict) -> tuple[list[dict], list[tuple[str, str]]]:
    """The columns of the file as the page lists them, with the fields an unrecognized (or
    officer-mapped) column may be mapped to."""
    layout = _layout(job)
    rows = []
    for m in report.get("mapped") or []:
        rows.append({**m, "input": f"map-{m['key']}", "mappable": m["how"] in ("unknown", "officer")})
    taken = {m["field"] for m in rows if m.get("field") and not m["mappable"]}
    fields = [(name, header) for name, header, _ in layout.columns if name not in taken]
    return rows, fields


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    template = "imports/_job_status.html" if request.htmx else "imports/job_detail.html"
    report = job.report or {}
    columns, fields = _mapping_rows(job, report)
    return render(
        request,
        template,
        {
            "job": job,
            "report": report,
            "columns": columns,
            "fields": fields,
            "can_map": not job.is_running
            and job.status != ImportJob.State.DONE
            and any(c["mappable"] for c in columns),
        },
    )


@login_required
@require_POST
def job_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer maps the unrecognized columns to fields: saved for the header layout (audited),
    kept on the job, and the dry run runs again."""
    job = _job_or_404(request, pk)
    _require_importer(request.user, job.kind)
    report = job.report or {}
    if job.is_running or job.status == ImportJob.State.DONE or not report.get("layout_key"):
        return redirect("imports:job_detail", pk=job.pk)
    columns, _ = _mapping_rows(job, report)
    chosen = {c["key"]: request.POST.get(c["input"], "") for c in columns if c["mappable"]}
    try:
        mapping_save(
            actor=request.user,
            layout=_layout(job),
            layout_key=report["layout_key"],
            headers=report["mapped"],
            mapping=chosen,
            right="restructure" if job.kind == ImportJob.Kind.ORGS else "record",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:job_detail", pk=job.pk)
    job.column_map = {**(job.column_map or {}), **chosen}
    job.save(update_fields=["column_map"])
    job_enqueue(job, apply=False)
    return redirect("imports:job_detail", pk=job.pk)


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    _require_importer(request.user, job.kind)
    if job.status == ImportJob.State.CHECKED and not job.refused_count:
        if job.kind == ImportJob.Kind.MEMBERS and (job.report or {}).get("duplicate_count"):
            if not request.POST.get("confirm_duplicates"):
                messages.error(request, "Hãy đánh dấu xác nhận các dòng có thể trùng người trước khi nhập.")
                return redirect("imports:job_detail", pk=job.pk)
            job.confirm_duplicates = True
            job.save(update_fields=["confirm_duplicates"])
        job_enqueue(job, apply=True)
    return redirect("imports:job_detail", pk=job.pk)
