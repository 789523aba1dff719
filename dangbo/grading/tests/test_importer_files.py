"""The grading import reads XLSX through the guarded reader of dangbo/imports/xlsx.py (issue 13:
a 2 KB XLSX exhausts memory): a hostile file is one Vietnamese error, nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from dangbo.grading.importer import grading_import_dry_run
from dangbo.imports.tests.files import as_text
from dangbo.imports.tests.test_xlsx_limits import build, sheet_xml

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ('<row r="2"><c r="ZZZZZZZ2"><v>1</v></c></row>', "Tham chiếu ô «ZZZZZZZ2» không hợp lệ"),
        ('<row r="2"><c r="A2" t="s"><v>9</v></c></row>', "Ô A2 trỏ tới chuỗi dùng chung số «9»"),
    ],
)
def test_a_hostile_grading_file_is_refused_with_its_reason(officer, campaign, tmp_path, rows, message):
    path = tmp_path / "kq.xlsx"
    path.write_bytes(build(sheet_xml(rows)))
    report = grading_import_dry_run(path, actor=officer, campaign=campaign, on=date(2025, 12, 20))
    assert not report.ok and len(report.errors) == 1
    assert message in report.errors[0][2] and report.errors[0][2].startswith("Không đọc được tệp Excel (.xlsx).")


def test_a_file_that_is_not_xlsx_is_refused(officer, campaign, tmp_path):
    path = tmp_path / "kq.xlsx"
    path.write_bytes(b"not a zip")
    report = grading_import_dry_run(path, actor=officer, campaign=campaign, on=date(2025, 12, 20))
    assert "Tệp không phải là tệp Excel .xlsx" in report.errors[0][2]


def test_formula_injection_refused_in_a_grading_comment(officer, campaign, members_a1, tmp_path):
    wb = Workbook()
    wb.active.append(["Họ và tên", "Năm sinh", "Xếp loại", "Nhận xét"])
    m = members_a1[0]
    wb.active.append([m.full_name, m.birth_year, "HTTNV", '=HYPERLINK("http://x.example","a")'])
    as_text(wb)
    wb.save(tmp_path / "kq.xlsx")
    report = grading_import_dry_run(tmp_path / "kq.xlsx", actor=officer, campaign=campaign, on=date(2025, 12, 20))
    assert [(n, col) for n, col, _ in report.errors] == [(2, "Nhận xét")]
    assert "Excel sẽ coi là công thức" in report.errors[0][2]


def test_headers_typed_without_accents_in_legacy_fonts_or_as_aliases_import(officer, campaign, members_a1, tmp_path):
    """The pipeline's header matching (imports/pipeline.py) for grading results: headers without
    diacritics, in capitals, in the TCVN3 font, and aliases («Điểm», «Mức xếp loại», «Ghi chú»);
    the header under a title line; the unknown column is listed."""
    from dangbo.imports.legacy import encode_tcvn3

    wb = Workbook()
    wb.active.append(["KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025"])
    wb.active.append(["So TT", encode_tcvn3("Họ và tên"), "NAM SINH", "diem", "MUC XEP LOAI", "ghi chu"])
    m = members_a1[0]
    wb.active.append([1, m.full_name, m.birth_year, "80", "HTTNV", "Tốt"])
    wb.save(tmp_path / "kq.xlsx")
    report = grading_import_dry_run(tmp_path / "kq.xlsx", actor=officer, campaign=campaign, on=date(2025, 12, 20))
    assert report.ok and report.ignored == ["So TT"] and report.planned[0][:2] == (3, m.full_name)
