"""Party-dues indicators in the reports catalog (reports.indicators.CATALOG), registered when this
app loads, so they appear in the indicator overview, the dashboard and the periodic reports (a
report's figures are the whole catalog as of its cut-off). They read the books as closed (issue
#21 item 1): the month closes (`DuesMonthClose`, in force) of the organizations of the context's
area for the months of its period (01/01 .. the "as of" date by default): due from the members
attending each organization, collected, owed (due − collected), remitted to the superior per
level, and the collection rate. One grouped query of the closes per context, cached on it (a
close renews the registry stamp: migration dues 0005). Printed under a heading of their own,
`SECTION`, in the periodic reports and their XLSX/DOCX exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Sum

from dangbo.core.numbers import vn_int, vn_percent
from dangbo.core.reference import label
from dangbo.dues.models import DuesMonthClose
from dangbo.reports.indicators import CATALOG, Cell, IndicatorContext, Result, indicator

_KEY = "_dues_figures"
CLOSED = "theo sổ đã chốt của các tháng trong kỳ"
SECTION = "Đảng phí"  # the dues heading of the periodic reports (page, XLSX, DOCX: reports.figures.report_rows)


@dataclass
class AreaDues:
    due: int = 0
    collected: int = 0
    remitted_up: int = 0  # remitted by the area's root organization (leaves the area)
    remitted_by_type: dict[str, int] = field(default_factory=dict)  # per level (organization type)
    closes: int = 0

    @property
    def owed(self) -> int:
        return max(self.due - self.collected, 0)


def area_dues(ctx: IndicatorContext) -> AreaDues | None:
    """The closes in force of the area's organizations for the months of the period (None: the
    organization does not exist)."""
    if ctx.area is None:
        return None
    if _KEY in ctx.__dict__:
        return ctx.__dict__[_KEY]
    from dangbo.orgs.models import OrgVersion

    out = AreaDues()
    org_type = OrgVersion.objects.valid_on(ctx.at).filter(org_id=OuterRef("org_id")).values("org_type")[:1]
    rows = (
        DuesMonthClose.objects.filter(
            org_id__in=ctx.area.org_ids(),
            reopened=False,
            month__gte=ctx.start.replace(day=1),
            month__lte=ctx.end.replace(day=1),
        )
        .annotate(otype=org_type)
        .values("otype", "org_id")
        .annotate(due=Sum("due"), collected=Sum("collected"), remitted=Sum("remitted"))
        .order_by()
    )
    for r in rows:
        out.due += r["due"] or 0
        out.collected += r["collected"] or 0
        out.closes += 1
        out.remitted_by_type[r["otype"] or ""] = out.remitted_by_type.get(r["otype"] or "", 0) + (r["remitted"] or 0)
        if r["org_id"] == ctx.area.org_id:
            out.remitted_up += r["remitted"] or 0
    ctx.__dict__[_KEY] = out
    return out


def _missing(code: str) -> Result:
    return Result(CATALOG[code], None, "Tổ chức không tồn tại vào ngày này")


@indicator(
    "dp_phai_thu",
    "Đảng phí phải thu",
    "đồng",
    "flow",
    f"Tổng số đảng phí đảng viên phải nộp (R-120) tại các tổ chức đảng trong phạm vi, {CLOSED}",
    drill=False,
    section=SECTION,
    rule="R-120",
)
def dp_phai_thu(ctx: IndicatorContext) -> Result:
    f = area_dues(ctx)
    if f is None:
        return _missing("dp_phai_thu")
    return Result(CATALOG["dp_phai_thu"], f.due, f"{vn_int(f.due)} đ")


@indicator(
    "dp_da_thu",
    "Đảng phí đã thu",
    "đồng",
    "ratio",
    f"Đảng phí các tổ chức đảng trong phạm vi đã thu của đảng viên / phải thu, {CLOSED}",
    drill=False,
    section=SECTION,
)
def dp_da_thu(ctx: IndicatorContext) -> Result:
    f = area_dues(ctx)
    if f is None:
        return _missing("dp_da_thu")
    pct = vn_percent(f.collected, f.due)
    return Result(
        CATALOG["dp_da_thu"],
        f.collected,
        f"{vn_int(f.collected)} đ / {vn_int(f.due)} đ ({pct})",
        denominator=f.due,
        percent=pct,
    )


@indicator(
    "dp_con_no",
    "Đảng phí còn nợ",
    "đồng",
    "flow",
    f"Phải thu − đã thu của các tổ chức đảng trong phạm vi (không âm), {CLOSED}; đảng viên chưa nộp 3 tháng "
    "trong năm là căn cứ xem xét xóa tên (R-122)",
    drill=False,
    section=SECTION,
    rule="R-122",
)
def dp_con_no(ctx: IndicatorContext) -> Result:
    f = area_dues(ctx)
    if f is None:
        return _missing("dp_con_no")
    return Result(CATALOG["dp_con_no"], f.owed, f"{vn_int(f.owed)} đ")


@indicator(
    "dp_nop_cap_tren",
    "Đảng phí nộp cấp trên",
    "đồng",
    "flow",
    f"Số đảng phí tổ chức đảng được chọn nộp lên cấp trên, và theo từng cấp trong phạm vi (mỗi cấp để lại phần "
    f"trích theo loại tổ chức, R-121), {CLOSED}",
    breakdowns=("loai",),
    drill=False,
    section=SECTION,
    rule="R-121",
)
def dp_nop_cap_tren(ctx: IndicatorContext) -> Result:
    f = area_dues(ctx)
    if f is None:
        return _missing("dp_nop_cap_tren")
    cells = [Cell(t, label("org_types", t) if t else "Khác", v) for t, v in sorted(f.remitted_by_type.items())]
    levels = "; ".join(f"{c.label}: {vn_int(c.value)} đ" for c in cells)
    text = f"{vn_int(f.remitted_up)} đ" + (f" (theo cấp: {levels})" if levels else "")
    return Result(CATALOG["dp_nop_cap_tren"], f.remitted_up, text, breakdowns={"loai": cells})
