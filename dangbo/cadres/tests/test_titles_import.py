"""Import of a province's title catalogue from a file as offices keep it (issue 18): legacy headers
in upper case under a title line, «Trưởng»/«Phó»/«x», «Bầu cử»; a dry run that writes nothing;
every refused row named by row and column; all rows or none through title_create; the template
downloaded, filled as it is and read back."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangbo.access.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.cadres.importer import title_import
from dangbo.cadres.models import Title
from dangbo.cadres.services import TitleInput, title_create
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

LEGACY_HEADERS = [
    "STT",
    "MÃ CHỨC DANH",
    "TÊN CHỨC DANH, CHỨC VỤ",
    "NHÓM CHỨC DANH TƯƠNG ĐƯƠNG",
    "CẤP TRƯỞNG/CẤP PHÓ",
    "HÌNH THỨC",
    "NHIỆM KỲ",
    "HIỆU LỰC TỪ NGÀY",
    "CĂN CỨ",
]
GOOD = [
    [1, "bt-xa-moi", "Bí thư Đảng ủy xã", "Cấp xã", "Trưởng", "Bầu cử", "Đảng", date(2025, 7, 1), "Quy định 01-QĐ/TU"],
    [2, "PBT-XA-MOI", "Phó Bí thư Đảng ủy xã", "Cấp xã", "Phó", "bầu cử", "Nhiệm kỳ Đảng", "1/7/2025", ""],
    [3, "CT-UBND-XA", "Chủ tịch Ủy ban nhân dân xã", "Cấp xã", "x", "Bầu cử", "Chính quyền", "01/07/2025", ""],
    [4, "CVP-SO", "Chánh Văn phòng sở", "", "PHÓ", "Bổ nhiệm", "", "01/01/2024", ""],
]


def _xlsx(tmp_path, rows, headers=LEGACY_HEADERS, name="danh-muc.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH MỤC CHỨC DANH, CHỨC VỤ LÃNH ĐẠO VÀ TƯƠNG ĐƯƠNG CỦA HỆ THỐNG CHÍNH TRỊ TỈNH"])
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def test_a_legacy_catalogue_is_checked_then_recorded_with_its_audit(tmp_path, officer, tree):
    path = _xlsx(tmp_path, GOOD)
    report = title_import(path, actor=officer, filename="danh-muc.xlsx")
    assert report.errors == [] and report.rows == 4 and report.ignored == ["STT"]
    assert [
        (p.row, p.data.code, p.data.is_head, p.data.filled_by, p.data.term_calendar, p.valid_from)
        for p in report.planned
    ] == [
        (4, "BT-XA-MOI", True, "elected", "party", date(2025, 7, 1)),
        (5, "PBT-XA-MOI", False, "elected", "party", date(2025, 7, 1)),
        (6, "CT-UBND-XA", True, "elected", "state", date(2025, 7, 1)),
        (7, "CVP-SO", False, "appointed", "appointment", date(2024, 1, 1)),
    ]
    assert {p.province_name for p in report.planned} == {"Đảng bộ tỉnh Thử Nghiệm"}
    assert not Title.objects.exists()  # the dry run writes nothing

    report = title_import(path, actor=officer, filename="danh-muc.xlsx", apply=True)
    assert report.applied and report.created == 4
    secretary = Title.objects.get(code="BT-XA-MOI")
    assert (secretary.province, secretary.name, secretary.group, secretary.source, secretary.valid_to) == (
        tree["province"],
        "Bí thư Đảng ủy xã",
        "Cấp xã",
        "Quy định 01-QĐ/TU",
        None,
    )
    assert secretary.planning_applies and secretary.confidence_vote_applies  # no such columns: the defaults
    assert AuditEntry.objects.filter(action="title.created").count() == 4
    entry = AuditEntry.objects.get(action="title.imported")
    assert entry.after["rows"] == 4 and entry.after["file"]["name"] == "danh-muc.xlsx"


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(tmp_path, officer, titles):
    rows = [
        GOOD[0],
        [2, "GD-SO", "Giám đốc sở", "Sở, ngành", "Trưởng", "Bổ nhiệm", "", "01/01/2024", ""],  # in force already
        [3, "PGD-SO-X", "", "Sở, ngành", "Phó", "Bổ nhiệm", "", "01/01/2024", ""],
        [4, "TP-SO", "Trưởng phòng", "Sở, ngành", "Phó trưởng", "Tuyển dụng", "", "31/02/2024", ""],
        [5, "bt-xa-moi", "Bí thư Đảng ủy xã", "Cấp xã", "Trưởng", "Bầu cử", "Đảng", "01/07/2025", ""],  # as row 4
        [6, "UV-BTV", "Ủy viên Ban Thường vụ", "", "", "Chỉ định", "", "01/07/2025", ""],
    ]
    report = title_import(_xlsx(tmp_path, rows), actor=officer, filename="loi.xlsx", apply=True)
    assert not report.applied and Title.objects.count() == 5  # the fixture's catalogue only
    errors = {(row, col): msg for row, col, msg in report.errors}
    assert "«GD-SO» đã có trong danh mục («Giám đốc sở», từ 01/01/2015)" in errors[(5, "Mã chức danh")]
    assert errors[(6, "Tên chức danh")] == "Thiếu tên chức danh."
    assert errors[(7, "Cấp trưởng/Cấp phó")] == "Giá trị «Phó trưởng» không hợp lệ: ghi Trưởng hoặc Phó."
    assert errors[(7, "Hình thức")] == "Hình thức «Tuyển dụng» không hợp lệ: ghi Bổ nhiệm, Bầu cử hoặc Chỉ định."
    assert errors[(7, "Từ ngày")] == "Ngày 31/02/2024 không có trên lịch."
    assert errors[(8, "Mã chức danh")] == "Trùng mã chức danh với dòng 4."
    assert "Thiếu" in errors[(9, "Cấp trưởng/Cấp phó")] and "Thiếu nhiệm kỳ" in errors[(9, "Nhiệm kỳ")]
    assert (4, "Mã chức danh") not in errors  # the good row is not blamed
    assert not AuditEntry.objects.filter(action__startswith="title.").exists()


def test_a_refusal_at_apply_time_writes_no_row_of_the_file(tmp_path, officer, tree):
    path = _xlsx(tmp_path, GOOD)
    assert title_import(path, actor=officer, filename="danh-muc.xlsx").errors == []
    # between the dry run and the apply, someone adds one of the file's codes on the title page
    title_create(
        actor=officer,
        province_id=tree["province"].pk,
        valid_from=date(2025, 1, 1),
        data=TitleInput(code="CT-UBND-XA", name="Chủ tịch UBND xã", is_head=True),
    )
    report = title_import(path, actor=officer, filename="danh-muc.xlsx", apply=True)
    assert not report.applied and report.created == 0
    assert [(row, col) for row, col, _ in report.errors] == [(6, "Mã chức danh")]
    assert list(Title.objects.values_list("code", flat=True)) == ["CT-UBND-XA"]
    assert not AuditEntry.objects.filter(action="title.imported").exists()


def test_a_csv_with_a_head_marker_column_and_yes_no_columns(tmp_path, officer):
    path = tmp_path / "danh-muc.csv"
    path.write_text(
        "Mã chức danh;Tên chức danh;Cấp trưởng;Từ ngày;Quy hoạch;Lấy phiếu tín nhiệm\r\n"
        "GD-SO-A;Giám đốc Sở A;x;01/01/2020;x;Có\r\n"
        "PGD-SO-A;Phó Giám đốc Sở A;;01/01/2020;;Không\r\n",
        encoding="utf-8",
    )
    report = title_import(path, actor=officer, filename="danh-muc.csv", apply=True)
    assert report.applied, report.errors
    assert list(
        Title.objects.order_by("code").values_list("code", "is_head", "planning_applies", "confidence_vote_applies")
    ) == [("GD-SO-A", True, True, True), ("PGD-SO-A", False, False, False)]


def test_an_officer_of_several_provinces_names_the_province_of_each_row(tmp_path, admin_user, tree, system_user):
    OrganizationFactory(actor=system_user, code="T02", name="Đảng bộ tỉnh Bên Cạnh", org_type="provincial_party_org")
    rows = [
        ["GD-SO-B", "Giám đốc Sở B", "Trưởng", "01/01/2020", "t02"],
        ["GD-SO-C", "Giám đốc Sở C", "Trưởng", "01/01/2020", ""],
    ]
    report = title_import(
        _xlsx(tmp_path, rows, headers=["Mã chức danh", "Tên chức danh", "Cấp trưởng/Cấp phó", "Từ ngày", "Mã tỉnh"]),
        actor=admin_user,
        filename="x.xlsx",
    )
    assert [(p.data.code, p.province_name) for p in report.planned] == [("GD-SO-B", "Đảng bộ tỉnh Bên Cạnh")]
    assert report.errors == [(5, "Mã tỉnh", "Thiếu mã tỉnh: bạn ghi danh mục chức danh của nhiều tỉnh.")]


def test_the_page_checks_then_records_and_the_template_round_trips(client, tmp_path, officer, tree):
    client.force_login(officer)
    url = reverse("cadres:title_import")
    with open(_xlsx(tmp_path, GOOD), "rb") as fh:
        page = client.post(url, {"file": fh})
    body = page.content.decode()
    assert page.status_code == 200 and "Ghi 4 dòng" in body and "Chủ tịch Ủy ban nhân dân xã" in body
    assert "Bầu cử" in body and "Cấp trưởng" in body and not Title.objects.exists()
    done = client.post(url, {"kept": page.context["kept"], "filename": "danh-muc.xlsx", "ghi": "1"}, follow=True)
    assert "Đã nhập 4 chức danh." in done.content.decode() and Title.objects.count() == 4

    template = client.get(reverse("cadres:title_import_template"))
    assert template["Content-Disposition"] == 'attachment; filename="mau-nhap-danh-muc-chuc-danh.xlsx"'
    ws = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in ws[1]][:4] == ["Mã chức danh", "Tên chức danh", "Cấp trưởng/Cấp phó", "Từ ngày"]
    example = tmp_path / "mau.xlsx"
    example.write_bytes(template.content)
    report = title_import(example, actor=officer, filename="mau.xlsx", apply=True)  # the example row as it is
    assert report.applied and report.errors == []
    made = Title.objects.get(code="PGD-SO-MAU")
    assert (made.province, made.is_head, made.valid_from) == (tree["province"], False, date(2025, 7, 1))


def test_who_may_not_write_a_catalogue_is_refused(client, tmp_path, tree, commune_officer):
    leader = UserFactory(username="lanhdao_tinh2", role=Role.LEADER, org=tree["province"])
    client.force_login(leader)
    assert client.get(reverse("cadres:title_import")).status_code == 403
    assert client.get(reverse("cadres:title_import_template")).status_code == 403
    report = title_import(_xlsx(tmp_path, GOOD), actor=commune_officer, filename="danh-muc.xlsx", apply=True)
    assert report.errors == [(0, "", "Bạn không có quyền ghi danh mục chức danh của tỉnh nào.")]
    assert not Title.objects.exists()


def test_headers_typed_without_accents_in_legacy_fonts_or_as_aliases_import(tmp_path, officer, tree):
    """The pipeline's header matching (imports/pipeline.py) for the catalogue: headers without
    diacritics, in another case, in the TCVN3 font, and aliases."""
    from dangbo.imports.legacy import encode_tcvn3

    headers = [
        "STT",
        "ma cd",
        encode_tcvn3("Chức danh, chức vụ"),
        "nhom",
        "Truong/Pho",
        "HINH THUC BO TRI",
        "thoi han",
        "ngay hieu luc",
        "can cu",
    ]
    report = title_import(_xlsx(tmp_path, GOOD, headers=headers), actor=officer, filename="go-tay.xlsx")
    assert report.errors == [] and report.ignored == ["STT"] and len(report.planned) == 4
    assert report.planned[1].data.name == "Phó Bí thư Đảng ủy xã"
