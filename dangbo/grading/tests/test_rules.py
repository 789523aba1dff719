"""Pure grading rules, named after RULES.md ids."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.core.errors import RuleViolation
from dangbo.core.models import RuleParameter
from dangbo.core.rules import clear_cache
from dangbo.grading import rules

pytestmark = pytest.mark.django_db  # parameters read administrator overrides (core.RuleParameter)


def test_rule_r070_there_are_four_grades_and_not_graded():
    assert [g.value for g in rules.REAL_GRADES] == ["excellent", "good", "satisfactory", "unsatisfactory"]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (95, "excellent"),
        (90, "excellent"),
        (89.5, "good"),
        (70, "good"),
        (69, "satisfactory"),
        (50, "satisfactory"),
        (49.9, "unsatisfactory"),
    ],
)
def test_rule_r071_score_bands_90_70_50_from_2025(total, grade):
    assert rules.band_grade(2025, total) == grade


def test_rule_r071_grade_above_the_band_is_refused_with_a_vietnamese_message():
    with pytest.raises(RuleViolation) as exc:
        rules.check_score_and_grade(year=2025, total=85, grade="excellent")
    assert exc.value.rule == "R-071"
    assert "85 điểm chỉ đạt mức Hoàn thành tốt nhiệm vụ" in exc.value.message


def test_rule_r071_a_lower_grade_than_the_band_is_allowed():
    rules.check_score_and_grade(year=2025, total=92, grade="good")


def test_rule_r071_score_is_required_from_2025():
    with pytest.raises(RuleViolation, match="thang 100 điểm"):
        rules.check_score_and_grade(year=2025, total=None, grade="good")


def test_rule_r071_years_before_366_are_graded_without_score():
    assert rules.band_grade(2024, 40) is None
    rules.check_score_and_grade(year=2024, total=None, grade="excellent")


@pytest.mark.django_db
def test_rule_r071_bands_are_versioned_parameters_an_administrator_can_override():
    RuleParameter.objects.create(
        name="grading_score_bands",
        valid_from=date(2027, 1, 1),
        value={"excellent": 95, "good": 75, "satisfactory": 55},
        source="thử nghiệm",
    )
    clear_cache()
    try:
        assert rules.band_grade(2027, 92) == "good"
        assert rules.band_grade(2026, 92) == "excellent"
    finally:
        clear_cache()


def test_rule_r072_excellent_at_most_20_percent_of_good():
    assert rules.excellent_cap_ok(year=2025, excellent=1, good=5)
    assert not rules.excellent_cap_ok(year=2025, excellent=2, good=5)
    assert not rules.excellent_cap_ok(year=2025, excellent=1, good=4)
    assert rules.excellent_cap_ok(year=2025, excellent=3, good=4, allowed=3)


def test_rule_r075_probationary_admitted_less_than_6_months_before_year_end_is_not_graded():
    assert rules.not_graded_reason(year=2025, status="du_bi", exempt=False, ceremony_on=date(2025, 7, 2))
    assert rules.not_graded_reason(year=2025, status="du_bi", exempt=False, ceremony_on=date(2025, 6, 30)) is None


def test_rule_r037_exempt_member_is_not_graded():
    reason = rules.not_graded_reason(year=2025, status="chinh_thuc", exempt=True, ceremony_on=None)
    assert "miễn công tác" in reason
    with pytest.raises(RuleViolation) as exc:
        rules.check_gradable(year=2025, grade="good", reason=reason)
    assert exc.value.rule == "R-075"


def test_disciplined_member_cannot_get_the_top_levels():
    with pytest.raises(RuleViolation, match="bị kỷ luật"):
        rules.check_discipline(year=2025, grade="good", disciplined=True)
    rules.check_discipline(year=2025, grade="satisfactory", disciplined=True)
    rules.check_discipline(year=2025, grade="excellent", disciplined=False)


def test_rule_r040_two_consecutive_unsatisfactory_years_flag_a_removal_review():
    assert rules.removal_review_due({2024: "unsatisfactory", 2025: "unsatisfactory"}, 2025)
    assert not rules.removal_review_due({2023: "unsatisfactory", 2025: "unsatisfactory"}, 2025)


def test_rule_r076_target_is_more_than_90_percent():
    assert rules.target_met(year=2025, good_or_better=91, graded=100)
    assert not rules.target_met(year=2025, good_or_better=90, graded=100)
    assert not rules.target_met(year=2025, good_or_better=0, graded=0)
