"""The fast path (report fact projections ReportSpan / ReportFlow, kept by the services) gives
exactly the figures of the slow path (straight from MembershipSpan, MemberEvent, Member and
HandbookAccount), for many organizations, as of many dates (not only year ends), on the tree of
each date: across the 01/07/2025 merger, a later move of a commune, voided events (corrections),
e-handbook accounts opened and closed. Runs on SQLite and PostgreSQL (the fast path has its own
PostgreSQL query)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from dangbo.members.models import EventType as E
from dangbo.members.services import event_correct, member_update_profile
from dangbo.orgs.services import org_move
from dangbo.reports import selectors as sel
from dangbo.reports.facts import rebuild_all
from dangbo.reports.figures import figures_of
from dangbo.reports.indicators import IndicatorContext
from dangbo.reports.models import HandbookAccount, ReportFlow, ReportSpan
from dangbo.reports.services import handbook_account_register
from dangbo.reports.tests.conftest import _record

DATES = [
    date(2015, 6, 30),
    date(2019, 12, 31),
    date(2023, 12, 31),
    date(2024, 6, 30),
    date(2024, 9, 15),
    date(2024, 12, 31),
    date(2025, 3, 5),
    date(2025, 6, 30),
    date(2025, 7, 1),
    date(2025, 9, 1),
    date(2025, 9, 30),
    date(2025, 10, 1),
    date(2025, 12, 31),
]
ORGS = ["P", "A", "B", "C", "A_d", "B_x", "a1", "b1"]


@pytest.fixture
def history(merger_registry, system_user):
    """merger_registry plus corrections, a move after the merger, profile changes and accounts."""
    u = system_user
    o, m = merger_registry["orgs"], merger_registry["members"]
    # a wrong death, voided: m1 stays counted
    wrong = _record(u, m["m1"], E.DEATH, date(2025, 9, 1))
    event_correct(actor=u, event=wrong, reason="Ghi nhầm người")
    # a badge given, then voided; the 40-year badge of 2021 stays
    badge = _record(u, m["m6"], E.BADGE_AWARDED, date(2025, 5, 19), payload={"years": 45})
    event_correct(actor=u, event=badge, reason="Chưa đủ thủ tục")
    # xã Lâm Bình moves under huyện Hải Đông on 01/10/2025 (the tree of that date changes)
    org_move(actor=u, org=o["B_x"], new_parent=o["A_d"], on=date(2025, 10, 1))
    # e-handbook accounts: opened, closed, opened after the merger
    handbook_account_register(actor=u, member=m["m1"], on=date(2024, 1, 10))
    HandbookAccount.objects.create(member=m["m3"], registered_on=date(2023, 5, 1), closed_on=date(2025, 2, 1))
    handbook_account_register(actor=u, member=m["m9"], on=date(2025, 9, 1))
    # a profile change (theory level kept on Member, sex copied into the spans)
    from dangbo.members.services import ProfileInput

    m4 = m["m4"]
    member_update_profile(
        actor=u,
        member=m4,
        on=date(2025, 11, 1),
        profile=ProfileInput(
            full_name=m4.full_name,
            birth_year=m4.birth_year,
            sex="F",
            theory_level="trung_cap",
            general_education=m4.general_education,
        ),
    )
    return merger_registry


def _both(org_id: int, at: date, **kw):
    fast = figures_of(IndicatorContext(org_id=org_id, at=at, **kw))
    slow = figures_of(IndicatorContext(org_id=org_id, at=at, fast=False, **kw))
    return fast, slow


def test_fast_path_equals_slow_path_for_every_indicator_org_and_date(history):
    o = history["orgs"]
    checked = 0
    for at in DATES:
        for name in ORGS:
            fast, slow = _both(o[name].pk, at)
            assert fast == slow, (name, at)
            checked += 1
    assert checked == len(DATES) * len(ORGS)
    # and the fixture is not trivial: the figures do move
    p = o["P"].pk
    assert _both(p, date(2025, 12, 31))[0]["dv_tong"]["value"] == 7
    assert (
        _both(o["A_d"].pk, date(2025, 9, 30))[0]["dv_tong"]["value"]
        != _both(o["A_d"].pk, date(2025, 10, 1))[0]["dv_tong"]["value"]
    )


def test_fast_path_equals_slow_path_over_periods(history):
    o = history["orgs"]
    for name in ("P", "A", "B", "A_d", "a1"):
        for start, end in (
            (date(2024, 1, 1), date(2025, 12, 31)),
            (date(2025, 3, 1), date(2025, 9, 30)),
            (date(2015, 1, 1), date(2025, 6, 30)),
        ):
            fast, slow = _both(o[name].pk, end, start=start, end=end)
            assert fast == slow, (name, start, end)


def test_voided_events_and_closed_accounts_are_not_counted_on_the_fast_path(history):
    o, m = history["orgs"], history["members"]
    figures = figures_of(IndicatorContext(org_id=o["P"].pk, at=date(2025, 12, 31)))
    assert figures["tu_tran"]["value"] == 1  # m7 only; m1's death was voided
    assert dict((k, v) for k, _, v in figures["dv_tong"]["breakdowns"]["huy_hieu"])["40"] == 1
    assert "45" not in dict((k, v) for k, _, v in figures["dv_tong"]["breakdowns"]["huy_hieu"])
    assert figures["so_tay_dien_tu"]["value"] == 2  # m1 and m9; m3's account closed on 01/02/2025
    assert not ReportFlow.objects.filter(member_id=m["m1"].pk, type=E.DEATH).exists()


def test_rebuild_report_facts_gives_the_rows_the_services_keep(history):
    def rows():
        return (
            sorted(
                ReportSpan.objects.values_list(
                    "member_id",
                    "org_id",
                    "valid_from",
                    "valid_to",
                    "status",
                    "exempt",
                    "temp_org_id",
                    "sex",
                    "birth_year",
                    "ethnicity",
                    "religion",
                    "theory",
                    "general",
                    "professional",
                    "badge",
                    "handbook",
                )
            ),
            sorted(
                ReportFlow.objects.values_list(
                    "event_id", "member_id", "type", "on", "home_org_id", "counterpart_org_id", "years"
                )
            ),
        )

    kept = rows()
    assert kept[0] and kept[1]
    ReportSpan.objects.all().delete()
    ReportFlow.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_report_facts", stdout=out)
    assert "Đã tính lại số liệu báo cáo" in out.getvalue()
    assert rows() == kept
    rebuild_all(chunk=2)  # chunking changes nothing
    assert rows() == kept


def test_national_rollup_from_facts_equals_the_spans(history):
    for at in DATES:
        live = {r["org_id"]: r["total"] for r in sel.headcount_by_root_on(at=at)}
        slow = {r["org_id"]: r["total"] for r in sel.headcount_by_root_on(at=at, fast=False)}
        assert live == slow, at
