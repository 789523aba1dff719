"""The one lineage reader (core.temporal.Lineage) serves both trees: party organizations
(orgs.selectors.LINEAGE over OrgLineage) and agencies (staffing.selectors.LINEAGE over
AgencyLineage): ancestors and descendants as of a date, transitively, filters on the links."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangbo.orgs.models import OrgEventType
from dangbo.orgs.selectors import LINEAGE as ORG_LINEAGE
from dangbo.orgs.services import org_merge
from dangbo.reports.selectors import merge_predecessor_ids

pytestmark = pytest.mark.django_db


def test_org_lineage_ancestors_descendants_as_of_a_date(system_user, tree):
    a1, a2, a = tree["cell_a1"], tree["cell_a2"], tree["commune_a"]
    org_merge(actor=system_user, sources=[a2], target=a1, on=date(2024, 3, 1))
    cell_b = tree["cell_b1"]
    org_merge(actor=system_user, sources=[a1], target=cell_b, on=date(2024, 9, 1))
    assert ORG_LINEAGE.ancestors(cell_b.pk) == [a1.pk, a2.pk]  # nearest generation first
    assert ORG_LINEAGE.ancestors(cell_b.pk, date(2024, 8, 31)) == []
    assert ORG_LINEAGE.ancestors(a1.pk, date(2024, 8, 31)) == [a2.pk]
    assert ORG_LINEAGE.descendants(a2.pk) == [a1.pk, cell_b.pk]
    assert ORG_LINEAGE.descendants(a2.pk, date(2024, 6, 1)) == [a1.pk]
    assert ORG_LINEAGE.ancestors(cell_b.pk, event__type=OrgEventType.SPLIT) == []
    # The reports' merge predecessors read the same lineage (behaviour unchanged).
    assert merge_predecessor_ids(cell_b.pk) == [a1.pk, a2.pk]
    assert [link.predecessor_id for link in ORG_LINEAGE.links_into(a1.pk)] == [a2.pk]
    assert ORG_LINEAGE.ancestors(a.pk) == []


def test_agency_lineage_ancestors_descendants_as_of_a_date(system_user, tree):
    from dangbo.staffing import selectors as sel
    from dangbo.staffing.services import SplitPart, agency_create, agency_merge, agency_split, ensure_categories

    ensure_categories()
    p = tree["province"]

    def mk(code, name):
        return agency_create(actor=system_user, code=code, name=name, managing_org_id=p.pk, on=date(2015, 1, 1))

    x, y, z = mk("X", "Ban X"), mk("Y", "Ban Y"), mk("Z", "Ban Z")
    agency_merge(actor=system_user, predecessors=[x, y], into=z, on=date(2025, 7, 1))
    parts = agency_split(
        actor=system_user,
        agency=z,
        on=date(2025, 10, 1),
        parts=[SplitPart("Z1", "Ban Z1", Decimal(60)), SplitPart("Z2", "Ban Z2", Decimal(40))],
    )
    assert sorted(sel.predecessors_on(parts[0].pk, date(2025, 12, 31))) == sorted([z.pk, x.pk, y.pk])
    assert sel.predecessors_on(parts[0].pk, date(2025, 9, 30)) == []
    assert sel.predecessors_on(z.pk, date(2025, 6, 30)) == []
    later = sel.successors_on(x.pk, date(2025, 12, 31))
    assert later[0] == z.pk and sorted(later[1:]) == sorted(q.pk for q in parts)  # nearest generation first
    assert sel.successors_on(x.pk, date(2025, 8, 1)) == [z.pk]
