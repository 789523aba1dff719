"""R-000: rule parameters are versioned; an override applies from its `valid_from` on."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.core import rules
from dangbo.core.models import RuleParameter
from dangbo.core.rules import param, param_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rule_parameters():
    rules.clear_cache()
    yield
    rules.clear_cache()


def test_rule_r000_shipped_defaults_carry_their_source():
    version = param_version("probation_months", date(2024, 1, 1))
    assert version.value == 12
    assert "Điều lệ" in version.source


def test_rule_r000_an_override_applies_from_its_valid_from_date_only():
    RuleParameter.objects.create(
        name="readmission_wait_months", value=60, valid_from=date(2025, 7, 1), source="Quy định thử nghiệm"
    )
    assert param("readmission_wait_months", date(2025, 6, 30)) == 36
    assert param("readmission_wait_months", date(2025, 7, 1)) == 60
    assert param_version("readmission_wait_months", date(2026, 1, 1)).source == "Quy định thử nghiệm"


def test_rule_r000_an_override_on_the_same_day_as_a_default_wins():
    RuleParameter.objects.create(
        name="ceremony_within_working_days", value=20, valid_from=date(2016, 7, 25), source="Bản sửa"
    )
    assert param("ceremony_within_working_days", date(2020, 1, 1)) == 20


def test_rule_r000_saving_an_override_clears_the_cache():
    assert param("transfer_letter_working_days", date(2026, 1, 1)) == 30
    RuleParameter.objects.create(
        name="transfer_letter_working_days", value=45, valid_from=date(2025, 1, 1), source="Thử nghiệm"
    )
    assert param("transfer_letter_working_days", date(2026, 1, 1)) == 45


def test_rule_r000_dates_before_the_first_version_use_the_first_version():
    assert param("badge_milestones", date(2000, 1, 1))[0] == 30
