"""Agency subtrees read as organization subtrees are: a materialized path on every version
(core.temporal.TemporalTree, shared with orgs), one prefix scan as of a date whatever the depth,
re-pathed by a move, left intact by a merge."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.core.temporal import TemporalTree
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import AgencyVersion
from dangbo.staffing.services import agency_create, agency_merge, agency_move, agency_rename

MOVE, MERGE = date(2025, 3, 1), date(2025, 7, 1)


def _path(agency, at):
    return sel.TREE.path_on(agency.pk, at)


def test_subtree_as_of_a_date_across_a_move_and_a_merge(system_user, app):
    """R → P, H → D1, D2; H moves under P on 01/03/2025; D1 and D2 merge into P on 01/07/2025."""
    r, p, h, d1, d2 = (app[k] for k in ("root", "prov", "bloc", "d1", "d2"))
    assert _path(d1, date(2025, 1, 1)) == f"/{r.pk}/{h.pk}/{d1.pk}/"
    agency_move(actor=system_user, agency=h, new_parent=p, on=MOVE)
    agency_merge(actor=system_user, predecessors=[d1, d2], into=p, on=MERGE)

    # Before the move: P alone; H's bodies under R through H.
    assert sel.subtree_ids(p.pk, date(2025, 2, 28)) == [p.pk]
    assert set(sel.subtree_ids(h.pk, date(2025, 2, 28))) == {h.pk, d1.pk, d2.pk}
    assert sel.TREE.ancestor_ids(d1.pk, date(2025, 2, 28)) == [h.pk, r.pk]
    # From the move: the bodies' versions follow H under P (path and depth), history kept.
    assert set(sel.subtree_ids(p.pk, MOVE)) == {p.pk, h.pk, d1.pk, d2.pk}
    assert _path(d1, MOVE) == f"/{r.pk}/{p.pk}/{h.pk}/{d1.pk}/"
    assert sel.version_on(d1.pk, MOVE).depth == 3 and sel.version_on(d1.pk, date(2025, 2, 28)).depth == 2
    assert sel.TREE.ancestor_ids(d1.pk, MOVE) == [h.pk, p.pk, r.pk]
    # The day before the merge the bodies are still there; from the merge they are gone.
    assert set(sel.subtree_ids(p.pk, date(2025, 6, 30))) == {p.pk, h.pk, d1.pk, d2.pk}
    assert set(sel.subtree_ids(p.pk, MERGE)) == {p.pk, h.pk}
    assert set(sel.subtree_ids(r.pk, MERGE)) == {r.pk, p.pk, h.pk}
    assert set(sel.subtree_ids(r.pk, date(2024, 12, 31))) == {r.pk, p.pk, h.pk, d1.pk, d2.pk}
    # A merged body asked after its end: itself only (as before paths).
    assert sel.subtree_ids(d1.pk, MERGE) == [d1.pk]
    # The in-memory snapshot reads the same subtrees from the same paths.
    for at in (date(2025, 2, 28), MOVE, MERGE):
        snap = sel.Snapshot(at)
        for a in (r, p, h):
            assert set(snap.subtree_ids(a.pk)) == set(sel.subtree_ids(a.pk, at)), (a, at)
    # Every version's stored path is its parent's path on that day plus itself.
    for v in AgencyVersion.objects.all():
        parent = sel.TREE.path_on(v.parent_id, v.valid_from) if v.parent_id else "/"
        assert v.path == f"{parent}{v.agency_id}/" and v.depth == v.path.count("/") - 2, v


def test_subtree_on_is_scoped_and_ordered_parent_first(system_user, app, outsider):
    rows = list(sel.subtree_on(actor=system_user, agency_id=app["root"].pk, at=date(2025, 1, 1)))
    assert [v.agency_id for v in rows][0] == app["root"].pk
    assert {v.agency_id for v in rows} == {app[k].pk for k in ("root", "prov", "bloc", "d1", "d2")}
    from django.http import Http404

    with pytest.raises(Http404):
        sel.subtree_on(actor=outsider, agency_id=app["root"].pk, at=date(2025, 1, 1))


def _chain(system_user, tree, depth: int, prefix: str):
    parent = None
    for i in range(depth):
        parent = agency_create(
            actor=system_user,
            code=f"{prefix}{i}",
            name=f"Cơ quan {prefix} cấp {i}",
            managing_org_id=tree["province"].pk,
            on=date(2015, 1, 1),
            parent=parent,
        )
    return parent


def test_subtree_read_costs_the_same_queries_whatever_the_depth(system_user, tree, cats):
    """No recursion per level: the root's path, then one prefix scan."""
    counts = {}
    at = date(2024, 1, 1)
    for depth in (2, 9):
        leaf = _chain(system_user, tree, depth, f"X{depth}-")
        root = AgencyVersion.objects.get(agency__code=f"X{depth}-0").agency_id
        with CaptureQueriesContext(connection) as c:
            ids = sel.subtree_ids(root, at)
        assert len(ids) == depth and ids[0] == root and leaf.pk in ids
        with CaptureQueriesContext(connection) as a:
            assert len(sel.TREE.ancestor_ids(leaf.pk, at)) == depth - 1
        counts[depth] = (len(c.captured_queries), len(a.captured_queries))
    assert counts[2] == counts[9] == (2, 1)


def test_move_refused_when_a_body_below_changed_later_and_nothing_written(system_user, app):
    agency_rename(actor=system_user, agency=app["d1"], name="Ban Tổ chức - Nội vụ Huyện ủy", on=date(2025, 5, 1))
    versions, audits = AgencyVersion.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError, match="Ban Tổ chức Huyện ủy Sông Xanh.*đã có thay đổi sau ngày 01/03/2025"):
        agency_move(actor=system_user, agency=app["bloc"], new_parent=app["prov"], on=MOVE)
    assert AgencyVersion.objects.count() == versions and AuditEntry.objects.count() == audits
    assert sel.parent_on(app["bloc"].pk, MOVE) == app["root"].pk


def test_rename_keeps_the_path(system_user, app):
    before = _path(app["d1"], date(2025, 1, 1))
    agency_rename(actor=system_user, agency=app["bloc"], name="Khối cơ quan Đảng huyện", on=MOVE)
    assert _path(app["bloc"], MOVE) == _path(app["bloc"], date(2025, 1, 1))
    assert _path(app["d1"], MOVE) == before  # nothing below re-versioned
    assert AgencyVersion.objects.filter(agency=app["d1"]).count() == 1


def test_migration_fills_paths_and_cuts_a_version_where_an_ancestor_moved(system_user, app):
    """Data recorded before paths: a move re-versioned only the moved agency. The migration gives
    every version its path and cuts the bodies' versions on the move day."""
    r, p, h, d1 = (app[k] for k in ("root", "prov", "bloc", "d1"))
    v = AgencyVersion.objects.get(agency=h)
    AgencyVersion.objects.filter(pk=v.pk).update(valid_to=date(2025, 2, 28))
    AgencyVersion.objects.create(agency=h, name=v.name, parent=p, valid_from=MOVE)
    AgencyVersion.objects.update(path="", depth=0)
    migration = importlib.import_module("dangbo.staffing.migrations.0005_agency_paths")
    migration.fill_paths(apps, None)
    assert _path(d1, date(2025, 2, 28)) == f"/{r.pk}/{h.pk}/{d1.pk}/"
    assert _path(d1, MOVE) == f"/{r.pk}/{p.pk}/{h.pk}/{d1.pk}/"
    assert list(AgencyVersion.objects.filter(agency=d1).values_list("valid_from", "valid_to", "depth")) == [
        (date(2015, 1, 1), date(2025, 2, 28), 2),
        (MOVE, None, 3),
    ]
    assert set(sel.subtree_ids(p.pk, MOVE)) == {p.pk, h.pk, d1.pk, app["d2"].pk}


def test_orgs_read_their_subtrees_through_the_same_tree(tree):
    """One implementation serving both trees: orgs.selectors.TREE is a TemporalTree over OrgVersion."""
    from dangbo.orgs import selectors as orgs_sel
    from dangbo.orgs.models import OrgVersion

    at = date(2024, 1, 1)
    assert isinstance(orgs_sel.TREE, TemporalTree) and isinstance(sel.TREE, TemporalTree)
    root = OrgVersion.objects.valid_on(at).get(org=tree["district"])
    expected = set(OrgVersion.objects.valid_on(at).filter(path__startswith=root.path).values_list("org_id", flat=True))
    assert (
        set(orgs_sel.org_subtree_versions_on(org_id=tree["district"].pk, at=at).values_list("org_id", flat=True))
        == expected
    )
    assert set(orgs_sel.TREE.subtree_ids(tree["district"].pk, at)) == expected >= {tree["commune_a"].pk}
