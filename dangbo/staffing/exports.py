"""XLSX export of quotas, headcount and vacancies per agency and staffing category as of a date
(the agencies the user sees on that date, in tree order). Views call `figures_xlsx` only after
the access policy has given the rows and `audit_export(purpose=...)` is recorded; the workbook is
saved through core.spreadsheet.workbook_bytes (no cell can run as a formula)."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from dangbo.core.spreadsheet import workbook_bytes
from dangbo.staffing.selectors import Snapshot, TreeRow

HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")
INT = "#,##0"
COLUMNS = [
    "Mã",
    "Cơ quan, đơn vị",
    "Cấp",
    "Loại biên chế",
    "Biên chế được giao",
    "Số người thực có",
    "Chưa sử dụng (giao − thực có)",
]


def figure_rows(rows: list[TreeRow], at: date) -> list[list]:
    """One line per visible agency × staffing category with data (a constant number of queries)."""
    snap = Snapshot(at)
    cats = snap.used_categories()
    out = []
    for r in rows:
        aid = r.version.agency_id
        for cat in cats:
            quota, head = snap.own_row(aid, cat)
            if quota is None and head is None:
                continue
            vacancies = (quota - head) if quota is not None and head is not None else None
            out.append([r.version.agency.code, r.version.name, r.depth + 1, cat.name, quota, head, vacancies])
    return out


def figures_xlsx(*, rows: list[list], at: date, watermark: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Biên chế"
    ws["A1"] = f"BIÊN CHẾ ĐƯỢC GIAO, SỐ NGƯỜI THỰC CÓ VÀ CHƯA SỬ DỤNG ĐẾN NGÀY {at:%d/%m/%Y}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = watermark
    for col, title in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=4, column=col, value=title)
        cell.font, cell.fill = HEAD, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, line in enumerate(rows, start=5):
        for col, value in enumerate(line, start=1):
            cell = ws.cell(row=i, column=col, value=value)
            if col >= 5:
                cell.number_format = INT
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["D"].width = 40
    wb.properties.description = watermark
    return workbook_bytes(wb)
