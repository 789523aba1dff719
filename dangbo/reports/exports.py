"""Exports of a report: XLSX (values only, Vietnamese number formats) and DOCX in the party's
document format (Hướng dẫn 36-HD/VPTW): "ĐẢNG CỘNG SẢN VIỆT NAM" on the right, the issuing body
on the left with the number and symbol "Số ...-BC/...", place and date "..., ngày dd tháng mm
năm yyyy", the title "BÁO CÁO", the body with the figures and "Nơi nhận:".

The DOCX comes from a template an officer can adjust: `templates_docx/bao_cao.docx` (built by
`build_default_template()` when absent) or the organization's uploaded ReportTemplate. The
template holds placeholders `{{name}}` in paragraphs and table cells; `{{noi_dung}}` and
`{{bang_so_lieu}}` paragraphs are replaced by the free-text sections and the table of figures.
PDF is produced with LibreOffice (`soffice`) when it is installed, else not offered.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dangbo.core.numbers import vn_int
from dangbo.core.spreadsheet import workbook_bytes
from dangbo.reports.figures import Figures, report_rows, section_starts

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates_docx"
DEFAULT_TEMPLATE = TEMPLATE_DIR / "bao_cao.docx"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
INT_FORMAT = "#,##0"  # shown as 51.602 by a spreadsheet in a Vietnamese locale


@dataclass
class ReportDocument:
    """What the exports print: who issues, which number, where and when, the figures."""

    superior: str  # first header line (reports.letterhead): "TỈNH ỦY SƠN GIANG"
    issuer: str  # second header line: "BAN TỔ CHỨC"
    number: str  # "Số 12-BC/BTCTU"
    place: str
    on: date
    title: str  # "Tình hình tổ chức đảng và đảng viên năm 2025"
    org_name: str
    at: date
    start: date
    end: date
    figures: Figures
    sections: list[tuple[str, str]] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: str = ""  # the line above the signature: "TRƯỞNG BAN", "T/M BAN THƯỜNG VỤ"...

    def values(self) -> dict[str, str]:
        return {
            "cap_tren": self.superior.upper(),
            "co_quan": self.issuer.upper(),
            "so_ky_hieu": self.number or "Số      -BC/",
            "dia_danh_ngay": f"{self.place or '...'}, ngày {self.on:%d} tháng {self.on:%m} năm {self.on:%Y}",
            "tieu_de": "BÁO CÁO",
            "trich_yeu": self.title,
            "to_chuc": self.org_name,
            "ngay_chot": f"{self.at:%d/%m/%Y}",
            "ky": f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}",
            "noi_nhan": "\n".join(f"- {r}," for r in self.recipients) or "- Như trên,\n- Lưu.",
            "ky_ten": self.signature or f"T/M {self.issuer.upper()}",
        }


# --- XLSX --------------------------------------------------------------------------------------


def report_xlsx(doc: ReportDocument) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append([f"{doc.superior.upper()} — {doc.issuer.upper()}"])
    ws.append([f"BÁO CÁO: {doc.title}"])
    ws.append(
        [
            f"Tổ chức: {doc.org_name}; số liệu tính đến ngày {doc.at:%d/%m/%Y}; "
            f"biến động trong kỳ {doc.start:%d/%m/%Y} – {doc.end:%d/%m/%Y}"
        ]
    )
    ws.append([])
    ws.append(["Chỉ tiêu", "Chia theo", "Số lượng", "Diễn giải"])
    for cell in ws[5]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True)
    ws["A2"].font = Font(bold=True, size=13)
    rows = report_rows(doc.figures)
    starts = section_starts(rows)
    for i, row in enumerate(rows):
        if i in starts:  # the section's heading of its own, as on the page
            ws.append([f"{row.section} (tính đến ngày {doc.at:%d/%m/%Y})"])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append([row.name, "", row.value, row.text])
        ws.cell(ws.max_row, 3).number_format = INT_FORMAT
        for line in row.lines:  # one row per cell: the numbers stay numbers
            for _key, label, value in line.cells:
                ws.append(["", label, value, line.label])
                ws.cell(ws.max_row, 3).number_format = INT_FORMAT
                ws.cell(ws.max_row, 2).alignment = Alignment(indent=1)
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 48
    return workbook_bytes(wb)


# --- DOCX --------------------------------------------------------------------------------------


def build_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    """Write the default template (36-HD/VPTW layout, placeholders) to `path`."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = Document()
    sec = d.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    style = d.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)

    def para(cell_or_doc, text, *, bold=False, italic=False, underline=False, center=True, size=None):
        p = cell_or_doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(text)
        r.bold, r.italic, r.underline = bold, italic, underline
        if size:
            r.font.size = Pt(size)
        return p

    header = d.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left._element.remove(left.paragraphs[0]._element)
    right._element.remove(right.paragraphs[0]._element)
    para(left, "{{cap_tren}}", size=14)
    para(left, "{{co_quan}}", bold=True, size=14)
    para(left, "*", size=14)
    para(left, "{{so_ky_hieu}}", size=14)
    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15)
    para(right, "")
    para(right, "{{dia_danh_ngay}}", italic=True, size=14)
    para(d, "")
    para(d, "{{tieu_de}}", bold=True, size=16)
    para(d, "{{trich_yeu}}", bold=True, size=14)
    para(d, "-----", size=14)
    p = d.add_paragraph("Số liệu của {{to_chuc}} tính đến ngày {{ngay_chot}}, biến động trong kỳ {{ky}}.")
    p.paragraph_format.first_line_indent = Cm(1)
    d.add_paragraph("{{noi_dung}}")
    d.add_paragraph("{{bang_so_lieu}}")
    footer = d.add_table(rows=1, cols=2)
    fl, fr = footer.rows[0].cells
    fl._element.remove(fl.paragraphs[0]._element)
    fr._element.remove(fr.paragraphs[0]._element)
    para(fl, "Nơi nhận:", bold=True, italic=True, underline=True, center=False, size=12)
    para(fl, "{{noi_nhan}}", center=False, size=11)
    para(fr, "{{ky_ten}}", bold=True, size=14)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))
    return path


def default_template_bytes() -> bytes:
    if not DEFAULT_TEMPLATE.exists():
        build_default_template()
    return DEFAULT_TEMPLATE.read_bytes()


def _replace_in_paragraph(p, values: dict[str, str]) -> None:
    text = "".join(r.text for r in p.runs)
    if "{{" not in text:
        return
    new = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    if new == text:
        return
    lines = new.split("\n")
    first = p.runs[0]
    first.text = lines[0]
    for r in p.runs[1:]:
        r.text = ""
    for line in lines[1:]:
        first.add_break()
        first.add_text(line)


def _paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def report_docx(doc: ReportDocument, template: bytes | None = None) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    d = Document(io.BytesIO(template or default_template_bytes()))
    values = doc.values()
    for p in list(d.paragraphs):
        text = p.text.strip()
        if text == "{{noi_dung}}":
            for heading, body in doc.sections:
                if not body:
                    continue
                h = p.insert_paragraph_before()
                h.add_run(heading).bold = True
                for line in body.splitlines():  # one paragraph per line of the section
                    if line.strip():
                        q = p.insert_paragraph_before(line)
                        q.paragraph_format.first_line_indent = Cm(1)
            p._element.getparent().remove(p._element)
        elif text == "{{bang_so_lieu}}":
            table = d.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, head in zip(table.rows[0].cells, ("Chỉ tiêu", "Số lượng", "Diễn giải, chia theo"), strict=True):
                cell.text = head
                cell.paragraphs[0].runs[0].bold = True

            rows = report_rows(doc.figures)
            starts = section_starts(rows)
            for i, row in enumerate(rows):
                if i in starts:  # the section's heading of its own, across the table
                    head = table.add_row().cells
                    merged = head[0].merge(head[2])
                    merged.text = f"{row.section} (tính đến ngày {doc.at:%d/%m/%Y})"
                    merged.paragraphs[0].runs[0].bold = True
                cells = table.add_row().cells
                cells[0].text, cells[1].text = row.name, "" if row.value is None else vn_int(row.value)
                cells[2].text = row.text
                for line in row.lines:  # every breakdown line the page shows
                    cells[2].add_paragraph(line.text)
                for c in cells:
                    for para_ in c.paragraphs:
                        for r in para_.runs:
                            r.font.size = Pt(11)
            p._element.addnext(table._tbl)
            p._element.getparent().remove(p._element)
    for p in _paragraphs(d):
        _replace_in_paragraph(p, values)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(content: bytes, *, timeout: int = 60) -> bytes | None:
    """PDF through LibreOffice headless; None when it is not installed or fails."""
    exe = pdf_converter()
    if not exe:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bao_cao.docx"
        src.write_bytes(content)
        try:
            subprocess.run(
                [exe, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)],
                check=True,
                timeout=timeout,
                capture_output=True,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        out = Path(tmp) / "bao_cao.pdf"
        return out.read_bytes() if out.exists() else None
