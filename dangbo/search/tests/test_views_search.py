from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.search.tests.urls")]


def test_it_requires_login(client):
    response = client.get("/tim-kiem/?q=an")
    assert response.status_code == 302


def test_it_shows_members_and_organizations(client, people, commune_officer):
    client.force_login(commune_officer)
    response = client.get("/tim-kiem/", {"q": "nguyen van an"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and "Nguyễn Văn Anh" in body
    assert "001******111" in body and "001085000111" not in body  # masked, even for an officer


def test_it_is_404_for_an_organization_filter_outside_the_scope(client, people, outsider, tree):
    client.force_login(outsider)
    assert client.get("/tim-kiem/", {"q": "an", "org": tree["commune_a"].pk}).status_code == 404


def test_outsider_sees_nothing_of_commune_a(client, people, outsider):
    client.force_login(outsider)
    body = client.get("/tim-kiem/", {"q": "dang thi thu"}).content.decode()
    assert "Đặng Thị Thu" not in body
    assert "Không tìm thấy kết quả" in body


def test_htmx_gets_the_partial(client, people, commune_officer):
    client.force_login(commune_officer)
    response = client.get("/tim-kiem/", {"q": "thu"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
    assert response.status_code == 200
    assert not response.content.decode().lstrip().startswith("<!")
    assert "Đặng Thị Thu" in response.content.decode()


def test_citizen_id_masked_in_search_results(client, people, officer, commune_officer):
    # Officers with "view_personal", searching by name and by the number itself: masked.
    for user in (officer, commune_officer):
        client.force_login(user)
        for q in ("nguyen van an", "001085000111"):
            body = client.get("/tim-kiem/", {"q": q}).content.decode()
            assert "001******111" in body
            assert "001085000111" not in body.replace('value="001085000111"', "")
