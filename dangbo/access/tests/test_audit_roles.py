"""Role changes are writes like any other: each one is in the audit log (issue 4)."""

from __future__ import annotations

from datetime import date

from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_verify


def test_assigning_changing_and_removing_a_role_is_audited(tree, django_user_model):
    user = django_user_model.objects.create_user("can_bo_moi", password="Kiemthu@2026x")
    a = RoleAssignment.objects.create(user=user, role=Role.LEADER, org=tree["commune_a"], valid_from=date(2025, 1, 1))
    a.role = Role.OFFICER
    a.save()
    pk = a.pk
    a.delete()
    a.pk = pk
    entries = list(AuditEntry.objects.filter(action__startswith="access.role_", object_id=str(a.pk)).order_by("id"))
    assert [e.action for e in entries] == ["access.role_assigned", "access.role_changed", "access.role_removed"]
    assert entries[1].before["role"] == "leader" and entries[1].after["role"] == "officer"
    assert all(e.org_id == tree["commune_a"].pk for e in entries)
    assert audit_verify().ok


def test_a_role_change_through_the_admin_site_names_the_administrator(client, tree, django_user_model):
    admin = django_user_model.objects.create_superuser("quan_tri_vien", password="Kiemthu@2026x")
    user = django_user_model.objects.create_user("nguoi_duoc_giao", password="Kiemthu@2026x")
    client.force_login(admin)
    # An administrator's session must have passed TOTP (django-otp keeps the device in the session).
    from django_otp import DEVICE_ID_SESSION_KEY

    from dangbo.access.services import totp_device_create

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device_create(admin).persistent_id
    session.save()
    response = client.post(
        "/quan-tri/access/roleassignment/add/",
        {
            "user": user.pk,
            "role": Role.LEADER,
            "org": tree["commune_b"].pk,
            "valid_from": "01/01/2025",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="access.role_assigned", after__user=user.pk)
    assert entry.actor_id == admin.pk
