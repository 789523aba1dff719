"""Cell-life indicators in the reports catalog (reports.indicators.CATALOG), registered when this
app loads: meetings held vs due (R-012) and thematic meetings per quarter. Both read one
`held_vs_due` of the context's area and period, cached on the context: two queries for the
whole catalog (reports' query ceiling, test_indicators_rules). The attendance rate of the
meetings held in the period is read from the same query (the meetings' stored roster counts); the
R-039 absences are on the cell-life figures page, the API and the worklist. The resolution-study
campaigns (notifications) due in the period are one more query: recipient·campaigns completed by
the deadline."""

from __future__ import annotations

from dangbo.core.numbers import vn_int, vn_percent
from dangbo.meetings.selectors import Figures, held_vs_due
from dangbo.notifications.notices import study_completion
from dangbo.reports.indicators import CATALOG, IndicatorContext, Result, indicator

_KEY = "_meetings_figures"
# the heading of these rows in the periodic reports (page, XLSX, DOCX: reports.figures.report_rows)
SECTION = "Sinh hoạt chi bộ, học tập nghị quyết"


def _figures(ctx: IndicatorContext) -> Figures | None:
    if ctx.area is None:
        return None
    if _KEY not in ctx.__dict__:
        ctx.__dict__[_KEY] = held_vs_due(
            subtree=ctx.area.org_ids(), start=ctx.start, end=ctx.end, counts=True, live=not ctx.fast, missing=False
        )
    return ctx.__dict__[_KEY]


def _ratio(code: str, f: Figures | None, part: str, whole: str, what: str) -> Result:
    if f is None:
        return Result(CATALOG[code], None, "Tổ chức không tồn tại vào ngày này")
    n, total = getattr(f, part), getattr(f, whole)
    pct = vn_percent(n, total)
    return Result(CATALOG[code], n, f"{vn_int(n)}/{vn_int(total)} {what} ({pct})", denominator=total, percent=pct)


@indicator(
    "sh_thuong_ky",
    "Chi bộ sinh hoạt thường kỳ hằng tháng",
    "chi bộ·tháng",
    "ratio",
    "Số chi bộ·tháng trong kỳ có buổi sinh hoạt thường kỳ (kể cả chuyên đề, trực tuyến) / số chi bộ·tháng "
    "phải sinh hoạt (tổ chức có đảng viên sinh hoạt vào ngày cuối tháng)",
    rule="R-012",
    drill=False,
    section=SECTION,
)
def sh_thuong_ky(ctx: IndicatorContext) -> Result:
    return _ratio("sh_thuong_ky", _figures(ctx), "held", "due", "chi bộ·tháng")


@indicator(
    "sh_chuyen_de",
    "Chi bộ sinh hoạt chuyên đề hằng quý",
    "chi bộ·quý",
    "ratio",
    "Số chi bộ·quý trong kỳ có sinh hoạt chuyên đề / số chi bộ·quý phải sinh hoạt",
    drill=False,
    section=SECTION,
)
def sh_chuyen_de(ctx: IndicatorContext) -> Result:
    return _ratio("sh_chuyen_de", _figures(ctx), "thematic_quarters_held", "thematic_quarters_due", "chi bộ·quý")


@indicator(
    "sh_ty_le_du",
    "Tỷ lệ đảng viên dự sinh hoạt",
    "lượt",
    "ratio",
    "Số lượt đảng viên có mặt / số lượt đã điểm danh (có mặt, vắng có lý do, vắng không lý do) của các "
    "buổi sinh hoạt đã họp trong kỳ",
    drill=False,
    section=SECTION,
)
def sh_ty_le_du(ctx: IndicatorContext) -> Result:
    f = _figures(ctx)
    if f is None:
        return Result(CATALOG["sh_ty_le_du"], None, "Tổ chức không tồn tại vào ngày này")
    marked = f.present + f.excused + f.unexcused
    pct = vn_percent(f.present, marked)
    return Result(
        CATALOG["sh_ty_le_du"],
        f.present,
        f"{vn_int(f.present)}/{vn_int(marked)} lượt có mặt ({pct})",
        denominator=marked,
        percent=pct,
    )


@indicator(
    "hoc_tap_nghi_quyet",
    "Đảng viên hoàn thành học tập, quán triệt nghị quyết đúng hạn",
    "lượt",
    "ratio",
    "Số lượt đảng viên hoàn thành học tập đúng hạn / số lượt đảng viên được giao học tập trong các đợt "
    "học tập, quán triệt có hạn hoàn thành trong kỳ (đảng viên tính theo tổ chức khi gửi)",
    drill=False,
    section=SECTION,
)
def hoc_tap_nghi_quyet(ctx: IndicatorContext) -> Result:
    ind = CATALOG["hoc_tap_nghi_quyet"]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này")
    done, total = study_completion(org_ids=ctx.area.org_ids(), start=ctx.start, end=ctx.end)
    pct = vn_percent(done, total)
    return Result(ind, done, f"{vn_int(done)}/{vn_int(total)} lượt đúng hạn ({pct})", denominator=total, percent=pct)
