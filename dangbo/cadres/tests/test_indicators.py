"""The cadre-work section of the reports: the cadre indicators in the catalog (periodic report,
indicator overview) and the dashboard tile, computed from the area's cadres; the cached figures
are renewed when a cadre action is recorded (registry stamp)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.cadres.services import ActionInput, DecisionInput, decision_record
from dangbo.cadres.training import SalaryInput, course_create, enrol, salary_record
from dangbo.reports.indicators import CATALOG, IndicatorContext, compute

pytestmark = pytest.mark.django_db

CODES = (
    "cb_bo_nhiem_gioi_thieu",
    "cb_thoa_thuan_hiep_y",
    "cb_bo_sung_quy_hoach",
    "cb_quy_hoach",
    "cb_cao_cap_llct",
    "cb_nang_bac_luong",
)


def _appoint(system_user, cadre, title, on, kind="appointment", number="1-QĐ"):
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number=number,
            signed_on=on,
            body="BTV",
            org_id=cadre.managing_org_id,
            actions=[ActionInput(cadre_id=cadre.pk, type=kind, on=on, title_id=title.pk)],
        ),
    )


def test_the_cadre_indicators_are_in_the_catalog_and_count_the_area(system_user, tree, titles, cadre):
    assert set(CODES) <= set(CATALOG)
    _appoint(system_user, cadre, titles["commune_secretary"], date(2024, 3, 1))
    _appoint(system_user, cadre, titles["dept_deputy"], date(2024, 4, 1), kind="nomination", number="2-QĐ")
    course = course_create(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        name="Cao cấp LLCT",
        kind="theory",
        level="cao_cap",
        mode="part_time",
        starts_on=date(2024, 2, 1),
    )
    enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 2, 1))
    salary_record(
        actor=system_user,
        data=SalaryInput(
            cadre_id=cadre.pk, type="rank_appointment", on=date(2020, 1, 1), rank_name="Chuyên viên", step=1
        ),
    )
    salary_record(
        actor=system_user, data=SalaryInput(cadre_id=cadre.pk, type="step_regular", on=date(2024, 1, 1), step=2)
    )
    ctx = IndicatorContext(org_id=tree["province"].pk, at=date(2024, 12, 31))
    assert compute("cb_bo_nhiem_gioi_thieu", ctx).text == "01 cấp trưởng, 01 cấp phó"
    assert compute("cb_cao_cap_llct", ctx).text == "01 (00 tập trung, 01 không tập trung)"
    assert compute("cb_nang_bac_luong", ctx).text == "01 (trước thời hạn 00, thường xuyên 01)"
    other = IndicatorContext(org_id=tree["commune_b"].pk, at=date(2024, 12, 31))
    assert compute("cb_bo_nhiem_gioi_thieu", other).value is None
    before = IndicatorContext(org_id=tree["province"].pk, at=date(2023, 12, 31))
    assert compute("cb_bo_nhiem_gioi_thieu", before).text == "00 cấp trưởng, 00 cấp phó"


def test_the_periodic_report_and_dashboard_show_the_cadre_section(client, officer, system_user, tree, titles, cadre):
    _appoint(system_user, cadre, titles["commune_secretary"], date(2024, 3, 1))
    client.force_login(officer)
    page = client.get(
        reverse("reports:periodic_report"), {"org": tree["province"].pk, "loai": "nam", "nam": 2024}
    ).content.decode()
    assert "Cán bộ được bổ nhiệm, giới thiệu ứng cử" in page and "01 cấp trưởng, 00 cấp phó" in page
    dash = client.get(reverse("reports:dashboard"), {"org": tree["province"].pk, "ngay": "31/12/2024"})
    body = dash.content.decode()
    assert 'id="tile-cadres"' in body and "Bổ nhiệm, giới thiệu ứng cử: 01 cấp trưởng, 00 cấp phó" in body
    # A new action renews the cached figures (registry stamp triggers on the cadre tables).
    _appoint(system_user, cadre, titles["dept_deputy"], date(2024, 5, 1), number="3-QĐ")
    body = client.get(reverse("reports:dashboard"), {"org": tree["province"].pk, "ngay": "31/12/2024"}).content.decode()
    assert "Bổ nhiệm, giới thiệu ứng cử: 01 cấp trưởng, 01 cấp phó" in body


def test_an_area_without_cadres_has_no_tile(client, officer, tree):
    client.force_login(officer)
    body = client.get(reverse("reports:dashboard"), {"org": tree["province"].pk}).content.decode()
    assert 'id="tile-cadres"' not in body
