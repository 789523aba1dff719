"""The cadre list exported to XLSX/CSV (issue 18): the rows the cadre list screen shows for the
same filters and scope, with the titles held on the list's date; a purpose is required, the
export is audited and watermarked; an outsider's file holds none of commune A's cadres."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.cadres.selectors import CadreFilters, cadre_list
from dangbo.cadres.services import ActionInput, DecisionInput, decision_record
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

URL = reverse("exports:list_export", kwargs={"slug": "can-bo"})
PURPOSE = {"muc_dich": "Rà soát quy hoạch cán bộ 2025–2030", "dinh_dang": "xlsx"}


def _rows(response) -> list[tuple]:
    ws = load_workbook(io.BytesIO(response.content)).active
    return [tuple(r) for r in ws.iter_rows(min_row=4, values_only=True)]


@pytest.fixture
def appointed(system_user, cadre, titles, tree):
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="15-QĐ/TU",
            signed_on=date(2024, 3, 1),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            actions=[
                ActionInput(
                    cadre_id=cadre.pk, type="appointment", on=date(2024, 3, 1), title_id=titles["commune_secretary"].pk
                )
            ],
        ),
    )
    young = CadreFactory(
        actor=system_user, managing_org=tree["commune_a"], full_name="Đỗ Thị Trẻ", birth_date=date(1995, 8, 20), sex="F"
    )
    other = CadreFactory(
        actor=system_user, managing_org=tree["commune_b"], full_name="Phan Văn Ngoài", birth_date=date(1970, 1, 2)
    )
    return cadre, young, other


def test_the_export_holds_the_screens_rows_with_titles_and_is_audited(client, commune_officer, appointed):
    cadre, young, _ = appointed
    client.force_login(commune_officer)
    query = "?ngay=01/01/2025"
    assert client.get(URL + query).status_code == 200  # the purpose form
    response = client.post(URL + query, PURPOSE)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-can-bo-den-ngay-01-01-2025')
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "mục đích: Rà soát quy hoạch cán bộ 2025–2030" in ws["A1"].value
    assert ws["A2"].value == "Danh sách cán bộ đến ngày 01/01/2025"
    rows = _rows(response)
    screen = list(
        cadre_list(actor=commune_officer, filters=CadreFilters(at=date(2025, 1, 1))).values_list("full_name", flat=True)
    )
    assert [r[1] for r in rows] == screen and sorted(screen) == ["Lê Văn Thử", "Đỗ Thị Trẻ"]  # commune A only
    thu = rows[screen.index("Lê Văn Thử")]
    assert thu[2].date() == date(1975, 3, 15) and thu[3] == 49  # born 15/03/1975: 49 on 01/01/2025
    assert thu[6] == "Bí thư Đảng ủy xã" and thu[7] == "Đảng bộ xã An Bình" and thu[10] == "Cao cấp"
    entry = AuditEntry.objects.get(action="export.cadres.list")
    assert entry.actor == commune_officer and entry.after["rows"] == 2
    assert entry.after["purpose"] == PURPOSE["muc_dich"] and entry.after["filters"]["at"] == "2025-01-01"


def test_the_export_follows_the_screens_filters(client, commune_officer, appointed):
    client.force_login(commune_officer)
    response = client.post(URL + "?tuoi_tu=40&ngay=01/01/2025", {**PURPOSE, "dinh_dang": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "Lê Văn Thử" in text and "Đỗ Thị Trẻ" not in text
    assert "15/03/1975" in text.splitlines()[2]


def test_without_a_purpose_nothing_is_exported_nor_logged(client, commune_officer, appointed):
    client.force_login(commune_officer)
    response = client.post(URL, {"muc_dich": " ", "dinh_dang": "xlsx"})
    assert response.status_code == 200 and "Chưa nhập «Mục đích xuất dữ liệu»." in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action__startswith="export.").exists()


def test_the_outsider_exports_none_of_commune_a(client, outsider, appointed):
    client.force_login(outsider)
    rows = _rows(client.post(URL, PURPOSE))
    assert [r[1] for r in rows] == ["Phan Văn Ngoài"]


def test_an_unknown_list_is_not_found_and_the_list_page_links_the_export(client, commune_officer, appointed):
    client.force_login(commune_officer)
    assert client.get(reverse("exports:list_export", kwargs={"slug": "khong-co"})).status_code == 404
    page = client.get(reverse("cadres:cadre_list"), {"tuoi_tu": 40}).content.decode()
    assert f'href="{URL}?tuoi_tu=40"' in page
