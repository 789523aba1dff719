"""One organization as of a date: name, parent, children, members and history."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.access import policy
from dangbo.orgs.services import Decision, org_rename
from tests.factories import MemberFactory

SYSTEM = policy.SYSTEM.named("kiểm thử")


def admit(cell, name):
    return MemberFactory(actor=SYSTEM, cell=cell, full_name=name, sex="F", decision_number="1-QĐ")


def url(org, **params):
    return reverse("orgs:org_detail", args=[org.pk]), params


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("orgs:org_detail", args=[tree["commune_a"].pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_org_outside_the_scope_is_not_found(client, outsider, tree):
    client.force_login(outsider)
    response = client.get(reverse("orgs:org_detail", args=[tree["commune_a"].pk]))
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_an_unknown_org_is_not_found(client, officer, tree):
    client.force_login(officer)
    assert client.get(reverse("orgs:org_detail", args=[999999])).status_code == 404


def test_it_shows_name_parent_children_and_members_as_of_the_date(client, commune_officer, tree):
    admit(tree["cell_a1"], "Lê Thị Hoa")
    admit(tree["cell_a2"], "Phạm Văn Bình")
    client.force_login(commune_officer)
    response = client.get(reverse("orgs:org_detail", args=[tree["commune_a"].pk]), {"ngay": "01/03/2020"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đảng bộ xã An Bình" in html
    assert "trực thuộc Đảng bộ huyện Sông Xanh" in html
    assert "Chi bộ thôn 1" in html and "Chi bộ thôn 2" in html
    assert "Lê Thị Hoa" in html and "Phạm Văn Bình" in html
    assert "Đảng viên dự bị" in html
    before = client.get(reverse("orgs:org_detail", args=[tree["commune_a"].pk]), {"ngay": "01/01/2019"})
    assert "Lê Thị Hoa" not in before.content.decode()


def test_it_shows_the_name_valid_on_the_date_and_the_history_with_the_decision(client, officer, tree):
    org_rename(
        actor=SYSTEM,
        org=tree["cell_a1"],
        name="Chi bộ khu phố 1",
        on=date(2025, 7, 1),
        decision=Decision(number="15-QĐ/ĐU", date=date(2025, 6, 20), body="Đảng ủy xã An Bình"),
    )
    client.force_login(officer)
    old = client.get(reverse("orgs:org_detail", args=[tree["cell_a1"].pk]), {"ngay": "30/06/2025"}).content.decode()
    new = client.get(reverse("orgs:org_detail", args=[tree["cell_a1"].pk]), {"ngay": "01/07/2025"}).content.decode()
    assert '<h1 class="h4 mb-1">Chi bộ thôn 1</h1>' in old
    assert '<h1 class="h4 mb-1">Chi bộ khu phố 1</h1>' in new
    assert "Quyết định số 15-QĐ/ĐU ngày 20/06/2025 của Đảng ủy xã An Bình" in new
    assert "01/01/2015 – 30/06/2025" in new  # the closed version stays in the history


def test_it_pages_the_members_fifty_at_a_time(client, officer, tree):
    for i in range(51):
        admit(tree["cell_b1"], f"Đảng Viên Số {i:02d}")
    client.force_login(officer)
    page1 = client.get(reverse("orgs:org_detail", args=[tree["commune_b"].pk]), {"ngay": "01/03/2020"}).content.decode()
    page2 = client.get(
        reverse("orgs:org_detail", args=[tree["commune_b"].pk]), {"ngay": "01/03/2020", "trang": 2}
    ).content.decode()
    assert "Trang 1 / 2" in page1
    assert "Đảng Viên Số 49" in page1 and "Đảng Viên Số 50" not in page1
    assert "Đảng Viên Số 50" in page2


def test_restructuring_buttons_need_the_right(client, leader, officer, tree):
    client.force_login(leader)
    assert (
        reverse("orgs:org_rename", args=[tree["cell_a1"].pk])
        not in client.get(reverse("orgs:org_detail", args=[tree["cell_a1"].pk])).content.decode()
    )
    client.force_login(officer)
    assert (
        reverse("orgs:org_rename", args=[tree["cell_a1"].pk])
        in client.get(reverse("orgs:org_detail", args=[tree["cell_a1"].pk])).content.decode()
    )


# --- rough edges of issue 15 -------------------------------------------------------------------


def test_old_versions_show_the_parents_name_as_of_that_date(client, officer, tree):
    org_rename(
        actor=policy.SYSTEM.named("kiểm thử"), org=tree["commune_a"], name="Đảng bộ xã An Bình Mới", on=date(2025, 7, 1)
    )
    client.force_login(officer)
    html = client.get(reverse("orgs:org_detail", args=[tree["cell_a1"].pk]), {"ngay": "30/06/2025"}).content.decode()
    assert "trực thuộc Đảng bộ xã An Bình" in html
    assert "Đảng bộ xã An Bình Mới" not in html


def test_a_cell_secretarys_breadcrumb_does_not_link_to_a_page_out_of_scope(client, django_user_model, tree):
    from dangbo.access.models import Role, RoleAssignment

    secretary = django_user_model.objects.create_user("bithu", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=secretary, role=Role.CELL_SECRETARY, org=tree["cell_a1"], valid_from=date(2015, 1, 1)
    )
    client.force_login(secretary)
    html = client.get(reverse("orgs:org_detail", args=[tree["cell_a1"].pk])).content.decode()
    parent_url = reverse("orgs:org_detail", args=[tree["commune_a"].pk])
    assert "Đảng bộ xã An Bình" in html
    assert f'href="{parent_url}' not in html
    assert client.get(parent_url).status_code == 404
