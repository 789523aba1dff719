"""Import of a cadre list from a file as offices keep it (issue 18): legacy headers in upper case
with a title above them, names typed in lower case, Excel dates and dd/mm/yyyy text; a dry run
that writes nothing, an apply of all rows or none; bad rows named by row and column."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.cadres.importer import cadre_import, example_org_code
from dangbo.cadres.models import Cadre

pytestmark = pytest.mark.django_db

LEGACY_HEADERS = [
    "STT",
    "HỌ VÀ TÊN",
    "NGÀY, THÁNG, NĂM SINH",
    "NAM/NỮ",
    "MÃ CẤP ỦY QUẢN LÝ",
    "Dân tộc",
    "Trình độ LLCT",
    "Chuyên môn, nghiệp vụ",
    "Thuộc diện quản lý",
    "Thuộc diện quản lý từ ngày",
]


def _xlsx(tmp_path, rows, headers=LEGACY_HEADERS, name="ds-can-bo.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÁN BỘ THUỘC DIỆN BAN THƯỜNG VỤ HUYỆN ỦY QUẢN LÝ"])
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


GOOD = [
    [
        1,
        "nguyễn văn an",
        date(1975, 3, 15),
        "Nam",
        "T01-X01",
        "Kinh",
        "Cao cấp",
        "Cử nhân Luật",
        "Ban Thường vụ Huyện ủy",
        "01/01/2020",
    ],
    [2, "TRẦN THỊ BÌNH", "5/9/1988", "nữ", "t01-x01", "Tày", "Trung cấp", "Kỹ sư nông nghiệp", "", ""],
]


def test_a_legacy_list_is_checked_then_recorded_with_its_audit(tmp_path, commune_officer):
    path = _xlsx(tmp_path, GOOD)
    report = cadre_import(path, actor=commune_officer, filename="ds-can-bo.xlsx")
    assert report.errors == [] and report.rows == 2 and report.ignored == ["STT"]
    assert [(p.data.full_name, p.data.birth_date, p.data.sex, p.org_name) for p in report.planned] == [
        ("Nguyễn Văn An", date(1975, 3, 15), "M", "Đảng bộ xã An Bình"),
        ("Trần Thị Bình", date(1988, 9, 5), "F", "Đảng bộ xã An Bình"),
    ]
    assert not Cadre.objects.exists()  # the dry run writes nothing

    report = cadre_import(path, actor=commune_officer, filename="ds-can-bo.xlsx", apply=True)
    assert report.applied and report.created == 2
    an = Cadre.objects.get(full_name="Nguyễn Văn An")
    assert (an.theory_level, an.qualification, an.management_class, an.management_class_from, an.ethnicity) == (
        "Cao cấp",
        "Cử nhân Luật",
        "Ban Thường vụ Huyện ủy",
        date(2020, 1, 1),
        "Kinh",
    )
    assert AuditEntry.objects.filter(action="cadre.create").count() == 2
    entry = AuditEntry.objects.get(action="cadre.imported")
    assert entry.after["rows"] == 2 and entry.after["file"]["name"] == "ds-can-bo.xlsx"


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(tmp_path, commune_officer, cadre):
    rows = [
        GOOD[0],
        [2, "Lê Văn Thử", "15/03/1975", "Nam", "T01-X01", "", "", "", "Ban Tuyên giáo", ""],  # a new class, no date
        [3, "Phạm Văn Cũ", "", "Nam", "T01-X01", "", "", "", "", ""],
        [4, "Đỗ Thị Dung", "01/02/1990", "Khác", "T01-X02", "", "", "", "", ""],  # commune B: outside the scope
        [5, "Nguyễn Văn An", "15/03/1975", "Nam", "T01-X01", "", "", "", "", ""],  # the same as row 4
        [6, "Hồ Văn Em", "01/02/1990", "Nam", "T01-X01", "", "", "", "", "01/01/2020"],
    ]
    report = cadre_import(_xlsx(tmp_path, rows), actor=commune_officer, filename="loi.xlsx", apply=True)
    assert not report.applied and Cadre.objects.count() == 1  # the fixture's cadre only
    errors = {(row, col): msg for row, col, msg in report.errors}
    assert "phải ghi ngày thuộc diện quản lý mới" in errors[(5, "Diện quản lý từ ngày")]  # the fixture's cadre
    assert "Thiếu ngày sinh" in errors[(6, "Ngày sinh")]
    assert "Giới tính «Khác» không hợp lệ" in errors[(7, "Giới tính")]
    assert errors[(7, "Mã đơn vị quản lý")] == "Không có tổ chức mã «T01-X02» trong phạm vi ghi của bạn."
    assert errors[(8, "Họ và tên")] == "Trùng họ tên và ngày sinh với dòng 4."
    assert errors[(9, "Diện quản lý từ ngày")] == "Có ngày nhưng thiếu diện quản lý."
    assert not AuditEntry.objects.filter(action="cadre.imported").exists()


def test_a_file_without_the_required_columns_is_refused_with_a_message(tmp_path, commune_officer):
    report = cadre_import(
        _xlsx(tmp_path, [["Nguyễn Văn An", "Kinh"]], headers=["Họ và tên", "Dân tộc"]),
        actor=commune_officer,
        filename="thieu-cot.xlsx",
    )
    assert report.planned == [] and report.errors and report.errors[0][0] == 0
    assert "Ngày sinh" in report.errors[0][2]


def test_the_page_checks_then_records_and_offers_the_template(client, tmp_path, commune_officer, officer):
    client.force_login(commune_officer)
    url = reverse("cadres:cadre_import")
    with open(_xlsx(tmp_path, GOOD), "rb") as fh:
        page = client.post(url, {"file": fh})
    body = page.content.decode()
    assert page.status_code == 200 and "Nguyễn Văn An" in body and "Ghi 2 dòng" in body and "STT" in body
    assert not Cadre.objects.exists()
    kept = page.context["kept"]
    done = client.post(url, {"kept": kept, "filename": "ds-can-bo.xlsx", "ghi": "1"}, follow=True)
    assert "Đã nhập 2 cán bộ mới, cập nhật 0, 0 không đổi." in done.content.decode() and Cadre.objects.count() == 2
    template = client.get(reverse("cadres:cadre_import_template"))
    ws = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in ws[1]][:4] == ["Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị quản lý"]
    example = tmp_path / "mau.xlsx"
    example.write_bytes(template.content)
    report = cadre_import(example, actor=commune_officer, filename="mau.xlsx")  # the example row passes as it is
    assert report.errors == [] and report.planned[0].org_name == "Đảng bộ xã An Bình"
    assert example_org_code(officer) == "T01"  # the province officer's example row names the province


def test_a_user_who_may_not_record_is_refused(client, django_user_model, tree):
    from dangbo.access.models import Role
    from tests.factories import UserFactory

    viewer = UserFactory(username="lanhdao_xa", role=Role.LEADER, org=tree["commune_a"])
    client.force_login(viewer)
    assert client.get(reverse("cadres:cadre_import")).status_code == 403


def test_headers_typed_without_accents_in_legacy_fonts_or_as_aliases_import(tmp_path, commune_officer):
    """The pipeline's header matching (imports/pipeline.py) for the cadre list: headers without
    diacritics, in lower case, in the TCVN3 font, and aliases; the unknown column is listed."""
    from dangbo.imports.legacy import encode_tcvn3

    headers = [
        "So TT",
        "ho ten",
        encode_tcvn3("Ngày tháng năm sinh"),
        "GIOI",
        "ma to chuc dang",
        "dan toc",
        "LLCT",
        "cmnv",
        "DIEN",
        "tu ngay",
    ]
    report = cadre_import(_xlsx(tmp_path, GOOD, headers=headers), actor=commune_officer, filename="go-tay.xlsx")
    assert report.errors == [] and report.ignored == ["So TT"] and len(report.planned) == 2
    assert report.planned[0].data.management_class == "Ban Thường vụ Huyện ủy"
