"""Item 3: decided deferrals and exemptions, respected by the obligation (Python and SQL) and R-122."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.dues import selectors as sel
from dangbo.dues.models import Category, DuesRelief
from dangbo.dues.tests.factories import declare, declare_each, relieve, sql_due


def test_exemption_makes_the_months_owe_nothing_in_python_and_sql(system_user, members_a1):
    an = members_a1[0]
    declare(system_user, an, Category.SI_SALARY, 10_000_000)
    relieve(system_user, an, "exemption", date(2025, 2, 1), date(2025, 3, 1))
    months = [date(2025, m, 1) for m in (1, 2, 3, 4)]
    assert [sel.obligation(an.pk, m) for m in months] == [100_000, 0, 0, 100_000]
    assert [sql_due(an, m) for m in months] == [100_000, 0, 0, 100_000]
    assert [r.status for r in sel.ledger(an.pk, months[0], months[-1])][1:3] == ["paid", "paid"]


def test_rule_r122_deferred_months_are_owed_but_not_counted_unpaid(system_user, members_a1):
    an, binh = members_a1[:2]
    declare_each(system_user, (an, binh), Category.PENSION, 4_000_000)
    relieve(system_user, an, "deferral", date(2025, 1, 1), date(2025, 3, 1))
    today = date(2025, 5, 10)  # January..April are over
    assert sel.unpaid_months(member_ids=[an.pk, binh.pk], year=2025, today=today) == {an.pk: 1, binh.pk: 4}
    rows = sel.ledger(an.pk, date(2025, 1, 1), date(2025, 4, 1))
    assert [r.status for r in rows] == ["deferred", "deferred", "deferred", "unpaid"]
    assert sum(r.outstanding for r in rows) == 4 * 20_000  # still owed, to be paid later


def test_relief_needs_a_reason_and_a_decision_and_is_scoped(system_user, members_a1, secretary_b1):
    an = members_a1[0]
    with pytest.raises(DomainError, match="lý do") as e:
        relieve(
            system_user,
            an,
            "deferral",
            date(2025, 1, 1),
            date(2025, 2, 1),
            reason=" ",
            decision_no="1",
            decided_on=date(2025, 1, 1),
        )
    assert e.value.field == "reason"
    with pytest.raises(DomainError, match="số quyết định"):
        relieve(
            system_user,
            an,
            "deferral",
            date(2025, 1, 1),
            date(2025, 2, 1),
            reason="Ốm",
            decision_no="",
            decided_on=date(2025, 1, 1),
        )
    with pytest.raises(DomainError, match="Không tìm thấy"):  # out of scope: not found
        relieve(secretary_b1, an, "exemption", date(2025, 1, 1), date(2025, 1, 1))
    assert DuesRelief.objects.count() == 0
