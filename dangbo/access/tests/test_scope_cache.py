"""The scope is cached across requests and invalidated by any change it depends on (role
assignments, the tree, merge lineage), however the change is written."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dangbo.access.models import Role, RoleAssignment
from dangbo.access.scope import can, user_scope
from dangbo.core.stamps import token
from dangbo.orgs.services import org_merge, org_move

# Committed transactions, as between requests: on PostgreSQL a token drawn by the current,
# uncommitted transaction is never cached under (core.stamps).
pytestmark = pytest.mark.django_db(transaction=True)


def fresh(user):
    """The user as a new request loads it: nothing cached on the object."""
    return get_user_model().objects.get(pk=user.pk)


def test_second_request_reads_only_the_stamp(commune_officer):
    first = user_scope(fresh(commune_officer))
    with CaptureQueriesContext(connection) as queries:
        again = user_scope(fresh(commune_officer))
    # fresh() itself loads the user: one query; the scope then costs the stamp read alone.
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert again is first


def test_bulk_role_change_invalidates(commune_officer, tree):
    assert not can(fresh(commune_officer), "view", tree["cell_b1"].pk)
    # A queryset update sends no signal: the database trigger must still renew the stamp.
    RoleAssignment.objects.filter(user=commune_officer).update(org=tree["district"])
    assert can(fresh(commune_officer), "view", tree["cell_b1"].pk)


def test_role_revoked_takes_effect_at_the_next_request(commune_officer, tree):
    assert can(fresh(commune_officer), "view", tree["cell_a1"].pk)
    RoleAssignment.objects.filter(user=commune_officer).update(valid_to=date(2016, 1, 1))
    assert not can(fresh(commune_officer), "view", tree["cell_a1"].pk)


def test_restructure_invalidates(commune_officer, system_user, tree):
    cell = tree["cell_b1"]
    assert not can(fresh(commune_officer), "view", cell.pk)
    org_move(actor=system_user, org=cell, new_parent=tree["commune_a"], on=date(2024, 3, 1))
    assert can(fresh(commune_officer), "view", cell.pk)


def test_merge_lineage_invalidates(commune_officer, outsider, system_user, tree):
    assert not can(fresh(outsider), "view", tree["cell_a1"].pk)
    org_merge(actor=system_user, sources=[tree["commune_a"]], target=tree["commune_b"], on=date(2025, 7, 1))
    # Commune B absorbed commune A: its officer now sees A's history.
    assert can(fresh(outsider), "view", tree["cell_a1"].pk)


def test_rolled_back_change_never_reuses_a_token(commune_officer, tree):
    before = token("scope")
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleAssignment.objects.filter(user=commune_officer).update(org=tree["province"])
        inside = token("scope")
        assert inside != before
        assert can(fresh(commune_officer), "view", tree["cell_b1"].pk)  # cached under `inside`
        raise RuntimeError
    assert token("scope") == before
    assert not can(fresh(commune_officer), "view", tree["cell_b1"].pk)
    # The next change draws a new token, not the rolled-back one.
    RoleAssignment.objects.create(
        user=commune_officer, role=Role.LEADER, org=tree["commune_a"], valid_from=date(2020, 1, 1)
    )
    assert token("scope") not in (before, inside)
    assert not can(fresh(commune_officer), "view", tree["cell_b1"].pk)
