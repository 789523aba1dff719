"""#15 rough edges: a member without an officer role who follows «Đảng viên» lands on their own
record («Hồ sơ của tôi»), not on an empty list whose export is a 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.members.services import ProfileInput, member_admit

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_user(tree, system_user, django_user_model):
    me = member_admit(
        actor=system_user,
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 20),
        ceremony_on=date(2020, 1, 25),
        profile=ProfileInput(full_name="Chính Tôi", birth_year=1990, sex="M"),
    )
    user = django_user_model.objects.create_user("dangvien_1", password="x", last_name="Chính", first_name="Tôi")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=me, valid_from=date(2020, 1, 1))
    return user, me


def test_a_member_following_the_member_list_lands_on_their_own_record(client, member_user):
    user, me = member_user
    client.force_login(user)
    r = client.get(reverse("members:member_list"))
    assert r.status_code == 302 and r["Location"] == reverse("members:my_record")
    r = client.get(reverse("members:member_list"), follow=True)
    assert r.redirect_chain[-1][0] == reverse("members:member_detail", args=[me.pk])
    html = r.content.decode()
    assert r.status_code == 200 and "Chính Tôi" in html
    # no link to the list (nor to its export) on the member's own pages; «Hồ sơ của tôi» instead
    assert f'href="{reverse("members:member_list")}"' not in html
    assert reverse("exports:member_list_export") not in html
    assert "Hồ sơ của tôi" in html and f'href="{reverse("members:my_record")}"' in html


def test_an_officer_still_gets_the_list_and_my_record_falls_back_to_it(client, officer, tree):
    client.force_login(officer)
    assert client.get(reverse("members:member_list")).status_code == 200
    r = client.get(reverse("members:my_record"))
    assert r.status_code == 302 and r["Location"] == reverse("members:member_list")
