"""Headcount import from XLSX (số người thực có), on the import pipeline (dangbo/imports/pipeline.py):
a dry run parses every row and runs `services.headcount_record` inside a transaction that is
rolled back (`rehearse`), reporting each refusal with its row number and column in Vietnamese;
the import proper writes every row in one transaction, or nothing if any row is refused. The
file is read by the pipeline's reader (XLSX streamed and guarded, headers decoded from the legacy
fonts and matched folded with aliases, unknown columns listed).

Columns (accents, case and punctuation of the headers ignored): «Mã cơ quan», «Loại biên chế» (code
such as cb_cc, or the category's name), «Số người», «Tính đến ngày» (dd/mm/yyyy; default: the date
given for the whole file), «Nguồn» (default: the source given for the whole file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from openpyxl import Workbook

from dangbo.core.errors import DomainError, not_found
from dangbo.imports.normalize import clean_free_text, clean_text, parse_full_date
from dangbo.imports.parse import Row, header_key
from dangbo.imports.pipeline import (
    Field,
    Layout,
    RowCleaner,
    SheetReport,
    check_rows,
    read,
    rehearse,
    template_workbook,
)
from dangbo.staffing import services
from dangbo.staffing.models import Agency, StaffingCategory

FIELDS = [
    Field("code", "Mã cơ quan", ("Mã đơn vị", "Mã"), True, "Mã cơ quan trong hệ thống (chữ hoa, chữ thường như nhau)."),
    Field(
        "category",
        "Loại biên chế",
        ("Loại",),
        True,
        "Mã loại biên chế (ví dụ cb_cc) hoặc tên loại.",
    ),
    Field(
        "count",
        "Số người",
        ("Số người thực có", "Thực có", "Số lượng"),
        True,
        "Số nguyên không âm.",
    ),
    Field(
        "on",
        "Tính đến ngày",
        ("Ngày", "Đến ngày"),
        note="ngày/tháng/năm; để trống là ngày chung của tệp.",
    ),
    Field("source", "Nguồn", ("Nguồn số liệu",), note="Để trống là nguồn chung của tệp."),
]
LAYOUT = Layout.of("headcount", FIELDS)
HEADER_OF = LAYOUT.header_of
MAX_ROWS = 5000


@dataclass
class ImportReport(SheetReport):
    """The dry run of a headcount file (imports.pipeline.SheetReport): `planned` are (row, agency,
    category, count, date), filled by the services' rehearsal; a refusal of the whole file names row 1."""

    file_row: ClassVar[int] = 1
    empty_row: ClassVar[int] = 2
    missing_by_column: ClassVar[bool] = True

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


@dataclass
class _Row:
    number: int
    agency: Agency
    category: StaffingCategory
    count: int
    on: date
    source: str


def template_xlsx() -> Workbook:
    """The template: the headers (the data start on row 2) and a guide sheet."""
    return template_workbook(LAYOUT, title="Số người thực có", guide_widths={"A": 20, "C": 60})


def _count(raw) -> int | None:
    text = clean_text(raw).replace(".", "") if not isinstance(raw, (int, float)) else ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    return int(text) if text.isdigit() else None


def _parse(path, *, actor, on: date, source: str, report: ImportReport) -> list[_Row]:
    """The rows through the pipeline's reader (XLSX streamed and guarded, legacy headers, aliases;
    a file it refuses is one error with its reason), each checked against the agencies and categories."""
    table = read(report, path, layout=LAYOUT, actor=actor)
    if table is None:
        return []
    agencies = {a.code.casefold(): a for a in Agency.objects.all()}
    cats: dict[str, StaffingCategory] = {}
    for c in StaffingCategory.objects.all():
        cats[header_key(c.code)] = c
        cats[header_key(c.name)] = c

    def row_fn(row: Row, cells: RowCleaner) -> _Row | None:
        v = row.values
        code = clean_text(v.get("code"))
        agency = agencies.get(code.casefold())
        if agency is None:
            cells.refuse("code", not_found(f"cơ quan có mã «{code}».") if code else "Thiếu mã cơ quan.")
            return None
        raw_cat = clean_text(v.get("category"))
        category = cats.get(header_key(raw_cat))
        if category is None:
            cells.refuse(
                "category",
                f"Không hiểu loại biên chế «{raw_cat}»: ghi mã "
                f"({', '.join(sorted(c.code for c in set(cats.values())))}) hoặc tên loại.",
            )
            return None
        count = _count(v.get("count"))
        if count is None or count < 0:
            cells.refuse("count", f"Số người «{clean_text(v.get('count'))}» phải là số nguyên không âm.")
            return None
        row_on = cells.take("on", lambda: parse_full_date(v.get("on")) or on)
        if cells.errors:
            return None
        row_source = cells.take("source", lambda: clean_free_text(v.get("source")) or source)
        if cells.errors:
            return None
        if row_on is None:
            cells.refuse("on", "Thiếu ngày số liệu (cột hoặc ngày chung của tệp).")
            return None
        return _Row(row.number, agency, category, count, row_on, row_source)

    parsed: list[_Row] = []
    check_rows(report, table, row_fn, into=parsed, limit=MAX_ROWS)
    return parsed


_FIELD_HEADER = {
    "count": HEADER_OF["count"],
    "source": HEADER_OF["source"],
    "on": HEADER_OF["on"],
    "agency_id": HEADER_OF["code"],
}


def _run(path, *, actor, on: date | None, source: str, apply: bool) -> ImportReport:
    report = ImportReport()
    parsed = _parse(path, actor=actor, on=on, source=source, report=report)
    if report.errors or not parsed:
        return report

    def write() -> None:
        for r in parsed:
            try:
                services.headcount_record(
                    actor=actor, agency=r.agency, category=r.category, on=r.on, count=r.count, source=r.source
                )
            except DomainError as exc:
                report.errors.append((r.number, _FIELD_HEADER.get(exc.field or "", ""), exc.message))
                continue
            report.planned.append((r.number, str(r.agency), r.category.name, r.count, r.on))

    rehearse(report, write, apply=apply)
    if report.errors:
        report.planned.clear()
    return report


def headcount_import_dry_run(path: str | Path, *, actor, on: date | None = None, source: str = "") -> ImportReport:
    """Parse and check every row (the writes are rolled back): the report lists each row planned
    or each refusal with its row number."""
    return _run(path, actor=actor, on=on, source=source, apply=False)


def headcount_import_apply(path: str | Path, *, actor, on: date | None = None, source: str = "") -> ImportReport:
    """Write every row in one transaction; nothing is written if any row is refused."""
    return _run(path, actor=actor, on=on, source=source, apply=True)
