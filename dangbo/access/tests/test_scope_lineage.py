"""The scope's predecessor walk (access/scope.py, read through the shared core.temporal.Lineage):
an officer of an organization sees the subtrees of every organization that went into it, over
several generations of mergers, and nothing of an unrelated one."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access.scope import Root, _subtree_condition, can, scope_roots
from dangbo.orgs.services import org_establish, org_merge

pytestmark = pytest.mark.django_db
START = date(2015, 1, 1)


def test_two_generations_of_predecessors_are_in_the_scope(tree, system_user, outsider):
    """Commune D merges into commune C in 2023, then C into commune B in 2025: B's officer (the
    outsider of the other tests) sees C, D and the cells under them; commune A stays hidden."""

    def mk(code, name, org_type, parent):
        return org_establish(actor=system_user, code=code, name=name, org_type=org_type, parent=parent, on=START)

    c = mk("T01-H01-X07", "Đảng bộ xã Cẩm Lệ", "commune_party_org", tree["district"])
    d = mk("T01-H01-X08", "Đảng bộ xã Đồng Tâm", "commune_party_org", tree["district"])
    cell_d = mk("T01-H01-X08-C01", "Chi bộ thôn Tâm", "subordinate_cell", d)
    org_merge(actor=system_user, sources=[d], target=c, on=date(2023, 7, 1))
    org_merge(actor=system_user, sources=[c], target=tree["commune_b"], on=date(2025, 7, 1))

    roots = scope_roots(outsider)
    assert {r.org_id for r in roots} == {tree["commune_b"].pk, c.pk, d.pk}
    assert all(isinstance(r, Root) and not r.top for r in roots)
    for org in (c, d, cell_d, tree["cell_b1"]):
        assert can(outsider, "view", org.pk)
    assert not can(outsider, "view", tree["commune_a"].pk) and not can(outsider, "view", tree["cell_a1"].pk)
    _cond, expanded, on_paths = _subtree_condition(tree["commune_b"].pk)
    assert {r.org_id for r in expanded} == {tree["commune_b"].pk, c.pk, d.pk}
    assert {tree["province"].pk, tree["district"].pk} <= on_paths


def test_an_organization_without_predecessors_is_its_own_root(tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # one lineage generation (none found), the versions
        _cond, expanded, on_paths = _subtree_condition(tree["province"].pk)
    assert expanded == frozenset({Root(tree["province"].pk, top=True)})
    assert on_paths == {tree["province"].pk}
