"""Date arithmetic used by the rules: calendar months and working days (R-000b)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

# Public holidays (Labour Code 2019 Art. 112): fixed solar dates plus Tết and the Hùng Kings'
# day, which follow the lunar calendar. The lunar dates are listed per year; UNVERIFIED for
# the bridge days the Government adds each year (R-000b: configurable).
FIXED_HOLIDAYS = [(1, 1), (4, 30), (5, 1), (9, 2)]
# Tết holidays (5 days from the last day of the lunar year) and Giỗ Tổ Hùng Vương (10/3 lunar).
LUNAR_HOLIDAYS: dict[int, list[tuple[int, int]]] = {
    2015: [(2, 18), (2, 19), (2, 20), (2, 21), (2, 22), (4, 28)],
    2016: [(2, 7), (2, 8), (2, 9), (2, 10), (2, 11), (4, 16)],
    2017: [(1, 27), (1, 28), (1, 29), (1, 30), (1, 31), (4, 6)],
    2018: [(2, 15), (2, 16), (2, 17), (2, 18), (2, 19), (4, 25)],
    2019: [(2, 4), (2, 5), (2, 6), (2, 7), (2, 8), (4, 14)],
    2020: [(1, 24), (1, 25), (1, 26), (1, 27), (1, 28), (4, 2)],
    2021: [(2, 11), (2, 12), (2, 13), (2, 14), (2, 15), (4, 21)],
    2022: [(1, 31), (2, 1), (2, 2), (2, 3), (2, 4), (4, 10)],
    2023: [(1, 21), (1, 22), (1, 23), (1, 24), (1, 25), (4, 29)],
    2024: [(2, 9), (2, 10), (2, 11), (2, 12), (2, 13), (4, 18)],
    2025: [(1, 28), (1, 29), (1, 30), (1, 31), (2, 1), (4, 7)],
    2026: [(2, 16), (2, 17), (2, 18), (2, 19), (2, 20), (4, 26)],
    2027: [(2, 5), (2, 6), (2, 7), (2, 8), (2, 9), (4, 16)],
    2028: [(1, 25), (1, 26), (1, 27), (1, 28), (1, 29), (4, 4)],
}


@cache
def holidays(year: int) -> frozenset[date]:
    days = {date(year, m, d) for m, d in FIXED_HOLIDAYS}
    # National Day: 2/9 plus one adjacent day (1/9 or 3/9); we take 3/9 as the default.
    days.add(date(year, 9, 3) if date(year, 9, 2).weekday() != 0 else date(year, 9, 1))
    days.update(date(year, m, d) for m, d in LUNAR_HOLIDAYS.get(year, []))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_months(start: date, months: int) -> date:
    """Calendar months, same day number, clamped to the end of the month (R-000b)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def whole_months_between(earlier: date, later: date) -> int:
    """Completed calendar months from `earlier` to `later` (used for ages, R-050)."""
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    if add_months(earlier, months) > later:
        months -= 1
    return months
