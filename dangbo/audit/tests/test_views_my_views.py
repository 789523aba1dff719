"""audit:my_views /nhat-ky/ai-da-xem/: a member sees who viewed his/her profile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.audit.services import audit_read

pytestmark = pytest.mark.urls("dangbo.audit.tests.urls")

URL = "audit:my_views"


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_is_not_found_for_a_user_without_a_member_profile(client, officer):
    client.force_login(officer)
    assert client.get(reverse(URL)).status_code == 404


def test_it_lists_who_viewed_my_profile_and_when(client, member_user, commune_officer, officer, member_a1, member_b1):
    commune_officer.first_name, commune_officer.last_name = "Hòa", "Phạm Thị"
    commune_officer.save()
    audit_read(actor=commune_officer, obj=member_a1, org_id=member_a1.current_org_id)
    audit_read(actor=officer, obj=member_b1, org_id=member_b1.current_org_id)  # someone else's profile
    audit_read(actor=member_user, obj=member_a1, org_id=member_a1.current_org_id)  # myself
    client.force_login(member_user)

    response = client.get(reverse(URL))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["entry"].actor, r["entry"].subject_member_id) for r in rows] == [(commune_officer, member_a1.pk)]
    html = response.content.decode()
    assert "Phạm Thị Hòa" in html
    assert "Trần Thị Mẫu" not in html
    assert "Địa chỉ IP" not in html


def test_it_says_so_when_nobody_viewed_my_profile(client, member_user):
    client.force_login(member_user)
    assert "Chưa có ai xem hồ sơ của đồng chí." in client.get(reverse(URL)).content.decode()
