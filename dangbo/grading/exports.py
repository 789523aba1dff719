"""XLSX export of grading results (Vietnamese headers, formatted numbers). Views call
`results_xlsx` only after the scope check and `audit_export(purpose=...)`."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dangbo.core.spreadsheet import workbook_bytes
from dangbo.members.models import Member

from .models import GRADE_ABBREV, Grade, GradingRecord, Step, Subject
from .selectors import Results

HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")
INT, PCT = "#,##0", "0.0%"


def _header(ws, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.fill = HEAD, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _pct(value: float | None):
    return None if value is None else value / 100


def results_xlsx(*, results: Results, history: list[Results], org_name: str, member_ids: list[int]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả xếp loại"
    ws["A1"] = f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM {results.year}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = org_name
    _header(ws, 4, ["Mức xếp loại", "Số đảng viên", "Tỷ lệ (%)"])
    r = 5
    for cell in results.levels:
        ws.cell(r, 1, cell.label)
        ws.cell(r, 2, cell.count).number_format = INT
        ws.cell(r, 3, _pct(cell.share)).number_format = PCT
        r += 1
    ws.cell(r, 1, "Đảng viên phải xếp loại (mẫu số)").font = HEAD
    ws.cell(r, 2, results.denominator).number_format = INT
    r += 1
    ws.cell(r, 1, "Hoàn thành tốt nhiệm vụ trở lên").font = HEAD
    ws.cell(r, 2, results.good_or_better).number_format = INT
    ws.cell(r, 3, _pct(results.good_or_better_share)).number_format = PCT
    r += 1
    ws.cell(r, 1, f"Chỉ tiêu trên {results.target_percent}%")
    ws.cell(r, 2, "Đạt" if results.target_met else "Chưa đạt")
    r += 2
    _header(ws, r, ["Năm", "Phải xếp loại", "HTTNV trở lên", "Tỷ lệ (%)"])
    for h in history:
        r += 1
        ws.cell(r, 1, h.year)
        ws.cell(r, 2, h.denominator).number_format = INT
        ws.cell(r, 3, h.good_or_better).number_format = INT
        ws.cell(r, 4, _pct(h.good_or_better_share)).number_format = PCT
    if results.by_org_type:
        r += 2
        _header(
            ws,
            r,
            [
                "Loại tổ chức",
                "Số tổ chức xếp loại",
                *[a for a, _, _ in results.by_org_type[0]["levels"]],
                "Tỷ lệ HTTNV trở lên (%)",
            ],
        )
        for row in results.by_org_type:
            r += 1
            ws.cell(r, 1, row["label"])
            ws.cell(r, 2, row["total"]).number_format = INT
            for i, (_, count, _) in enumerate(row["levels"], start=3):
                ws.cell(r, i, count).number_format = INT
            ws.cell(r, 3 + len(row["levels"]), _pct(row["good_or_better_share"])).number_format = PCT
    for col, width in zip("ABCDEFG", (52, 16, 16, 14, 14, 14, 20), strict=False):
        ws.column_dimensions[col].width = width

    ms = wb.create_sheet("Danh sách đảng viên")
    _header(ms, 1, ["STT", "Họ và tên", "Năm sinh", "Tổng điểm", "Xếp loại", "Mức xếp loại", "Ngày quyết định"])
    decisions = {
        r.member_id: r
        for r in GradingRecord.objects.current().filter(
            campaign__year=results.year, subject=Subject.MEMBER, step=Step.DECISION, member_id__in=member_ids
        )
    }
    n = 1
    for m in Member.objects.filter(pk__in=member_ids).order_by("name_folded", "pk"):
        rec = decisions.get(m.pk)
        n += 1
        ms.cell(n, 1, n - 1)
        ms.cell(n, 2, m.full_name)
        ms.cell(n, 3, m.birth_year)
        if rec and rec.total is not None:
            ms.cell(n, 4, float(rec.total)).number_format = "0.0"
        ms.cell(n, 5, GRADE_ABBREV.get(rec.grade, "") if rec else "")
        ms.cell(n, 6, Grade(rec.grade).label if rec else "Chưa có quyết định")
        if rec:
            ms.cell(n, 7, rec.on).number_format = "dd/mm/yyyy"
    for i, width in enumerate((6, 30, 10, 10, 10, 32, 16), start=1):
        ms.column_dimensions[get_column_letter(i)].width = width
    return workbook_bytes(wb)
