"""The cadre list import updates the cadres already recorded (issue 18): a row is matched by the
citizen ID (the cadre's own or its member record's), else by name and birth date in the
officer's scope; changed fields go through cadres.services.cadre_update (audited, before and
after); the dry run says «mới / cập nhật / không đổi» per row with the fields that change; a
citizen ID of a cadre outside the officer's scope is refused as not found. The file is typed as
an office types it: headers in another case, without diacritics, and a column of its own."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dangbo.audit.models import AuditEntry
from dangbo.cadres.importer import cadre_import
from dangbo.cadres.models import Cadre
from dangbo.members.models import Member
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

# As an office types them: upper case, no diacritics, another case, an extra column (Ghi chú).
OFFICE_HEADERS = [
    "STT",
    "HO VA TEN",
    "ngày sinh",
    "Gioi tinh",
    "MÃ ĐƠN VỊ QUẢN LÝ",
    "so cccd",
    "Trinh do LLCT",
    "DIỆN QUẢN LÝ",
    "Dien quan ly tu ngay",
    "Ghi chú",
]
CID_THU = "001075000111"
CID_OUT = "001080000222"


def _xlsx(tmp_path, rows, headers=OFFICE_HEADERS, name="cap-nhat-can-bo.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÁN BỘ (CẬP NHẬT THÁNG 12)"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.fixture
def thu(cadre):
    """The fixture's cadre of commune A with a citizen ID on record."""
    Cadre.objects.filter(pk=cadre.pk).update(citizen_id=CID_THU)
    cadre.refresh_from_db()
    return cadre


@pytest.fixture
def other_commune_cadre(system_user, tree):
    return CadreFactory(
        actor=system_user,
        managing_org=tree["commune_b"],
        full_name="Đỗ Văn Ngoài",
        birth_date=date(1980, 5, 5),
        citizen_id=CID_OUT,
        theory_level="Trung cấp",
    )


def test_an_office_file_updates_the_matched_cadres_and_adds_the_new_ones(tmp_path, commune_officer, thu, system_user):
    same = CadreFactory(
        actor=system_user,
        managing_org=thu.managing_org,
        full_name="Phan Thị Giữ",
        birth_date=date(1982, 2, 2),
        sex="F",
        theory_level="Trung cấp",
    )
    rows = [
        # by citizen ID, the name typed in lower case: the theory level changed
        [1, "lê văn thử", "15/03/1975", "Nam", "t01-x01", CID_THU, "Cử nhân", "", "", "đã học xong"],
        # by name and birth date, nothing new (empty cells keep the record)
        [2, "PHAN THỊ GIỮ", date(1982, 2, 2), "nữ", "T01-X01", "", "Trung cấp", "", "", ""],
        # a new cadre
        [3, "Võ Văn Mới", "01/06/1990", "Nam", "T01-X01", "001090000333", "Sơ cấp", "", "", ""],
    ]
    path = _xlsx(tmp_path, rows)
    report = cadre_import(path, actor=commune_officer, filename="cap-nhat-can-bo.xlsx")
    assert report.errors == [] and report.ignored == ["STT", "Ghi chú"]
    assert [(p.row, p.status, p.changed_labels) for p in report.planned] == [
        (3, "cập nhật", ["Lý luận chính trị"]),
        (4, "không đổi", []),
        (5, "mới", []),
    ]
    assert (report.new_count, report.updated_count, report.unchanged_count) == (1, 1, 1)
    assert Cadre.objects.get(pk=thu.pk).theory_level == "Cao cấp"  # the dry run writes nothing

    report = cadre_import(path, actor=commune_officer, filename="cap-nhat-can-bo.xlsx", apply=True)
    assert report.applied and Cadre.objects.count() == 3  # no duplicate
    thu.refresh_from_db()
    assert (thu.theory_level, thu.management_class, thu.management_class_from) == (
        "Cử nhân",
        "Ban Thường vụ Tỉnh ủy",  # the empty cells kept what the record said
        date(2020, 1, 1),
    )
    entry = AuditEntry.objects.get(action="cadre.updated")
    assert entry.object_id == str(thu.pk) and entry.before == {"theory_level": "Cao cấp"}
    assert entry.after == {"theory_level": "Cử nhân"}
    assert entry.summary == "Cập nhật hồ sơ cán bộ Lê Văn Thử: Lý luận chính trị"
    assert not AuditEntry.objects.filter(action="cadre.updated", object_id=str(same.pk)).exists()
    assert Cadre.objects.get(full_name="Võ Văn Mới").citizen_id == "001090000333"
    file_entry = AuditEntry.objects.get(action="cadre.imported")
    assert file_entry.summary == "Nhập danh sách cán bộ từ tệp: 1 mới, 1 cập nhật, 1 không đổi"


def test_a_row_matching_a_cadre_outside_the_scope_is_refused_as_not_found(
    tmp_path, commune_officer, thu, other_commune_cadre
):
    rows = [
        [1, "Lê Văn Thử", "15/03/1975", "Nam", "T01-X01", CID_THU, "Cử nhân", "", "", ""],
        # commune B's cadre, typed with commune A's code: neither updated nor duplicated
        [2, "Đỗ Văn Ngoài", "05/05/1980", "Nam", "T01-X01", CID_OUT, "Cao cấp", "", "", ""],
    ]
    report = cadre_import(_xlsx(tmp_path, rows), actor=commune_officer, filename="ngoai.xlsx", apply=True)
    assert not report.applied
    assert report.errors == [
        (4, "Số CCCD", "Dòng 4: không tìm thấy cán bộ mang số CCCD 001******222 trong phạm vi ghi của bạn.")
    ]
    other_commune_cadre.refresh_from_db()
    thu.refresh_from_db()
    assert (
        other_commune_cadre.theory_level == "Trung cấp" and other_commune_cadre.managing_org_id != thu.managing_org_id
    )
    assert thu.theory_level == "Cao cấp"  # all rows or none
    assert Cadre.objects.count() == 2 and not AuditEntry.objects.filter(action="cadre.updated").exists()


def test_a_cadre_is_matched_by_the_citizen_id_of_its_member_record(
    tmp_path, commune_officer, system_user, members_a1, tree
):
    member = members_a1[0]
    Member.objects.filter(pk=member.pk).update(citizen_id="001085000444")
    cadre = CadreFactory(
        actor=system_user,
        managing_org=tree["commune_a"],
        full_name="Tên Khác Trên Hồ Sơ",
        birth_date=date(1985, 1, 1),
        member_id=member.pk,
    )
    rows = [[1, "Tên Đã Sửa", "01/01/1985", "Nam", "T01-X01", "001085000444", "", "", "", ""]]
    report = cadre_import(_xlsx(tmp_path, rows), actor=commune_officer, filename="dv.xlsx", apply=True)
    assert report.applied and Cadre.objects.count() == 1
    assert [(p.status, p.changed_labels) for p in report.planned] == [("cập nhật", ["Họ và tên", "Số CCCD"])]
    cadre.refresh_from_db()
    assert (cadre.full_name, cadre.citizen_id) == ("Tên Đã Sửa", "001085000444")
    assert AuditEntry.objects.get(action="cadre.updated").after["citizen_id"] == "001******444"  # masked


def test_a_new_management_class_is_dated_after_the_current_one(tmp_path, commune_officer, thu):
    early = [[1, "Lê Văn Thử", "15/03/1975", "Nam", "T01-X01", CID_THU, "", "Ban Thường vụ Huyện ủy", "01/01/2019", ""]]
    report = cadre_import(_xlsx(tmp_path, early), actor=commune_officer, filename="a.xlsx")
    assert report.errors == [
        (
            3,
            "Diện quản lý từ ngày",
            "Diện quản lý mới phải từ ngày sau 01/01/2020 (ngày thuộc diện «Ban Thường vụ Tỉnh ủy» đang ghi)",
        )
    ]
    later = [[1, "Lê Văn Thử", "15/03/1975", "Nam", "T01-X01", CID_THU, "", "Ban Thường vụ Huyện ủy", "01/07/2025", ""]]
    report = cadre_import(_xlsx(tmp_path, later), actor=commune_officer, filename="b.xlsx", apply=True)
    assert report.applied and report.planned[0].changed_labels == ["Diện quản lý", "Diện quản lý từ ngày"]
    entry = AuditEntry.objects.get(action="cadre.updated")
    assert entry.before == {"management_class": "Ban Thường vụ Tỉnh ủy", "management_class_from": "2020-01-01"}
    assert entry.after == {"management_class": "Ban Thường vụ Huyện ủy", "management_class_from": "2025-07-01"}


def test_two_rows_for_one_cadre_are_refused(tmp_path, commune_officer, thu):
    rows = [
        [1, "Lê Văn Thử", "15/03/1975", "Nam", "T01-X01", CID_THU, "Cử nhân", "", "", ""],
        [2, "Lê Văn Thử", "15/03/1975", "Nam", "T01-X01", "", "Cao cấp", "", "", ""],
    ]
    report = cadre_import(_xlsx(tmp_path, rows), actor=commune_officer, filename="trung.xlsx")
    assert report.errors == [(4, "Họ và tên", "Trùng họ tên và ngày sinh với dòng 3.")]


def test_the_page_shows_each_rows_outcome_and_the_fields_that_change(client, tmp_path, commune_officer, thu):
    client.force_login(commune_officer)
    rows = [
        [1, "Lê Văn Thử", "15/03/1975", "Nam", "T01-X01", CID_THU, "Cử nhân", "", "", ""],
        [2, "Võ Văn Mới", "01/06/1990", "Nam", "T01-X01", "", "", "", "", ""],
    ]
    with open(_xlsx(tmp_path, rows), "rb") as fh:
        page = client.post(reverse("cadres:cadre_import"), {"file": fh})
    body = page.content.decode()
    assert page.status_code == 200
    assert "1 cán bộ mới, 1 cập nhật, 0 không đổi." in body
    assert '<td class="trang-thai">cập nhật</td><td>Lý luận chính trị</td>' in body
    assert '<td class="trang-thai">mới</td>' in body
    done = client.post(
        reverse("cadres:cadre_import"),
        {"kept": page.context["kept"], "filename": "cap-nhat-can-bo.xlsx", "ghi": "1"},
        follow=True,
    )
    assert "Đã nhập 1 cán bộ mới, cập nhật 1, 0 không đổi." in done.content.decode()
