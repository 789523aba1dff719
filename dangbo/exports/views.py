"""Exports of exactly what a screen shows: the member list (its filters) and the indicator
overview. GET shows the purpose form; POST (with the same query string) returns the file.

Scope: the same selectors as the screens, and an organization outside the scope is 404. A
purpose is required; every export is logged with audit.services.audit_export (R-165) and carries
a watermark (exporter, time, purpose) on its first line and in the file properties.

A member list longer than DANGBO_EXPORT_SYNC_MAX_ROWS is not built in the request: an
`ExportJob` is recorded (the request audited) and the task worker writes the file
(exports.tasks); the job page /xuat/tep/<id>/ shows the progress (htmx) and then the download
link (the download audited too). A job is its requester's only: anyone else gets 404."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dangbo.access.policy import NOT_FOUND, can
from dangbo.audit.services import audit_export
from dangbo.core import list_exports
from dangbo.core.sheets import CSV_TYPE, XLSX_TYPE, Sheet, file_name, watermark_text, write_csv, write_xlsx
from dangbo.core.text import person_name
from dangbo.exports.forms import ExportForm
from dangbo.exports.models import ExportJob
from dangbo.exports.selectors import (
    MEMBER_TITLE,
    export_job_get_or_404,
    export_jobs_of,
    indicator_sheet,
    member_count,
    member_sheet,
)
from dangbo.exports.tasks import job_enqueue
from dangbo.members.filters import MemberFilterSet
from dangbo.reports.views import _context_from


def _exporter(user) -> str:
    full = person_name(user)
    return f"{full} ({user.get_username()})" if full else user.get_username()


def sync_max_rows() -> int:
    return int(getattr(settings, "DANGBO_EXPORT_SYNC_MAX_ROWS", 2000))


class _Counter:
    """Counts the rows as the writer consumes them (the rows are never held in a list)."""

    def __init__(self, rows):
        self.rows, self.n = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row


def _respond(
    request: HttpRequest, *, what: str, title: str, build, org_id: int | None, filters: dict, queue=None
) -> HttpResponse:
    """The purpose form; on a valid POST the file (or, when `queue` says the export is large, the
    job page of the export written in the background)."""
    form = ExportForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        jobs = export_jobs_of(actor=request.user).only("pk", "title", "status", "created_at", "fmt")[:5]
        return render(
            request,
            "exports/export_form.html",
            {"form": form, "title": title, "jobs": jobs, "query": request.GET.urlencode()},
        )
    purpose = form.cleaned_data["muc_dich"]
    fmt = form.cleaned_data["dinh_dang"]
    now = timezone.localtime()
    exporter = _exporter(request.user)
    watermark = watermark_text(exporter=exporter, at=now, purpose=purpose)
    if queue is not None and queue():
        return _queue(
            request,
            what=what,
            fmt=fmt,
            purpose=purpose,
            exporter=exporter,
            watermark=watermark,
            org_id=org_id,
            filters=filters,
            at=now,
        )
    sheet: Sheet = build()
    counter = _Counter(sheet.rows)
    sheet = Sheet(sheet.title, sheet.columns, counter)
    if fmt == "csv":
        body, ctype, ext = write_csv(sheet, watermark=watermark), CSV_TYPE, "csv"
    else:
        body, ctype, ext = write_xlsx(sheet, watermark=watermark, exporter=exporter), XLSX_TYPE, "xlsx"
    with transaction.atomic():
        audit_export(
            actor=request.user,
            what=what,
            purpose=purpose,
            org_id=org_id,
            rows=counter.n,
            filters={**filters, "format": fmt},
        )
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{file_name(sheet.title, now, ext)}"'
    return response


@login_required
def member_list_export(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view"):
        raise Http404(NOT_FOUND)
    filterset = MemberFilterSet.from_request(request, org_outside_scope_is_404=True)
    at, filters = filterset.at, filterset.criteria
    described = {k: v for k, v in filters.__dict__.items() if v} | {"at": at.isoformat()}
    return _respond(
        request,
        what="members.list",
        title="Xuất danh sách đảng viên",
        build=lambda: member_sheet(actor=request.user, at=at, filters=filters),
        org_id=filters.org_id,
        filters=described,
        queue=lambda: member_count(actor=request.user, at=at, filters=filters) > sync_max_rows(),
    )


@login_required
def list_export(request: HttpRequest, slug: str) -> HttpResponse:
    """A list a feature app registered in core.list_exports (the cadre list, …): its screen's
    filters and scope, then the same purpose form, watermark and audit as the member list."""
    export = list_exports.lookup(slug)
    if export is None or not can(request.user, "view"):
        raise Http404(NOT_FOUND)
    prepared = export.prepare(request)  # 404 outside the scope, as the screen
    return _respond(
        request,
        what=export.what,
        title=export.title,
        build=prepared.build,
        org_id=prepared.org_id,
        filters=prepared.filters,
    )


@login_required
def indicator_export(request: HttpRequest) -> HttpResponse:
    ctx, params = _context_from(request)  # 404 outside the scope, as the overview page
    return _respond(
        request,
        what="reports.indicators",
        title="Xuất bảng chỉ số",
        build=lambda: indicator_sheet(ctx),
        org_id=ctx.org_id,
        filters=params,
    )


def _queue(
    request: HttpRequest,
    *,
    what: str,
    fmt: str,
    purpose: str,
    exporter: str,
    watermark: str,
    org_id: int | None,
    filters: dict,
    at,
) -> HttpResponse:
    """Record the job and audit the request in one transaction, enqueue the task, go to its page."""
    title = MEMBER_TITLE.format(at=date.fromisoformat(filters["at"]))
    with transaction.atomic():
        job = ExportJob.objects.create(
            requester=request.user,
            kind=what,
            fmt=fmt,
            filters=filters,
            org_id=org_id,
            purpose=purpose,
            exporter=exporter,
            watermark=watermark,
            title=title,
            file_name=file_name(title, at, fmt),
        )
        audit_export(
            actor=request.user,
            what=what,
            purpose=purpose,
            org_id=org_id,
            obj=job,
            filters={**filters, "format": fmt, "job": job.pk},
        )
        job_enqueue(job)
    return redirect("exports:job_detail", pk=job.pk)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = export_job_get_or_404(actor=request.user, pk=pk)
    template = "exports/_job_status.html" if request.htmx else "exports/job_detail.html"
    return render(request, template, {"job": job, "file_kept": bool(job.file_path) and Path(job.file_path).is_file()})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file of a finished job, to its requester only (404 otherwise, or once the file is pruned);
    every download is audited (action export.<kind>.download)."""
    job = export_job_get_or_404(actor=request.user, pk=pk)
    path = Path(job.file_path) if job.file_path else None
    if job.status != ExportJob.State.DONE or path is None or not path.is_file():
        raise Http404(NOT_FOUND)
    with transaction.atomic():
        audit_export(
            actor=request.user,
            what=f"{job.kind}.download",
            purpose=job.purpose,
            org_id=job.org_id,
            obj=job,
            rows=job.processed_rows,
            filters={**job.filters, "format": job.fmt, "job": job.pk},
        )
    ctype = CSV_TYPE if job.fmt == ExportJob.Format.CSV else XLSX_TYPE
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name, content_type=ctype)
