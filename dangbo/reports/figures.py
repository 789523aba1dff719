"""Indicator results as plain JSON (the frozen figures of a submitted report, the fast-path
snapshot) and the arithmetic on them: consolidation of subordinates' reports and the difference
between a frozen report and today's recomputation.

    figures = figures_of(ctx)              # {"dv_tong": {"value": 57012, "text": ..., "breakdowns": {...}}, ...}
    figures_fast(ctx)                      # same figures, from FigureSnapshot while the registry is unchanged
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dangbo.core.db import parallel_query
from dangbo.core.numbers import vn_int
from dangbo.core.stamps import cacheable
from dangbo.reports import selectors as sel
from dangbo.reports.indicators import CATALOG, DIMENSIONS, Cell, IndicatorContext, Result, compute_all
from dangbo.reports.models import FigureSnapshot

Figures = dict[str, dict[str, Any]]


def result_json(result: Result) -> dict[str, Any]:
    return {
        "name": result.indicator.name,
        "unit": result.indicator.unit,
        "kind": result.indicator.kind,
        "value": result.value,
        "text": result.text,
        "denominator": result.denominator,
        "percent": result.percent,
        "note": result.note,
        "breakdowns": {dim: [[c.key, c.label, c.value] for c in cells] for dim, cells in result.breakdowns.items()},
    }


def figures_of(ctx: IndicatorContext) -> Figures:
    """Every indicator, computed live (the slow path), its aggregates with parallel workers."""
    with parallel_query():
        return {r.code: result_json(r) for r in compute_all(ctx)}


def figures_fast(ctx: IndicatorContext) -> Figures:
    """The same as `figures_of(ctx)`, read from the snapshot while the registry stamp has not
    changed since it was computed; recomputed and stored otherwise."""
    stamp = sel.registry_stamp()
    if not cacheable(stamp):  # not installed, or drawn by this uncommitted transaction
        return figures_of(ctx)
    key = {"org_id": ctx.org_id, "at": ctx.at, "start": ctx.start, "end": ctx.end}
    snap = FigureSnapshot.objects.filter(**key).values_list("stamp", "figures").first()
    if snap and snap[0] == stamp.token:
        return snap[1]
    figures = figures_of(ctx)
    FigureSnapshot.objects.update_or_create(**key, defaults={"stamp": stamp.token, "figures": figures})
    return figures


def results_of(figures: Figures) -> list[Result]:
    """The Result objects of the catalog back from their JSON (figures_fast), in catalog order."""
    out = []
    for code, ind in CATALOG.items():
        f = figures.get(code)
        if f is None:
            continue
        out.append(
            Result(
                ind,
                f.get("value"),
                f.get("text", ""),
                {dim: [Cell(k, lbl, v) for k, lbl, v in cells] for dim, cells in f.get("breakdowns", {}).items()},
                denominator=f.get("denominator"),
                percent=f.get("percent", ""),
                note=f.get("note", ""),
            )
        )
    return out


def value(figures: Figures, code: str) -> int:
    return int((figures.get(code) or {}).get("value") or 0)


SUMMABLE_KINDS = ("stock", "flow")


def consolidate(many: list[Figures]) -> dict[str, int]:
    """Sum of the headcounts and flows of several reports (ratios are not summed)."""
    total: dict[str, int] = {}
    for code, ind in CATALOG.items():
        if ind.kind in SUMMABLE_KINDS:
            total[code] = sum(value(f, code) for f in many)
    return total


def difference(frozen: Figures, live: Figures) -> list[dict[str, Any]]:
    """Indicators whose value changed between a frozen report and a recomputation."""
    rows = []
    for code, ind in CATALOG.items():
        a, b = (frozen.get(code) or {}).get("value"), (live.get(code) or {}).get("value")
        if a != b:
            rows.append({"code": code, "name": ind.name, "frozen": a, "live": b, "delta": (b or 0) - (a or 0)})
    return rows


# --- the rows every rendering of a report prints (page, XLSX, DOCX) ----------------------------


@dataclass(frozen=True)
class BreakdownLine:
    """One breakdown of an indicator as printed: "Giới tính: Nam 5; Nữ 3", or for the single
    breakdown of a flow "Thành lập mới 7; Chuyển giao về tổ chức cấp trên khác 4". Cells with 0
    are left out."""

    dim: str
    label: str  # "" when the line is printed without it
    cells: tuple[tuple[str, str, int], ...]  # (key, label, value)

    @property
    def values_text(self) -> str:
        return "; ".join(f"{label} {vn_int(value)}" for _, label, value in self.cells)

    @property
    def text(self) -> str:
        return f"{self.label}: {self.values_text}" if self.label else self.values_text


@dataclass(frozen=True)
class ReportRow:
    code: str
    name: str
    kind: str
    value: int | None
    text: str
    lines: tuple[BreakdownLine, ...]
    section: str = ""  # the heading of its own it is printed under ("": none, the first rows)


def report_rows(figures: Figures) -> list[ReportRow]:
    """Every indicator of `figures` with its breakdown lines, in catalog order, the rows without a
    section first, then each section's rows together (in the order the sections first appear):
    the one source the report pages, the XLSX and the DOCX print from (so the official document
    carries every line and heading the page shows)."""
    rows = []
    for code, f in figures.items():
        kind = f.get("kind") or (CATALOG[code].kind if code in CATALOG else "stock")
        breakdowns = f.get("breakdowns") or {}
        labelled = kind != "flow" or len(breakdowns) > 1
        lines = []
        for dim, cells in breakdowns.items():
            shown = tuple((str(k), str(label), int(v)) for k, label, v in cells if v)
            if shown:
                lines.append(BreakdownLine(dim, DIMENSIONS.get(dim, dim) if labelled else "", shown))
        section = CATALOG[code].section if code in CATALOG else str(f.get("section") or "")
        rows.append(
            ReportRow(code, f.get("name", code), kind, f.get("value"), f.get("text", ""), tuple(lines), section)
        )
    order: dict[str, int] = {"": -1}
    for r in rows:
        order.setdefault(r.section, len(order))
    return sorted(rows, key=lambda r: order[r.section])


def section_starts(rows: list[ReportRow]) -> set[int]:
    """Indexes of the rows that open a section (a heading is printed before them)."""
    return {i for i, r in enumerate(rows) if r.section and (i == 0 or rows[i - 1].section != r.section)}
