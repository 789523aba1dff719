"""Figures in a constant number of queries: the Snapshot reads each table once, whatever the
number of agencies and categories, and gives exactly what the per-agency functions give."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.staffing import selectors as sel
from dangbo.staffing.services import (
    SplitPart,
    agency_create,
    agency_merge,
    agency_split,
    baseline_set,
    headcount_record,
)

pytestmark = pytest.mark.django_db


def _more(system_user, app, tree, n: int, start: int = 0):
    """`n` more district bodies under the bloc, each with a baseline and headcount in two categories."""
    for i in range(start, start + n):
        a = agency_create(
            actor=system_user,
            code=f"H01-X{i}",
            name=f"Cơ quan thử {i}",
            managing_org_id=tree["district"].pk,
            on=date(2015, 1, 1),
            parent=app["bloc"],
        )
        baseline_set(actor=system_user, agency=a, category=app["cb"], year=2021, number=5 + i)
        for code in ("cb_cc", "vc_nsnn"):
            from dangbo.staffing.models import StaffingCategory

            headcount_record(
                actor=system_user,
                agency=a,
                category=StaffingCategory.objects.get(code=code),
                on=date(2025, 1, 2),
                count=3 + i,
                source="Báo cáo",
            )


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_figures_take_the_same_queries_for_3_and_12_agencies(system_user, app, tree):
    at = date(2025, 3, 1)
    _more(system_user, app, tree, 3)
    sel.figures(actor=system_user, agency_id=app["root"].pk, at=at)  # warm the rule-parameter cache
    small = _queries(lambda: sel.figures(actor=system_user, agency_id=app["root"].pk, at=at))
    _more(system_user, app, tree, 9, start=3)
    f = None

    def run():
        nonlocal f
        f = sel.figures(actor=system_user, agency_id=app["root"].pk, at=at)

    large = _queries(run)
    assert f.agency_count == 17
    assert large == small <= 7
    slow = _queries(lambda: sel.figures_slow(actor=system_user, agency_id=app["root"].pk, at=at))
    assert slow > 5 * large  # what it replaced


def _same(actor, agency_id, at):
    fast = sel.figures(actor=actor, agency_id=agency_id, at=at)
    slow = sel.figures_slow(actor=actor, agency_id=agency_id, at=at)
    key = [
        (r.category.code, r.quota, r.headcount, r.baseline, r.carried, r.has_quota, r.has_headcount, r.has_baseline)
        for r in slow.rows
    ]
    assert [
        (r.category.code, r.quota, r.headcount, r.baseline, r.carried, r.has_quota, r.has_headcount, r.has_baseline)
        for r in fast.rows
    ] == key
    assert (fast.name, fast.agency_count) == (slow.name, slow.agency_count)
    return fast


def test_snapshot_equals_the_per_agency_functions_across_a_merge_and_a_split(system_user, app, tree):
    _more(system_user, app, tree, 2)
    agency_merge(actor=system_user, predecessors=[app["d1"]], into=app["prov"], on=date(2025, 7, 1))
    agency_split(
        actor=system_user,
        agency=app["d2"],
        on=date(2025, 8, 1),
        parts=[
            SplitPart("H01-UBKT-A", "Ủy ban Kiểm tra A", Decimal(60)),
            SplitPart("H01-UBKT-B", "Ủy ban Kiểm tra B", Decimal(40)),
        ],
    )
    for at in (date(2025, 3, 1), date(2025, 6, 30), date(2025, 7, 1), date(2025, 12, 31), date(2024, 6, 1)):
        for key in ("root", "prov", "bloc", "d1", "d2"):
            _same(system_user, app[key].pk, at)
    f = _same(system_user, app["root"].pk, date(2025, 12, 31))
    assert f.row("cb_cc").baseline == 60 + 5 + 6


def test_tree_page_queries_do_not_grow_with_the_agencies(client, officer, system_user, app, tree):
    client.force_login(officer)
    url = reverse("staffing:agency_tree")
    client.get(url, {"ngay": "01/03/2025"})  # warm the session, the scope caches
    small = _queries(lambda: client.get(url, {"ngay": "01/03/2025"}))
    _more(system_user, app, tree, 8)
    large = _queries(lambda: client.get(url, {"ngay": "01/03/2025"}))
    assert large == small


def test_query_counts_as_the_subtree_grows(system_user, app, tree):
    """Prints `BENCH staffing_figures_queries_{fast,slow}_<n>_agencies` (pytest -s): the Snapshot
    stays at 7 queries (scope getter + six reads) while the per-agency path grows with the subtree."""
    at = date(2025, 3, 1)
    done, fast_counts, slow_counts = 0, [], []
    for n in (0, 10, 40):
        if n > done:
            _more(system_user, app, tree, n - done, start=done)
            done = n
        sel.figures(actor=system_user, agency_id=app["root"].pk, at=at)  # warm the rule-parameter cache
        for name, fn, out in (("fast", sel.figures, fast_counts), ("slow", sel.figures_slow, slow_counts)):
            with CaptureQueriesContext(connection) as c:
                f = fn(actor=system_user, agency_id=app["root"].pk, at=at)
            out.append(len(c.captured_queries))
            print(f"BENCH staffing_figures_queries_{name}_{f.agency_count}_agencies {len(c.captured_queries)}")
    assert fast_counts == [7, 7, 7]
    assert slow_counts[0] < slow_counts[1] < slow_counts[2]
