"""Item 2: "paid up to" (stated on the transfer letter, R-033) is computed for many members in a fixed
number of queries (`paid_up_to_many`), and equals the reference month-by-month walk (one member,
queries per month: `obligation`, `relief_on`, the membership spans) in every case: the 2026 regime
switch with the previous month's SI salary, hardship, exemption and deferral, partial, advance and
multi-month payments, a gap, and `until`. The member's ledger (`selectors.ledger`: the dues card,
back dues, a payment's allocation) is the same walk, in a fixed number of queries whatever the
months."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from dangbo.dues import selectors as sel
from dangbo.dues.models import Category, DuesAllocation, DuesDeclaration
from dangbo.dues.tests.factories import declare, pay, relieve
from dangbo.members.models import ACTIVE_STATUSES, MembershipSpan

M = date


def reference_rows(member_id: int, first: date, last: date) -> list[sel.MonthRow]:
    """The former ledger: queries per month (declaration, relief, membership, allocations)."""
    rows = []
    for m in sel.months(first, last):
        member = MembershipSpan.objects.valid_on(sel.month_end(m)).filter(
            member_id=member_id, status__in=ACTIVE_STATUSES
        )
        paid = DuesAllocation.objects.filter(member_id=member_id, month=m).aggregate(s=Sum("amount"))["s"] or 0
        deferred = sel.relief_on(member_id, m, "deferral")
        rows.append(sel.MonthRow(m, sel.regime(m), member.exists(), sel.obligation(member_id, m), paid, deferred))
    return rows


def reference(member_id: int, until: date | None = None) -> date | None:
    """The former computation: the ledger of every month from the first declared one, walked."""
    first = DuesDeclaration.objects.filter(member_id=member_id).order_by("valid_from").first()
    last = DuesAllocation.objects.filter(member_id=member_id).order_by("-month").first()
    if first is None or last is None:
        return None
    end = last.month if until is None else min(last.month, sel.month_start(until))
    upto = None
    for row in reference_rows(member_id, first.valid_from, end):
        if row.status not in ("paid", "not_member"):
            break
        upto = row.month
    return upto


def test_paid_up_to_many_equals_the_month_by_month_reference(system_user, tree, members_a1, admit):
    an, binh, cuong, dung = members_a1
    em, gia, hai = (admit(tree["cell_a1"], n) for n in ("Đỗ Văn Em", "Hồ Thị Gia", "Vũ Văn Hải"))
    # An: SI salary across the 2026 switch (February 2026 uses January's salary), paid month by month.
    declare(system_user, an, Category.SI_SALARY, 10_000_000, on=M(2025, 11, 1))
    declare(system_user, an, Category.SI_SALARY, 12_000_000, on=M(2026, 2, 1))
    for m in (M(2025, 11, 1), M(2025, 12, 1), M(2026, 1, 1)):
        pay(system_user, an, m, m, 100_000, paid_on=m)
    pay(system_user, an, M(2026, 2, 1), M(2026, 2, 1), 100_000, paid_on=M(2026, 2, 10))  # 1 % of January's
    pay(system_user, an, M(2026, 3, 1), M(2026, 3, 1), 100_000, paid_on=M(2026, 3, 10))  # short: 120 000 due
    # Bình: pension, a quarter at once on the portal, then a gap, then an advance.
    declare(system_user, binh, Category.PENSION, 6_000_000)
    pay(system_user, binh, M(2025, 1, 1), M(2025, 3, 1), 90_000, channel="portal", paid_on=M(2025, 3, 5))
    pay(system_user, binh, M(2025, 5, 1), M(2025, 6, 1), 60_000, paid_on=M(2025, 5, 5))
    # Cường: student, exempt for two months (owes 0), paid around them.
    declare(system_user, cuong, Category.STUDENT)
    relieve(
        system_user,
        cuong,
        "exemption",
        M(2025, 2, 1),
        M(2025, 3, 1),
        reason="Ốm nặng",
        decision_no="1-QĐ",
        decided_on=M(2025, 1, 20),
    )
    pay(system_user, cuong, M(2025, 1, 1), M(2025, 1, 1), 5_000, paid_on=M(2025, 1, 5))
    pay(system_user, cuong, M(2025, 4, 1), M(2025, 5, 1), 10_000, paid_on=M(2025, 4, 5))
    # Dung: hardship (half), deferred in March (still owed: the run stops there).
    declare(system_user, dung, Category.SI_SALARY, 8_000_000, hardship=True)
    relieve(
        system_user,
        dung,
        "deferral",
        M(2025, 3, 1),
        M(2025, 3, 1),
        reason="Khó khăn",
        decision_no="2-QĐ",
        decided_on=M(2025, 2, 20),
    )
    pay(system_user, dung, M(2025, 1, 1), M(2025, 2, 1), 80_000, paid_on=M(2025, 2, 5))
    pay(system_user, dung, M(2025, 4, 1), M(2025, 4, 1), 40_000, paid_on=M(2025, 4, 5))
    # Em: partial first month (None); Gia: declared, nothing paid (None); Hải: a new declaration midway.
    declare(system_user, em, Category.OTHER_FIXED)
    pay(system_user, em, M(2025, 1, 1), M(2025, 1, 1), 1_000, paid_on=M(2025, 1, 5))
    declare(system_user, gia, Category.NO_INCOME)
    declare(system_user, hai, Category.STUDENT)
    declare(system_user, hai, Category.SI_SALARY, 5_000_000, on=M(2025, 3, 1))
    pay(system_user, hai, M(2025, 1, 1), M(2025, 4, 1), 160_000, paid_on=M(2025, 4, 5))
    people = [an, binh, cuong, dung, em, gia, hai]
    ids = [p.pk for p in people]
    for until in (None, M(2025, 2, 15), M(2025, 12, 31), M(2026, 2, 1)):
        got = sel.paid_up_to_many(ids, until=until)
        assert got == {p.pk: reference(p.pk, until) for p in people}, until
    got = sel.paid_up_to_many(ids)
    assert got[an.pk] == M(2026, 2, 1) and got[binh.pk] == M(2025, 3, 1) and got[cuong.pk] == M(2025, 5, 1)
    assert got[dung.pk] == M(2025, 2, 1) and got[em.pk] is None and got[gia.pk] is None
    assert sel.paid_up_to(an.pk) == M(2026, 2, 1)
    for p in people:  # the member's ledger: the same months, dues, payments and reliefs as month by month
        assert sel.ledger(p.pk, M(2024, 11, 1), M(2026, 4, 1)) == reference_rows(p.pk, M(2024, 11, 1), M(2026, 4, 1))


def test_paid_up_to_many_takes_the_same_queries_for_one_member_or_many(system_user, tree, members_a1):
    for m in members_a1:
        declare(system_user, m, Category.STUDENT)
        pay(system_user, m, M(2025, 1, 1), M(2025, 12, 1), 60_000, paid_on=M(2025, 12, 5))
    sel.paid_up_to_many([members_a1[0].pk])  # rule parameters read once
    with CaptureQueriesContext(connection) as one:
        assert sel.paid_up_to_many([members_a1[0].pk]) == {members_a1[0].pk: M(2025, 12, 1)}
    with CaptureQueriesContext(connection) as many:
        assert set(sel.paid_up_to_many([m.pk for m in members_a1]).values()) == {M(2025, 12, 1)}
    assert len(one) == len(many) <= 4


def test_the_ledger_takes_the_same_queries_for_three_months_or_three_years(system_user, members_a1):
    an = members_a1[0]
    declare(system_user, an, Category.SI_SALARY, 10_000_000, on=M(2024, 1, 1))
    pay(system_user, an, M(2024, 1, 1), M(2025, 12, 1), 2_400_000, paid_on=M(2025, 12, 5))
    sel.ledger(an.pk, M(2024, 1, 1), M(2026, 12, 1))  # rule parameters read once
    with CaptureQueriesContext(connection) as short:
        rows = sel.ledger(an.pk, M(2025, 10, 1), M(2025, 12, 1))
    assert [r.status for r in rows] == ["paid"] * 3
    with CaptureQueriesContext(connection) as long:
        rows = sel.ledger(an.pk, M(2024, 1, 1), M(2026, 12, 1))
    assert len(rows) == 36 and [r.status for r in rows].count("paid") == 24
    assert len(short) == len(long) <= 4
    # A payment over many months reads the ledger once, not each month's obligation.
    with CaptureQueriesContext(connection) as one:
        pay(system_user, an, M(2026, 1, 1), M(2026, 1, 1), 100_000, paid_on=M(2026, 1, 5))
    with CaptureQueriesContext(connection) as twelve:
        pay(system_user, an, M(2026, 2, 1), M(2027, 1, 1), 1_300_000, paid_on=M(2026, 2, 5))
    assert len(one) == len(twelve)
