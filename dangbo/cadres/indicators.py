"""Cadre-work indicators in the reports catalog (reports.indicators.CATALOG), registered when this
app loads, so they appear in the indicator overview, the periodic reports (a report's figures are
the whole catalog) and the dashboard: the seed-000 §II.3 figures of the area's cadres over the
context's period — appointed or nominated and agreed (split head/deputy), added to planning,
planned on the cut-off, sent to senior political-theory courses by mode, salary step raises.

The caller applies the scope (the report pages resolve the organization through the access
policy); the figures are those of the cadres managed by the organizations of the area
(selectors.cadre_figures with the area's subtree). One read tells whether the area manages any
cadre (nothing more when none); otherwise four queries (actions, planning, training, salary),
cached on the context."""

from __future__ import annotations

from dataclasses import dataclass

from dangbo.cadres.models import Cadre
from dangbo.cadres.selectors import Split, cadre_figures, vn_count
from dangbo.cadres.training import SalaryFigures, TrainingFigures, salary_figures, training_figures
from dangbo.reports.indicators import CATALOG, IndicatorContext, Result, indicator

_KEY = "_cadre_figures"


@dataclass
class AreaCadres:
    actions: dict[str, Split]
    training: TrainingFigures
    salary: SalaryFigures


def area_figures(ctx: IndicatorContext) -> AreaCadres | None:
    """The area's cadre figures over [ctx.start, ctx.end] (None: no such organization, or it
    manages no cadre)."""
    if ctx.area is None:
        return None
    if _KEY in ctx.__dict__:
        return ctx.__dict__[_KEY]
    out = None
    org_ids = ctx.area.org_ids()
    if Cadre.objects.filter(managing_org_id__in=org_ids).exists():
        kw = {"actor": None, "org_id": ctx.org_id, "start": ctx.start, "end": ctx.end, "org_ids": org_ids}
        out = AreaCadres(actions=cadre_figures(**kw), training=training_figures(**kw), salary=salary_figures(**kw))
    ctx.__dict__[_KEY] = out
    return out


def _none(code: str, ctx: IndicatorContext) -> Result:
    why = "Tổ chức không tồn tại vào ngày này" if ctx.area is None else "Chưa có cán bộ do tổ chức quản lý"
    return Result(CATALOG[code], None, why)


def _split(code: str, key: str, ctx: IndicatorContext) -> Result:
    f = area_figures(ctx)
    if f is None:
        return _none(code, ctx)
    s = f.actions[key]
    return Result(CATALOG[code], s.total, s.vn())


@indicator(
    "cb_bo_nhiem_gioi_thieu",
    "Cán bộ được bổ nhiệm, giới thiệu ứng cử",
    "người",
    "flow",
    "Số quyết định bổ nhiệm và giới thiệu ứng cử (không kể quyết định đã hủy) trong kỳ đối với cán bộ do "
    "các tổ chức trong phạm vi quản lý, chia cấp trưởng, cấp phó theo chức danh",
    drill=False,
)
def cb_bo_nhiem_gioi_thieu(ctx: IndicatorContext) -> Result:
    return _split("cb_bo_nhiem_gioi_thieu", "appointed_or_nominated", ctx)


@indicator(
    "cb_thoa_thuan_hiep_y",
    "Thỏa thuận, hiệp y bổ nhiệm cán bộ",
    "người",
    "flow",
    "Số lượt thỏa thuận, hiệp y bổ nhiệm, bổ nhiệm lại trong kỳ, chia cấp trưởng, cấp phó",
    drill=False,
)
def cb_thoa_thuan_hiep_y(ctx: IndicatorContext) -> Result:
    return _split("cb_thoa_thuan_hiep_y", "agreed", ctx)


@indicator(
    "cb_bo_sung_quy_hoach",
    "Phê duyệt bổ sung quy hoạch",
    "lượt",
    "flow",
    "Số lượt cán bộ được đưa vào quy hoạch (cán bộ × chức danh) trong kỳ, chia cấp trưởng, cấp phó theo "
    "chức danh quy hoạch",
    rule="R-093",
    drill=False,
)
def cb_bo_sung_quy_hoach(ctx: IndicatorContext) -> Result:
    return _split("cb_bo_sung_quy_hoach", "planning_added", ctx)


@indicator(
    "cb_quy_hoach",
    "Cán bộ trong quy hoạch",
    "lượt",
    "stock",
    "Số lượt quy hoạch (cán bộ × chức danh) còn hiệu lực vào ngày cuối kỳ, chia cấp trưởng, cấp phó",
    rule="R-093",
    drill=False,
)
def cb_quy_hoach(ctx: IndicatorContext) -> Result:
    return _split("cb_quy_hoach", "planned", ctx)


@indicator(
    "cb_cao_cap_llct",
    "Cử cán bộ đi học cao cấp lý luận chính trị",
    "người",
    "flow",
    "Số cán bộ được cử đi học lớp cao cấp, cử nhân lý luận chính trị trong kỳ, chia hệ tập trung, không tập trung",
    rule="R-098",
    drill=False,
)
def cb_cao_cap_llct(ctx: IndicatorContext) -> Result:
    f = area_figures(ctx)
    if f is None:
        return _none("cb_cao_cap_llct", ctx)
    t = f.training
    return Result(CATALOG["cb_cao_cap_llct"], t.senior_theory, t.vn())


@indicator(
    "cb_nang_bac_luong",
    "Nâng bậc lương",
    "trường hợp",
    "flow",
    "Số quyết định nâng bậc lương (không kể quyết định đã hủy) có ngày hưởng trong kỳ, chia trước thời hạn, "
    "thường xuyên",
    drill=False,
)
def cb_nang_bac_luong(ctx: IndicatorContext) -> Result:
    f = area_figures(ctx)
    if f is None:
        return _none("cb_nang_bac_luong", ctx)
    s = f.salary
    return Result(
        CATALOG["cb_nang_bac_luong"],
        s.step_raises,
        f"{vn_count(s.step_raises)} (trước thời hạn {vn_count(s.early)}, thường xuyên {vn_count(s.regular)})",
    )
