"""XLSX and CSV writers formatted for Vietnamese Excel.

- A watermark line at the top (who exported, when, for what purpose), also in the file
  properties (creator, description, keywords), then the Vietnamese headers, frozen.
- Dates are real date cells with the number format "dd/mm/yyyy"; counts are real numbers with the
  format "#,##0" — Excel number formats are locale-neutral codes, so Vietnamese Excel shows
  51.602 (the "," of the code is "the thousands separator of the user's locale"); percentages "0.0%".
- CSV: UTF-8 with a BOM (Excel detects the encoding) and ";" as separator (the list separator of
  the Vietnamese regional settings); dates dd/mm/yyyy, numbers without grouping.
- Streaming: openpyxl write-only mode, so a province's 60,000-row list does not sit in memory.
- Every text cell, XLSX or CSV, goes through `core.spreadsheet.neutralize` (formula injection:
  a name "=HYPERLINK(...)" is written '=HYPERLINK(...), text that does not run).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dangbo.core.spreadsheet import neutralize
from dangbo.core.text import fold

DATE_FORMAT = "dd/mm/yyyy"
INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0%"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    kind: str = "text"  # "text" | "date" | "int" | "pct" | "id" (digits kept as text: citizen IDs)


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[tuple]


SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """An Excel sheet name from a title: forbidden characters replaced, cut at a word boundary
    (not mid-word) within Excel's 31 characters."""
    text = " ".join(_SHEET_FORBIDDEN.sub("-", title).split())
    if len(text) <= SHEET_NAME_MAX:
        return text
    cut = text[: SHEET_NAME_MAX + 1].rsplit(" ", 1)[0]
    return (cut if cut and len(cut) <= SHEET_NAME_MAX else text[:SHEET_NAME_MAX]).rstrip(" -")


def file_name(title: str, at: datetime, ext: str) -> str:
    """A download's file name: the Vietnamese title without diacritics, with the time
    ("danh-sach-dang-vien-den-ngay-06-12-2026-20261206-1430.xlsx")."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:80].rstrip("-") or "xuat-du-lieu"
    return f"{slug}-{at:%Y%m%d-%H%M}.{ext}"


def watermark_text(*, exporter: str, at: datetime, purpose: str) -> str:
    return (
        f"Tài liệu xuất từ Đảng bộ số — người xuất: {exporter} — lúc {at:%H:%M} ngày {at:%d/%m/%Y} — "
        f"mục đích: {purpose}. Không sao chép, chuyển cho người không có trách nhiệm."
    )


def write_xlsx(sheet: Sheet, *, watermark: str, exporter: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx_to(buffer, sheet, watermark=watermark, exporter=exporter)
    return buffer.getvalue()


def write_xlsx_to(target, sheet: Sheet, *, watermark: str, exporter: str) -> None:
    """Write the workbook to `target` (a path or a binary file): the rows are streamed (write-only
    mode keeps them in a temporary file, not in memory)."""
    wb = Workbook(write_only=True)
    wb.properties.creator = exporter
    wb.properties.title = sheet.title
    wb.properties.description = watermark
    wb.properties.keywords = "Đảng bộ số; dữ liệu cá nhân nhạy cảm"
    ws = wb.create_sheet(sheet_name(sheet.title))
    for i, col in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A4"  # rows 1-3 (watermark, title, headers) stay visible

    def cell(value, **style):
        c = WriteOnlyCell(ws, value=neutralize(value))
        for k, v in style.items():
            setattr(c, k, v)
        return c

    ws.append([cell(watermark, font=Font(italic=True, color="C00000"))])
    ws.append([cell(sheet.title, font=Font(bold=True, size=13))])
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    ws.append(
        [
            cell(
                c.header, font=Font(bold=True), fill=header_fill, alignment=Alignment(wrap_text=True, vertical="center")
            )
            for c in sheet.columns
        ]
    )
    formats = {"date": DATE_FORMAT, "int": INT_FORMAT, "pct": PCT_FORMAT, "id": "@"}
    for row in sheet.rows:
        out = []
        for col, value in zip(sheet.columns, row, strict=False):
            c = WriteOnlyCell(ws, value=neutralize(value))
            if value is not None and col.kind in formats:
                c.number_format = formats[col.kind]
            out.append(c)
        ws.append(out)
    wb.save(target)


_ID_DIGITS = re.compile(r"^[0-9][0-9.]*$")


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "id" and _ID_DIGITS.match(str(value)):
        # Excel reads 001188000111 as the number 1188000111: a text formula keeps the leading 0.
        return f'="{value}"'
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == "pct" and isinstance(value, float):
        return f"{value * 100:.1f}".replace(".", ",") + "%"
    return neutralize(str(value))


def write_csv(sheet: Sheet, *, watermark: str) -> bytes:
    buffer = io.BytesIO()
    write_csv_to(buffer, sheet, watermark=watermark)
    return buffer.getvalue()


def write_csv_to(target: BinaryIO, sheet: Sheet, *, watermark: str) -> None:
    """Write the CSV (UTF-8 with a BOM) to the binary file `target`, row by row."""
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    try:
        text.write("\ufeff")
        w = csv.writer(text, delimiter=";", lineterminator="\r\n")
        w.writerow([neutralize(watermark)])
        w.writerow([neutralize(c.header) for c in sheet.columns])
        for row in sheet.rows:
            w.writerow([_csv_value(v, c.kind) for c, v in zip(sheet.columns, row, strict=False)])
    finally:
        text.detach()  # the caller owns (and closes) `target`
