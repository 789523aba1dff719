"""The leader's dashboard in a real browser: open it, switch the date, drill into a number,
download the XLSX and DOCX (python-docx reads the DOCX back)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from dangbo.members.services import ProfileInput, member_admit

pytestmark = pytest.mark.browser


@pytest.fixture
def dash_data(tree, system_user, officer):
    for i, (cell, decided) in enumerate(
        [("cell_a1", date(2023, 3, 6)), ("cell_a2", date(2024, 4, 1)), ("cell_b1", date(2024, 5, 6))]
    ):
        member_admit(
            actor=system_user,
            cell=tree[cell],
            decided_on=decided,
            ceremony_on=decided.replace(day=20),
            profile=ProfileInput(full_name=f"Nguyễn Thị Hoa {i}", birth_year=1990 + i, sex="F"),
        )
    return tree


def test_the_dashboard_switches_date_drills_and_downloads(page, live_server, login, dash_data):
    from docx import Document
    from openpyxl import load_workbook

    login(page, "canbo_tinh")
    url = reverse("reports:dashboard")
    page.goto(f"{live_server.url}{url}?org={dash_data['province'].pk}&ngay=31/12/2024")
    assert page.locator("#kpi-total").inner_text().strip() == "3"
    page.wait_for_selector(".dash-chart[data-drawn='1'] svg")
    page.fill("#dash-date", "31/12/2023")
    page.click("#dash-form button[type=submit]")
    page.wait_for_url(re.compile(r"ngay=31%2F12%2F2023|ngay=31/12/2023"))
    assert page.locator("#kpi-total").inner_text().strip() == "1"
    with page.expect_download() as xlsx_info:
        page.click("#export-xlsx")
    ws = load_workbook(io.BytesIO(Path(xlsx_info.value.path()).read_bytes())).active
    assert any(row[0] == "Tổng số đảng viên" and row[2] == 1 for row in ws.iter_rows(values_only=True))
    with page.expect_download() as docx_info:
        page.click("#export-docx")
    doc = Document(docx_info.value.path())
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "TỈNH ỦY THỬ NGHIỆM" in cells  # the organization commission issues it
    page.click("#kpi-total a")
    page.wait_for_url(re.compile(r"chi_so=dv_tong"))
    assert "Nguyễn Thị Hoa 0" in page.content()
    assert page.errors == []
