"""The dues demo data (dues/demo.py) on a tree where a sibling of a demo cell is a grassroots
committee with cells of its own: the demo closes the sheets of units with nothing below them and
lets each committee close only over closed units (R-121), and `make run` does not stop on it."""

from __future__ import annotations

import random
from datetime import date

from dangbo.access import policy
from dangbo.dues.demo import build_demo_dues
from dangbo.dues.models import DuesMonthClose
from tests.factories import MemberFactory, OrganizationFactory

SYSTEM = policy.SYSTEM.named("kiểm thử")


def test_a_sibling_committee_with_cells_of_its_own_does_not_stop_the_demo(tree):
    school = OrganizationFactory(
        code="T01-X01-D01",
        name="Đảng bộ Trường Thử",
        org_type="grassroots_party_committee_org",
        parent=tree["commune_a"],
    )
    school_cell = OrganizationFactory(code="T01-X01-D01-C01", name="Chi bộ Tổ Toán", parent=school)
    for cell in (tree["cell_a1"], school_cell):
        MemberFactory(cell=cell, decided_on=date(2020, 1, 6))
    today = date(2026, 12, 7)
    payments, closed = build_demo_dues(actor=SYSTEM, cell_ids=[tree["cell_a1"].pk], today=today, rng=random.Random(1))
    assert payments > 0 and closed == 2 * 11  # cell A1 and cell A2 (both with nothing below), 11 months each
    closed_orgs = set(DuesMonthClose.objects.values_list("org_id", flat=True))
    assert {tree["cell_a1"].pk, tree["cell_a2"].pk} <= closed_orgs
    assert school.pk not in closed_orgs and school_cell.pk not in closed_orgs
