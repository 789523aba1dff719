"""The indicator overview page and the members behind a number: scope, dates, click-through."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.reports.tests.urls")]


@pytest.fixture
def officer_b(django_user_model, merger_registry):
    """Officer of the old province Lâm Hà (B) only."""
    user = django_user_model.objects.create_user("canbo_lam_ha", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=user,
        role=Role.OFFICER,
        org=merger_registry["orgs"]["B"],
        valid_from=merger_registry["orgs"]["B"].versions.first().valid_from,
    )
    return user


def overview(client, org, **params):
    return client.get(reverse("reports:indicator_overview"), {"org": org.pk, **params})


def test_it_shows_the_headcount_of_the_old_province_before_the_merger(client, system_user, merger_registry):
    client.force_login(system_user)
    r = overview(client, merger_registry["orgs"]["A"], ngay="31/12/2024", tu="01/01/2024", den="31/12/2024")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Đảng bộ tỉnh Hải Sơn" in html
    assert "Tổng số đảng viên" in html
    row = next(x for x in r.context["stock"] if x["result"].code == "dv_tong")
    assert row["result"].value == 6
    flows = {x["result"].code: x["result"].value for x in r.context["flow"]}
    assert flows["ket_nap"] == 2
    assert flows["chuyen_den"] == 1


def test_it_reports_the_new_province_from_the_merger_date(client, system_user, merger_registry):
    client.force_login(system_user)
    r = overview(client, merger_registry["orgs"]["P"], ngay="01/07/2025")
    assert "Đảng bộ tỉnh Hải Lâm" in r.content.decode()
    assert next(x for x in r.context["stock"] if x["result"].code == "dv_tong")["result"].value == 6


def test_a_number_links_to_the_members_behind_it(client, system_user, merger_registry):
    client.force_login(system_user)
    r = overview(client, merger_registry["orgs"]["A"], ngay="31/12/2024")
    row = next(x for x in r.context["stock"] if x["result"].code == "dv_du_bi")
    page = client.get(reverse("reports:indicator_members") + row["link"])
    assert page.status_code == 200
    assert [m.full_name for m in page.context["page"].object_list] == ["Đỗ Thị Tám", "Lò Thị Hai"]
    females = client.get(
        reverse("reports:indicator_members"),
        {
            "org": merger_registry["orgs"]["A"].pk,
            "ngay": "31/12/2024",
            "chi_so": "dv_tong",
            "chieu": "gioi_tinh",
            "khoa": "F",
        },
    )
    assert females.context["total"] == 2


def test_it_is_404_for_an_officer_outside_the_subtree(client, officer_b, merger_registry):
    client.force_login(officer_b)
    assert overview(client, merger_registry["orgs"]["A"], ngay="31/12/2024").status_code == 404
    r = client.get(
        reverse("reports:indicator_members"),
        {"org": merger_registry["orgs"]["A"].pk, "ngay": "31/12/2024", "chi_so": "dv_tong"},
    )
    assert r.status_code == 404
    assert overview(client, merger_registry["orgs"]["B"], ngay="31/12/2024").status_code == 200


def test_the_member_list_never_shows_members_outside_scope(client, officer_b, merger_registry):
    """An officer of B asks the members behind a number of B's subtree: only B's members appear."""
    client.force_login(officer_b)
    r = client.get(
        reverse("reports:indicator_members"),
        {"org": merger_registry["orgs"]["B"].pk, "ngay": "31/12/2024", "chi_so": "dv_tong"},
    )
    assert sorted(m.full_name for m in r.context["page"].object_list) == ["Phạm Văn Ba", "Đặng Văn Sáu"]


def test_anonymous_users_are_sent_to_login(client, merger_registry):
    r = overview(client, merger_registry["orgs"]["A"])
    assert r.status_code == 302
    assert "dang-nhap" in r["Location"]


def test_an_unknown_indicator_is_404(client, system_user, merger_registry):
    client.force_login(system_user)
    r = client.get(reverse("reports:indicator_members"), {"org": merger_registry["orgs"]["A"].pk, "chi_so": "xyz"})
    assert r.status_code == 404
