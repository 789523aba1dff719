"""The cadre list from a file in a real browser (issue 18): commune A's officer opens the import
from the cadre list, checks a file typed the way an office keeps it (a title row, upper-case
headers), records it, and finds the cadres in the list; then exports the list to a file."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook

from dangbo.cadres.models import Cadre

pytestmark = [pytest.mark.browser]


def test_import_a_cadre_list_then_export_it(live_server, login, commune_officer, tree, page, screenshots, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÁN BỘ XÃ AN BÌNH"])
    ws.append(["STT", "HỌ VÀ TÊN", "NGÀY SINH", "GIỚI TÍNH", "MÃ ĐƠN VỊ QUẢN LÝ", "TRÌNH ĐỘ LLCT"])
    ws.append([1, "Vũ Văn Nhập", "12/04/1980", "Nam", "T01-X01", "Trung cấp"])
    ws.append([2, "Hà Thị Tệp", "30/11/1991", "Nữ", "T01-X01", "Sơ cấp"])
    path = tmp_path / "ds-can-bo-xa.xlsx"
    wb.save(path)

    base = live_server.url
    login(page, "canbo_xa_a")
    page.goto(f"{base}/can-bo/")
    page.click("#nhap-can-bo")
    page.wait_for_url(re.compile(r"/can-bo/nhap/$"))
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("#chay-thu")
    assert "2 dòng sẽ được ghi" in page.locator("#ket-qua-chay-thu").inner_text()
    assert "Vũ Văn Nhập" in page.locator("#se-ghi").inner_text()
    assert not Cadre.objects.exists()
    page.screenshot(path=str(screenshots / "cadre-import.png"), full_page=True)
    with page.expect_navigation():
        page.click("#ghi-that")
    assert "Đã nhập 2 cán bộ mới, cập nhật 0, 0 không đổi." in page.locator("body").inner_text()
    assert "Hà Thị Tệp" in page.locator("table").inner_text()
    assert Cadre.objects.count() == 2

    page.click("#xuat-can-bo")
    page.wait_for_url(re.compile(r"/xuat/danh-sach/can-bo/"))
    page.fill("#id_muc_dich", "Rà soát đội ngũ cán bộ xã")
    with page.expect_download() as download:
        page.click("button[type=submit]")
    assert download.value.suggested_filename.startswith("danh-sach-can-bo-den-ngay-")
    assert page.errors == []
