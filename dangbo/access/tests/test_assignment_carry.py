"""A merger never widens a scope by itself: an assignment on a merged organization carries to its
successor only when an administrator decides so."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY

from dangbo.access.models import RoleAssignment
from dangbo.access.scope import can
from dangbo.access.services import assignment_carry_to_successor, totp_device_create
from dangbo.core.errors import DomainError
from dangbo.orgs.services import org_establish, org_merge

pytestmark = pytest.mark.django_db
MERGER = date(2025, 7, 1)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def merged(system_user, tree):
    """Commune A and commune B merge into a new commune on 01/07/2025; a new cell is set up under it."""
    new = org_establish(
        actor=system_user,
        code="T01-X09",
        name="Đảng bộ xã An Minh",
        org_type="commune_party_org",
        parent=tree["district"],
        on=MERGER,
    )
    org_merge(actor=system_user, sources=[tree["commune_a"], tree["commune_b"]], target=new, on=MERGER)
    cell = org_establish(
        actor=system_user,
        code="T01-X09-C09",
        name="Chi bộ thôn Mới",
        org_type="subordinate_cell",
        parent=new,
        on=date(2025, 8, 1),
    )
    return {"new": new, "cell": cell}


def test_merger_does_not_carry_the_assignment_by_itself(commune_officer, merged, tree):
    user = fresh(commune_officer)
    assert can(user, "view", tree["cell_a1"].pk)  # the history of commune A stays visible
    assert not can(user, "view", merged["new"].pk)
    assert not can(user, "view", merged["cell"].pk)
    assert not can(user, "view", tree["cell_b1"].pk)


def test_administrator_carries_the_assignment_to_the_successor(commune_officer, admin_user, merged, tree):
    old = RoleAssignment.objects.get(user=commune_officer)
    new = assignment_carry_to_successor(actor=fresh(admin_user), assignment=old)
    old.refresh_from_db()
    assert old.valid_to == date(2025, 6, 30)
    assert (new.org_id, new.role, new.valid_from, new.valid_to) == (merged["new"].pk, old.role, MERGER, None)
    user = fresh(commune_officer)
    assert can(user, "view", merged["cell"].pk)
    assert can(user, "view", tree["cell_b1"].pk)  # the successor's history includes commune B
    with pytest.raises(DomainError, match="đã được chuyển"):
        assignment_carry_to_successor(actor=fresh(admin_user), assignment=old)


def test_only_an_administrator_may_carry(commune_officer, officer, merged):
    old = RoleAssignment.objects.get(user=commune_officer)
    with pytest.raises(DomainError, match="Chỉ quản trị"):
        assignment_carry_to_successor(actor=fresh(officer), assignment=old)
    assert RoleAssignment.objects.filter(user=commune_officer).count() == 1


def test_no_single_successor_is_refused(commune_officer, admin_user):
    old = RoleAssignment.objects.get(user=commune_officer)
    with pytest.raises(DomainError, match="đúng một tổ chức kế thừa"):
        assignment_carry_to_successor(actor=fresh(admin_user), assignment=old)
    old.refresh_from_db()
    assert old.valid_to is None


def test_admin_site_action(client, commune_officer, admin_user, merged):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    # The admin site needs a session that passed TOTP (django-otp keeps the device in the session).
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device_create(admin_user).persistent_id
    session.save()
    old = RoleAssignment.objects.get(user=commune_officer)
    response = client.post(
        "/quan-tri/access/roleassignment/", {"action": "carry_to_successor", "_selected_action": [old.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Đã chuyển 1 phân công" in response.content.decode()
    assert RoleAssignment.objects.filter(user=commune_officer, org=merged["new"]).exists()
