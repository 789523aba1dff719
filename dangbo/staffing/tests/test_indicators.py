"""Staffing indicators in the reports catalog (R-110, R-111), in the periodic report's figures,
and their queries: one when the area has no agency, a constant number otherwise."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.reports.indicators import CATALOG, IndicatorContext, compute
from dangbo.staffing.models import CatalogueStatus
from dangbo.staffing.services import PositionInput, agency_merge, catalogue_advance, catalogue_create

pytestmark = pytest.mark.django_db
CODES = ("bc_cbcc_giao_thuc_co", "bc_tinh_gian_cbcc", "bc_tinh_gian_vc", "vtvl_phe_duyet")


def test_staffing_indicators_are_in_the_catalog():
    for code in CODES:
        assert code in CATALOG and not CATALOG[code].drill
    assert CATALOG["bc_tinh_gian_cbcc"].rule == "R-111" and CATALOG["bc_cbcc_giao_thuc_co"].rule == "R-110"


def test_rule_r110_indicator_quota_headcount_vacancies_of_the_area(app, tree):
    ctx = IndicatorContext(org_id=tree["province"].pk, at=date(2025, 3, 1))
    r = compute("bc_cbcc_giao_thuc_co", ctx)
    assert (r.value, r.text) == (57, "57 được giao, 53 thực có, 4 chưa sử dụng")
    r = compute("bc_cbcc_giao_thuc_co", IndicatorContext(org_id=tree["district"].pk, at=date(2025, 3, 1)))
    assert r.text == "19 được giao, 17 thực có, 2 chưa sử dụng"
    r = compute("bc_cbcc_giao_thuc_co", IndicatorContext(org_id=tree["commune_a"].pk, at=date(2025, 3, 1)))
    assert r.value is None and r.text == "Chưa có số liệu biên chế"


def test_rule_r111_indicator_reduction_against_2021_across_a_merge(app, tree, system_user):
    ctx = IndicatorContext(org_id=tree["province"].pk, at=date(2025, 3, 1))
    r = compute("bc_tinh_gian_cbcc", ctx)
    assert r.text == "3/60 (5,00%); phải giảm 3 đến năm 2026, còn thiếu 0" and r.percent == "5,00%"
    assert compute("bc_tinh_gian_vc", ctx).value is None
    agency_merge(actor=system_user, predecessors=[app["d1"]], into=app["prov"], on=date(2025, 7, 1))
    r = compute("bc_tinh_gian_cbcc", IndicatorContext(org_id=tree["province"].pk, at=date(2025, 12, 31)))
    assert r.text.startswith("3/60 (5,00%)")  # D1's 2021 baseline now counted in P, once


def test_job_position_indicator(app, tree, system_user):
    cat = catalogue_create(
        actor=system_user, agency=app["d1"], name="Danh mục", positions=[PositionInput("Chuyên viên", app["cb"].pk, 3)]
    )
    for to, on in (
        (CatalogueStatus.SUBMITTED, date(2024, 1, 2)),
        (CatalogueStatus.APPRAISED, date(2024, 2, 1)),
        (CatalogueStatus.APPROVED, date(2024, 3, 1)),
    ):
        catalogue_advance(actor=system_user, catalogue=cat, to=to, on=on, decision_number="5-QĐ/HU")
    assert (
        compute("vtvl_phe_duyet", IndicatorContext(org_id=tree["district"].pk, at=date(2025, 1, 1))).text
        == "1/3 cơ quan"
    )
    assert compute("vtvl_phe_duyet", IndicatorContext(org_id=tree["district"].pk, at=date(2024, 2, 15))).value == 0


def test_staffing_indicators_read_a_constant_number_of_queries(app, tree):
    ctx = IndicatorContext(org_id=tree["province"].pk, at=date(2025, 3, 1))
    ctx.area  # noqa: B018 - the area is shared by every indicator
    compute("bc_cbcc_giao_thuc_co", IndicatorContext(org_id=tree["province"].pk, at=date(2025, 3, 1)))  # warm
    with CaptureQueriesContext(connection) as c:
        for code in CODES:
            compute(code, ctx)
    assert len(c.captured_queries) <= 8
    empty = IndicatorContext(org_id=tree["commune_a"].pk, at=date(2025, 3, 1))
    empty.area  # noqa: B018
    with CaptureQueriesContext(connection) as c:
        for code in CODES:
            compute(code, empty)
    assert len(c.captured_queries) == 1


def test_periodic_report_carries_the_staffing_figures(app, tree, system_user):
    from dangbo.reports.models import PeriodKind
    from dangbo.reports.services import report_period_get_or_create, report_prepare

    period = report_period_get_or_create(kind=PeriodKind.HALF, year=2025)
    sub = report_prepare(actor=system_user, org=tree["province"], period=period)
    assert sub.figures["bc_cbcc_giao_thuc_co"]["text"] == "57 được giao, 53 thực có, 4 chưa sử dụng"
    assert sub.figures["bc_tinh_gian_cbcc"]["value"] == 3


def test_periodic_report_page_lists_the_staffing_lines(client, officer, app, tree):
    from django.urls import reverse

    client.force_login(officer)
    r = client.get(reverse("reports:periodic_report"), {"org": tree["province"].pk, "loai": "nam", "nam": 2025})
    body = r.content.decode()
    assert r.status_code == 200
    assert "Biên chế cán bộ, công chức: được giao, thực có, chưa sử dụng" in body
    assert "57 được giao, 53 thực có, 4 chưa sử dụng" in body
    assert "Tinh giản biên chế cán bộ, công chức so với năm 2021" in body
    # A year without any quota decision: no quota is shown as zero.
    r = client.get(reverse("reports:periodic_report"), {"org": tree["province"].pk, "loai": "nam", "nam": 2026})
    assert "Chưa giao biên chế năm 2026; 53 thực có" in r.content.decode()


def test_restructured_units_indicator_reproduces_seed_000_as_of_a_date(system_user, tree):
    """«7/8 Cơ quan Thanh tra - Kiểm tra; 8/13 Cơ quan Tổ chức - Nội vụ; 12/13 Văn phòng cấp huyện»
    in the staffing section of the reports, as of the report's date (one query)."""
    from dangbo.staffing.services import UnitInput, project_create

    def project(model, total, done, last_on=date(2023, 10, 1)):
        project_create(
            actor=system_user,
            org_id=tree["province"].pk,
            name=f"Đề án {model}",
            model=model,
            units=[
                UnitInput(
                    label=f"{model} {i + 1}",
                    done_on=(last_on if i == done - 1 else date(2023, 10, 1)) if i < done else None,
                )
                for i in range(total)
            ],
        )

    project("Cơ quan Thanh tra - Kiểm tra", 8, 7)
    project("Cơ quan Tổ chức - Nội vụ", 13, 8)
    project("Văn phòng cấp huyện", 13, 12, last_on=date(2023, 12, 15))
    ctx = IndicatorContext(org_id=tree["province"].pk, at=date(2023, 12, 31))
    ctx.area  # noqa: B018
    with CaptureQueriesContext(connection) as c:
        r = compute("bc_sap_xep", ctx)
    assert len(c.captured_queries) == 1
    assert r.text == "7/8 Cơ quan Thanh tra - Kiểm tra; 8/13 Cơ quan Tổ chức - Nội vụ; 12/13 Văn phòng cấp huyện"
    assert (r.value, r.denominator) == (27, 34)
    r = compute("bc_sap_xep", IndicatorContext(org_id=tree["province"].pk, at=date(2023, 12, 14)))
    assert r.text.endswith("11/13 Văn phòng cấp huyện") and r.value == 26
    assert compute("bc_sap_xep", IndicatorContext(org_id=tree["commune_b"].pk, at=date(2023, 12, 31))).value is None


def test_staffing_has_a_heading_of_its_own_in_the_report(client, officer, app, tree):
    """The page, the XLSX and the DOCX print the staffing rows under their own heading, with the
    date they are computed as of, after the party-building rows."""
    import io

    from django.urls import reverse
    from docx import Document
    from openpyxl import load_workbook

    from dangbo.reports.figures import report_rows, result_json
    from dangbo.reports.indicators import compute_all

    ctx = IndicatorContext(org_id=tree["province"].pk, at=date(2025, 12, 31))
    rows = report_rows({r.code: result_json(r) for r in compute_all(ctx)})
    sections = [r.section for r in rows]
    first = sections.index("Tổ chức bộ máy, biên chế")
    last = len(sections) - sections[::-1].index("Tổ chức bộ máy, biên chế")  # other sections may follow
    assert set(sections[:first]) == {""} and set(sections[first:last]) == {"Tổ chức bộ máy, biên chế"}
    assert {r.code for r in rows[first:last]} == {*CODES, "bc_sap_xep"}

    client.force_login(officer)
    body = client.get(
        reverse("reports:periodic_report"), {"org": tree["province"].pk, "loai": "nam", "nam": 2025}
    ).content.decode()
    heading = body.index('data-section="Tổ chức bộ máy, biên chế"')
    assert "(tính đến ngày 31/12/2025)" in body[heading : heading + 400]
    assert body.index('data-code="bc_cbcc_giao_thuc_co"') > heading > body.index('data-code="dv_tong"')

    r = client.get(
        reverse("reports:report_export"), {"org": tree["province"].pk, "ngay": "31/12/2025", "dinh_dang": "xlsx"}
    )
    names = [row[0] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=6, values_only=True)]
    at = names.index("Tổ chức bộ máy, biên chế (tính đến ngày 31/12/2025)")
    assert names[at + 1] == "Biên chế cán bộ, công chức: được giao, thực có, chưa sử dụng"
    r = client.get(
        reverse("reports:report_export"), {"org": tree["province"].pk, "ngay": "31/12/2025", "dinh_dang": "docx"}
    )
    cells = [c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells]
    assert "Tổ chức bộ máy, biên chế (tính đến ngày 31/12/2025)" in cells
