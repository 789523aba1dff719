"""The indicator catalog: every statistic defined once, with its Vietnamese name, unit, formula
and breakdowns, computed for any organization subtree as of a date (headcounts, organizations) or
over a period (flows), on the tree and names of the date asked for (R-141, R-142, R-146).

    ctx = IndicatorContext(org_id=province.pk, at=date(2023, 12, 31))   # period: 01/01 .. at
    compute("dv_tong", ctx).value                 # 57012
    compute("so_tay_dien_tu", ctx).text           # "51.602/57.012 (90,5%)"
    compute_all(ctx)                              # every indicator, shared queries

Reads go through reports.selectors only (MembershipSpan, MemberEvent, OrgVersion, OrgEvent and the
two tables of this app). A number can be traced: `indicator_member_ids(code, ctx, dim, key)`
returns the members behind it (scope is applied by the caller).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import QuerySet

from dangbo.core.numbers import vn_int, vn_percent
from dangbo.core.reference import label
from dangbo.members.models import EventType as E
from dangbo.members.models import Member, Sex
from dangbo.members.models import Status as S
from dangbo.members.selectors import AGE_BANDS
from dangbo.orgs.enterprises import enterprise_counts_on
from dangbo.orgs.models import OrgEventType
from dangbo.reports import sectors
from dangbo.reports import selectors as sel
from dangbo.reports.facts import FLOW_EVENT_TYPES

KINH = "01"
NO_RELIGION = "00"

DIMENSIONS: dict[str, str] = {
    "gioi_tinh": "Giới tính",
    "kinh_thieu_so": "Dân tộc Kinh / thiểu số",
    "dan_toc": "Dân tộc",
    "ton_giao": "Tôn giáo",
    "do_tuoi": "Độ tuổi",
    "ly_luan": "Trình độ lý luận chính trị",
    "pho_thong": "Giáo dục phổ thông",
    "chuyen_mon": "Chuyên môn nghiệp vụ",
    "huy_hieu": "Huy hiệu Đảng (mốc cao nhất đã nhận)",
    "loai": "Phân loại",
    "khu_vuc": "Khu vực, loại hình đơn vị",
    "don_vi": "Đơn vị trực thuộc",
}
MEMBER_DIMS = (
    "gioi_tinh",
    "kinh_thieu_so",
    "dan_toc",
    "ton_giao",
    "do_tuoi",
    "ly_luan",
    "pho_thong",
    "chuyen_mon",
    "huy_hieu",
)


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    value: int


@dataclass
class Result:
    indicator: Indicator
    value: int | None
    text: str
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)
    denominator: int | None = None
    percent: str = ""
    note: str = ""

    @property
    def code(self) -> str:
        return self.indicator.code


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    kind: str  # "stock" (as of a date), "flow" (over a period) or "ratio"
    formula: str
    compute: Callable[[IndicatorContext], Result]
    breakdowns: tuple[str, ...] = ()
    rule: str = ""
    drill: bool = True  # the members behind the number can be listed
    section: str = ""  # the heading the report prints it under ("": the party-building figures first)

    @property
    def kind_label(self) -> str:
        return {"stock": "Tại thời điểm", "flow": "Trong kỳ", "ratio": "Tỷ lệ"}[self.kind]


CATALOG: dict[str, Indicator] = {}


def indicator(
    code: str,
    name: str,
    unit: str,
    kind: str,
    formula: str,
    *,
    breakdowns: tuple[str, ...] = (),
    rule: str = "",
    drill: bool = True,
    section: str = "",
):
    """Register the decorated function as the computation of indicator `code` (`section`: the
    heading of its own a module's indicators are printed under in the reports)."""

    def register(fn: Callable[[IndicatorContext], Result]):
        if code in CATALOG:
            raise ValueError(f"indicator {code} defined twice")
        CATALOG[code] = Indicator(code, name, unit, kind, formula, fn, breakdowns, rule, drill, section)
        return fn

    return register


class IndicatorContext:
    """Where and when: a root organization, the "as of" date and the period of the flows
    (default: from 01/01 of the year of `at` to `at`). Caches the shared queries.

    `fast=True` (the default) reads the report fact projections (ReportSpan, ReportFlow: one pass
    each); `fast=False` computes the same inputs straight from the spans and events (the slow
    path, kept to check the fast one)."""

    def __init__(self, *, org_id: int, at: date, start: date | None = None, end: date | None = None, fast: bool = True):
        self.org_id = org_id
        self.at = at
        self.start = start or date(at.year, 1, 1)
        self.end = end or at
        self.fast = fast
        if self.end < self.start:
            self.start, self.end = self.end, self.start

    @cached_property
    def area(self) -> sel.Area | None:
        return sel.area_on(org_id=self.org_id, at=self.at)

    @cached_property
    def windows(self) -> list[sel.Window]:
        return sel.period_windows(org_id=self.org_id, start=self.start, end=self.end)

    @cached_property
    def marginals(self) -> Counter:
        """Counted members on `at` as marginal counts (see selectors.fact_marginals)."""
        if self.area is None:
            return Counter()
        if not self.fast:
            return sel.slow_marginals(self.area)
        out, self._pyramid = sel.fact_marginals_and_pyramid(self.area)
        return out

    @cached_property
    def pyramid(self) -> list[dict[str, Any]]:
        """Counted members on `at` by birth year and sex (selectors.age_pyramid_on): on the fast
        path on PostgreSQL, from the marginals' pass (no second pass over the fact rows)."""
        if self.area is None:
            return []
        if self.fast:
            self.marginals  # noqa: B018 -- fills self._pyramid on PostgreSQL
            if getattr(self, "_pyramid", None) is not None:
                return self._pyramid
        return sel.age_pyramid_on(self.area)

    @cached_property
    def flows(self) -> list[dict[str, Any]]:
        if self.fast:
            return sel.fact_flow_rows(windows=self.windows, types=FLOW_TYPES)
        return sel.flow_rows(windows=self.windows, types=FLOW_TYPES)

    @cached_property
    def flow_parts(self) -> tuple[list[tuple[str, str, int]], list[dict[str, Any]]]:
        """(counted, rows): flows counted in SQL by (type, badge years), and the rows that need a
        look one by one (transfers: counterpart inside, the member's other rows)."""
        if self.fast:
            return sel.fact_flow_summary(windows=self.windows, types=FLOW_TYPES, row_types=ROW_FLOW_TYPES)
        return [], self.flows

    @cached_property
    def flow_counts(self) -> dict[str, Counter]:
        """Flow indicator code -> breakdown key -> count."""
        counts: dict[str, Counter] = {code: Counter() for code in FLOW_SELECTORS}
        counted, rows = self.flow_parts
        for type_, years, n in counted:
            row = {"type": type_, "payload": {"years": years} if years else {}}
            for code, keyer in FLOW_KEYERS_BY_TYPE.get(type_, ()):
                if (key := keyer(row, self)) is not None:
                    counts[code][key] += n
        for row in rows:
            for code, keyer in FLOW_KEYERS_BY_TYPE.get(row["type"], ()):
                if (key := keyer(row, self)) is not None:
                    counts[code][key] += 1
        return counts

    @cached_property
    def transfers_out_by_member(self) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        for o in self.flow_parts[1]:  # every official transfer out is among the rows
            if o["type"] == E.OFFICIAL_TRANSFER_OUT and o["counterpart_org_id"] is not None:
                out.setdefault(o["member_id"], []).append(o)
        return out

    @cached_property
    def temporary_arrivals(self) -> list[dict[str, Any]]:
        if self.fast:
            return sel.fact_temporary_arrivals(windows=self.windows)
        return sel.temporary_arrivals(windows=self.windows)

    @cached_property
    def attached_here(self) -> int:
        if self.area is None:
            return 0
        return sel.fact_attached_here_count(self.area) if self.fast else sel.attached_here_spans(self.area).count()

    @cached_property
    def headcount(self) -> int:
        """Counted members on `at` (dv_tong without its breakdowns: one count)."""
        if self.area is None:
            return 0
        return sel.fact_headcount(self.area) if self.fast else sel.active_spans_on(self.area).count()

    @cached_property
    def start_headcount(self) -> int:
        """Counted members on the first day of the period, on the tree of that day."""
        area = sel.area_on(org_id=self.org_id, at=self.start)
        if area is None:
            return 0
        return sel.fact_headcount(area) if self.fast else sel.active_spans_on(area).count()

    @cached_property
    def org_changes(self) -> list[dict[str, Any]]:
        return sel.org_events_in(windows=self.windows, types=ORG_CHANGE_TYPES)

    @cached_property
    def badges(self) -> dict[int, int]:
        """Member -> highest badge held on `at` (drill-down into the badge breakdown)."""
        return sel.badges_held_on(self.area) if self.area else {}

    def headcount_spans(self) -> QuerySet:
        return sel.active_spans_on(self.area) if self.area else sel.MembershipSpan.objects.none()

    @property
    def tree_note(self) -> str:
        if self.area and self.area.predecessors:
            return (
                "Ngày này tổ chức chưa được thành lập; số liệu gộp từ các tổ chức tiền thân: "
                + ", ".join(self.area.predecessors)
                + " (R-146)."
            )
        return ""


# --- breakdown helpers ------------------------------------------------------------------------


def _age_band(birth_year: int, at: date) -> str:
    age = at.year - birth_year
    for key, (low, high, _) in AGE_BANDS.items():
        if low <= age <= high:
            return key
    return "gt70"


def _cells(counter: Counter, labeller: Callable[[str], str], order: list[str] | None = None) -> list[Cell]:
    keys = order if order is not None else sorted(counter, key=lambda k: (-counter[k], k))
    return [Cell(k, labeller(k), counter.get(k, 0)) for k in keys]


def _member_breakdowns(
    ctx: IndicatorContext, statuses: tuple[str, ...], *, exempt_only: bool = False, away_only: bool = False
) -> tuple[int, dict[str, list[Cell]]]:
    c: dict[str, Counter] = {d: Counter() for d in MEMBER_DIMS}
    by_year: Counter = Counter()
    total = 0
    m = ctx.marginals
    for key, n in m.items():
        if key[0] == "span":
            _, status, exempt, away, dim, value = key
            if status not in statuses or (exempt_only and not exempt) or (away_only and not away):
                continue
            if dim == "sex":
                total += n
                c["gioi_tinh"][value] += n
            elif dim == "ethnicity":
                c["kinh_thieu_so"]["kinh" if value == KINH else "thieu_so"] += n
                c["dan_toc"][value] += n
            elif dim == "religion":
                c["ton_giao"][value] += n
            elif dim == "birth_year":
                by_year[value] += n
    for year, n in by_year.items():
        c["do_tuoi"][_age_band(year, ctx.at)] += n
    result = {
        "gioi_tinh": _cells(c["gioi_tinh"], lambda k: Sex(k).label, [Sex.MALE, Sex.FEMALE]),
        "kinh_thieu_so": _cells(
            c["kinh_thieu_so"], {"kinh": "Dân tộc Kinh", "thieu_so": "Dân tộc thiểu số"}.get, ["kinh", "thieu_so"]
        ),
        "dan_toc": _cells(c["dan_toc"], lambda k: label("ethnic_groups", k)),
        "ton_giao": _cells(c["ton_giao"], lambda k: label("religions", k)),
        "do_tuoi": _cells(c["do_tuoi"], lambda k: AGE_BANDS[k][2], list(AGE_BANDS)),
    }
    if exempt_only or away_only:  # profile fields and badges are given for the headcounts only
        return total, result
    held: Counter = Counter()
    for key, n in m.items():
        if key[0] == "prof" and key[1] in statuses:
            _, _, dim, value = key
            if dim == "theory":
                c["ly_luan"][value or "none"] += n
            elif dim == "general":
                c["pho_thong"][value or ""] += n
            else:
                c["chuyen_mon"][value or ""] += n
        elif key[0] == "badge" and key[1] in statuses and key[2]:
            held[str(key[2])] += n
    blank = "Chưa ghi"
    result["ly_luan"] = _cells(c["ly_luan"], lambda k: label("theory_levels", k) or blank)
    result["pho_thong"] = _cells(c["pho_thong"], lambda k: label("education_levels", k) or blank)
    result["chuyen_mon"] = _cells(c["chuyen_mon"], lambda k: label("education_levels", k) or blank)
    if statuses == ACTIVE:
        held["0"] = total - sum(held.values())
        order = ["0", *sorted((k for k in held if k != "0"), key=int)]
        result["huy_hieu"] = _cells(held, lambda k: "Chưa nhận" if k == "0" else f"Huy hiệu {k} năm tuổi Đảng", order)
    return total, result


def _count_text(value: int, unit: str) -> str:
    return f"{vn_int(value)} {unit}"


ACTIVE = (S.PROBATIONARY, S.FULL)


# --- headcounts as of a date (R-142, R-035, R-037) --------------------------------------------


def _headcount(ctx: IndicatorContext, code: str, statuses: tuple[str, ...], **kw) -> Result:
    ind = CATALOG[code]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này", note="")
    total, parts = _member_breakdowns(ctx, statuses, **kw)
    return Result(ind, total, _count_text(total, ind.unit), parts, note=ctx.tree_note)


@indicator(
    "dv_tong",
    "Tổng số đảng viên",
    "đảng viên",
    "stock",
    "Đảng viên dự bị + chính thức có nơi sinh hoạt chính thức trong tổ chức vào ngày tính "
    "(kể cả đảng viên được miễn sinh hoạt; đảng viên sinh hoạt tạm thời tính ở nơi sinh hoạt chính thức)",
    breakdowns=MEMBER_DIMS,
    rule="R-142",
)
def dv_tong(ctx: IndicatorContext) -> Result:
    return _headcount(ctx, "dv_tong", ACTIVE)


@indicator(
    "dv_chinh_thuc",
    "Đảng viên chính thức",
    "đảng viên",
    "stock",
    "Đảng viên có trạng thái chính thức vào ngày tính",
    breakdowns=MEMBER_DIMS,
    rule="R-142",
)
def dv_chinh_thuc(ctx: IndicatorContext) -> Result:
    return _headcount(ctx, "dv_chinh_thuc", (S.FULL,))


@indicator(
    "dv_du_bi",
    "Đảng viên dự bị",
    "đảng viên",
    "stock",
    "Đảng viên có trạng thái dự bị vào ngày tính",
    breakdowns=MEMBER_DIMS,
    rule="R-142",
)
def dv_du_bi(ctx: IndicatorContext) -> Result:
    return _headcount(ctx, "dv_du_bi", (S.PROBATIONARY,))


@indicator(
    "dv_mien_sinh_hoat",
    "Đảng viên được miễn công tác và sinh hoạt đảng",
    "đảng viên",
    "stock",
    "Đảng viên (đã tính trong tổng số) đang được miễn công tác và sinh hoạt đảng vào ngày tính",
    breakdowns=("gioi_tinh", "do_tuoi"),
    rule="R-037",
)
def dv_mien_sinh_hoat(ctx: IndicatorContext) -> Result:
    return _headcount(ctx, "dv_mien_sinh_hoat", ACTIVE, exempt_only=True)


@indicator(
    "dv_tam_thoi_noi_khac",
    "Đảng viên đang sinh hoạt tạm thời ở nơi khác",
    "đảng viên",
    "stock",
    "Đảng viên của tổ chức (đã tính trong tổng số) đang sinh hoạt tạm thời ở tổ chức khác",
    breakdowns=("gioi_tinh",),
    rule="R-035",
)
def dv_tam_thoi_noi_khac(ctx: IndicatorContext) -> Result:
    return _headcount(ctx, "dv_tam_thoi_noi_khac", ACTIVE, away_only=True)


@indicator(
    "dv_tam_thoi_den",
    "Đảng viên nơi khác đến sinh hoạt tạm thời",
    "đảng viên",
    "stock",
    "Đảng viên của tổ chức khác đang sinh hoạt tạm thời tại tổ chức; không tính vào đảng số",
    rule="R-035",
)
def dv_tam_thoi_den(ctx: IndicatorContext) -> Result:
    ind = CATALOG["dv_tam_thoi_den"]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này")
    n = ctx.attached_here
    return Result(ind, n, _count_text(n, ind.unit) + " (không tính vào đảng số)", note=ctx.tree_note)


@indicator(
    "so_tay_dien_tu",
    "Đảng viên có tài khoản Sổ tay đảng viên điện tử",
    "đảng viên",
    "ratio",
    "Đảng viên (trong tổng số) có tài khoản đang hoạt động vào ngày tính / tổng số đảng viên",
)
def so_tay_dien_tu(ctx: IndicatorContext) -> Result:
    ind = CATALOG["so_tay_dien_tu"]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này")
    total = sum(n for k, n in ctx.marginals.items() if k[0] == "handbook")
    n = sum(n for k, n in ctx.marginals.items() if k[0] == "handbook" and k[2])
    pct = vn_percent(n, total)
    return Result(ind, n, f"{vn_int(n)}/{vn_int(total)} ({pct})", denominator=total, percent=pct, note=ctx.tree_note)


# --- organizations ----------------------------------------------------------------------------

ORG_CHANGE_TYPES = (OrgEventType.ESTABLISHED, OrgEventType.MERGED, OrgEventType.DISSOLVED, OrgEventType.MOVED)
ORG_CHANGE_LABELS = {
    OrgEventType.ESTABLISHED: "Thành lập mới",
    OrgEventType.MERGED: "Hợp nhất, sáp nhập (số tổ chức bị hợp nhất)",
    OrgEventType.DISSOLVED: "Giải thể, kết thúc hoạt động",
    OrgEventType.MOVED: "Chuyển giao về tổ chức cấp trên khác",
}


@indicator(
    "to_chuc_theo_loai",
    "Tổ chức đảng trực thuộc theo loại hình",
    "tổ chức",
    "stock",
    "Tổ chức đảng nằm dưới tổ chức (không tính chính nó) trên cây tổ chức của ngày tính",
    breakdowns=("loai",),
    rule="R-141",
    drill=False,
)
def to_chuc_theo_loai(ctx: IndicatorContext) -> Result:
    ind = CATALOG["to_chuc_theo_loai"]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này")
    counts = Counter(sel.org_type_counts(ctx.area))
    total = sum(counts.values())
    return Result(
        ind,
        total,
        _count_text(total, ind.unit),
        {"loai": _cells(counts, lambda k: label("org_types", k))},
        note=ctx.tree_note,
    )


@indicator(
    "to_chuc_bien_dong",
    "Biến động tổ chức đảng",
    "tổ chức",
    "flow",
    "Thành lập, hợp nhất/sáp nhập, giải thể, chuyển giao tổ chức cấp trên trong kỳ "
    "(tổ chức thuộc cây vào ngày diễn ra thay đổi hoặc ngày liền trước)",
    breakdowns=("loai",),
    drill=False,
)
def to_chuc_bien_dong(ctx: IndicatorContext) -> Result:
    ind = CATALOG["to_chuc_bien_dong"]
    counts: Counter = Counter()
    for e in ctx.org_changes:
        counts[e["type"]] += e["count"]
    total = sum(counts.values())
    return Result(
        ind,
        total,
        _count_text(total, "lượt"),
        {"loai": _cells(counts, lambda k: ORG_CHANGE_LABELS[k], list(ORG_CHANGE_LABELS))},
    )


# --- by sector / ownership of the unit (R-014) ------------------------------------------------


def _sector_cells(counts: Counter) -> list[Cell]:
    return _cells(counts, sectors.sector_label, [k for k in sectors.sector_order() if counts.get(k)])


def _non_state(counts: Counter) -> int:
    return sum(counts.get(k, 0) for k in sectors.non_state_sectors())


def _area_versions(ctx: IndicatorContext) -> dict[int, tuple[str, str, str]]:
    """The subtree's organization versions on `at`, read once for both sector indicators."""
    if "_area_versions" not in ctx.__dict__:
        ctx.__dict__["_area_versions"] = sectors.area_versions(ctx.area)
    return ctx.__dict__["_area_versions"]


def _establishments(ctx: IndicatorContext) -> list[sectors.Establishment]:
    return [e for e in sectors.establishments(ctx.org_changes, ctx.windows) if e.org_type in sectors.grassroots_types()]


def doc_count(n: int) -> str:
    """A count as official documents write it: two digits below ten ("07"), else 1.967."""
    return f"{n:02d}" if 0 <= n < 10 else vn_int(n)


@indicator(
    "to_chuc_co_so_theo_khu_vuc",
    "Tổ chức cơ sở đảng theo khu vực, loại hình đơn vị",
    "tổ chức",
    "stock",
    "Đảng bộ cơ sở và chi bộ cơ sở dưới tổ chức vào ngày tính, theo khu vực của đơn vị (tổ chức không ghi "
    "khu vực tính theo tổ chức cấp trên gần nhất có ghi)",
    breakdowns=("khu_vuc",),
    rule="R-014",
    drill=False,
)
def to_chuc_co_so_theo_khu_vuc(ctx: IndicatorContext) -> Result:
    ind = CATALOG["to_chuc_co_so_theo_khu_vuc"]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này")
    counts = sectors.grassroots_by_sector(ctx.area, _area_versions(ctx))
    total = sum(counts.values())
    return Result(
        ind,
        total,
        f"{_count_text(total, ind.unit)}, trong đó {vn_int(_non_state(counts))} trong khu vực ngoài nhà nước",
        {"khu_vuc": _sector_cells(counts)},
        note=ctx.tree_note,
    )


@indicator(
    "to_chuc_co_so_thanh_lap",
    "Tổ chức cơ sở đảng thành lập mới theo khu vực",
    "tổ chức",
    "flow",
    "Đảng bộ cơ sở và chi bộ cơ sở thành lập trong kỳ (thuộc cây tổ chức vào ngày thành lập), theo khu vực "
    "của đơn vị vào ngày thành lập",
    breakdowns=("khu_vuc",),
    rule="R-014",
    drill=False,
)
def to_chuc_co_so_thanh_lap(ctx: IndicatorContext) -> Result:
    ind = CATALOG["to_chuc_co_so_thanh_lap"]
    counts = Counter(e.sector for e in _establishments(ctx))
    total = sum(counts.values())
    return Result(ind, total, _count_text(total, ind.unit), {"khu_vuc": _sector_cells(counts)})


@indicator(
    "to_chuc_co_so_ngoai_nha_nuoc_moi",
    "Phát triển tổ chức cơ sở đảng trong khu vực ngoài nhà nước",
    "tổ chức",
    "flow",
    "Tổ chức cơ sở đảng thành lập trong kỳ tại đơn vị khu vực ngoài nhà nước (doanh nghiệp tư nhân, doanh "
    "nghiệp có vốn đầu tư nước ngoài, đơn vị sự nghiệp ngoài công lập, hợp tác xã), theo đơn vị trực thuộc",
    breakdowns=("don_vi", "khu_vuc"),
    rule="R-014",
    drill=False,
)
def to_chuc_co_so_ngoai_nha_nuoc_moi(ctx: IndicatorContext) -> Result:
    ind = CATALOG["to_chuc_co_so_ngoai_nha_nuoc_moi"]
    found = [e for e in _establishments(ctx) if e.sector in sectors.non_state_sectors()]
    units = Counter(e.unit_id for e in found)
    names = {e.unit_id: e.unit_name for e in found}
    by_unit = [Cell(str(u), names[u], n) for u, n in sorted(units.items(), key=lambda x: (-x[1], names[x[0]]))]
    n = len(found)
    return Result(
        ind,
        n,
        f"phát triển {doc_count(n)} tổ chức cơ sở đảng trong khu vực ngoài nhà nước",
        {"don_vi": by_unit, "khu_vuc": _sector_cells(Counter(e.sector for e in found))},
    )


@indicator(
    "doanh_nghiep_co_to_chuc_dang",
    "Doanh nghiệp có tổ chức đảng",
    "doanh nghiệp",
    "stock",
    "Doanh nghiệp đang hoạt động trên địa bàn vào ngày tính (sổ doanh nghiệp) có tổ chức đảng, trên tổng số "
    "doanh nghiệp; số chưa có tổ chức đảng theo khu vực, loại hình",
    breakdowns=("khu_vuc",),
    rule="R-014",
    drill=False,
)
def doanh_nghiep_co_to_chuc_dang(ctx: IndicatorContext) -> Result:
    ind = CATALOG["doanh_nghiep_co_to_chuc_dang"]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này")
    counts = enterprise_counts_on(paths=ctx.area.paths, at=ctx.at)
    without = Counter({k: n - linked for k, (n, linked) in counts.by_sector.items() if n - linked})
    return Result(
        ind,
        counts.with_party_org,
        f"{vn_int(counts.with_party_org)}/{vn_int(counts.total)} doanh nghiệp có tổ chức đảng; "
        f"{vn_int(counts.without_party_org)} chưa có",
        {"khu_vuc": _sector_cells(without)},
        denominator=counts.total,
        percent=vn_percent(counts.with_party_org, counts.total) if counts.total else "",
    )


@indicator(
    "dv_theo_khu_vuc",
    "Đảng viên theo khu vực, loại hình đơn vị",
    "đảng viên",
    "stock",
    "Đảng viên trong tổng số, theo khu vực của tổ chức nơi sinh hoạt chính thức vào ngày tính",
    breakdowns=("khu_vuc",),
    rule="R-014",
)
def dv_theo_khu_vuc(ctx: IndicatorContext) -> Result:
    ind = CATALOG["dv_theo_khu_vuc"]
    if ctx.area is None:
        return Result(ind, None, "Tổ chức không tồn tại vào ngày này")
    counts = sectors.members_by_sector(ctx.area, fast=ctx.fast, versions=_area_versions(ctx) if ctx.fast else None)
    total = sum(counts.values())
    return Result(
        ind,
        total,
        f"{_count_text(total, ind.unit)}, trong đó {vn_int(_non_state(counts))} trong khu vực ngoài nhà nước",
        {"khu_vuc": _sector_cells(counts)},
        note=ctx.tree_note,
    )


# --- flows over a period (R-142 movements, R-143, R-144) --------------------------------------

FLOW_TYPES = FLOW_EVENT_TYPES  # the events the flow indicators count (ReportFlow holds exactly these)


def _is_external(row: dict[str, Any], ctx: IndicatorContext) -> bool:
    """A transfer between two organizations inside the subtree is not a flow of the subtree."""
    if row["type"] == E.OFFICIAL_TRANSFER_OUT:
        return not (row["counterpart_org_id"] and row["cp_inside"])
    if row["cp_inside"]:
        return False
    if row["counterpart_org_id"] is None:  # receipt without the sender: was it sent from inside?
        return not any(o["on"] <= row["on"] for o in ctx.transfers_out_by_member.get(row["member_id"], ()))
    return True


FLOW_SELECTORS: dict[str, Callable[[dict[str, Any], IndicatorContext], str | None]] = {}
"""indicator code -> function(row, ctx) giving the breakdown key of a flow row, or None when the
row does not count for that indicator."""
FLOW_KEYERS_BY_TYPE: dict[str, list[tuple[str, Callable[[dict[str, Any], IndicatorContext], str | None]]]] = {}
"""event type -> the (code, keyer) that may count it."""
ROW_FLOW_TYPES = (E.OFFICIAL_TRANSFER_IN, E.OFFICIAL_TRANSFER_OUT, E.TEMPORARY_TRANSFER_OUT)
"""Events whose keyers read more than the type and the badge years (counterpart, other rows)."""


def _flow_indicator(
    code: str,
    name: str,
    formula: str,
    keyer: Callable[[dict[str, Any], IndicatorContext], str | None],
    labels: dict[str, str],
    rule: str = "R-142",
) -> None:
    FLOW_SELECTORS[code] = keyer
    for t in keyer.types:  # type: ignore[attr-defined]
        FLOW_KEYERS_BY_TYPE.setdefault(t, []).append((code, keyer))

    def compute(ctx: IndicatorContext) -> Result:
        ind = CATALOG[code]
        counts = ctx.flow_counts[code]
        total = sum(counts.values())
        breakdowns = {"loai": _cells(counts, lambda k: labels.get(k, k), list(labels))} if len(labels) > 1 else {}
        return Result(ind, total, _count_text(total, ind.unit), breakdowns)

    indicator(code, name, "đảng viên", "flow", formula, breakdowns=("loai",) if len(labels) > 1 else (), rule=rule)(
        compute
    )


def _of_types(*types: str, key: Callable[[dict[str, Any]], str] | None = None):
    def keyer(row: dict[str, Any], ctx: IndicatorContext) -> str | None:
        if row["type"] not in types:
            return None
        return key(row) if key else row["type"]

    keyer.types = types  # type: ignore[attr-defined]
    return keyer


def _transfer(t: str):
    def keyer(row: dict[str, Any], ctx: IndicatorContext) -> str | None:
        if row["type"] != t or not _is_external(row, ctx):
            return None
        return "trong_he_thong" if row["counterpart_org_id"] else "ngoai_he_thong"

    keyer.types = (t,)  # type: ignore[attr-defined]
    return keyer


def _temporary_out(row: dict[str, Any], ctx: IndicatorContext) -> str | None:
    if row["type"] != E.TEMPORARY_TRANSFER_OUT or row["cp_inside"]:
        return None
    return row["type"]


_temporary_out.types = (E.TEMPORARY_TRANSFER_OUT,)  # type: ignore[attr-defined]


def _badge_key(row: dict[str, Any]) -> str:
    return str((row["payload"] or {}).get("years", ""))


_flow_indicator(
    "ket_nap",
    "Kết nạp đảng viên",
    "Quyết định kết nạp và kết nạp lại có ngày trong kỳ",
    _of_types(E.ADMISSION_DECISION, E.READMISSION),
    {E.ADMISSION_DECISION: "Kết nạp mới", E.READMISSION: "Kết nạp lại"},
    rule="R-143",
)
_flow_indicator(
    "cong_nhan_chinh_thuc",
    "Công nhận đảng viên chính thức",
    "Quyết định công nhận đảng viên chính thức có ngày trong kỳ",
    _of_types(E.FULL_RECOGNITION),
    {E.FULL_RECOGNITION: "Công nhận chính thức"},
)
_flow_indicator(
    "chuyen_den",
    "Tiếp nhận sinh hoạt đảng chính thức",
    "Đảng viên từ ngoài tổ chức chuyển sinh hoạt chính thức đến (không tính chuyển giữa các tổ chức bên trong)",
    _transfer(E.OFFICIAL_TRANSFER_IN),
    {"trong_he_thong": "Từ tổ chức đảng khác", "ngoai_he_thong": "Không ghi nơi đi / ngoài hệ thống"},
)
_flow_indicator(
    "chuyen_di",
    "Chuyển sinh hoạt đảng chính thức đi",
    "Đảng viên chuyển sinh hoạt chính thức ra ngoài tổ chức (không tính chuyển giữa các tổ chức bên trong)",
    _transfer(E.OFFICIAL_TRANSFER_OUT),
    {"trong_he_thong": "Đến tổ chức đảng khác", "ngoai_he_thong": "Ra ngoài hệ thống"},
)
_flow_indicator(
    "tam_thoi_di",
    "Chuyển sinh hoạt đảng tạm thời đi",
    "Đảng viên của tổ chức đi sinh hoạt tạm thời ở tổ chức bên ngoài",
    _temporary_out,
    {E.TEMPORARY_TRANSFER_OUT: "Sinh hoạt tạm thời nơi khác"},
    rule="R-035",
)
_flow_indicator(
    "tu_tran", "Đảng viên từ trần", "Sự kiện từ trần có ngày trong kỳ", _of_types(E.DEATH), {E.DEATH: "Từ trần"}
)
_flow_indicator(
    "xoa_ten",
    "Xóa tên đảng viên",
    "Xóa tên đảng viên chính thức và xóa tên đảng viên dự bị trong kỳ",
    _of_types(E.NAME_REMOVAL, E.PROBATION_NAME_REMOVAL),
    {E.NAME_REMOVAL: "Xóa tên đảng viên chính thức", E.PROBATION_NAME_REMOVAL: "Xóa tên đảng viên dự bị"},
    rule="R-144",
)
_flow_indicator(
    "khai_tru",
    "Khai trừ khỏi Đảng",
    "Kỷ luật khai trừ có ngày trong kỳ",
    _of_types(E.DISCIPLINE_EXPULSION),
    {E.DISCIPLINE_EXPULSION: "Khai trừ"},
)
_flow_indicator(
    "xin_ra_khoi_dang",
    "Xin ra khỏi Đảng",
    "Đảng viên xin ra khỏi Đảng trong kỳ",
    _of_types(E.VOLUNTARY_EXIT),
    {E.VOLUNTARY_EXIT: "Xin ra khỏi Đảng"},
)
_flow_indicator(
    "huy_hieu",
    "Tặng, truy tặng Huy hiệu Đảng",
    "Huy hiệu Đảng trao trong kỳ, theo mốc tuổi Đảng",
    _of_types(E.BADGE_AWARDED, key=_badge_key),
    {str(y): f"Huy hiệu {y} năm" for y in (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)},
    rule="R-029",
)


@indicator(
    "tam_thoi_den",
    "Tiếp nhận sinh hoạt đảng tạm thời",
    "đảng viên",
    "flow",
    "Đảng viên của tổ chức bên ngoài đến sinh hoạt tạm thời tại tổ chức trong kỳ (không tính vào đảng số)",
    rule="R-035",
)
def tam_thoi_den(ctx: IndicatorContext) -> Result:
    ind = CATALOG["tam_thoi_den"]
    n = len(ctx.temporary_arrivals)
    return Result(ind, n, _count_text(n, ind.unit))


# --- admissions against the quota and the membership (R-058) ----------------------------------


def _admissions(ctx: IndicatorContext) -> int:
    return sum(ctx.flow_counts["ket_nap"].values())


@indicator(
    "ket_nap_chi_tieu",
    "Kết nạp đảng viên so với chỉ tiêu",
    "%",
    "ratio",
    "Số kết nạp trong kỳ / chỉ tiêu kết nạp của năm (năm của ngày cuối kỳ) do cấp ủy giao",
    rule="R-058",
    drill=False,
)
def ket_nap_chi_tieu(ctx: IndicatorContext) -> Result:
    ind = CATALOG["ket_nap_chi_tieu"]
    n = _admissions(ctx)
    quota = sel.admission_quota(org_id=ctx.org_id, year=ctx.end.year)
    if not quota:
        return Result(ind, n, f"{vn_int(n)} đảng viên; chưa giao chỉ tiêu năm {ctx.end.year}")
    pct = vn_percent(n, quota, 0)
    return Result(
        ind, n, f"{vn_int(n)} đảng viên, đạt {pct} chỉ tiêu ({vn_int(quota)})", denominator=quota, percent=pct
    )


@indicator(
    "ket_nap_ty_le",
    "Kết nạp đảng viên so với tổng số đảng viên đầu kỳ",
    "%",
    "ratio",
    "Số kết nạp trong kỳ / tổng số đảng viên vào ngày đầu kỳ",
    rule="R-058",
    drill=False,
)
def ket_nap_ty_le(ctx: IndicatorContext) -> Result:
    ind = CATALOG["ket_nap_ty_le"]
    n = _admissions(ctx)
    base = ctx.start_headcount
    pct = vn_percent(n, base)
    return Result(
        ind,
        n,
        f"bằng {pct} tổng số đảng viên ({vn_int(base)} ngày {ctx.start:%d/%m/%Y})",
        denominator=base,
        percent=pct,
    )


def yearly_trend(org_id: int, at: date, years: int) -> list[dict[str, Any]]:
    """Headcount at the end of each of the `years` years up to the year of `at` (on `at` for that
    year), with the admissions of the year and its quota, each on the tree of its own date: a
    merged organization's years before the merger are those of its predecessors (R-146). The
    counts of every year in one statement (selectors.fact_trend_counts)."""
    ctxs = [
        IndicatorContext(org_id=org_id, at=at if year == at.year else date(year, 12, 31))
        for year in range(at.year - years + 1, at.year + 1)
    ]
    counts = sel.fact_trend_counts([(c.area, c.windows) for c in ctxs], (E.ADMISSION_DECISION, E.READMISSION))
    quotas = sel.admission_quotas(org_id=org_id, years=[c.at.year for c in ctxs])
    rows = []
    for ctx, (total, admitted) in zip(ctxs, counts, strict=True):
        quota = quotas.get(ctx.at.year)
        rows.append(
            {
                "year": ctx.at.year,
                "total": total,
                "admitted": admitted,
                "quota": quota,
                "pct": f"{admitted * 100 / quota:.0f}%" if quota else "",
            }
        )
    return rows


def admission_summary(ctx: IndicatorContext, figures: dict[str, dict[str, Any]] | None = None) -> str:
    """ "1.967 đảng viên, đạt 103% chỉ tiêu, bằng 3,5% tổng số đảng viên" (seed 000); from the
    already computed `figures` (reports.figures JSON) when given."""
    if figures is not None:
        quota, share = figures.get("ket_nap_chi_tieu") or {}, figures.get("ket_nap_ty_le") or {}
        value, quota_pct = quota.get("value"), quota.get("percent")
        share_den, share_pct = share.get("denominator"), share.get("percent")
    else:
        q, sh = compute("ket_nap_chi_tieu", ctx), compute("ket_nap_ty_le", ctx)
        value, quota_pct, share_den, share_pct = q.value, q.percent, sh.denominator, sh.percent
    parts = [_count_text(value or 0, "đảng viên")]
    if quota_pct:
        parts.append(f"đạt {quota_pct} chỉ tiêu")
    if share_den:
        parts.append(f"bằng {share_pct} tổng số đảng viên")
    return ", ".join(parts)


# --- the API ----------------------------------------------------------------------------------


def compute(code: str, ctx: IndicatorContext) -> Result:
    return CATALOG[code].compute(ctx)


def compute_all(ctx: IndicatorContext, codes: list[str] | None = None) -> list[Result]:
    return [compute(code, ctx) for code in (codes or list(CATALOG))]


def indicator_member_ids(code: str, ctx: IndicatorContext, dim: str = "", key: str = "") -> QuerySet | list[int]:
    """The members behind a number (before scope): a queryset or list of member ids."""
    ind = CATALOG[code]
    if not ind.drill:
        return []
    if ind.kind == "flow":
        if code == "tam_thoi_den":
            return [r["member_id"] for r in ctx.temporary_arrivals]
        keyer = FLOW_SELECTORS[code]
        return sorted({r["member_id"] for r in ctx.flows if (k := keyer(r, ctx)) is not None and (not dim or k == key)})
    if ctx.area is None:
        return []
    if code == "dv_tam_thoi_den":
        return sel.attached_here_spans(ctx.area).values("member_id")
    spans = ctx.headcount_spans()
    spans = {
        "dv_chinh_thuc": spans.filter(status=S.FULL),
        "dv_du_bi": spans.filter(status=S.PROBATIONARY),
        "dv_mien_sinh_hoat": spans.filter(exempt=True),
        "dv_tam_thoi_noi_khac": spans.filter(temp_org_id__isnull=False),
        "so_tay_dien_tu": sel.handbook_members_on(ctx.area),
    }.get(code, spans)
    if dim == "gioi_tinh":
        spans = spans.filter(sex=key)
    elif dim == "kinh_thieu_so":
        spans = spans.filter(ethnicity=KINH) if key == "kinh" else spans.exclude(ethnicity=KINH)
    elif dim == "dan_toc":
        spans = spans.filter(ethnicity=key)
    elif dim == "ton_giao":
        spans = spans.filter(religion=key)
    elif dim == "do_tuoi" and key in AGE_BANDS:
        low, high, _ = AGE_BANDS[key]
        spans = spans.filter(birth_year__lte=ctx.at.year - low, birth_year__gte=ctx.at.year - high)
    elif dim == "ly_luan":
        spans = spans.filter(member__theory_level=key)
    elif dim == "pho_thong":
        spans = spans.filter(member__general_education=key)
    elif dim == "chuyen_mon":
        spans = spans.filter(member__professional_education=key)
    elif dim == "khu_vuc":
        spans = spans.filter(org_id__in=sectors.org_ids_of_sector(ctx.area, key))
    elif dim == "huy_hieu":
        held = ctx.badges
        ids = [m for m, y in held.items() if str(y) == key]
        spans = spans.exclude(member_id__in=list(held)) if key == "0" else spans.filter(member_id__in=ids)
    return spans.values("member_id")


def members_behind(code: str, ctx: IndicatorContext, dim: str = "", key: str = "") -> QuerySet:
    return Member.objects.filter(pk__in=indicator_member_ids(code, ctx, dim, key))
