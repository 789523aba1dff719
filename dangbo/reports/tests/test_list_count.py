"""The member list's count (members.selectors.member_list_count) of the default list read from the
per-organization summary (OrgCountSpan, registered by the reports app) instead of counting every
span of the scope: the same number for every scope, organization and date (issue 14: 1,4 s → 66 ms
for a province of 131.000 members on the national data)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.access import policy
from dangbo.members.selectors import MemberFilters, member_list, member_list_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tree, admit):
    for cell, names, ceremony in (
        ("cell_a1", ["Nguyễn Văn An", "Trần Thị Bình"], date(2020, 3, 2)),
        ("cell_a2", ["Lê Văn Cường"], date(2022, 5, 10)),
        ("cell_b1", ["Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"], date(2021, 1, 4)),
    ):
        for name in names:
            admit(tree[cell], name, ceremony=ceremony)
    return tree


def _counts(actor, at, filters):
    with CaptureQueriesContext(connection) as queries:
        fast = member_list_count(actor=actor, at=at, filters=filters)
    return fast, member_list(actor=actor, at=at, filters=filters).count(), " ".join(q["sql"] for q in queries)


@pytest.mark.parametrize("who", ["officer", "commune_officer", "outsider"])
@pytest.mark.parametrize("at", [date(2019, 12, 31), date(2020, 6, 30), date(2021, 6, 30), None])
def test_the_default_list_count_reads_the_summary_and_equals_the_list(request, registry, who, at):
    actor = request.getfixturevalue(who)
    at = at or policy.today()
    for filters in (
        MemberFilters(),
        MemberFilters(status="active"),
        MemberFilters(org_id=registry["cell_a1"].pk),
        MemberFilters(org_id=registry["province"].pk),
    ):
        fast, listed, sql = _counts(actor, at, filters)
        assert fast == listed, (who, at, filters)
        assert "reports_orgcountspan" in sql and "members_membershipspan" not in sql


def test_a_filtered_list_is_still_counted_from_the_spans(officer, registry):
    today = policy.today()
    for filters in (MemberFilters(sex="F"), MemberFilters(q="van"), MemberFilters(status="all")):
        fast, listed, sql = _counts(officer, today, filters)
        assert fast == listed
        assert "reports_orgcountspan" not in sql
    assert member_list_count(actor=officer, at=today, filters=MemberFilters()) == 6
