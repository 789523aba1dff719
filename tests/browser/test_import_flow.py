"""The import in a real browser: upload an XLSX -> dry-run report -> confirm -> progress -> done,
with the import run as a django.tasks task (the immediate backend in tests) and the page showing the job status with htmx."""

from __future__ import annotations

import re

import pytest

from dangbo.imports.tests.files import members, write_xlsx
from dangbo.members.models import Member

pytestmark = pytest.mark.browser


@pytest.fixture
def import_file(tmp_path):
    return write_xlsx(tmp_path / "dang-vien-xa-an-binh.xlsx", members(3, code="T01-X01-C01"))


def test_upload_dry_run_confirm_progress_done(
    live_server, login, commune_officer, import_file, page, settings, tmp_path
):
    settings.DANGBO_IMPORT_DIR = tmp_path / "uploads"
    base = live_server.url
    login(page, "canbo_xa_a")

    page.goto(f"{base}/nhap-du-lieu/")
    page.set_input_files("#id_file", str(import_file))
    page.click("text=Tải lên và kiểm tra")
    page.wait_for_url(re.compile(r"/nhap-du-lieu/\d+/"))

    # the dry run runs in the background; the status block refreshes itself until it is done
    confirm = page.get_by_role("button", name=re.compile("Xác nhận nhập 3 đảng viên"))
    confirm.wait_for()
    assert page.get_by_test_id("created").inner_text() == "3"
    assert page.get_by_test_id("refused").inner_text() == "0"
    assert Member.objects.count() == 0  # nothing written by the dry run

    confirm.click()
    page.get_by_text("Đã nhập xong.").wait_for()
    assert page.get_by_test_id("created").inner_text() == "3"
    assert Member.objects.filter(current_org__code="T01-X01-C01").count() == 3
    assert page.errors == []


def test_organizations_choose_the_kind_upload_dry_run_confirm_done(
    live_server, login, commune_officer, page, settings, tmp_path
):
    from dangbo.imports.orgs import ORGS
    from dangbo.orgs.models import OrgVersion

    settings.DANGBO_IMPORT_DIR = tmp_path / "uploads"
    headers = ORGS.template_headers
    rows = [
        dict(zip(headers, values, strict=True))
        for values in (
            [
                "T01-X01-C60",
                "Chi bộ khu phố 6",
                "",
                "Chi bộ trực thuộc",
                "",
                "T01-X01",
                "",
                "01/07/2025",
                "",
                "",
                "",
                "",
            ],
            ["T01-X01-C60-T1", "Tổ đảng số 1", "", "Tổ đảng", "", "", "chi bo khu pho 6", "01/07/2025", "", "", "", ""],
        )
    ]
    path = write_xlsx(tmp_path / "to-chuc-xa-an-binh.xlsx", rows, headers=headers)
    base = live_server.url
    login(page, "canbo_xa_a")

    page.goto(f"{base}/nhap-du-lieu/")
    page.get_by_label(re.compile("^Tổ chức đảng")).check()
    page.set_input_files("#id_file", str(path))
    page.click("text=Tải lên và kiểm tra")
    page.wait_for_url(re.compile(r"/nhap-du-lieu/\d+/"))
    confirm = page.get_by_role("button", name=re.compile("Xác nhận nhập 2 tổ chức đảng"))
    confirm.wait_for()
    assert not OrgVersion.objects.filter(org__code__startswith="T01-X01-C60").exists()
    confirm.click()
    page.get_by_text("Đã nhập xong.").wait_for()
    group = OrgVersion.objects.get(org__code="T01-X01-C60-T1")
    assert group.parent.code == "T01-X01-C60"
    assert page.errors == []


def test_an_unknown_column_is_mapped_on_the_page_then_dry_run_and_import(
    live_server, login, commune_officer, page, settings, tmp_path
):
    """Issue 16: a column no alias recognizes is listed, never dropped; the officer maps it to a
    field on the page (saved for that header layout), the dry run runs again, then the import."""
    from dangbo.imports.models import ColumnMapping

    settings.DANGBO_IMPORT_DIR = tmp_path / "uploads"
    headers = ["Họ tên", "Năm sinh", "Giới tính", "Số CCCD", "Sinh hoạt tại", "Ngày kết nạp"]
    rows = [
        dict(zip(headers, values, strict=True))
        for values in (
            ["Mai Văn Tư", "01/01/1970", "Nam", "001070000801", "Chi bộ thôn 1", "01/01/2000"],
            ["Mai Thị Năm", "1975", "Nữ", "001175000802", "Chi bộ thôn 2", "01/01/2001"],
        )
    ]
    path = write_xlsx(tmp_path / "ds-cot-la.xlsx", rows, headers=headers)
    base = live_server.url
    login(page, "canbo_xa_a")

    page.goto(f"{base}/nhap-du-lieu/")
    page.set_input_files("#id_file", str(path))
    page.click("text=Tải lên và kiểm tra")
    page.wait_for_url(re.compile(r"/nhap-du-lieu/\d+/"))
    select = page.get_by_label("Trường cho cột Sinh hoạt tại")
    select.wait_for()
    assert "Thiếu cột" in page.content()
    select.select_option(label="Tên chi bộ")
    page.get_by_role("button", name="Lưu cách ghép cột và kiểm tra lại").click()

    confirm = page.get_by_role("button", name=re.compile("Xác nhận nhập 2 đảng viên"))
    confirm.wait_for()
    assert page.get_by_test_id("refused").inner_text() == "0"
    assert page.get_by_label("Trường cho cột Sinh hoạt tại").input_value() == "org_name"
    assert ColumnMapping.objects.get().mapping == {"sinh hoat tai": "org_name"}
    assert Member.objects.count() == 0
    confirm.click()
    page.get_by_text("Đã nhập xong.").wait_for()
    assert dict(Member.objects.values_list("citizen_id", "current_org__code")) == {
        "001070000801": "T01-X01-C01",
        "001175000802": "T01-X01-C02",
    }
    assert page.errors == []
