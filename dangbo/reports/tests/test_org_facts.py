"""The per-organization summaries (reports.orgfacts: OrgDueSpan, OrgCountSpan) kept by the member
services give exactly the figures of the live computation from the membership spans, as of many
past dates: across transfers (official and temporary), an exemption, a death, a probation name
removal, the 01/07/2025 merger, sector changes and voided events. The stored rows equal the live
reference after the service writes and after a set-based rebuild; `dangbo rebuild-org-facts
--check` finds a tampered row. Runs on SQLite and PostgreSQL (the rebuild SQL differs)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.meetings.selectors import held_vs_due
from dangbo.members.models import EventType as E
from dangbo.members.services import event_correct
from dangbo.orgs.services import org_move, org_sector_change
from dangbo.reports import orgfacts, sectors
from dangbo.reports.figures import figures_of
from dangbo.reports.indicators import IndicatorContext
from dangbo.reports.models import OrgCountSpan, OrgDueSpan
from dangbo.reports.selectors import area_on
from dangbo.reports.tests.conftest import _admit, _record

DATES = [
    date(2015, 6, 30),
    date(2018, 5, 9),
    date(2019, 12, 31),
    date(2024, 6, 5),
    date(2024, 9, 15),
    date(2025, 3, 5),
    date(2025, 4, 10),
    date(2025, 6, 30),
    date(2025, 7, 1),
    date(2025, 8, 15),
    date(2025, 9, 30),
    date(2025, 10, 1),
    date(2025, 12, 31),
]
ORGS = ["P", "A", "B", "C", "A_d", "A_x", "B_x", "a1", "a2", "b1", "c1"]


@pytest.fixture
def history(merger_registry, system_user):
    u = system_user
    o, m = merger_registry["orgs"], merger_registry["members"]
    # sectors: a cell's own, an ancestor's (inherited below it), changed later
    org_sector_change(actor=u, org=o["a2"], sector="private_enterprise", on=date(2025, 7, 15))
    org_sector_change(actor=u, org=o["B_x"], sector="cooperative", on=date(2025, 8, 1))
    org_sector_change(actor=u, org=o["a2"], sector="state_enterprise", on=date(2025, 9, 15))
    org_sector_change(actor=u, org=o["b1"], sector="non_public_unit", on=date(2025, 9, 1))
    # a wrong death, voided; a member admitted late into a cell that had emptied
    wrong = _record(u, m["m1"], E.DEATH, date(2025, 9, 1))
    event_correct(actor=u, event=wrong, reason="Ghi nhầm người")
    m["m10"] = _admit(u, o["c1"], "Lý Văn Mười", decided=date(2025, 10, 6), ceremony=date(2025, 10, 20))
    org_move(actor=u, org=o["B_x"], new_parent=o["A_d"], on=date(2025, 10, 1))
    return merger_registry


def _stored():
    return (
        sorted(OrgDueSpan.objects.values_list("org_id", "valid_from", "valid_to")),
        sorted(OrgCountSpan.objects.values_list("org_id", "valid_from", "valid_to", "n", "p")),
    )


def test_stored_rows_equal_the_live_reference_after_the_service_writes(history):
    due, counts = _stored()
    assert due and counts
    assert orgfacts.stale_orgs() == []
    top = max(o.pk for o in history["orgs"].values()) + 1
    live_due, live_counts = orgfacts.live_rows(0, top)
    assert sorted(live_due) == due
    assert sorted(live_counts) == counts
    # a set-based rebuild gives the same rows as the services kept
    orgfacts.rebuild()
    assert _stored() == (due, counts)


def test_due_ranges_follow_transfers_attachments_exemption_and_death(history):
    o = history["orgs"]
    due = {}
    for org_id, f, t in _stored()[0]:
        due.setdefault(org_id, []).append((f, t))
    # c1 owes meetings while Bốn is there (from his admission ceremony) and while Ba is attached to it (from 02/09/2024), and again
    # from Mười's admission; not between Bốn's departure (03/06/2024) and Ba's attachment
    c1 = due[o["c1"].pk]
    assert c1[0] == (date(2016, 3, 10), date(2024, 6, 2))
    assert c1[1][0] == date(2024, 9, 2)
    # b1: Sáu exempt from 05/01/2023 does not make it due; Ba left for c1 on 02/09/2024 (attached)
    assert all(not (f <= date(2024, 9, 15) <= (t or date.max)) for f, t in due.get(o["b1"].pk, []))


def test_summary_path_equals_live_path_for_every_org_and_date(history):
    o = history["orgs"]
    checked = 0
    for at in DATES:
        for name in ORGS:
            area = area_on(org_id=o[name].pk, at=at)
            if area is None:
                continue
            assert sectors.members_by_sector(area) == sectors.members_by_sector(area, fast=False), (name, at)
            for start in (date(at.year, 1, 1), date(2015, 1, 1)):  # a year, and 11 years (several masks)
                fast = held_vs_due(subtree=area.org_ids(), start=start, end=at)
                live = held_vs_due(subtree=area.org_ids(), start=start, end=at, live=True)
                assert fast == live, (name, at, start)
            checked += 1
    assert checked > 60
    # and the figures are not trivial
    p = area_on(org_id=o["P"].pk, at=date(2025, 12, 31))
    by_sector = sectors.members_by_sector(p)
    # b1: Ba (attached elsewhere, still counted at home), Năm (transferred in), Sáu (exempt, still counted)
    assert by_sector["non_public_unit"] == 3
    assert by_sector["state_enterprise"] == 1  # Hai in a2
    assert held_vs_due(subtree=p.org_ids(), start=date(2025, 1, 1), end=date(2025, 12, 31)).due > 12


def test_tree_and_children_counts_from_the_summary_equal_the_fact_rows(history):
    """The member counts (and probationary ones) of every organization's subtree, as the tree page
    and the dashboard's children read them from OrgCountSpan, equal counting the ReportSpan rows,
    as of every date (transfers, a probation name removal, the merger, a move)."""
    from dangbo.orgs.models import OrgVersion
    from dangbo.reports.selectors import fact_subtree_counts_on

    seen_probationary = False
    for at in DATES:
        nodes = list(OrgVersion.objects.valid_on(at).values_list("org_id", "path"))
        fast = fact_subtree_counts_on(nodes, at)
        assert fast == fact_subtree_counts_on(nodes, at, live=True), at
        seen_probationary |= any(p for _, p in fast.values())
    assert seen_probationary
    p = history["orgs"]["P"]
    total = fact_subtree_counts_on(
        [(p.pk, OrgVersion.objects.valid_on(date(2025, 12, 31)).get(org_id=p.pk).path)], date(2025, 12, 31)
    )[p.pk][0]
    assert total == sectors_total(p.pk, date(2025, 12, 31)) > 5


def sectors_total(org_id: int, at: date) -> int:
    from dangbo.reports.selectors import fact_spans_on

    return fact_spans_on(area_on(org_id=org_id, at=at)).count()


def test_pyramid_from_the_marginals_pass_equals_its_own_query(history):
    """The dashboard's age pyramid taken from the marginals' pass (PostgreSQL) or its own query
    (SQLite) equals `age_pyramid_on`, and the marginals are unchanged by it (the slow path)."""
    from dangbo.reports.selectors import age_pyramid_on

    def key(rows):
        return sorted((r["birth_year"], r["sex"], r["n"]) for r in rows)

    for at in DATES:
        for name in ORGS:
            ctx = IndicatorContext(org_id=history["orgs"][name].pk, at=at)
            if ctx.area is None:
                continue
            assert key(ctx.pyramid) == key(age_pyramid_on(ctx.area)), (name, at)
            assert ctx.marginals == IndicatorContext(org_id=ctx.org_id, at=at, fast=False).marginals, (name, at)


def test_whole_report_summary_path_equals_live_path(history):
    o = history["orgs"]
    for at in (date(2024, 9, 15), date(2025, 4, 10), date(2025, 12, 31)):
        for name in ("P", "A", "B_x", "C"):
            fast = figures_of(IndicatorContext(org_id=o[name].pk, at=at))
            slow = figures_of(IndicatorContext(org_id=o[name].pk, at=at, fast=False))
            assert fast == slow, (name, at)


def test_rebuild_org_facts_check_finds_a_tampered_row_and_the_rebuild_repairs_it(history, capsys):
    call_command("rebuild_org_facts", "--check")
    row = OrgCountSpan.objects.order_by("pk").first()
    OrgCountSpan.objects.filter(pk=row.pk).update(n=row.n + 1)
    OrgDueSpan.objects.filter(org_id=history["orgs"]["a2"].pk).delete()
    with pytest.raises(CommandError) as err:
        call_command("rebuild_org_facts", "--check")
    assert "2 tổ chức sai số liệu tổng hợp" in str(err.value)
    call_command("rebuild_org_facts")
    call_command("rebuild_org_facts", "--check")
    assert "nhất quán" in capsys.readouterr().out


def test_report_reads_the_summaries_not_every_membership_span(history):
    """The report path (cell-life due months, members by sector) reads the per-organization
    summaries: no query of the fast report touches the membership spans (the old per-span scan of
    `_due_masks`), and the member counts by sector are not counted from the report fact rows."""
    p = history["orgs"]["P"].pk
    with CaptureQueriesContext(connection) as ctx:
        figures = figures_of(IndicatorContext(org_id=p, at=date(2025, 12, 31)))
    assert figures["sh_thuong_ky"]["denominator"]
    sql = [q["sql"] for q in ctx.captured_queries]
    assert any("reports_orgduespan" in s for s in sql)
    assert any("reports_orgcountspan" in s for s in sql)
    assert not [s for s in sql if "members_membershipspan" in s]
    # the subtree's organization versions are read once for both sector indicators
    area_read = (
        'SELECT "orgs_orgversion"."org_id" AS "org_id", "orgs_orgversion"."path" AS "path", '
        '"orgs_orgversion"."sector" AS "sector", "orgs_orgversion"."org_type" AS "org_type" FROM'
    )
    assert len([s for s in sql if s.startswith(area_read)]) == 1
