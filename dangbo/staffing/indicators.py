"""Staffing indicators in the reports catalog (reports.indicators.CATALOG), registered when this
app loads, so they appear in the indicator overview, the dashboard's catalog and the periodic
reports (a report's figures are the whole catalog as of its cut-off). They count the agencies
managed by the organizations of the context's area (Agency.managing_org), on the agency tree of
the context's date: quota received by the area's top agencies, headcount and vacancies
(R-110), reduction against the 2021 baseline per category (R-111), and agencies with an
approved job-position catalogue. One read of the area's agencies (nothing more when the area
has none), then one staffing Snapshot (six queries) and one catalogue query, cached on the
context."""

from __future__ import annotations

from dataclasses import dataclass, field

from dangbo.core.numbers import vn_decimal, vn_int
from dangbo.core.rules import param
from dangbo.reports.indicators import CATALOG, IndicatorContext, Result, indicator
from dangbo.staffing.models import Agency, ProjectUnit
from dangbo.staffing.selectors import (
    CategoryFigures,
    Snapshot,
    catalogue_figures,
    progress_by_model,
    restructured_summary,
)

_KEY = "_staffing_figures"
SECTION = "Tổ chức bộ máy, biên chế"  # the staffing heading of the periodic reports


@dataclass
class AreaStaffing:
    agencies: int = 0
    rows: dict[str, CategoryFigures] = field(default_factory=dict)
    approved: int = 0


def area_figures(ctx: IndicatorContext) -> AreaStaffing | None:
    """Staffing of the area's agencies valid on `ctx.at` (None: the organization does not exist)."""
    if ctx.area is None:
        return None
    if _KEY in ctx.__dict__:
        return ctx.__dict__[_KEY]
    out = AreaStaffing()
    ids = list(Agency.objects.filter(managing_org_id__in=ctx.area.org_ids()).values_list("pk", flat=True))
    if ids:
        snap = Snapshot(ctx.at)
        valid = [a for a in ids if snap.valid(a)]
        inside = set(valid)
        tops = [a for a in valid if (snap._version(a, ctx.at) or (None, None, None))[2] not in inside]
        out.agencies = len(valid)
        for cat in snap.used_categories():
            row = CategoryFigures(category=cat)
            for a in tops:
                q = snap.subtree_quota(a, cat.pk)
                if q is not None:
                    row.quota += q
                    row.has_quota = True
            for a in valid:
                h = snap.headcount_on(a, cat.pk)
                if h is not None:
                    row.headcount += h
                    row.has_headcount = True
                b = snap.baseline_on(a, cat.pk)
                if b is not None:
                    row.baseline += b[0]
                    row.carried += b[1]
                    row.has_baseline = True
            if cat.target_param:
                row.target_pct = param(cat.target_param, ctx.at)
            out.rows[cat.code] = row
        out.approved = catalogue_figures(agency_ids=valid, at=ctx.at).approved
    ctx.__dict__[_KEY] = out
    return out


def _missing(code: str) -> Result:
    return Result(CATALOG[code], None, "Tổ chức không tồn tại vào ngày này")


@indicator(
    "bc_cbcc_giao_thuc_co",
    "Biên chế cán bộ, công chức: được giao, thực có, chưa sử dụng",
    "biên chế",
    "stock",
    "Biên chế cán bộ, công chức được giao cho các cơ quan cao nhất do tổ chức đảng trong phạm vi "
    "quản lý (theo quyết định có hiệu lực vào ngày); số người thực có (số liệu gần nhất của từng cơ quan); "
    "chưa sử dụng = được giao − thực có",
    rule="R-110",
    drill=False,
    section=SECTION,
)
def bc_cbcc_giao_thuc_co(ctx: IndicatorContext) -> Result:
    f = area_figures(ctx)
    if f is None:
        return _missing("bc_cbcc_giao_thuc_co")
    row = f.rows.get("cb_cc")
    if row is None or not (row.has_quota or row.has_headcount):
        return Result(CATALOG["bc_cbcc_giao_thuc_co"], None, "Chưa có số liệu biên chế")
    if not row.has_quota:
        return Result(
            CATALOG["bc_cbcc_giao_thuc_co"],
            None,
            f"Chưa giao biên chế năm {ctx.at.year}; {vn_int(row.headcount)} thực có",
        )
    return Result(
        CATALOG["bc_cbcc_giao_thuc_co"],
        row.quota,
        f"{vn_int(row.quota)} được giao, {vn_int(row.headcount)} thực có, {vn_int(row.vacancies)} chưa sử dụng",
        denominator=row.headcount,
    )


def _reduction(code: str, category: str, ctx: IndicatorContext) -> Result:
    f = area_figures(ctx)
    if f is None:
        return _missing(code)
    row = f.rows.get(category)
    if row is None or not row.has_baseline or not row.has_quota:
        return Result(CATALOG[code], None, "Chưa có biên chế năm gốc hoặc biên chế được giao")
    pct = row.reduction_pct
    text = f"{vn_int(row.reduction)}/{vn_int(row.baseline)} ({vn_decimal(pct, 2)}%)"
    if row.required is not None:
        text += (
            f"; phải giảm {vn_int(row.required)} đến năm {param('staffing_target_year', ctx.at)}, "
            f"còn thiếu {vn_int(row.shortfall)}"
        )
    return Result(CATALOG[code], row.reduction, text, denominator=row.baseline, percent=f"{vn_decimal(pct, 2)}%")


@indicator(
    "bc_tinh_gian_cbcc",
    "Tinh giản biên chế cán bộ, công chức so với năm 2021",
    "biên chế",
    "ratio",
    "(Biên chế năm gốc 2021 − biên chế được giao vào ngày) / biên chế năm gốc; chỉ tiêu ít nhất 5% đến năm "
    "2026, cộng số còn thiếu (trừ số vượt) giai đoạn 2016–2021",
    rule="R-111",
    drill=False,
    section=SECTION,
)
def bc_tinh_gian_cbcc(ctx: IndicatorContext) -> Result:
    return _reduction("bc_tinh_gian_cbcc", "cb_cc", ctx)


@indicator(
    "bc_tinh_gian_vc",
    "Tinh giản số người làm việc hưởng lương ngân sách so với năm 2021",
    "người",
    "ratio",
    "(Số năm gốc 2021 − số được giao vào ngày) / số năm gốc; chỉ tiêu ít nhất 10% đến năm 2026",
    rule="R-111",
    drill=False,
    section=SECTION,
)
def bc_tinh_gian_vc(ctx: IndicatorContext) -> Result:
    return _reduction("bc_tinh_gian_vc", "vc_nsnn", ctx)


@indicator(
    "vtvl_phe_duyet",
    "Cơ quan, đơn vị có danh mục vị trí việc làm được phê duyệt",
    "cơ quan",
    "ratio",
    "Số cơ quan có danh mục vị trí việc làm mới nhất đã được phê duyệt vào ngày / số cơ quan, đơn vị do tổ "
    "chức đảng trong phạm vi quản lý",
    drill=False,
    section=SECTION,
)
def vtvl_phe_duyet(ctx: IndicatorContext) -> Result:
    f = area_figures(ctx)
    if f is None:
        return _missing("vtvl_phe_duyet")
    if not f.agencies:
        return Result(CATALOG["vtvl_phe_duyet"], None, "Không có cơ quan, đơn vị")
    return Result(
        CATALOG["vtvl_phe_duyet"],
        f.approved,
        f"{vn_int(f.approved)}/{vn_int(f.agencies)} cơ quan",
        denominator=f.agencies,
    )


@indicator(
    "bc_sap_xep",
    "Đơn vị đã sắp xếp, tổ chức lại theo đề án",
    "đơn vị",
    "ratio",
    "Số đơn vị thuộc phạm vi các đề án sắp xếp của tổ chức đảng trong phạm vi đã hoàn thành sắp xếp vào ngày "
    "/ số đơn vị thuộc phạm vi đề án, theo từng mô hình (ví dụ «7/8 Cơ quan Thanh tra - Kiểm tra»)",
    drill=False,
    section=SECTION,
)
def bc_sap_xep(ctx: IndicatorContext) -> Result:
    if ctx.area is None:
        return _missing("bc_sap_xep")
    progress = progress_by_model(ProjectUnit.objects.filter(project__org_id__in=ctx.area.org_ids()), ctx.at)
    if not progress:
        return Result(CATALOG["bc_sap_xep"], None, "Không có đề án sắp xếp")
    done, total = sum(p.done for p in progress), sum(p.total for p in progress)
    return Result(CATALOG["bc_sap_xep"], done, restructured_summary(progress), denominator=total)
