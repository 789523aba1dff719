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
    cat = catalogue_create(actor=system_user, agency=app["d1"], name="Danh mục",
                           positions=[PositionInput("Chuyên viên", app["cb"].pk, 3)])
    for to, on in ((CatalogueStatus.SUBMITTED, date(2024, 1, 2)), (CatalogueStatus.APPRAISED, date(2024, 2, 1)),
                   (CatalogueStatus.APPROVED, date(2024, 3, 1))):
        catalogue_advance(actor=system_user, catalogue=cat, to=to, on=on, decision_number="5-QĐ/HU")
    assert compute("vtvl_phe_duyet", IndicatorContext(org_id=tree["district"].pk, at=date(2025, 1, 1))).text == \
        "1/3 cơ quan"
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
