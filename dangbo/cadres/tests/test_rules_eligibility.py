"""R-095 / R-092a: eligibility before an appointment, from versioned parameters (R-000)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.cadres.eligibility import eligibility_check, retirement_date
from dangbo.cadres.services import CadreInput, cadre_create, planning_add
from dangbo.core.models import RuleParameter
from dangbo.core.rules import clear_cache

pytestmark = pytest.mark.django_db


def test_rule_r095_retirement_date_follows_the_labour_code_schedule_by_sex_and_year():
    assert retirement_date(date(1965, 6, 15), "M") == date(2026, 12, 15)  # 61 y 6 m in 2026
    assert retirement_date(date(1961, 1, 1), "M") == date(2021, 4, 1)  # 60 y 3 m in 2021
    assert retirement_date(date(1959, 5, 1), "M") == date(2019, 5, 1)  # 60 y before 2021
    assert retirement_date(date(1970, 3, 10), "F") == date(2027, 7, 10)  # 57 y 4 m in 2027
    assert retirement_date(date(1990, 1, 1), "F") == date(2050, 1, 1)  # 60 y from 2035 on


def test_rule_r095_first_appointment_needs_60_months_to_retirement_planning_and_time_in_post(
    system_user, tree, titles, term
):
    old = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Hoàng Văn Già", birth_date=date(1966, 1, 1), sex="M", managing_org_id=tree["commune_a"].pk
        ),
    )
    result = eligibility_check(
        cadre=old, title=titles["dept_director"], kind="appointment", received_on=date(2024, 6, 1)
    )
    checks = {c.key: c for c in result.checks}
    assert checks["retirement"].ok is False and "cần ít nhất 60 tháng" in checks["retirement"].message
    assert checks["planning"].ok is False and checks["time_in_post"].ok is False
    assert checks["political_standard"].ok is None  # not recorded yet: never reported as met
    assert result.regulation == "80-QĐ/TW" and not result.ok

    young = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Vũ Thị Trẻ", birth_date=date(1985, 1, 1), sex="F", managing_org_id=tree["commune_a"].pk
        ),
    )
    planning_add(actor=system_user, term=term, cadre=young, title=titles["dept_director"], on=date(2023, 1, 1))
    result = eligibility_check(
        cadre=young, title=titles["dept_director"], kind="appointment", received_on=date(2025, 11, 1)
    )
    checks = {c.key: c for c in result.checks}
    assert checks["retirement"].ok and checks["planning"].ok and result.regulation == "377-QĐ/TW"


def test_rule_r095_reappointment_less_than_two_years_before_retirement_is_an_extension(system_user, tree, titles):
    cadre = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Ngô Văn Hạn", birth_date=date(1964, 6, 1), sex="M", managing_org_id=tree["commune_a"].pk
        ),
    )
    # Retires 01/09/2025 (61 y 3 m in 2025): 16 months before is an extension.
    assert eligibility_check(
        cadre=cadre, title=titles["dept_director"], kind="reappointment", received_on=date(2024, 5, 1)
    ).becomes_extension
    assert not eligibility_check(
        cadre=cadre, title=titles["dept_director"], kind="reappointment", received_on=date(2022, 1, 1)
    ).becomes_extension


def test_rule_r000_the_months_to_retirement_threshold_is_a_versioned_parameter(system_user, tree, titles):
    cadre = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Đinh Văn Số", birth_date=date(1966, 6, 1), sex="M", managing_org_id=tree["commune_a"].pk
        ),
    )
    on = date(2024, 6, 1)
    before = {
        c.key: c.ok
        for c in eligibility_check(
            cadre=cadre, title=titles["dept_director"], kind="appointment", received_on=on
        ).checks
    }
    RuleParameter.objects.create(
        name="appointment_min_months_to_retirement", valid_from=date(2024, 1, 1), value=12, source="thử nghiệm"
    )
    clear_cache()
    try:
        after = {
            c.key: c.ok
            for c in eligibility_check(
                cadre=cadre, title=titles["dept_director"], kind="appointment", received_on=on
            ).checks
        }
    finally:
        clear_cache()
    assert before["retirement"] is False and after["retirement"] is True
