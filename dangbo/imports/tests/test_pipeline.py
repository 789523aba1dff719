"""The import pipeline every kind plugs into (dangbo/imports/pipeline.py): headers read as officers
type them (legacy fonts, no accents, other case, aliases), every bad cell named by row and column,
every column mapped or listed as ignored, the template and its guide from the declared fields."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from dangbo.imports import normalize as N
from dangbo.imports.legacy import encode_tcvn3
from dangbo.imports.pipeline import (
    Field,
    Layout,
    RowCleaner,
    SheetReport,
    check_rows,
    read,
    read_rows,
    rehearse,
    template_bytes,
)

pytestmark = pytest.mark.django_db

LAYOUT = Layout.of(
    "pipeline_test",
    [
        Field("full_name", "Họ và tên", ("Họ tên",), required=True, note="Có dấu."),
        Field("card", "Số thẻ đảng viên", ("Số thẻ",)),
        Field("code", "Mã đơn vị", ("Mã tổ chức",)),
        Field("birth", "Ngày sinh", ("Ngày tháng năm sinh",), required=True),
    ],
    one_of=(("card", "code", "Số thẻ đảng viên / Mã đơn vị"),),
)


def _xlsx(tmp_path, rows, name="tep.xlsx"):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def _row(row, cells):
    name = cells.take("full_name", lambda: N.clean_name(cells.values.get("full_name")), "")
    born = cells.take(
        "birth", lambda: N.parse_full_date(cells.values.get("birth")), missing="Thiếu ngày sinh (ngày/tháng/năm)."
    )
    return (row.number, name, born)


def test_the_layout_is_declared_by_its_fields():
    assert LAYOUT.required == ("full_name", "birth")
    assert LAYOUT.header_of["card"] == "Số thẻ đảng viên"
    assert [LAYOUT.required_label(n) for n in ("full_name", "card", "code")] == ["Có", "Một trong hai", "Một trong hai"]
    assert LAYOUT.notes == {"full_name": "Có dấu."}


def test_the_row_cleaner_records_every_bad_cell_and_the_missing_ones():
    cells = RowCleaner({"a": "x"})
    assert cells.take("a", lambda: int("x"), 0) == 0
    assert cells.take("b", lambda: "", missing="Thiếu b.") == ""
    assert cells.take("c", lambda: 0, missing="Thiếu c.") == 0  # a zero is a value
    assert cells.errors[1] == ("b", "Thiếu b.") and cells.refused("a") and not cells.refused("c")


def test_legacy_headers_are_read_and_unknown_columns_listed(tmp_path, system_user):
    """TCVN3 headers, no diacritics, upper case and an alias: every column found; «STT» listed."""
    path = _xlsx(
        tmp_path,
        [
            ["DANH SÁCH"],
            ["STT", encode_tcvn3("Họ và tên"), "SO THE", "ngay thang nam sinh"],
            [1, encode_tcvn3("Nguyễn Văn Mẫu"), "01.234", "02/09/1980"],
            [2, "Trần Thị Bình", "", "31/02/1980"],
        ],
    )
    report = SheetReport()
    table = read(report, path, layout=LAYOUT, actor=system_user)
    assert report.ignored == ["STT"]
    assert [(m["header"], m["field"], m["label"]) for m in report.mapped] == [
        ("STT", "", ""),
        ("Họ và tên", "full_name", "Họ và tên"),
        ("SO THE", "card", "Số thẻ đảng viên"),
        ("ngay thang nam sinh", "birth", "Ngày sinh"),
    ]
    check_rows(report, table, _row)
    assert report.rows == 2 and report.planned[0][1] == "Nguyễn Văn Mẫu"
    assert report.errors == [(4, "Ngày sinh", "Ngày 31/02/1980 không có trên lịch.")]
    assert not report.ok


def test_a_file_without_its_columns_or_rows_is_one_refusal(tmp_path, system_user):
    report = SheetReport()
    assert read(report, _xlsx(tmp_path, [["Họ và tên", "Ghi chú"]]), layout=LAYOUT, actor=system_user) is None
    assert report.errors == [(0, "", "Thiếu cột: «Ngày sinh», «Số thẻ đảng viên / Mã đơn vị».")]

    class ByColumn(SheetReport):
        file_row, empty_row, missing_by_column = 1, 2, True

    report = ByColumn()
    read(report, _xlsx(tmp_path, [["Họ và tên", "Ghi chú"]]), layout=LAYOUT, actor=system_user)
    assert report.errors == [(1, "Ngày sinh, Số thẻ đảng viên / Mã đơn vị", "Thiếu cột bắt buộc.")]
    report = ByColumn()
    table = read(report, _xlsx(tmp_path, [["Họ và tên", "Ngày sinh", "Số thẻ"]]), layout=LAYOUT, actor=system_user)
    check_rows(report, table, _row)
    assert report.errors == [(2, "", "Tệp không có dòng dữ liệu nào.")]


def test_a_rehearsal_rolls_back_unless_applied_without_refusal(system_user):
    from dangbo.audit.models import AuditEntry
    from dangbo.audit.services import audit_record

    def write():
        audit_record(actor=system_user, action="test.rehearsed", object_type="t", object_id=1, summary="x")

    report = rehearse(SheetReport(), write, apply=False)
    assert not report.applied and not AuditEntry.objects.filter(action="test.rehearsed").exists()
    report = rehearse(SheetReport(errors=[(2, "", "x")]), write, apply=True)
    assert not report.applied and not AuditEntry.objects.filter(action="test.rehearsed").exists()
    report = rehearse(SheetReport(), write, apply=True)
    assert report.applied and AuditEntry.objects.filter(action="test.rehearsed").exists()


def test_the_template_has_the_headers_and_a_guide_from_the_fields():
    wb = load_workbook(
        io.BytesIO(
            template_bytes(
                LAYOUT,
                title="Mẫu",
                examples=[["Nguyễn Văn Mẫu", "", "T01", "02/09/1980"]],
                text_fields=("birth",),
                guide=("required", "note", "aliases"),
            )
        )
    )
    ws, guide = wb["Mẫu"], wb["Hướng dẫn"]
    assert [c.value for c in ws[1]] == ["Họ và tên", "Số thẻ đảng viên", "Mã đơn vị", "Ngày sinh"]
    assert ws["D2"].number_format == "@" and ws["C2"].number_format == "General"
    assert [c.value for c in guide[2]] == ["Họ và tên", "Có", "Có dấu.", "Họ tên"]
    assert [c.value for c in guide[3]][:2] == ["Số thẻ đảng viên", "Một trong hai"]


def test_a_prefix_field_matches_a_longer_header_by_whole_words():
    layout = Layout.of(
        "prefix_test",
        [
            Field("content", "Nội dung", ("Nhiệm vụ",), required=True, prefix=True),
            Field("lead", "Cơ quan chủ trì", ("Chủ trì",), prefix=True),
            Field("card", "Số thẻ", ()),
        ],
    )
    assert layout.match("noi dung nhiem vu") == "content"  # the header, then more words
    assert layout.match("co quan chu tri tham muu") == "lead"
    assert layout.match("noi dungx") is None  # whole words only
    assert layout.match("so the dang vien") is None  # not opted in: exact headers and aliases only
    assert layout.match("so the") == "card"


def test_rows_in_memory_are_read_like_a_file(system_user):
    """read_rows: the rows of a DOCX table go through the same header location (under a title
    line), legacy decoding, aliases and ignored-column listing as a file."""
    report = SheetReport()
    rows = [
        ["Bảng kê"],
        ["STT", encode_tcvn3("Họ và tên"), "SO THE", "Ngày sinh", "Ghi chú"],
        ["1", "Nguyễn Văn Mẫu", "01.234", "02/09/1980", ""],
    ]
    table = read_rows(report, rows, layout=LAYOUT, actor=system_user)
    assert report.ignored == ["STT", "Ghi chú"]
    check_rows(report, table, _row)
    assert report.planned == [(3, "Nguyễn Văn Mẫu", date(1980, 9, 2))] and not report.errors
    empty = SheetReport()
    assert read_rows(empty, [], layout=LAYOUT, actor=system_user, empty="Không có bảng.") is None
    assert empty.errors == [(0, "", "Không có bảng.")]


def test_an_applied_import_is_audited_once_with_the_file_and_what_it_created(tmp_path, system_user):
    """import_audit: the one audit entry every kind writes (members, organizations, the small
    imports): the file's name and SHA-256, the kind's figures, the created ids as first/last/hash."""
    import hashlib

    from dangbo.audit.models import AuditEntry
    from dangbo.imports.pipeline import import_audit

    path = _xlsx(tmp_path, [["Họ và tên"]], name="tep-nhap.xlsx")
    import_audit(
        actor=system_user,
        action="test.imported",
        path=path,
        filename="Tệp gốc.xlsx",
        summary="Nhập 2 dòng từ tệp {file}",
        after={"created": 2},
        created_ids=("member", [7, 5]),
    )
    entry = AuditEntry.objects.get(action="test.imported")
    assert entry.summary == "Nhập 2 dòng từ tệp Tệp gốc.xlsx" and entry.object_type == "imports.file"
    assert entry.after == {
        "created": 2,
        "file": {"name": "Tệp gốc.xlsx", "sha256": hashlib.sha256(path.read_bytes()).hexdigest()},
        "first_member_id": 5,
        "last_member_id": 7,
        "member_ids_sha256": hashlib.sha256(b"7,5").hexdigest(),
    }
