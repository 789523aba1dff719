"""audit:org_trail /nhat-ky/to-chuc/<org_id>/: the entries recorded for one organization."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.urls("dangbo.audit.tests.urls")


def url(org) -> str:
    return reverse("audit:org_trail", args=[org.pk])


def test_it_sends_anonymous_visitors_to_the_login_page(client, tree):
    response = client.get(url(tree["cell_a1"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_is_not_found_outside_the_scope(client, outsider, tree):
    client.force_login(outsider)
    assert client.get(url(tree["cell_a1"])).status_code == 404
    assert client.get(url(tree["commune_a"])).status_code == 404


def test_it_lists_the_entries_of_the_organization_and_only_those(client, commune_officer, member_a1, tree):
    client.force_login(commune_officer)

    response = client.get(url(tree["cell_a1"]))

    assert response.status_code == 200
    entries = [row["entry"] for row in response.context["rows"]]
    assert {e.org_id for e in entries} == {tree["cell_a1"].pk}
    assert {e.action for e in entries} >= {"org.established", "member.admission_decision"}
    html = response.content.decode()
    assert "Nhật ký của Chi bộ thôn 1" in html
    assert "Thành lập" in html
    assert "Trước / sau" in html


def test_a_leader_sees_the_entries_without_the_before_after_values(client, leader, member_a1, tree):
    client.force_login(leader)
    response = client.get(url(tree["cell_a1"]))
    assert response.status_code == 200
    assert "Trước / sau" not in response.content.decode()
