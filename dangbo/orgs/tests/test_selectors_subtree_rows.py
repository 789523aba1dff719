"""The light subtree (orgs.selectors.org_subtree_rows_on): the same organizations, order and scope
as org_subtree_on, as tuples (no model objects), in two queries for a user whose scope covers it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import SubtreeRow, org_subtree_on, org_subtree_rows_on
from dangbo.orgs.services import org_move

pytestmark = pytest.mark.django_db
ON = date(2024, 3, 1)
BEFORE = date(2024, 2, 29)


def as_rows(versions) -> list[SubtreeRow]:
    return [SubtreeRow(v.org_id, v.name, v.path, v.parent_id, v.depth, v.org_type) for v in versions]


@pytest.mark.parametrize("at", [BEFORE, ON])
@pytest.mark.parametrize("key", ["province", "commune_a", "commune_b", "cell_a1"])
def test_the_rows_are_the_subtree_of_the_selector_on_each_date(tree, system_user, key, at):
    org_move(actor=system_user, org=tree["cell_b1"], new_parent=tree["commune_a"], on=ON)
    rows = org_subtree_rows_on(actor=system_user, org_id=tree[key].pk, at=at)
    assert rows == as_rows(org_subtree_on(actor=system_user, org_id=tree[key].pk, at=at))
    assert all(type(r) is SubtreeRow and not isinstance(r, OrgVersion) for r in rows)
    assert rows and rows[0].org_id == tree[key].pk


def test_the_rows_follow_the_scope(tree, commune_officer, outsider):
    province = tree["province"].pk
    assert org_subtree_rows_on(actor=outsider, org_id=tree["commune_a"].pk, at=ON) == []
    assert {r.name for r in org_subtree_rows_on(actor=commune_officer, org_id=province, at=ON)} == {
        "Đảng bộ xã An Bình",
        "Chi bộ thôn 1",
        "Chi bộ thôn 2",
    }
    assert org_subtree_rows_on(actor=commune_officer, org_id=province, at=ON) == as_rows(
        org_subtree_on(actor=commune_officer, org_id=province, at=ON)
    )


def test_an_organization_not_existing_that_day_has_no_rows(tree, system_user):
    assert org_subtree_rows_on(actor=system_user, org_id=tree["province"].pk, at=date(2014, 12, 31)) == []


def test_two_queries_and_no_organization_join(tree, officer):
    org_subtree_rows_on(actor=officer, org_id=tree["province"].pk, at=ON)  # the scope resolved once
    with CaptureQueriesContext(connection) as ctx:
        rows = org_subtree_rows_on(actor=officer, org_id=tree["province"].pk, at=ON)
    assert len(rows) == 7
    assert len(ctx.captured_queries) == 2, [q["sql"] for q in ctx.captured_queries]
    assert not any("orgs_organization" in q["sql"] for q in ctx.captured_queries)
