"""Apparatus and staffing in a real browser (issue #19 «Done means»): the agency tree as of a date
across the 01/07/2025 merge, an agency's roadmap chart drawn with its table, headcount entered on
the form and imported from an XLSX file (dry run first, then written)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from dangbo.staffing.importer import template_xlsx
from dangbo.staffing.models import Headcount
from dangbo.staffing.services import (
    AllocationInput,
    agency_create,
    agency_merge,
    baseline_set,
    ensure_categories,
    headcount_record,
    quota_allocate,
)

pytestmark = [pytest.mark.browser]
START = date(2015, 1, 1)


def _apparatus(system_user, tree) -> dict:
    """The province's party bloc R → organization commission P and district bloc H → D1, D2;
    2021 baselines 40 + 12 + 8; quotas 2024 and 2025; D1 and D2 merged into P on 01/07/2025."""
    cb = ensure_categories()["cb_cc"]
    p, d = tree["province"], tree["district"]

    def make(code, name, org, parent=None):
        return agency_create(actor=system_user, code=code, name=name, managing_org_id=org.pk, on=START, parent=parent)

    root = make("T01-KD", "Khối cơ quan Đảng tỉnh Thử Nghiệm", p)
    prov = make("T01-BTC", "Ban Tổ chức Tỉnh ủy", p, root)
    bloc = make("H01-KD", "Khối cơ quan Huyện ủy Sông Xanh", d, root)
    d1 = make("H01-BTC", "Ban Tổ chức Huyện ủy Sông Xanh", d, bloc)
    d2 = make("H01-UBKT", "Ủy ban Kiểm tra Huyện ủy Sông Xanh", d, bloc)
    for a, n in ((prov, 40), (d1, 12), (d2, 8)):
        baseline_set(actor=system_user, agency=a, category=cb, year=2021, number=n, source="Biên chế giao năm 2021")
    for year, numbers in ((2024, (59, 39, 20, 12, 8)), (2025, (57, 38, 19, 11, 7))):
        on = date(year, 1, 2)
        for a, n in zip((root, prov, bloc, d1, d2), numbers, strict=True):
            quota_allocate(
                actor=system_user,
                data=AllocationInput(
                    year=year,
                    receiving_id=a.pk,
                    category_id=cb.pk,
                    number=n,
                    decision_number=f"QĐ-{year}",
                    decision_date=on,
                    effective_from=on,
                    allocating_label="Ban Tổ chức Trung ương" if a is root else "",
                ),
            )
    for a, n in ((prov, 36), (d1, 10), (d2, 7)):
        headcount_record(
            actor=system_user, agency=a, category=cb, on=date(2025, 1, 2), count=n, source="Báo cáo 01/2025"
        )
    agency_merge(actor=system_user, predecessors=[d1, d2], into=prov, on=date(2025, 7, 1))
    return {"root": root, "prov": prov, "bloc": bloc, "d1": d1, "d2": d2, "cb": cb}


def _tree_names(page) -> list[str]:
    return [t.strip() for t in page.locator("table tbody tr td:first-child a").all_inner_texts()]


def test_agency_tree_as_of_a_date_and_the_roadmap_chart_with_its_table(
    live_server, login, officer, system_user, tree, page, screenshots
):
    a = _apparatus(system_user, tree)
    base = live_server.url
    login(page, "canbo_tinh")

    page.goto(f"{base}/bien-che/?ngay=30/06/2025")
    names = _tree_names(page)
    # Depth-first: the district bodies right under their bloc, the day before the merge.
    i = names.index("Khối cơ quan Huyện ủy Sông Xanh")
    assert set(names[i + 1 : i + 3]) == {"Ban Tổ chức Huyện ủy Sông Xanh", "Ủy ban Kiểm tra Huyện ủy Sông Xanh"}
    row = page.locator("tr", has_text="Ban Tổ chức Huyện ủy Sông Xanh")
    assert "11" in row.inner_text() and "10" in row.inner_text()  # quota 2025, headcount
    page.fill("#ngay", "31/12/2025")
    with page.expect_navigation():
        page.click("form button:has-text('Xem')")
    assert "ngay=31%2F12%2F2025" in page.url or "ngay=31/12/2025" in page.url
    names = _tree_names(page)
    assert "Ban Tổ chức Huyện ủy Sông Xanh" not in names and "Ủy ban Kiểm tra Huyện ủy Sông Xanh" not in names
    assert "Ban Tổ chức Tỉnh ủy" in names
    assert "(ngày 31/12/2025)" in page.locator("table thead").inner_text()
    page.screenshot(path=str(screenshots / "staffing-tree-as-of.png"), full_page=True)

    # The bloc's roadmap: the chart drawn (ECharts, SVG) above the table with the same years.
    page.click("text=Khối cơ quan Đảng tỉnh Thử Nghiệm")
    page.wait_for_url(re.compile(rf"/bien-che/{a['root'].pk}/\?ngay=31/12/2025$"))
    page.wait_for_selector(".staffing-roadmap-chart[data-drawn] svg")
    chart = page.locator(".staffing-roadmap-chart")
    svg = chart.locator("svg").inner_html()
    assert "Biên chế được giao" in svg and "Lộ trình giảm ≥ 5% so với năm 2021" in svg
    for year in ("2021", "2024", "2025", "2026"):
        assert f">{year}<" in svg
    table = page.locator("[data-testid=roadmap-years]").inner_text()
    # 2024: 59 of 60 (1 cut, 1,67%); 2025: 57 (3 cut, 5,00%: the target reached), the 2026 row to come.
    row_2024 = page.locator("[data-testid=roadmap-years] tr", has_text="2024 (31/12/2024)").inner_text()
    assert "59" in row_2024 and "1,67%" in row_2024
    row_2025 = page.locator("[data-testid=roadmap-years] tr", has_text="2025 (31/12/2025)").inner_text()
    assert "57" in row_2025 and "5,00%" in row_2025 and "100,0%" in row_2025
    assert "Chưa đến" in table
    assert page.errors == []
    page.screenshot(path=str(screenshots / "staffing-roadmap.png"), full_page=True)


def test_headcount_entered_on_the_form_then_imported_from_a_file(
    live_server, login, officer, system_user, tree, page, screenshots, tmp_path
):
    a = _apparatus(system_user, tree)
    base = live_server.url
    login(page, "canbo_tinh")

    # Entry: from the agency's page, one snapshot with its source.
    page.goto(f"{base}/bien-che/{a['prov'].pk}/?ngay=31/12/2025")
    page.click("text=Ghi số người thực có")
    page.wait_for_url(re.compile(r"/so-nguoi/$"))
    page.select_option("#id_category", str(a["cb"].pk))
    page.fill("#id_on", "01/09/2025")
    page.fill("#id_count", "-3")
    page.fill("#id_source", "Báo cáo sau sắp xếp")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/so-nguoi/" in page.url  # refused: the form again, nothing written
    assert not Headcount.objects.filter(source="Báo cáo sau sắp xếp").exists()
    page.fill("#id_count", "50")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert re.search(rf"/bien-che/{a['prov'].pk}/$", page.url)
    assert "Đã ghi số người thực có." in page.content()
    assert "Báo cáo sau sắp xếp" in page.locator("table", has_text="Nguồn").inner_text()
    assert Headcount.objects.get(source="Báo cáo sau sắp xếp").count == 50

    # Import: a file with a bad row is refused naming the row; fixed, a dry run; then written.
    wb = template_xlsx()
    wb.active.append(["T01-BTC", "cb_cc", 49, "01/10/2025", "Báo cáo quý III"])
    wb.active.append(["KHONG-CO", "cb_cc", 9, "01/10/2025", "Báo cáo quý III"])
    bad = tmp_path / "so-nguoi-loi.xlsx"
    wb.save(bad)
    wb.active.delete_rows(3)
    good = tmp_path / "so-nguoi.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    good.write_bytes(buf.getvalue())

    page.goto(f"{base}/bien-che/")
    page.click("text=Nhập số người thực có")
    page.wait_for_url(re.compile(r"/bien-che/nhap-so-nguoi/$"))
    page.set_input_files("#id_file", str(bad))
    page.fill("#id_on", "01/10/2025")
    page.fill("#id_source", "Tổng hợp quý III")
    page.check("#id_apply")
    page.click("button[type=submit]")
    errors = page.locator("[data-testid=import-errors]").inner_text()
    assert "Không ghi dòng nào" in errors and "Dòng 3, cột «Mã cơ quan»" in errors and "KHONG-CO" in errors
    assert not Headcount.objects.filter(source="Báo cáo quý III").exists()

    page.set_input_files("#id_file", str(good))
    page.uncheck("#id_apply")
    page.click("button[type=submit]")
    planned = page.locator("[data-testid=import-planned]").inner_text()
    assert "1 dòng hợp lệ" in planned and "Ban Tổ chức Tỉnh ủy" in planned and "49 người (01/10/2025)" in planned
    assert not Headcount.objects.filter(source="Báo cáo quý III").exists()

    page.set_input_files("#id_file", str(good))
    page.check("#id_apply")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/bien-che/")
    assert "Đã ghi 1 dòng số người thực có." in page.content()
    assert Headcount.objects.get(source="Báo cáo quý III").count == 49
    # The agency's figures as of the file's date follow the imported count.
    page.goto(f"{base}/bien-che/{a['prov'].pk}/?ngay=01/10/2025")
    assert "49" in page.locator("[data-testid=roadmap-table]").inner_text()
    assert page.errors == []
    page.screenshot(path=str(screenshots / "staffing-headcount-import.png"), full_page=True)
