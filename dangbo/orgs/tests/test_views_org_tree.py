"""The tree browser /to-chuc/ and its htmx partial /to-chuc/<id>/truc-thuoc/."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access import policy
from dangbo.orgs.services import Decision, org_dissolve, org_move
from tests.factories import MemberFactory

SYSTEM = policy.SYSTEM.named("kiểm thử")


@pytest.fixture
def districts_abolished(tree):
    """R-001: the communes move under the province and the district ends on 30/06/2025."""
    on = date(2025, 7, 1)
    decision = Decision(number="294-QĐ/TW", date=date(2025, 5, 26), body="Bộ Chính trị")
    org_move(actor=SYSTEM, org=tree["commune_a"], new_parent=tree["province"], on=on, decision=decision)
    org_move(actor=SYSTEM, org=tree["commune_b"], new_parent=tree["province"], on=on, decision=decision)
    org_dissolve(actor=SYSTEM, org=tree["district"], on=on, decision=decision)
    return tree


def admit(cell, name="Nguyễn Văn Thử"):
    return MemberFactory(actor=SYSTEM, cell=cell, full_name=name, decision_number="1-QĐ")


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("orgs:org_tree"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_shows_the_visible_tree_with_names_types_and_member_counts(client, officer, tree):
    admit(tree["cell_a1"])
    client.force_login(officer)
    response = client.get(reverse("orgs:org_tree"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đảng bộ tỉnh Thử Nghiệm" in html
    assert "Đảng bộ huyện Sông Xanh" in html  # children of the root are open
    assert "Đảng bộ tỉnh / thành phố trực thuộc Trung ương" in html  # type label
    assert "1 đảng viên" in html
    assert reverse("orgs:org_detail", args=[tree["province"].pk]) in html


def test_it_loads_deeper_levels_on_demand_through_htmx(client, officer, tree):
    client.force_login(officer)
    html = client.get(reverse("orgs:org_tree")).content.decode()
    assert "Chi bộ thôn 1" not in html
    assert reverse("orgs:org_children", args=[tree["district"].pk]) in html
    part = client.get(
        reverse("orgs:org_children", args=[tree["district"].pk]), {"ngay": "01/01/2020"}, HTTP_HX_REQUEST="true"
    )
    assert part.status_code == 200
    body = part.content.decode()
    assert "Đảng bộ xã An Bình" in body and "Đảng bộ xã Bình Minh" in body
    assert "<html" not in body


def test_the_tree_follows_the_as_of_date(client, officer, districts_abolished):
    client.force_login(officer)
    before = client.get(reverse("orgs:org_tree"), {"ngay": "30/06/2025"}).content.decode()
    after = client.get(reverse("orgs:org_tree"), {"ngay": "01/07/2025"}).content.decode()
    assert "Đảng bộ huyện Sông Xanh" in before
    assert "Đảng bộ huyện Sông Xanh" not in after
    assert "Đảng bộ xã An Bình" in after  # now directly under the province
    assert "30/06/2025" in before and "01/07/2025" in after


def test_a_commune_officer_sees_only_the_commune(client, commune_officer, tree):
    client.force_login(commune_officer)
    html = client.get(reverse("orgs:org_tree")).content.decode()
    assert "Đảng bộ xã An Bình" in html
    assert "Chi bộ thôn 1" in html
    assert "Đảng bộ tỉnh Thử Nghiệm" not in html
    assert "Bình Minh" not in html


def test_children_of_an_org_outside_the_scope_are_not_found(client, outsider, tree):
    client.force_login(outsider)
    response = client.get(reverse("orgs:org_children", args=[tree["commune_a"].pk]))
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_a_bad_date_falls_back_to_today(client, officer, tree):
    client.force_login(officer)
    response = client.get(reverse("orgs:org_tree"), {"ngay": "31/02/2025"})
    assert response.status_code == 200
    assert "Đảng bộ tỉnh Thử Nghiệm" in response.content.decode()


def test_the_tree_page_keeps_a_small_query_count(client, officer, tree, django_assert_max_num_queries):
    for i in range(5):
        admit(tree["cell_a1"], name=f"Trần Thị Mẫu {i}")
    client.force_login(officer)
    client.get(reverse("orgs:org_tree"))  # warm the session
    with django_assert_max_num_queries(25):
        children = client.get(reverse("orgs:org_children", args=[tree["commune_a"].pk]))
    assert children.status_code == 200
    with django_assert_max_num_queries(30):
        page = client.get(reverse("orgs:org_tree"))
    assert page.status_code == 200
