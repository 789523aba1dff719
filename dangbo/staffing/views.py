"""Pages of apparatus and staffing (/bien-che/): the agency tree as of a date with its figures,
an agency's roadmap table, the quota allocation form with the remaining balance, headcount entry.
Thin: access policy → selector or service → render; an agency outside the scope is 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dangbo.access import policy
from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error, as_of_date
from dangbo.core.rules import param
from dangbo.staffing import selectors as sel
from dangbo.staffing import services
from dangbo.staffing.forms import AllocationForm, ExportForm, HeadcountForm, HeadcountImportForm
from dangbo.staffing.models import Agency, Headcount, StaffingCategory


@login_required
def agency_tree(request: HttpRequest) -> HttpResponse:
    at = as_of_date(request)
    rows = sel.agency_tree(actor=request.user, at=at)
    cb = StaffingCategory.objects.filter(code="cb_cc").first()
    snap = sel.Snapshot(at) if rows and cb else None
    for r in rows:
        r.indent = range(r.depth)
        r.quota, r.headcount = snap.own_row(r.version.agency_id, cb) if snap else (None, None)
    chart = {"names": [], "quota": [], "headcount": []}
    for r in rows:
        if r.depth <= 1 and (r.quota is not None or r.headcount is not None):
            chart["names"].append(r.version.name)
            chart["quota"].append(r.quota or 0)
            chart["headcount"].append(r.headcount or 0)
    return render(
        request,
        "staffing/agency_tree.html",
        {
            "at": at,
            "rows": rows,
            "category": cb,
            "restructured": sel.restructured_by_model(actor=request.user, at=at),
            "projects": sel.project_figures(actor=request.user, at=at),
            "can_record": policy.can(request.user, "record"),
            "chart": chart if chart["names"] else None,
        },
    )


def _roadmap(actor, agency_id: int, at: date) -> list[dict]:
    """Year by year from the baseline year to the target year (31/12, or `at` for its year)."""
    start, end = param("staffing_baseline_year", at), param("staffing_target_year", at)
    out = []
    for year in range(start + 1, end + 1):
        on = min(date(year, 12, 31), at) if year <= at.year else date(year, 12, 31)
        if year > at.year:
            out.append({"year": year, "future": True})
            continue
        f = sel.figures(actor=actor, agency_id=agency_id, at=on)
        out.append({"year": year, "on": on, "rows": f.rows})
    return out


def _roadmap_chart(figs, roadmap: list[dict]) -> dict | None:
    """The roadmap of the first category with a reduction target (cán bộ, công chức first), for
    the chart above its table: the baseline, the quota and headcount at the end of each year, and
    the straight line from the baseline to the target quota of the target year. The same figures
    are in the table."""
    row = next((r for r in figs.rows if r.target_pct is not None and r.has_baseline), None)
    if row is None:
        return None
    years, quota, headcount = [figs.baseline_year], [row.baseline], [None]
    for y in roadmap:
        years.append(y["year"])
        r = None if y.get("future") else next((x for x in y["rows"] if x.category.pk == row.category.pk), None)
        quota.append(r.quota if r is not None and r.has_quota else None)
        headcount.append(r.headcount if r is not None and r.has_headcount else None)
    span = figs.target_year - figs.baseline_year
    target = [
        round(row.baseline - (row.baseline - row.target_quota) * (y - figs.baseline_year) / span, 1) for y in years
    ]
    return {
        "category": row.category.name,
        "years": [str(y) for y in years],
        "quota": quota,
        "headcount": headcount,
        "target": target,
        "target_label": f"Lộ trình giảm ≥ {row.target_pct}% so với năm {figs.baseline_year}",
    }


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = policy.get_in_scope_or_404(Agency, request.user, pk)
    at = as_of_date(request)
    figs = sel.figures(actor=request.user, agency_id=agency.pk, at=at)
    roadmap = _roadmap(request.user, agency.pk, at)
    return render(
        request,
        "staffing/agency_detail.html",
        {
            "agency": agency,
            "at": at,
            "figs": figs,
            "roadmap": roadmap,
            "roadmap_chart": _roadmap_chart(figs, roadmap),
            "versions": agency.versions.select_related("parent").order_by("valid_from"),
            "allocations": sel.allocations(actor=request.user, agency_id=agency.pk)[:50],
            "headcounts": policy.for_user(Headcount, request.user)
            .filter(agency=agency)
            .select_related("category")
            .order_by("-on", "-id")[:20],
            "can_record": policy.can(request.user, "record", agency.managing_org_id),
        },
    )


@login_required
def allocation_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền giao biên chế.")
    today = policy.today()
    initial = {"year": today.year}
    raw = request.GET.get("co_quan") or ""
    if raw.isdigit():
        initial["receiving"] = int(raw)
    form = AllocationForm(request.POST or None, actor=request.user, initial=initial)
    for a in form.fields["receiving"].queryset:
        v = sel.version_on(a.pk, today)
        a.shown_name = v.name if v else f"{a} (không còn hiệu lực)"
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.quota_allocate(
                actor=request.user,
                data=services.AllocationInput(
                    year=d["year"],
                    receiving_id=d["receiving"].pk,
                    category_id=d["category"].pk,
                    number=d["number"],
                    decision_number=d["decision_number"],
                    decision_date=d["decision_date"],
                    effective_from=d.get("effective_from"),
                    allocating_label=d.get("allocating_label") or "",
                ),
            )
        except DomainError as error:
            error.field = {"receiving_id": "receiving", "category_id": "category", "allocating_id": "receiving"}.get(
                error.field, error.field
            )
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã giao {d['number']} biên chế «{d['category'].name}» năm {d['year']}.")
            return redirect("staffing:agency_detail", pk=d["receiving"].pk)
    # The remaining balance of the competent body (the receiving agency's parent) on the date.
    receiving_id = (form.data.get("receiving") if form.is_bound else initial.get("receiving")) or ""
    balances, parent_name = [], ""
    year = initial["year"]
    if form.is_bound and str(form.data.get("year") or "").isdigit():
        year = int(form.data["year"])
    on = today if today.year == year else date(year, 12, 31) if year < today.year else date(year, 1, 1)
    if str(receiving_id).isdigit() and form.fields["receiving"].queryset.filter(pk=int(receiving_id)).exists():
        parent_id = sel.parent_on(int(receiving_id), on)
        if parent_id is not None and policy.for_user(Agency, request.user).filter(pk=parent_id).exists():
            parent_name = sel.version_on(parent_id, on).name
            for cat in StaffingCategory.objects.all():
                b = sel.balance(parent_id, cat.pk, year, on)
                if b.received is not None:
                    balances.append({"category": cat, "balance": b})
    return render(
        request,
        "staffing/allocation_form.html",
        {"form": form, "balances": balances, "parent_name": parent_name, "balance_on": on, "year": year},
    )


@login_required
def headcount_create(request: HttpRequest, pk: int) -> HttpResponse:
    agency = policy.get_in_scope_or_404(Agency, request.user, pk)
    if not policy.can(request.user, "record", agency.managing_org_id):
        raise PermissionDenied("Bạn không có quyền ghi số người thực có.")
    form = HeadcountForm(request.POST or None, initial={"on": policy.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.headcount_record(
                actor=request.user,
                agency=agency,
                category=d["category"],
                on=d["on"],
                count=d["count"],
                source=d["source"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Đã ghi số người thực có.")
            return redirect("staffing:agency_detail", pk=agency.pk)
    return render(request, "staffing/headcount_form.html", {"form": form, "agency": agency})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def figures_export(request: HttpRequest) -> HttpResponse:
    """XLSX of quotas, headcount and vacancies per agency × category as of a date: the agencies the
    access policy shows the user that day; a purpose is required, the export is audited and
    watermarked."""
    from dangbo.audit.services import audit_export
    from dangbo.core.text import person_name
    from dangbo.staffing.exports import figure_rows, figures_xlsx

    at = as_of_date(request)
    form = ExportForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "staffing/export_form.html", {"form": form, "at": at})
    purpose = form.cleaned_data["purpose"]
    rows = figure_rows(sel.agency_tree(actor=request.user, at=at), at)
    now = timezone.localtime()
    who = person_name(request.user) or request.user.get_username()
    watermark = f"Xuất bởi {who} lúc {now:%H:%M %d/%m/%Y}; mục đích: {purpose}"
    body = figures_xlsx(rows=rows, at=at, watermark=watermark)
    audit_export(
        actor=request.user, what="staffing.figures", purpose=purpose, rows=len(rows), filters={"at": at.isoformat()}
    )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bien-che-{at:%Y-%m-%d}.xlsx"'
    return response


@login_required
def headcount_import(request: HttpRequest) -> HttpResponse:
    """Headcount from an XLSX file: a dry run first (each row planned or refused with its row
    number), then the import proper with the box ticked; nothing is written if a row is refused."""
    import tempfile

    from dangbo.staffing import importer

    if not policy.can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi số người thực có.")
    if request.GET.get("mau") == "1":
        from dangbo.core.spreadsheet import workbook_bytes

        response = HttpResponse(workbook_bytes(importer.template_xlsx()), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-so-nguoi-thuc-co.xlsx"'
        return response
    form = HeadcountImportForm(request.POST or None, request.FILES or None, initial={"on": policy.today()})
    report = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            for chunk in d["file"].chunks():
                tmp.write(chunk)
            tmp.flush()
            run = importer.headcount_import_apply if d["apply"] else importer.headcount_import_dry_run
            report = run(tmp.name, actor=request.user, on=d["on"], source=d["source"])
        if report.applied:
            messages.success(request, f"Đã ghi {len(report.planned)} dòng số người thực có.")
            return redirect("staffing:agency_tree")
    return render(request, "staffing/headcount_import.html", {"form": form, "report": report})
