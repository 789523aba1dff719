"""The stored dues facts (dues/facts.py, issue #21): after each kind of change — declaration,
relief, payment, transfer letter and reception, temporary attachment, removal, the 2026 regime
switch — the rows the services keep equal the rows computed from scratch, and the figures read from
them equal the live computation; `dangbo rebuild-dues-facts --check` says so."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from dangbo.dues import facts
from dangbo.dues import selectors as sel
from dangbo.dues.models import Category, DuesFactsState, DuesMonthFact, DuesOrgMonthFact
from dangbo.dues.tests.factories import declare, declare_each, pay, relieve
from dangbo.members.models import EventType as E
from dangbo.members.models import Member
from dangbo.members.services import EventInput, member_record_event
from dangbo.members.transfers import LetterInput, transfer_issue, transfer_receive

FIRST, LAST = date(2025, 1, 1), date(2026, 6, 1)


def assert_facts_match_live(actor, tree):
    assert facts.stale_members() == []
    assert facts.stale_org_months() == []  # the organization-months the summary reads
    for key in ("province", "district", "cell_a1", "cell_b1"):
        org = tree[key]
        fast = sel.summary(actor=actor, org_id=org.pk, first=FIRST, last=LAST)
        live = sel.summary(actor=actor, org_id=org.pk, first=FIRST, last=LAST, live=True)
        assert fast.per_month_due == live.per_month_due, key
        assert (fast.due, fast.collected, fast.retained) == (live.due, live.collected, live.retained), key
    # R-122 arrears: the months and amounts still owed, stored and live (the home page's worklist)
    members = Member.objects.order_by("pk")
    for year, today in ((2025, date(2025, 12, 20)), (2026, date(2026, 6, 15))):
        fast = list(sel.with_unpaid_months(members, year, today).values_list("pk", "unpaid_months", "unpaid_amount"))
        live = list(
            sel.with_unpaid_months(members, year, today, live=True).values_list("pk", "unpaid_months", "unpaid_amount")
        )
        assert fast == live, year


@pytest.fixture
def stored(db):
    facts.rebuild_all(until=date(2026, 12, 1))
    assert DuesFactsState.objects.get().until == date(2026, 12, 1)


def test_facts_follow_every_kind_of_change(system_user, tree, members_a1, stored):
    an, binh, cuong, dung = members_a1
    old, new = tree["cell_a1"], tree["cell_b1"]
    # Declarations, one raised from 02/2026 (the 01-QĐ/TW regime reads the previous month's SI salary).
    declare(system_user, an, Category.SI_SALARY, 10_000_000)
    declare(system_user, an, Category.SI_SALARY, 12_000_000, on=date(2026, 2, 1))
    declare(system_user, binh, Category.PENSION, 6_000_000)
    declare(system_user, cuong, Category.STUDENT)
    declare(system_user, dung, Category.SICKNESS, 4_000_000, on=date(2025, 3, 1), hardship=True)
    assert DuesMonthFact.objects.filter(member_id=an.pk).count() == 24
    rows = dict(DuesMonthFact.objects.filter(member_id=an.pk).values_list("month", "due"))
    assert [rows[date(2026, m, 1)] for m in (1, 2, 3)] == [100_000, 100_000, 120_000]  # the 2026 switch
    stud = dict(DuesMonthFact.objects.filter(member_id=cuong.pk).values_list("month", "due"))
    assert (stud[date(2026, 1, 1)], stud[date(2026, 2, 1)]) == (3_000, 5_000)
    assert_facts_match_live(system_user, tree)
    # Payments: multi-month, partial, on the portal.
    pay(system_user, an, date(2025, 1, 1), date(2025, 3, 1), 300_000, paid_on=date(2025, 3, 5), channel="portal")
    pay(system_user, binh, date(2025, 1, 1), date(2025, 1, 1), 10_000, paid_on=date(2025, 1, 20))
    assert DuesMonthFact.objects.get(member_id=binh.pk, month=date(2025, 1, 1)).paid == 10_000
    assert_facts_match_live(system_user, tree)
    # Reliefs: an exemption owes 0, a deferral is flagged.
    relief = {"reason": "Ốm dài ngày", "decision_no": "05-BB/CB", "decided_on": date(2025, 4, 1)}
    relieve(system_user, binh, "exemption", date(2025, 4, 1), date(2025, 5, 1), **relief)
    relieve(system_user, cuong, "deferral", date(2025, 4, 1), date(2025, 4, 1), **relief)
    assert DuesMonthFact.objects.get(member_id=binh.pk, month=date(2025, 4, 1)).due == 0
    assert DuesMonthFact.objects.get(member_id=cuong.pk, month=date(2025, 4, 1)).deferred
    assert_facts_match_live(system_user, tree)
    # A transfer mid-year: in transit the receiving cell collects; then received there.
    letter = transfer_issue(
        actor=system_user, member=an, data=LetterInput(on=date(2025, 6, 25), letter_number="12-GGT/ĐU", to_org=new)
    )
    assert DuesMonthFact.objects.get(member_id=an.pk, month=date(2025, 7, 1)).org_id == new.pk
    assert DuesMonthFact.objects.get(member_id=an.pk, month=date(2025, 6, 1)).org_id == old.pk
    assert_facts_match_live(system_user, tree)
    transfer_receive(actor=system_user, transfer=letter, cell=new, on=date(2025, 8, 12))
    pay(system_user, an, date(2025, 7, 1), date(2025, 8, 1), 200_000, paid_on=date(2025, 8, 20), org_id=new.pk)
    assert_facts_match_live(system_user, tree)
    # A removal: no row after it.
    member_record_event(
        actor=system_user, member=dung, data=EventInput(type=E.PROBATION_NAME_REMOVAL, on=date(2025, 10, 15), org=old)
    )
    assert not DuesMonthFact.objects.filter(member_id=dung.pk, month__gte=date(2025, 10, 1)).exists()
    assert_facts_match_live(system_user, tree)
    call_command("rebuild_dues_facts", "--check")


def test_check_finds_a_tampered_row_and_the_rebuild_mends_it(system_user, tree, members_a1, stored):
    declare(system_user, members_a1[0], Category.SI_SALARY, 10_000_000)
    DuesMonthFact.objects.filter(member_id=members_a1[0].pk, month=date(2025, 5, 1)).update(due=1)
    assert facts.stale_members() == [members_a1[0].pk]
    with pytest.raises(CommandError) as e:
        call_command("rebuild_dues_facts", "--check")
    assert "1 đảng viên" in str(e.value)
    call_command("rebuild_dues_facts")
    assert facts.stale_members() == []
    assert_facts_match_live(system_user, tree)


def test_organization_months_sum_the_members_where_they_pay_and_the_payments_where_received(
    system_user, tree, members_a1, stored
):
    an, binh = members_a1[:2]
    old, new = tree["cell_a1"], tree["cell_b1"]
    declare(system_user, an, Category.SI_SALARY, 10_000_000)
    declare(system_user, binh, Category.PENSION, 6_000_000)
    pay(system_user, an, date(2025, 1, 1), date(2025, 9, 1), 900_000, paid_on=date(2025, 6, 5))  # in advance
    letter = transfer_issue(
        actor=system_user, member=an, data=LetterInput(on=date(2025, 6, 25), letter_number="13-GGT/ĐU", to_org=new)
    )
    transfer_receive(actor=system_user, transfer=letter, cell=new, on=date(2025, 7, 10))

    def row(org, month):
        r = DuesOrgMonthFact.objects.filter(org_id=org.pk, month=month).values_list("due", "collected").first()
        return r or (0, 0)

    # June: both pay at the old cell; August: An owes at the new cell what the old cell collected in advance.
    assert row(old, date(2025, 6, 1)) == (130_000, 100_000)
    assert row(old, date(2025, 8, 1)) == (30_000, 100_000)
    assert row(new, date(2025, 8, 1)) == (100_000, 0)
    s = sel.summary(actor=system_user, org_id=new.pk, first=date(2025, 7, 1), last=date(2025, 9, 1))
    assert (s.due, s.collected) == (300_000, 0)
    assert_facts_match_live(system_user, tree)
    # A tampered organization-month is found by the check and mended by the rebuild.
    DuesOrgMonthFact.objects.filter(org_id=old.pk, month=date(2025, 6, 1)).update(collected=1)
    assert facts.stale_org_months() == [(old.pk, date(2025, 6, 1))]
    with pytest.raises(CommandError, match="1 tổ chức-tháng"):
        call_command("rebuild_dues_facts", "--check")
    call_command("rebuild_dues_facts")
    assert row(old, date(2025, 6, 1)) == (130_000, 100_000)
    assert_facts_match_live(system_user, tree)


def test_without_a_rebuild_nothing_is_stored_and_figures_are_live(system_user, tree, members_a1):
    declare(system_user, members_a1[0], Category.SI_SALARY, 10_000_000)
    assert not DuesMonthFact.objects.exists()
    s = sel.summary(actor=system_user, org_id=tree["cell_a1"].pk, first=date(2025, 1, 1), last=date(2025, 12, 1))
    assert s.due == 12 * 100_000


def test_months_after_the_stored_range_are_computed_live(system_user, tree, members_a1):
    facts.rebuild_all(until=date(2025, 6, 1))
    declare(system_user, members_a1[0], Category.SI_SALARY, 10_000_000)
    assert DuesMonthFact.objects.filter(member_id=members_a1[0].pk).count() == 6
    s = sel.summary(actor=system_user, org_id=tree["cell_a1"].pk, first=date(2025, 1, 1), last=date(2025, 12, 1))
    assert s.due == 12 * 100_000


def test_summary_from_the_facts_takes_a_few_queries_whatever_the_months(
    system_user, tree, members_a1, stored, django_assert_max_num_queries
):
    declare_each(system_user, members_a1, Category.PENSION, 5_000_000)
    sel.summary(actor=system_user, org_id=tree["district"].pk, first=date(2025, 1, 1), last=date(2025, 12, 1))
    with django_assert_max_num_queries(8):
        s = sel.summary(actor=system_user, org_id=tree["district"].pk, first=date(2025, 1, 1), last=date(2026, 12, 1))
    assert s.due == 4 * 25_000 * 24


def test_the_periodic_job_stores_the_facts_and_extends_them_each_new_year(system_user, members_a1):
    declare(system_user, members_a1[0], Category.SI_SALARY, 10_000_000)
    assert facts.ensure_current(today=date(2025, 5, 2)) == 24  # none yet: 01/2025 … 12/2026
    assert DuesFactsState.objects.get().until == date(2026, 12, 1)
    assert facts.ensure_current(today=date(2025, 11, 30)) is None  # current: nothing written
    assert facts.ensure_current(today=date(2026, 1, 2)) == 36  # a new year: up to 12/2027
    assert DuesFactsState.objects.get().until == date(2027, 12, 1)
    assert facts.stale_members() == []


def test_arrears_live_stay_one_modest_statement(system_user, tree, members_a1):
    """The live R-122 arrears (no stored facts) evaluate each month's obligation once per member: the
    statement once was 490 KB, which PostgreSQL took minutes over on an empty database."""
    from django.db import connection
    from django.db.models import Count, Q
    from django.test.utils import CaptureQueriesContext

    declare(system_user, members_a1[0], Category.SI_SALARY, 10_000_000)
    with CaptureQueriesContext(connection) as ctx:
        got = sel.with_unpaid_months(Member.objects.all(), 2025, date(2025, 12, 20), live=True).aggregate(
            w=Count("pk", filter=Q(unpaid_months__gte=2, unpaid_months__lt=3)),
            r=Count("pk", filter=Q(unpaid_months__gte=3)),
        )
    assert got == {"w": 0, "r": 1}
    assert len(ctx.captured_queries) == 1
    assert len(ctx.captured_queries[0]["sql"]) < 200_000
