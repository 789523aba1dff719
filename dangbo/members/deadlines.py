"""The deadlines of the member registry as functions of one date, and their inverses.

Each deadline here is the one rule the profile, `dangbo check-data`, the periodic overdue job
(`members.overdue`), the transfer inbox and the worklist read. The inverses ("the latest start
date whose deadline has passed by `today`") turn an overdue test into one date comparison, so a
list or a count of overdue cases is one set-based query (no per-member Python): a deadline is
non-decreasing in its start date, so the starts that are overdue are exactly those up to a cutoff.
"""

from __future__ import annotations

from datetime import date, timedelta

from dangbo.core.dates import add_months, add_working_days
from dangbo.core.rules import param


def transfer_deadline(letter_on: date) -> date:
    """R-033: the last day to present the introduction letter at the receiving organization
    (working days after the letter's date, the number in force on that date)."""
    return add_working_days(letter_on, param("transfer_letter_working_days", letter_on))


def transfer_overdue(letter_on: date, today: date) -> bool:
    return today > transfer_deadline(letter_on)


def recognition_deadline(ceremony_on: date) -> date:
    """R-022: the last day for the cell to propose recognition (end of probation + working days)."""
    end = add_months(ceremony_on, param("probation_months", ceremony_on))
    return add_working_days(end, param("recognition_proposal_working_days", end))


def recognition_alert_from(ceremony_on: date) -> date:
    """R-022: the alert starts at month 11 of probation."""
    return add_months(ceremony_on, param("probation_months", ceremony_on) - 1)


def _latest_start(deadline, today: date, *, first_guess: date) -> date:
    """The latest `start` with deadline(start) < today (deadline non-decreasing in start)."""
    start = first_guess
    while deadline(start) >= today:
        start -= timedelta(days=1)
    # step forward while the next day is still overdue (first_guess may be too early)
    while deadline(start + timedelta(days=1)) < today:
        start += timedelta(days=1)
    return start


def transfer_overdue_cutoff(today: date) -> date:
    """Letters dated on or before this day are overdue on `today` (R-033)."""
    return _latest_start(transfer_deadline, today, first_guess=today - timedelta(days=40))


def recognition_overdue_cutoff(today: date) -> date:
    """Probations whose ceremony was on or before this day are overdue on `today` (R-022)."""
    return _latest_start(recognition_deadline, today, first_guess=add_months(today, -13) - timedelta(days=10))


def recognition_alert_cutoff(today: date) -> date:
    """Ceremonies on or before this day are at month 11 or later of probation on `today` (R-022)."""
    return _latest_start(
        lambda c: recognition_alert_from(c) - timedelta(days=1), today, first_guess=add_months(today, -11)
    )
