"""Import of a task table (XLSX, DOCX) with dry run → confirm; the implementation report
(XLSX, DOCX) in the party's document format, logged with its purpose."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document as Docx
from openpyxl import Workbook, load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.imports.tests.files import as_text
from dangbo.plans import importer
from dangbo.plans.exports import ReportMeta, report_docx, report_xlsx
from dangbo.plans.models import Task
from dangbo.plans.services import progress_report_submit

HEADER = ["STT", "Nội dung", "Cơ quan chỉ đạo", "Cơ quan chủ trì", "Cơ quan phối hợp", "Cơ quan thực hiện", "Thời gian"]
ROWS = [
    [
        "a)",
        "Phát động thi đua chi bộ bốn tốt",
        "Ban Thường vụ Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "Ban Tuyên giáo Tỉnh ủy, Ban Dân vận Tỉnh ủy",
        "Đảng bộ xã An Bình, Dang bo xa Binh Minh",
        "Quý III/2022",
    ],
    [
        "b)",
        "Xây dựng quy chế làm việc",
        "Ban Thường vụ Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "",
        "Đảng bộ huyện Sông Xanh và Đảng ủy Khối Doanh nghiệp",
        "3 tháng sau khi có hướng dẫn của Trung ương",
    ],
    ["c)", "Sinh hoạt chi bộ", "", "", "", "Chi bộ thôn 1", "Thường xuyên"],
]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    as_text(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx(rows) -> bytes:
    doc = Docx()
    doc.add_paragraph("Bảng nhiệm vụ")
    table = doc.add_table(rows=0, cols=len(rows[0]))
    for r in rows:
        cells = table.add_row().cells
        for i, v in enumerate(r):
            cells[i].text = v
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "build"), [("bang.xlsx", _xlsx), ("bang.docx", _docx)])
def test_the_dry_run_matches_bodies_by_folded_name_and_parses_deadlines(officer, plan, tree, name, build):
    before = Task.objects.count()
    result = importer.preview(actor=officer, plan=plan, name=name, content=build([HEADER, *ROWS]))
    assert result.ok and Task.objects.count() == before
    a, b, c = result.rows
    assert a.implementing_org_ids == [tree["commune_a"].pk, tree["commune_b"].pk]
    assert a.spec.due == date(2022, 9, 30)
    assert b.implementing_org_ids == [tree["district"].pk]
    assert "Đảng ủy Khối Doanh nghiệp" in result.unmatched and "Ban Tổ chức Tỉnh ủy" in result.unmatched
    assert (b.spec.kind, c.spec.kind) == ("relative", "regular")


def test_confirm_creates_every_task_and_keeps_unmatched_bodies_as_text(officer, plan, tree):
    n = importer.apply(actor=officer, plan=plan, name="bang.xlsx", content=_xlsx([HEADER, *ROWS]))
    assert n == 3
    task = Task.objects.get(plan=plan, number="b)")
    assert task.implementing_text == "Đảng ủy Khối Doanh nghiệp"
    assert list(task.assignments.values_list("org_id", flat=True)) == [tree["district"].pk]
    assert AuditEntry.objects.filter(action="plans.tasks_imported").count() == 1


def test_one_bad_row_rejects_the_whole_table_naming_row_and_column(officer, plan):
    bad = [*ROWS, ["d)", "Việc có ngày sai", "", "", "", "", "31/02/2023"]]
    with pytest.raises(DomainError, match="Dòng 5, cột Thời gian"):
        importer.apply(actor=officer, plan=plan, name="bang.xlsx", content=_xlsx([HEADER, *bad]))
    assert not Task.objects.filter(plan=plan).exists()


def test_a_table_without_the_content_column_is_refused(officer, plan):
    result = importer.preview(actor=officer, plan=plan, name="x.xlsx", content=_xlsx([["A", "B"], ["1", "2"]]))
    assert not result.ok and "Nội dung" in result.errors[0]


def _meta():
    return ReportMeta(
        issuer="Tỉnh ủy Thử Nghiệm",
        number="25-BC/TU",
        place="Thử Nghiệm",
        on=date(2022, 10, 5),
        start=date(2022, 7, 1),
        end=date(2022, 10, 5),
        recipients="- Ban Tổ chức Trung ương,\n- Lưu.",
    )


def test_the_xlsx_report_lists_tasks_with_late_bodies_and_is_logged(tasks, tree, plan, officer, commune_officer):
    progress_report_submit(
        actor=commune_officer,
        task=tasks["both"],
        org_id=tree["commune_a"].pk,
        status="done",
        percent=100,
        text="Đã hoàn thành",
        reported_on=date(2022, 9, 20),
    )
    content = report_xlsx(actor=officer, plan=plan, meta=_meta(), purpose="Báo cáo Ban Tổ chức Trung ương")
    ws = load_workbook(io.BytesIO(content)).active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts and "Nơi nhận:" in texts
    assert any("Đảng bộ xã Bình Minh: 0% — TRỄ HẠN" in t for t in texts)
    assert any("Đảng bộ xã An Bình: Đã hoàn thành" in t for t in texts)
    entry = AuditEntry.objects.get(action="export.plan_report_xlsx")
    assert entry.after["purpose"] == "Báo cáo Ban Tổ chức Trung ương" and entry.after["rows"] == 4


def test_the_docx_report_has_the_party_header_title_table_and_recipients(tasks, plan, officer):
    content = report_docx(actor=officer, plan=plan, meta=_meta(), purpose="Hội nghị sơ kết")
    doc = Docx(io.BytesIO(content))
    header = doc.tables[0]
    assert header.cell(0, 1).text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header.cell(0, 0).text == "TỈNH ỦY THỬ NGHIỆM"
    assert header.cell(2, 1).text == "Thử Nghiệm, ngày 05 tháng 10 năm 2022"
    paragraphs = [p.text for p in doc.paragraphs]
    assert "kết quả thực hiện Kế hoạch số 15-KH/TU" in paragraphs and "Nơi nhận:" in paragraphs
    assert len(doc.tables[1].rows) == 1 + 4


def test_an_export_without_purpose_is_refused(tasks, plan, officer):
    with pytest.raises(DomainError):
        report_xlsx(actor=officer, plan=plan, meta=_meta(), purpose=" ")


def test_a_hostile_task_table_is_refused_with_its_reason(officer, plan):
    """Issue 13 (a 2 KB XLSX exhausts memory): the plan import reads XLSX through the guarded reader
    and checks a DOCX's zip before python-docx inflates it."""
    from dangbo.imports.tests.test_xlsx_limits import build, sheet_xml

    content = build(sheet_xml('<row r="2"><c r="ZZZZZZZ2"><v>1</v></c></row>'))
    with pytest.raises(DomainError, match="Tham chiếu ô «ZZZZZZZ2» không hợp lệ"):
        importer.preview(actor=officer, plan=plan, name="bang.xlsx", content=content)
    bomb = build(big=("word/media/image1.png", b"\0" * (1 << 20), 40))
    with pytest.raises(DomainError, match="Không đọc được tệp Word \\(.docx\\). Tệp nén bất thường"):
        importer.preview(actor=officer, plan=plan, name="bang.docx", content=bomb)
    with pytest.raises(DomainError, match="Không đọc được tệp Word"):
        importer.preview(actor=officer, plan=plan, name="bang.docx", content=b"not a docx")


def test_formula_injection_refused_in_a_task_table(officer, plan):
    rows = [
        HEADER,
        ["a)", "- Phát động thi đua", "", '=HYPERLINK("http://x.example","Ban")', "", "", "Quý III/2022"],
        ["b)", "@SUM(1)", "", "", "", "", "Quý III/2022"],
    ]
    result = importer.preview(actor=officer, plan=plan, name="bang.xlsx", content=_xlsx(rows))
    errors = [e for r in result.rows for e in r.errors]
    assert len(errors) == 2 and not result.ok
    assert errors[0].startswith("Dòng 2, cột Cơ quan chủ trì: Nội dung «=HYPERLINK")
    assert errors[1].startswith("Dòng 3, cột Nội dung: Nội dung «@SUM(1)» bắt đầu bằng «@»")


@pytest.mark.parametrize(("name", "build"), [("bang.xlsx", _xlsx), ("bang.docx", _docx)])
def test_headers_typed_as_an_office_would_are_read_and_unknown_columns_listed(officer, plan, tree, name, build):
    """The pipeline's header matching (imports/pipeline.py) for task tables: a title line above
    the header, headers without diacritics, in capitals, aliases («TT», «Tổ chức thực hiện»,
    «Thời hạn»), headers longer than the template's («Nội dung nhiệm vụ»: a prefix field), and a
    column the import does not use, listed as ignored."""
    header = ["TT", "NOI DUNG NHIEM VU", "co quan chu tri", "PHOI HOP", "To chuc thuc hien", "THOI HAN", "Ghi chú"]
    rows = [
        ["KẾ HOẠCH THỰC HIỆN", "", "", "", "", "", ""],
        header,
        ["1", "Phát động thi đua", "Ban Tổ chức Tỉnh ủy", "", "Đảng bộ xã An Bình", "Quý III/2022", "mới"],
    ]
    result = importer.preview(actor=officer, plan=plan, name=name, content=build(rows))
    assert result.ok and result.ignored == ["Ghi chú"]
    (row,) = result.rows
    assert (row.line, row.number, row.content) == (3, "1", "Phát động thi đua")
    assert row.implementing_org_ids == [tree["commune_a"].pk] and row.spec.due == date(2022, 9, 30)
    assert importer.apply(actor=officer, plan=plan, name=name, content=build(rows)) == 1
    assert Task.objects.get(plan=plan).lead_text == "Ban Tổ chức Tỉnh ủy"


def test_the_dry_run_page_lists_the_columns_it_does_not_use(client, officer, plan, tree):
    rows = [[*HEADER, "Ghi chú"], [*ROWS[2], "x"]]
    upload = io.BytesIO(_xlsx(rows))
    upload.name = "bang.xlsx"
    client.force_login(officer)
    page = client.post(reverse("plans:plan_import", args=[plan.pk]), {"file": upload}).content.decode()
    assert 'id="cot-bo-qua"' in page and "Ghi chú" in page and "Xác nhận nhập 1 nhiệm vụ" in page
