"""Report pages: the indicator overview of an organization subtree as of a date (and over a
period), and the members behind any number. Scope: access/scope.py (outside = 404)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dangbo.access import policy
from dangbo.access.policy import can, get_member_or_404, get_org_or_404, scope_members, today
from dangbo.audit.services import audit_export
from dangbo.core.errors import DomainError
from dangbo.core.forms import OrgPicker, VNDateField, as_of_date
from dangbo.members.selectors import AGE_BANDS
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.selectors import org_picker_labels_on, org_roots_on
from dangbo.reports import exports, services
from dangbo.reports import selectors as sel
from dangbo.reports.figures import (
    consolidate,
    difference,
    figures_fast,
    figures_of,
    report_rows,
    result_json,
    results_of,
)
from dangbo.reports.indicators import (
    CATALOG,
    DIMENSIONS,
    IndicatorContext,
    _age_band,
    admission_summary,
    members_behind,
    yearly_trend,
)
from dangbo.reports.letterhead import IssuerKind, Letterhead, default_kind, letterhead
from dangbo.reports.models import (
    AdmissionQuota,
    HandbookAccount,
    PeriodKind,
    ReportPeriod,
    ReportSubmission,
    ReportTemplate,
)

MEMBERS_PER_PAGE = 100


def _optional_date(request: HttpRequest, name: str) -> date | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        return VNDateField(required=False).clean(raw)
    except forms.ValidationError:
        return None


def _context_from(request: HttpRequest) -> tuple[IndicatorContext, dict[str, str]]:
    at = as_of_date(request)
    raw_org = request.GET.get("org") or ""
    if raw_org.isdigit():
        org_id = int(raw_org)
    else:
        root = org_roots_on(actor=request.user, at=at).values_list("org_id", flat=True).first()
        if root is None:
            raise Http404(policy.NOT_FOUND)
        org_id = root
    get_org_or_404(request.user, org_id)
    ctx = IndicatorContext(
        org_id=org_id, at=at, start=_optional_date(request, "tu"), end=_optional_date(request, "den")
    )
    params = {
        "org": str(org_id),
        "ngay": f"{ctx.at:%d/%m/%Y}",
        "tu": f"{ctx.start:%d/%m/%Y}",
        "den": f"{ctx.end:%d/%m/%Y}",
    }
    return ctx, params


@login_required
def indicator_overview(request: HttpRequest) -> HttpResponse:
    ctx, params = _context_from(request)
    base = urlencode(params)
    figures = figures_fast(ctx)  # computed once per (organization, dates, registry stamp)
    rows = []
    for result in results_of(figures):
        ind = result.indicator
        link = f"?{base}&{urlencode({'chi_so': ind.code})}" if ind.drill and result.value else ""
        (printed,) = report_rows({ind.code: result_json(result)})  # the lines the exports print too
        parts = [
            {
                "dim": line.dim,
                "line": line,
                "cells": [
                    {
                        "label": label,
                        "value": value,
                        "link": f"?{base}&{urlencode({'chi_so': ind.code, 'chieu': line.dim, 'khoa': key})}"
                        if ind.drill
                        else "",
                    }
                    for key, label, value in line.cells
                ],
            }
            for line in printed.lines
        ]
        rows.append({"result": result, "link": link, "parts": parts})
    context = {
        "ctx": ctx,
        "area": ctx.area,
        "params": params,
        "rows": rows,
        "stock": [r for r in rows if r["result"].indicator.kind == "stock"],
        "flow": [r for r in rows if r["result"].indicator.kind == "flow"],
        "ratio": [r for r in rows if r["result"].indicator.kind == "ratio"],
        "admission_summary": admission_summary(ctx, figures),
        "org_picker": _org_picker(ctx.org_id, ctx.at),
    }
    return render(request, "reports/indicator_overview.html", context)


@login_required
def indicator_members(request: HttpRequest) -> HttpResponse:
    ctx, params = _context_from(request)
    code = request.GET.get("chi_so", "")
    if code not in CATALOG or not CATALOG[code].drill:
        raise Http404(policy.NOT_FOUND)
    dim, key = request.GET.get("chieu", ""), request.GET.get("khoa", "")
    qs = scope_members(members_behind(code, ctx, dim, key), request.user).order_by("name_folded", "id")
    page = Paginator(qs, MEMBERS_PER_PAGE).get_page(request.GET.get("trang"))
    context = {
        "ctx": ctx,
        "area": ctx.area,
        "indicator": CATALOG[code],
        "dim_label": DIMENSIONS.get(dim, ""),
        "key": key,
        "page": page,
        "back": "?" + urlencode(params),
        "total": qs.count(),
    }
    return render(request, "reports/indicator_members.html", context)


# --- dashboard, periodic reports, exports, quotas ----------------------------------------------

TREND_YEARS = 6


def _org_id_from(request: HttpRequest, at: date, source=None) -> int:
    source = source if source is not None else request.GET
    raw = source.get("org") or ""
    if raw.isdigit():
        org_id = int(raw)
    else:
        root = org_roots_on(actor=request.user, at=at).values_list("org_id", flat=True).first()
        if root is None:
            raise Http404(policy.NOT_FOUND)
        org_id = root
    get_org_or_404(request.user, org_id)
    return org_id


def _org_picker(org_id: int, at: date) -> str:
    """The organization chooser of a report page: the one scoped picker (core.forms.OrgPicker,
    htmx search of the user's scope, each option with its parent), not a select of the tree."""
    widget = OrgPicker(action="view", placeholder="Gõ tên tổ chức để chọn…")
    widget.labels = org_picker_labels_on(org_ids=[org_id], at=at)
    return widget.render("org", org_id, attrs={"id": "id_org", "class": "form-control form-control-sm"})


def _cells(figures: dict, code: str, dim: str) -> list[list]:
    return [c for c in (figures.get(code) or {}).get("breakdowns", {}).get(dim, []) if c[2]]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """A leader's dashboard for a subtree as of a date: headcount trend, admissions vs quota,
    age pyramid, composition, subordinate organizations, late reports. Every chart has a table."""
    at = as_of_date(request)
    org_id = _org_id_from(request, at)
    ctx = IndicatorContext(org_id=org_id, at=at)
    figures = figures_fast(ctx)

    def summaries() -> dict:
        pyramid: dict[str, dict[str, int]] = {}
        if ctx.area:
            for r in ctx.pyramid:
                band = _age_band(r["birth_year"], at)
                pyramid.setdefault(band, {"M": 0, "F": 0})[r["sex"]] = pyramid.get(band, {}).get(r["sex"], 0) + r["n"]
        return {
            "trend": yearly_trend(org_id, at, TREND_YEARS),
            "pyramid": pyramid,
            "children": sel.headcount_by_child_on(org_id=org_id, at=at),
        }

    # Set-based queries (one pass each); reused while the registry stamp is unchanged.
    data = sel.cached(f"dashboard:{org_id}:{at.isoformat()}", summaries)
    trend, pyramid, children = data["trend"], data["pyramid"], data["children"]
    pyramid_rows = [
        {
            "key": k,
            "label": AGE_BANDS[k][2],
            "male": pyramid.get(k, {}).get("M", 0),
            "female": pyramid.get(k, {}).get("F", 0),
        }
        for k in AGE_BANDS
    ]
    period = ReportPeriod.objects.filter(due_on__lt=at).order_by("-due_on").first()
    late = [r for r in sel.subordinate_reports(org_id=org_id, period=period, today=today()) if r.late] if period else []
    params = {"org": str(org_id), "ngay": f"{at:%d/%m/%Y}"}
    base = urlencode(params)
    composition = {
        dim: _cells(figures, "dv_tong", dim)
        for dim in ("gioi_tinh", "kinh_thieu_so", "ton_giao", "ly_luan", "pho_thong")
    }
    chart_data = {
        "trend": trend,
        "pyramid": pyramid_rows,
        "composition": {
            dim: {"label": DIMENSIONS[dim], "cells": [{"name": c[1], "value": c[2]} for c in cells]}
            for dim, cells in composition.items()
        },
        "children": [{"name": c["name"], "total": c["total"]} for c in children],
    }
    context = {
        "ctx": ctx,
        "area": ctx.area,
        "params": params,
        "base": base,
        "figures": figures,
        "total": (figures.get("dv_tong") or {}).get("value"),
        "trend": trend,
        "pyramid": pyramid_rows,
        "composition": [(DIMENSIONS[d], d, cells) for d, cells in composition.items()],
        "children": children,
        "late": late,
        "late_period": period,
        "chart_data": chart_data,
        "admission_summary": admission_summary(ctx, figures),
        "handbook": figures.get("so_tay_dien_tu") or {},
        # cell life (meetings app, registered in the catalog when installed): attendance and R-012
        "attendance": figures.get("sh_ty_le_du") or {},
        "meetings_held": figures.get("sh_thuong_ky") or {},
        "study": figures.get("hoc_tap_nghi_quyet") or {},  # resolution-study campaigns (notifications)
        "org_picker": _org_picker(org_id, at),
    }
    return render(request, "reports/dashboard.html", context)


FIRST_YEAR = 1930  # the Party's founding year: no report or quota before it


def _year_from(request: HttpRequest, source) -> int:
    """The year asked for (`nam`), this year when absent; a year that is not a number or outside
    1930 … next five years is refused with a message (and this year shown)."""
    raw = (source.get("nam") or "").strip()
    if not raw:
        return today().year
    last = today().year + 5
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= last:
        return int(raw)
    messages.error(
        request,
        f"Năm «{raw[:12]}» không hợp lệ: chỉ nhận năm từ {FIRST_YEAR} đến {last}; đang hiển thị năm {today().year}.",
    )
    return today().year


def _period_from(source) -> ReportPeriod:
    kind = source.get("loai") or PeriodKind.YEAR
    if kind not in PeriodKind.values:
        raise Http404(policy.NOT_FOUND)
    try:
        year = int(source.get("nam") or today().year)
        number = int(source.get("so") or 1)
        return services.report_period_get_or_create(kind=kind, year=year, number=number)
    except (ValueError, DomainError) as exc:
        raise Http404(policy.NOT_FOUND) from exc


def _period_params(org_id: int, period: ReportPeriod) -> dict[str, str]:
    return {"org": str(org_id), "loai": period.kind, "nam": str(period.year), "so": str(period.number)}


@login_required
def periodic_report(request: HttpRequest) -> HttpResponse:
    """The report of an organization for a period: prepare (draft), submit (frozen), frozen vs
    live difference, and the subordinates' reports (submitted, late, consolidated)."""
    source = request.POST if request.method == "POST" else request.GET
    period = _period_from(source)
    org_id = _org_id_from(request, period.cutoff, source)

    org = Organization.objects.get(pk=org_id)
    params = _period_params(org_id, period)
    sub = ReportSubmission.objects.filter(org_id=org_id, period=period).first()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "submit" and sub is not None:
                services.report_submit(
                    actor=request.user, submission=sub, before_cutoff=request.POST.get("before_cutoff") == "on"
                )
                messages.success(request, "Đã gửi báo cáo lên cấp trên; số liệu đã được chốt.")
            else:
                sections = {k: request.POST.get(k, "") for k in services.SECTION_KEYS}
                services.report_prepare(
                    actor=request.user,
                    org=org,
                    period=period,
                    sections=sections,
                    number=request.POST.get("number", ""),
                    place=request.POST.get("place", ""),
                    recipients=request.POST.get("recipients", ""),
                    issuer_kind=request.POST.get("issuer_kind", ""),
                )
                messages.success(request, "Đã lưu dự thảo báo cáo với số liệu tính đến ngày chốt.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("reports:periodic_report") + "?" + urlencode(params))
    ctx = IndicatorContext(org_id=org_id, at=period.cutoff, start=period.start, end=period.cutoff)
    live = figures_fast(ctx)
    diff = difference(sub.figures, live) if sub and sub.is_submitted else []
    subs = sel.subordinate_reports(org_id=org_id, period=period, today=today())
    submitted = [r.submission.figures for r in subs if r.submission and r.submission.is_submitted]
    consolidated = consolidate(submitted) if submitted else {}
    live_children = {}
    if consolidated:
        live_children = consolidate(
            [
                figures_of(IndicatorContext(org_id=r.org_id, at=period.cutoff, start=period.start, end=period.cutoff))
                for r in subs
                if r.submission and r.submission.is_submitted
            ]
        )
    consolidation = [
        {"code": c, "name": CATALOG[c].name, "frozen": v, "live": live_children.get(c, 0)}
        for c, v in consolidated.items()
        if v or live_children.get(c)
    ]
    years = list(range(today().year, today().year - 6, -1))
    context = {
        "org": org,
        "period": period,
        "params": params,
        "base": urlencode(params),
        "sub": sub,
        "live": live,
        "shown": sub.figures if sub and sub.is_submitted else live,
        "diff": diff,
        "subs": subs,
        "consolidation": consolidation,
        "sections": services.SECTION_KEYS,
        "kinds": PeriodKind.choices,
        "rows": report_rows(sub.figures if sub and sub.is_submitted else live),
        "issuer_kinds": IssuerKind.choices,
        "issuer_kind": (sub.issuer_kind if sub else "") or _default_kind(org_id, period.cutoff),
        "years": years,
        "can_record": can(request.user, "record", org_id),
        "pdf": bool(exports.pdf_converter()),
        "org_name": ctx.area.name if ctx.area else "",
        "submitted_count": sum(1 for r in subs if r.submission and r.submission.is_submitted),
        "before_cutoff": today() < period.cutoff,
        "org_picker": _org_picker(org_id, period.cutoff),
    }
    return render(request, "reports/periodic_report.html", context)


def _default_kind(org_id: int, at: date) -> str:
    org_type = OrgVersion.objects.valid_on(at).filter(org_id=org_id).values_list("org_type", flat=True).first()
    return default_kind(org_type or "")


def _issuer(org_id: int, at: date, kind: str = "") -> Letterhead:
    """The header of the document (Hướng dẫn 36-HD/VPTW, reports.letterhead) issued for the
    organization on `at`: `kind` of issuer, else the usual one for its type."""
    v = OrgVersion.objects.valid_on(at).filter(org_id=org_id).values("name", "org_type", "parent_id").first() or {}
    parent = ""
    if v.get("parent_id"):
        parent = OrgVersion.objects.valid_on(at).filter(org_id=v["parent_id"]).values_list("name", flat=True).first()
    kind = kind if kind in IssuerKind.values else default_kind(v.get("org_type", ""))
    return letterhead(kind, org_name=v.get("name", ""), parent_name=parent or "")


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    """XLSX / DOCX / PDF of a report: the frozen figures of a submitted periodic report when
    `loai` is given, else the live figures as of `ngay`. Audited with its purpose (R-165)."""
    fmt = request.GET.get("dinh_dang", "xlsx")
    if fmt not in ("xlsx", "docx", "pdf"):
        raise Http404(policy.NOT_FOUND)
    sub = None
    if request.GET.get("loai"):
        period = _period_from(request.GET)
        org_id = _org_id_from(request, period.cutoff)
        sub = ReportSubmission.objects.filter(org_id=org_id, period=period).first()
        at, start, end = period.cutoff, period.start, period.cutoff
        title = f"Tình hình tổ chức đảng và đảng viên {period.name[0].lower()}{period.name[1:]}"
    else:
        at = as_of_date(request)
        org_id = _org_id_from(request, at)
        start, end = _optional_date(request, "tu") or date(at.year, 1, 1), _optional_date(request, "den") or at
        title = f"Số liệu tổ chức đảng và đảng viên tính đến ngày {at:%d/%m/%Y}"
    ctx = IndicatorContext(org_id=org_id, at=at, start=start, end=end)
    figures = sub.figures if sub and sub.is_submitted else figures_fast(ctx)
    head = _issuer(org_id, at, (sub.issuer_kind if sub else "") or request.GET.get("ban_hanh", ""))
    doc = exports.ReportDocument(
        superior=head.lines[0],
        issuer=head.lines[1],
        signature=head.signature,
        number=(sub.number if sub else ""),
        place=(sub.place if sub else ""),
        on=(sub.submitted_at.date() if sub and sub.submitted_at else today()),
        title=title,
        org_name=ctx.area.name if ctx.area else head.lines[0],
        at=at,
        start=ctx.start,
        end=ctx.end,
        figures=figures,
        sections=[(label, (sub.sections or {}).get(k, "")) for k, label in services.SECTION_KEYS.items()]
        if sub
        else [],
        recipients=[r for r in (sub.recipients.splitlines() if sub else []) if r.strip()],
    )
    purpose = (request.GET.get("muc_dich") or "Báo cáo số liệu tổ chức đảng, đảng viên").strip()
    if fmt == "xlsx":
        content, mime = exports.report_xlsx(doc), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        template = ReportTemplate.objects.filter(org_id=org_id).values_list("content", flat=True).first()
        content = exports.report_docx(doc, bytes(template) if template else None)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if fmt == "pdf":
            content = exports.docx_to_pdf(content)
            if content is None:
                raise Http404("Máy chủ chưa cài LibreOffice để xuất PDF.")
            mime = "application/pdf"
    audit_export(
        actor=request.user,
        what=f"report_{fmt}",
        purpose=purpose,
        org_id=org_id,
        obj=sub,
        rows=len(figures),
        filters={
            "at": at.isoformat(),
            "start": ctx.start.isoformat(),
            "end": ctx.end.isoformat(),
            "frozen": bool(sub and sub.is_submitted),
        },
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{org_id}-{at:%Y%m%d}.{fmt}"'
    return response


@login_required
@require_POST
def template_upload(request: HttpRequest) -> HttpResponse:
    org_id = _org_id_from(request, today(), request.POST)

    upload = request.FILES.get("file")
    try:
        services.report_template_upload(
            actor=request.user,
            org=Organization.objects.get(pk=org_id),
            content=upload.read() if upload else b"",
            filename=upload.name if upload else "",
        )
        messages.success(request, "Đã cập nhật mẫu báo cáo DOCX.")
    except DomainError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next") or reverse("reports:periodic_report")
    return redirect(back if back.startswith("/") else reverse("reports:periodic_report"))


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    """The DOCX template in use for an organization (to adjust and upload back)."""
    org_id = _org_id_from(request, today())
    content = ReportTemplate.objects.filter(org_id=org_id).values_list("content", flat=True).first()
    response = HttpResponse(
        bytes(content) if content else exports.default_template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-bao-cao.docx"'
    return response


@login_required
def quota_list(request: HttpRequest) -> HttpResponse:
    """Yearly admission quotas of the organizations directly below the chosen one (R-058)."""
    source = request.POST if request.method == "POST" else request.GET
    year = _year_from(request, source)
    at = min(date(year, 12, 31), max(date(year, 1, 1), today()))
    org_id = _org_id_from(request, at, source)

    rows = [{"org_id": org_id, "name": ""}] + [
        {"org_id": oid, "name": name}
        for oid, name in OrgVersion.objects.valid_on(at)
        .filter(parent_id=org_id)
        .order_by("name")
        .values_list("org_id", "name")
    ]
    rows[0]["name"] = OrgVersion.objects.valid_on(at).filter(org_id=org_id).values_list("name", flat=True).first() or ""
    errors: dict[int, str] = {}
    if request.method == "POST":
        saved = 0
        for r in rows:
            raw = (request.POST.get(f"quota_{r['org_id']}") or "").strip()
            if raw == "":
                continue
            try:
                services.admission_quota_set(
                    actor=request.user,
                    org=Organization.objects.get(pk=r["org_id"]),
                    year=year,
                    quota=int(raw) if raw.isdigit() else -1,
                )
                saved += 1
            except DomainError as exc:
                errors[r["org_id"]] = f"{r['name']}: {exc.message}"
        if not errors:
            messages.success(request, f"Đã lưu {saved} chỉ tiêu kết nạp năm {year}.")
            return redirect(reverse("reports:quota_list") + "?" + urlencode({"org": org_id, "nam": year}))
    quotas = dict(
        AdmissionQuota.objects.filter(year=year, org_id__in=[r["org_id"] for r in rows]).values_list("org_id", "quota")
    )
    for r in rows:
        r["quota"] = quotas.get(r["org_id"])
        r["error"] = errors.get(r["org_id"], "")
        r["posted"] = request.POST.get(f"quota_{r['org_id']}", "") if request.method == "POST" else ""
    context = {
        "rows": rows,
        "year": year,
        "org_id": org_id,
        "errors": errors,
        "org_picker": _org_picker(org_id, at),
        "can_record": can(request.user, "record", org_id),
        "years": range(today().year + 1, today().year - 6, -1),
    }
    return render(request, "reports/quota_list.html", context)


# --- e-handbook account of a member (Sổ tay đảng viên điện tử, R-043) ------------------------


def handbook_panel(request: HttpRequest, member) -> dict:
    """The member page's section on the e-handbook account (registered by ReportsConfig.ready)."""
    return {
        "template": "reports/_handbook_panel.html",
        "account": HandbookAccount.objects.filter(member=member).first(),
        "may_record": policy.may_record_member(request.user, member),
        "today": today(),
    }


@login_required
@require_POST
def handbook_account(request: HttpRequest, pk: int) -> HttpResponse:
    """Open or close one member's e-handbook account from the member page (through the service:
    scoped, checked, audited)."""
    member = get_member_or_404(request.user, pk)
    action = request.POST.get("action")
    back = reverse("members:member_detail", args=[member.pk])
    try:
        on = VNDateField(required=False).clean(request.POST.get("on", ""))
    except forms.ValidationError:
        messages.error(request, "«Ngày»: ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")
        return redirect(back)
    try:
        if action == "open":
            services.handbook_account_register(actor=request.user, member=member, on=on)
            messages.success(request, f"Đã ghi tài khoản Sổ tay đảng viên điện tử từ ngày {on:%d/%m/%Y}.")
        elif action == "close":
            services.handbook_account_close(actor=request.user, member=member, on=on)
            messages.success(request, f"Đã khóa tài khoản Sổ tay đảng viên điện tử từ ngày {on:%d/%m/%Y}.")
        else:
            raise Http404(policy.NOT_FOUND)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)
