"""A plan's implementation report for a period, as XLSX and DOCX, in the party's document format
(Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM" on the right, the issuing body and the number
on the left, place and date, title, the table of tasks, "Nơi nhận"). Every export is logged
with audit_export(purpose=...) before the file is built."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from dangbo.audit.services import audit_export
from dangbo.core.numbers import vn_decimal
from dangbo.core.spreadsheet import workbook_bytes
from dangbo.plans.models import Document
from dangbo.plans.selectors import PlanProgress, plan_progress

HEADERS = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan thực hiện",
    "Thời hạn",
    "Tiến độ",
    "Tình hình thực hiện",
]


@dataclass
class ReportMeta:
    issuer: str
    number: str
    place: str
    on: date
    start: date
    end: date
    recipients: str


def _rows(progress: PlanProgress, start: date) -> list[list[str]]:
    out = []
    for i, row in enumerate(progress.rows, start=1):
        t = row.task
        bodies, results = [], []
        for b in row.bodies:
            flag = " — TRỄ HẠN" if b.late else ""
            bodies.append(f"{b.name}: {b.percent}%{flag}")
            if b.latest and b.latest.reported_on >= start and b.latest.text:
                results.append(f"{b.name}: {b.latest.text}")
        if t.implementing_text:
            bodies.append(t.implementing_text)
        out.append(
            [
                t.number or str(i),
                t.content,
                t.lead_text or "",
                "\n".join(bodies),
                t.spec.label,
                vn_decimal(row.percent, 0) + "%",
                "\n".join(results),
            ]
        )
    return out


def _title(plan: Document) -> str:
    return f"BÁO CÁO\nkết quả thực hiện {plan.get_doc_type_display()} số {plan.number}"


def _date_line(meta: ReportMeta) -> str:
    return f"{meta.place or '...'}, ngày {meta.on.day:02d} tháng {meta.on.month:02d} năm {meta.on.year}"


def _log(*, actor, plan: Document, purpose: str, fmt: str, meta: ReportMeta, rows: int) -> None:
    audit_export(
        actor=actor,
        what=f"plan_report_{fmt}",
        purpose=purpose,
        org_id=plan.owner_org_id,
        obj=plan,
        rows=rows,
        filters={"from": meta.start.isoformat(), "to": meta.end.isoformat()},
    )


def report_xlsx(*, actor, plan: Document, meta: ReportMeta, purpose: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    progress = plan_progress(actor=actor, plan=plan, as_of=meta.end)
    rows = _rows(progress, meta.start)
    _log(actor=actor, plan=plan, purpose=purpose, fmt="xlsx", meta=meta, rows=len(rows))
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    bold = Font(bold=True)
    ws["A1"], ws["E1"] = meta.issuer.upper(), "ĐẢNG CỘNG SẢN VIỆT NAM"
    ws["A2"], ws["E2"] = f"Số {meta.number}", _date_line(meta)
    ws["A1"].font = ws["E1"].font = bold
    ws["A4"] = _title(plan).replace("\n", " ")
    ws["A4"].font = Font(bold=True, size=13)
    ws["A5"] = (
        f"Kỳ báo cáo: từ {meta.start:%d/%m/%Y} đến {meta.end:%d/%m/%Y}; tiến độ chung: {vn_decimal(progress.percent, 0)}%"
    )
    ws.append([])
    ws.append(HEADERS)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append(["Nơi nhận:"])
    for line in (meta.recipients or "").splitlines():
        ws.append([line])
    for col, width in zip("ABCDEFG", (6, 60, 25, 40, 18, 10, 50), strict=True):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)


def report_docx(*, actor, plan: Document, meta: ReportMeta, purpose: str) -> bytes:
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    progress = plan_progress(actor=actor, plan=plan, as_of=meta.end)
    rows = _rows(progress, meta.start)
    _log(actor=actor, plan=plan, purpose=purpose, fmt="docx", meta=meta, rows=len(rows))
    doc = Docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    head = doc.add_table(rows=3, cols=2)
    cells = [(meta.issuer.upper(), "ĐẢNG CỘNG SẢN VIỆT NAM"), ("*", ""), (f"Số {meta.number}", _date_line(meta))]
    for r, (left, right) in enumerate(cells):
        for c, text in enumerate((left, right)):
            p = head.cell(r, c).paragraphs[0]
            run = p.add_run(text)
            run.bold = r == 0
            run.italic = r == 2 and c == 1
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(_title(plan).split("\n")):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.bold = True
        if i == 0:
            run.font.size = Pt(15)
    doc.add_paragraph(
        f"Kỳ báo cáo: từ ngày {meta.start:%d/%m/%Y} đến ngày {meta.end:%d/%m/%Y}. "
        f"Tiến độ chung của kế hoạch: {vn_decimal(progress.percent, 0)}%; "
        f"{progress.late_count} nhiệm vụ có cơ quan thực hiện trễ hạn."
    )
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for i, h in enumerate(HEADERS):
        table.rows[0].cells[i].text = h
        for run in table.rows[0].cells[i].paragraphs[0].runs:
            run.bold = True
    for r in rows:
        cells = table.add_row().cells
        for i, value in enumerate(r):
            cells[i].text = value
    p = doc.add_paragraph()
    p.add_run("Nơi nhận:").bold = True
    for line in (meta.recipients or "").splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
