"""Headcount import from XLSX (số người thực có), in two steps like the member import
(dangbo/imports): a dry run parses every row and runs `services.headcount_record` inside a
transaction that is rolled back, reporting each refusal with its row number and column in
Vietnamese; the import proper writes every row in one transaction, or nothing if any row is
refused. The file is read through the guarded XLSX reader of dangbo/imports.

Columns (header on the first row, accents and case ignored): «Mã cơ quan», «Loại biên chế» (code
such as cb_cc, or the category's name), «Số người», «Tính đến ngày» (dd/mm/yyyy; default: the date
given for the whole file), «Nguồn» (default: the source given for the whole file)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from openpyxl import Workbook

from dangbo.core.errors import DomainError, not_found
from dangbo.core.text import fold
from dangbo.imports.normalize import clean_free_text, clean_text, parse_full_date
from dangbo.imports.parse import FileFormatError, xlsx_rows
from dangbo.staffing import services
from dangbo.staffing.models import Agency, StaffingCategory

COLUMNS = {  # field -> (header shown, accepted header keys)
    "code": ("Mã cơ quan", {"ma co quan", "ma don vi", "ma"}),
    "category": ("Loại biên chế", {"loai bien che", "loai"}),
    "count": ("Số người", {"so nguoi", "so nguoi thuc co", "thuc co", "so luong"}),
    "on": ("Tính đến ngày", {"tinh den ngay", "ngay", "den ngay"}),
    "source": ("Nguồn", {"nguon", "nguon so lieu"}),
}
HEADER_OF = {k: v[0] for k, v in COLUMNS.items()}
MAX_ROWS = 5000


def _key(text) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(clean_text(text))).strip()


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column header, message)
    planned: list[tuple[int, str, str, int, date]] = field(default_factory=list)  # (row, agency, category, n, on)
    applied: bool = False

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


class _Rollback(Exception):
    pass


def template_xlsx() -> Workbook:
    wb = Workbook()
    wb.active.append([h for h, _ in COLUMNS.values()])
    return wb


def _parse(path, *, on: date, source: str, report: ImportReport) -> list[_Row]:
    rows = xlsx_rows(path)
    try:
        return _parse_rows(rows, on=on, source=source, report=report)
    except FileFormatError as exc:
        report.errors.append((1, "", str(exc)))
        return []
    finally:
        rows.close()


def _parse_rows(rows, *, on: date, source: str, report: ImportReport) -> list[_Row]:
    _, header = next(rows, (1, ()))
    columns: dict[str, int] = {}
    for idx, cell in enumerate(header):
        for name, (_, keys) in COLUMNS.items():
            if cell is not None and _key(cell) in keys and name not in columns:
                columns[name] = idx
    missing = [HEADER_OF[c] for c in ("code", "category", "count") if c not in columns]
    if missing:
        report.errors.append((1, ", ".join(missing), "Thiếu cột bắt buộc."))
        return []
    agencies = {a.code.casefold(): a for a in Agency.objects.all()}
    cats: dict[str, StaffingCategory] = {}
    for c in StaffingCategory.objects.all():
        cats[_key(c.code)] = c
        cats[_key(c.name)] = c
    parsed: list[_Row] = []
    for number, cells in rows:
        if not any(c not in (None, "") for c in cells):
            continue
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.errors.append((number, "", f"Tệp quá {MAX_ROWS:,} dòng: chia thành nhiều tệp.".replace(",", ".")))
            break

        def cell(name, cells=cells):
            idx = columns.get(name)
            return cells[idx] if idx is not None and idx < len(cells) else None

        code = clean_text(cell("code"))
        agency = agencies.get(code.casefold())
        if agency is None:
            report.errors.append(
                (number, HEADER_OF["code"], not_found(f"cơ quan có mã «{code}».") if code else "Thiếu mã cơ quan.")
            )
            continue
        raw_cat = clean_text(cell("category"))
        category = cats.get(_key(raw_cat))
        if category is None:
            report.errors.append(
                (
                    number,
                    HEADER_OF["category"],
                    f"Không hiểu loại biên chế «{raw_cat}»: ghi mã "
                    f"({', '.join(sorted(c.code for c in set(cats.values())))}) hoặc tên loại.",
                )
            )
            continue
        raw_count = cell("count")
        text = clean_text(raw_count).replace(".", "") if not isinstance(raw_count, (int, float)) else ""
        if isinstance(raw_count, float) and raw_count.is_integer():
            raw_count = int(raw_count)
        count = (
            raw_count
            if isinstance(raw_count, int) and not isinstance(raw_count, bool)
            else (int(text) if text.isdigit() else None)
        )
        if count is None or count < 0:
            report.errors.append(
                (number, HEADER_OF["count"], f"Số người «{clean_text(raw_count)}» phải là số nguyên không âm.")
            )
            continue
        try:
            row_on = parse_full_date(cell("on")) or on
        except ValueError as exc:
            report.errors.append((number, HEADER_OF["on"], str(exc)))
            continue
        try:
            row_source = clean_free_text(cell("source")) or source
        except ValueError as exc:
            report.errors.append((number, HEADER_OF["source"], str(exc)))
            continue
        if row_on is None:
            report.errors.append((number, HEADER_OF["on"], "Thiếu ngày số liệu (cột hoặc ngày chung của tệp)."))
            continue
        parsed.append(_Row(number, agency, category, count, row_on, row_source))
    return parsed


_FIELD_HEADER = {
    "count": HEADER_OF["count"],
    "source": HEADER_OF["source"],
    "on": HEADER_OF["on"],
    "agency_id": HEADER_OF["code"],
}


def _run(path, *, actor, on: date | None, source: str, apply: bool) -> ImportReport:
    report = ImportReport()
    parsed = _parse(path, on=on, source=source, report=report)
    if report.errors or not parsed:
        if not parsed and not report.errors:
            report.errors.append((2, "", "Tệp không có dòng dữ liệu nào."))
        return report
    try:
        with transaction.atomic():
            for r in parsed:
                try:
                    services.headcount_record(
                        actor=actor, agency=r.agency, category=r.category, on=r.on, count=r.count, source=r.source
                    )
                except DomainError as exc:
                    report.errors.append((r.number, _FIELD_HEADER.get(exc.field or "", ""), exc.message))
                    continue
                report.planned.append((r.number, str(r.agency), r.category.name, r.count, r.on))
            if report.errors or not apply:
                raise _Rollback
    except _Rollback:
        if report.errors:
            report.planned.clear()
        return report
    report.applied = True
    return report


def headcount_import_dry_run(path: str | Path, *, actor, on: date | None = None, source: str = "") -> ImportReport:
    """Parse and check every row (the writes are rolled back): the report lists each row planned
    or each refusal with its row number."""
    return _run(path, actor=actor, on=on, source=source, apply=False)


def headcount_import_apply(path: str | Path, *, actor, on: date | None = None, source: str = "") -> ImportReport:
    """Write every row in one transaction; nothing is written if any row is refused."""
    return _run(path, actor=actor, on=on, source=source, apply=True)
