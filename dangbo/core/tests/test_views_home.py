from __future__ import annotations

from datetime import date

from dangbo.access.models import Role, RoleAssignment
from dangbo.members.services import ProfileInput, member_admit


def test_an_officer_starts_at_the_worklist(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Việc cần làm" in html and 'id="viec-du_bi_qua_han"' in html


def test_a_member_starts_at_their_own_profile_and_sees_no_registry_menu(client, tree, system_user, django_user_model):
    me = member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Đỗ Thị Hoa", birth_year=1992, sex="F"),
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )
    user = django_user_model.objects.create_user("dangvien_thu", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=me, valid_from=date(2020, 1, 1))
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/dang-vien/{me.pk}/"
    html = response.content.decode()
    assert "Đỗ Thị Hoa" in html
    assert "Ai đã xem hồ sơ của tôi" in html
    assert 'href="/to-chuc/"' not in html
    assert 'href="/nhap-du-lieu/"' not in html
