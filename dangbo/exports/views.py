"""Exports of exactly what a screen shows: the member list (its filters) and the indicator
overview. GET shows the purpose form; POST (with the same query string) returns the file.

Scope: the same selectors as the screens, and an organization outside the scope is 404. A
purpose is required; every export is logged with audit.services.audit_export (R-165) and carries
a watermark (exporter, time, purpose) on its first line and in the file properties."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangbo.access.policy import can, get_org_or_404
from dangbo.audit.services import audit_export
from dangbo.core.forms import as_of_date
from dangbo.core.text import person_name
from dangbo.exports.forms import ExportForm
from dangbo.exports.selectors import indicator_sheet, member_sheet
from dangbo.exports.writers import CSV_TYPE, XLSX_TYPE, Sheet, file_name, watermark_text, write_csv, write_xlsx
from dangbo.members.forms import MemberFilterForm
from dangbo.members.selectors import MemberFilters
from dangbo.reports.views import _context_from


def _exporter(user) -> str:
    full = person_name(user)
    return f"{full} ({user.get_username()})" if full else user.get_username()


def _respond(request: HttpRequest, *, what: str, title: str, build, org_id: int | None,
             filters: dict) -> HttpResponse:
    form = ExportForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "exports/export_form.html", {"form": form, "title": title,
                                                           "query": request.GET.urlencode()})
    purpose = form.cleaned_data["muc_dich"]
    fmt = form.cleaned_data["dinh_dang"]
    now = timezone.localtime()
    exporter = _exporter(request.user)
    watermark = watermark_text(exporter=exporter, at=now, purpose=purpose)
    sheet: Sheet = build()
    rows = list(sheet.rows)
    sheet = Sheet(sheet.title, sheet.columns, rows)
    with transaction.atomic():
        audit_export(actor=request.user, what=what, purpose=purpose, org_id=org_id, rows=len(rows),
                     filters={**filters, "format": fmt})
    if fmt == "csv":
        body, ctype, ext = write_csv(sheet, watermark=watermark), CSV_TYPE, "csv"
    else:
        body, ctype, ext = write_xlsx(sheet, watermark=watermark, exporter=exporter), XLSX_TYPE, "xlsx"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{file_name(sheet.title, now, ext)}"'
    return response


@login_required
def member_list_export(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view"):
        raise Http404("Không tìm thấy")
    at = as_of_date(request)
    raw_org = request.GET.get("org") or ""
    if raw_org.isdigit():
        get_org_or_404(request.user, int(raw_org))
    data = request.GET.copy()
    data.setdefault("ngay", at.strftime("%d/%m/%Y"))
    filter_form = MemberFilterForm(data, actor=request.user, at=at)
    filters = filter_form.filters() if filter_form.is_valid() else MemberFilters()
    described = {k: v for k, v in filters.__dict__.items() if v} | {"at": at.isoformat()}
    return _respond(request, what="members.list", title="Xuất danh sách đảng viên",
                    build=lambda: member_sheet(actor=request.user, at=at, filters=filters),
                    org_id=filters.org_id, filters=described)


@login_required
def indicator_export(request: HttpRequest) -> HttpResponse:
    ctx, params = _context_from(request)  # 404 outside the scope, as the overview page
    return _respond(request, what="reports.indicators", title="Xuất bảng chỉ số",
                    build=lambda: indicator_sheet(ctx), org_id=ctx.org_id, filters=params)
