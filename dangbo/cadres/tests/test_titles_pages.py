"""The catalogue pages (/can-bo/chuc-danh/): the titles in force on a date by equivalence group with
«Cấp trưởng»/«Cấp phó», a title's history, the forms of the province's officers, read-only for
the others, 404 for a title of another province."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role
from dangbo.cadres.models import Title
from dangbo.cadres.services import TitleInput, title_abolish, title_change, title_create
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_province_title(system_user):
    province = OrganizationFactory(
        actor=system_user, code="T02", name="Đảng bộ tỉnh Bên Cạnh", org_type="provincial_party_org"
    )
    return title_create(
        actor=system_user,
        province_id=province.pk,
        valid_from=date(2015, 1, 1),
        data=TitleInput(code="GD-SO-KHAC", name="Giám đốc Sở Bên Cạnh", is_head=True),
    )


def test_the_list_shows_the_titles_in_force_on_a_date_by_group_with_head_and_deputy(client, officer, titles):
    client.force_login(officer)
    page = client.get(reverse("cadres:title_list"), {"ngay": "30/06/2025"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Bí thư Huyện ủy" in body  # abolished on 01/07/2025: still in force on 30/06/2025
    assert "Có hiệu lực ngày 30/06/2025 · 5 chức danh (3 cấp trưởng, 2 cấp phó)" in body
    assert body.index("Cấp huyện") < body.index("Cấp xã") < body.index("Sở, ngành")  # grouped, groups in order
    sections = page.context["provinces"][0]["groups"]
    assert [t.code for t in sections[2]["titles"]] == ["GD-SO", "PGD-SO"]  # head before deputy
    assert "Cấp trưởng" in body and "Cấp phó" in body and "Thêm chức danh" in body
    after = client.get(reverse("cadres:title_list"), {"ngay": "01/07/2025"}).content.decode()
    assert "Bí thư Huyện ủy" not in after and "4 chức danh (2 cấp trưởng, 2 cấp phó)" in after
    one_group = client.get(reverse("cadres:title_list"), {"ngay": "01/07/2025", "nhom": "Sở, ngành"})
    assert one_group.context["count"] == 2 and "Bí thư Đảng ủy xã" not in one_group.content.decode()


def test_a_title_of_another_province_is_not_found(client, officer, titles, other_province_title):
    client.force_login(officer)
    for name in ("cadres:title_detail", "cadres:title_change", "cadres:title_abolish"):
        assert client.get(reverse(name, kwargs={"pk": other_province_title.pk})).status_code == 404, name
    assert (
        client.post(
            reverse("cadres:title_abolish", kwargs={"pk": other_province_title.pk}), {"valid_to": "31/12/2025"}
        ).status_code
        == 404
    )
    assert "Giám đốc Sở Bên Cạnh" not in client.get(reverse("cadres:title_list")).content.decode()
    assert Title.objects.get(pk=other_province_title.pk).valid_to is None


def test_the_history_shows_every_version_and_the_lineage(client, officer, titles):
    director = titles["dept_director"]
    new = title_change(
        actor=officer,
        title=director,
        valid_from=date(2025, 7, 1),
        data=TitleInput(code="", name="Giám đốc sở, ngành", is_head=True, group="Sở, ngành"),
    )
    district = titles["district_secretary"]
    district.valid_to = None
    district.save()
    title_abolish(actor=officer, title=district, valid_to=date(2025, 6, 30), successor=titles["commune_secretary"])
    client.force_login(officer)
    body = client.get(reverse("cadres:title_detail", kwargs={"pk": director.pk})).content.decode()
    assert "Giám đốc sở, ngành" in body and "Giám đốc sở" in body
    assert "01/01/2015" in body and "30/06/2025" in body and "01/07/2025" in body
    assert client.get(reverse("cadres:title_detail", kwargs={"pk": new.pk})).context["history"].versions == [
        director,
        new,
    ]
    old = client.get(reverse("cadres:title_detail", kwargs={"pk": district.pk})).content.decode()
    assert "Đã bãi bỏ sau ngày 30/06/2025" in old and "Bí thư Đảng ủy xã" in old and "Sửa đổi" not in old
    heir = client.get(reverse("cadres:title_detail", kwargs={"pk": titles["commune_secretary"].pk})).content.decode()
    assert "Kế thừa các chức danh" in heir and "Bí thư Huyện ủy" in heir


def test_an_officer_adds_changes_and_abolishes_a_title_through_the_forms(client, officer, titles):
    client.force_login(officer)
    form = client.get(reverse("cadres:title_create"))
    token = form.context["form"]["form_token"].value()
    done = client.post(
        reverse("cadres:title_create"),
        {
            "form_token": token,
            "province": titles["dept_director"].province_id,
            "code": "pgd-so-tc",
            "name": "Phó Giám đốc Sở Tài chính",
            "group": "Sở, ngành",
            "is_head": "0",
            "filled_by": "appointed",
            "term_calendar": "appointment",
            "planning_applies": "on",
            "valid_from": "01/03/2025",
        },
        follow=True,
    )
    title = Title.objects.get(code="PGD-SO-TC")
    assert "Đã thêm chức danh «Phó Giám đốc Sở Tài chính» (PGD-SO-TC) từ 01/03/2025." in done.content.decode()
    assert (title.is_head, title.planning_applies, title.confidence_vote_applies) == (False, True, False)
    change_url = reverse("cadres:title_change", kwargs={"pk": title.pk})
    assert client.get(change_url).context["form"]["name"].value() == "Phó Giám đốc Sở Tài chính"
    client.post(
        change_url,
        {
            "name": "Phó Giám đốc Sở Tài chính",
            "group": "Sở, ngành",
            "is_head": "0",
            "filled_by": "appointed",
            "term_calendar": "appointment",
            "planning_applies": "on",
            "confidence_vote_applies": "on",
            "valid_from": "01/07/2025",
        },
    )
    assert list(Title.objects.filter(code="PGD-SO-TC").values_list("valid_to", "confidence_vote_applies")) == [
        (date(2025, 6, 30), False),
        (None, True),
    ]
    current = Title.objects.get(code="PGD-SO-TC", valid_to__isnull=True)
    done = client.post(
        reverse("cadres:title_abolish", kwargs={"pk": current.pk}),
        {"valid_to": "31/12/2025", "successor": titles["dept_deputy"].pk},
        follow=True,
    )
    assert "Đã bãi bỏ chức danh «Phó Giám đốc Sở Tài chính» sau ngày 31/12/2025." in done.content.decode()
    current.refresh_from_db()
    assert (current.valid_to, current.successor) == (date(2025, 12, 31), titles["dept_deputy"])


def test_a_refusal_is_shown_on_its_field_in_vietnamese(client, officer, titles):
    client.force_login(officer)
    page = client.post(
        reverse("cadres:title_change", kwargs={"pk": titles["dept_director"].pk}),
        {
            "name": "Giám đốc Sở",
            "is_head": "1",
            "filled_by": "appointed",
            "term_calendar": "appointment",
            "valid_from": "01/01/2015",
        },
    )
    errors = page.context["form"].errors
    assert "Ngày hiệu lực của nội dung mới phải sau ngày 01/01/2015" in errors["valid_from"][0]
    page = client.post(
        reverse("cadres:title_create"),
        {
            "province": titles["dept_director"].province_id,
            "code": "GD-SO",
            "name": "Giám đốc Sở",
            "is_head": "1",
            "filled_by": "appointed",
            "term_calendar": "appointment",
            "valid_from": "01/01/2024",
        },
    )
    assert "«GD-SO» đã có trong danh mục" in page.context["form"].errors["code"][0]
    assert Title.objects.count() == 5


def test_a_reader_sees_the_catalogue_without_the_forms(client, tree, titles, commune_officer):
    leader = UserFactory(username="lanh_dao_xa", role=Role.LEADER, org=tree["commune_a"])
    for user in (leader, commune_officer):  # they work in the province: they read its catalogue
        client.force_login(user)
        body = client.get(reverse("cadres:title_list"), {"ngay": "01/06/2025"}).content.decode()
        assert "Giám đốc sở" in body and "Thêm chức danh" not in body and "Sửa đổi" not in body
        detail = client.get(reverse("cadres:title_detail", kwargs={"pk": titles["dept_director"].pk}))
        assert detail.status_code == 200 and "Bãi bỏ" not in detail.content.decode()
        assert client.get(reverse("cadres:title_change", kwargs={"pk": titles["dept_director"].pk})).status_code == 403
    client.force_login(leader)
    assert client.get(reverse("cadres:title_create")).status_code == 403
    client.force_login(commune_officer)  # records cadres of the commune, not the province's catalogue
    page = client.get(reverse("cadres:title_create"))
    assert page.status_code == 200 and page.context["form"] is None


def test_a_member_who_sees_no_cadres_gets_no_catalogue(client, member_user, titles):
    client.force_login(member_user)
    assert client.get(reverse("cadres:title_list")).status_code == 404
    assert client.get(reverse("cadres:title_detail", kwargs={"pk": titles["dept_director"].pk})).status_code == 404
