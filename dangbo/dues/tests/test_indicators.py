"""Item 4: the dues indicators in the reports catalog (collected, owed, remitted per level, as of a
month: read from the closed books), the dashboard tile, and the periodic report lines."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.dues.models import Category
from dangbo.dues.services import month_close, month_reopen
from dangbo.dues.tests.factories import declare_each, pay
from dangbo.reports.indicators import CATALOG, IndicatorContext, compute

MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)


def _books(system_user, tree, members):
    declare_each(system_user, members, Category.SI_SALARY, 10_000_000)  # 100 000 đ a month
    for m in members[:3]:
        pay(system_user, m, MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    month_close(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, on=date(2025, 4, 2))


def test_rule_r121_dues_indicators_collected_owed_and_remitted_per_level(system_user, tree, members_a1):
    _books(system_user, tree, members_a1)
    assert {"dp_phai_thu", "dp_da_thu", "dp_con_no", "dp_nop_cap_tren"} <= set(CATALOG)
    ctx = IndicatorContext(org_id=tree["commune_a"].pk, at=date(2025, 12, 31))
    assert compute("dp_phai_thu", ctx).value == 400_000
    got = compute("dp_da_thu", ctx)
    assert (got.value, got.text) == (300_000, "300.000 đ / 400.000 đ (75,0%)")
    assert compute("dp_con_no", ctx).value == 100_000
    up = compute("dp_nop_cap_tren", ctx)
    # The cell remitted 70 % of 300 000; the commune kept 30 % of that and remitted 147 000.
    assert up.value == 147_000
    assert {c.key: c.value for c in up.breakdowns["loai"]} == {
        "commune_party_org": 147_000,
        "subordinate_cell": 210_000,
    }
    # As of a month: before March closed nothing is counted; the province has not closed (nothing leaves it).
    assert compute("dp_da_thu", IndicatorContext(org_id=tree["commune_a"].pk, at=date(2025, 2, 28))).value == 0
    assert compute("dp_nop_cap_tren", IndicatorContext(org_id=tree["province"].pk, at=date(2025, 12, 31))).value == 0
    # A reopened month is not counted until closed again.
    month_reopen(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, reason="Sai số liệu", on=APRIL)
    ctx = IndicatorContext(org_id=tree["commune_a"].pk, at=date(2025, 12, 31))
    assert compute("dp_nop_cap_tren", ctx).value == 0 and compute("dp_da_thu", ctx).value == 300_000


def test_dashboard_tile_and_report_lines_show_the_dues(client, system_user, tree, members_a1, officer):
    _books(system_user, tree, members_a1)
    client.force_login(officer)
    page = client.get(reverse("reports:dashboard"), {"org": tree["commune_a"].pk, "ngay": "31/12/2025"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="kpi-dues"' in html
    assert "300.000 đ / 400.000 đ (75,0%)" in html and "còn nợ 100.000 đ" in html and "nộp cấp trên 147.000 đ" in html
    report = client.get(reverse("reports:periodic_report"), {"org": tree["commune_a"].pk, "loai": "nam", "nam": 2025})
    text = report.content.decode()
    assert report.status_code == 200 and "Đảng phí đã thu" in text and "Đảng phí nộp cấp trên" in text


def test_dues_have_a_heading_of_their_own_in_the_report_and_its_exports(client, system_user, tree, members_a1, officer):
    """The periodic report page, its XLSX and its DOCX print the dues rows under «Đảng phí» (as the
    staffing section does), with every breakdown line."""
    import io

    from docx import Document
    from openpyxl import load_workbook

    from dangbo.reports.figures import report_rows, result_json
    from dangbo.reports.indicators import compute_all

    _books(system_user, tree, members_a1)
    ctx = IndicatorContext(org_id=tree["commune_a"].pk, at=date(2025, 12, 31))
    rows = report_rows({r.code: result_json(r) for r in compute_all(ctx)})
    dues = [r for r in rows if r.section == "Đảng phí"]
    assert [r.code for r in dues] == ["dp_phai_thu", "dp_da_thu", "dp_con_no", "dp_nop_cap_tren"]
    at = rows.index(dues[0])
    assert rows[at : at + 4] == dues  # together, after the rows without a section
    client.force_login(officer)
    body = client.get(
        reverse("reports:periodic_report"), {"org": tree["commune_a"].pk, "loai": "nam", "nam": 2025}
    ).content.decode()
    heading = body.index('data-section="Đảng phí"')
    assert body.index('data-code="dp_da_thu"') > heading > body.index('data-code="dv_tong"')
    params = {"org": tree["commune_a"].pk, "ngay": "31/12/2025"}
    r = client.get(reverse("reports:report_export"), {**params, "dinh_dang": "xlsx"})
    names = [row[0] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=6, values_only=True)]
    at = names.index("Đảng phí (tính đến ngày 31/12/2025)")
    assert names[at + 1 : at + 3] == ["Đảng phí phải thu", "Đảng phí đã thu"]
    r = client.get(reverse("reports:report_export"), {**params, "dinh_dang": "docx"})
    cells = [c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells]
    assert "Đảng phí (tính đến ngày 31/12/2025)" in cells
    assert any("300.000 đ / 400.000 đ (75,0%)" in c for c in cells)
    assert any("Xã, phường, đặc khu: 147.000" in c or "147.000" in c for c in cells)
