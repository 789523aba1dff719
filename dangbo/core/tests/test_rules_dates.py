"""R-000b: working days and calendar months used by every deadline."""

from __future__ import annotations

from datetime import date

from dangbo.core.dates import add_months, add_working_days, holidays, is_working_day, whole_months_between


def test_rule_r000b_working_days_skip_weekends():
    friday = date(2024, 3, 1)
    assert add_working_days(friday, 1) == date(2024, 3, 4)
    assert add_working_days(friday, 5) == date(2024, 3, 8)
    assert not is_working_day(date(2024, 3, 2))
    assert not is_working_day(date(2024, 3, 3))


def test_rule_r000b_working_days_skip_tet():
    # Tết Giáp Thìn: 09/02/2024 to 13/02/2024 are holidays; the next working day is Wed 14/02.
    assert date(2024, 2, 10) in holidays(2024)
    assert add_working_days(date(2024, 2, 8), 1) == date(2024, 2, 14)
    assert all(not is_working_day(date(2024, 2, d)) for d in range(9, 14))


def test_rule_r000b_working_days_skip_fixed_public_holidays():
    # 30/04 and 01/05/2024 fall on Tuesday and Wednesday.
    assert add_working_days(date(2024, 4, 29), 1) == date(2024, 5, 2)
    assert not is_working_day(date(2024, 9, 2))


def test_rule_r000b_the_start_day_is_not_counted():
    assert add_working_days(date(2024, 3, 4), 0) == date(2024, 3, 4)
    assert add_working_days(date(2024, 3, 2), 1) == date(2024, 3, 4)


def test_rule_r000b_months_keep_the_day_number_and_clamp_at_month_end():
    assert add_months(date(2024, 1, 15), 1) == date(2024, 2, 15)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_rule_r000b_whole_months_between_counts_completed_months_only():
    assert whole_months_between(date(2005, 6, 15), date(2023, 6, 14)) == 18 * 12 - 1
    assert whole_months_between(date(2005, 6, 15), date(2023, 6, 15)) == 18 * 12
    assert whole_months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert whole_months_between(date(2024, 1, 31), date(2024, 2, 28)) == 0
