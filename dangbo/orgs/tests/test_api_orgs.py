"""GET /api/v1/orgs/tree and /api/v1/orgs/{id}: the tree as of a date, scoped.

Personas (conftest): `officer` sees the province, `commune_officer` commune A, `outsider` commune B.
"""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.orgs.services import org_rename

TREE = "/api/v1/orgs/tree"
NOT_FOUND = {"detail": "Không tìm thấy", "field": None, "rule": None}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas are created with a password; a cheap hasher keeps these tests fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def test_the_tree_of_a_commune_officer_is_the_commune_subtree(client, tree, commune_officer):
    response = get(client, commune_officer, TREE, at="2024-01-01")
    assert response.status_code == 200
    assert ids(response) == {tree["commune_a"].pk, tree["cell_a1"].pk, tree["cell_a2"].pk}


def test_the_tree_is_flat_with_parent_ids_in_path_order(client, tree, officer):
    items = get(client, officer, TREE, at="2024-01-01").json()["items"]
    assert len(items) == 7
    by_id = {item["id"]: item for item in items}
    assert by_id[tree["province"].pk]["parent_id"] is None
    assert by_id[tree["cell_b1"].pk]["parent_id"] == tree["commune_b"].pk
    assert by_id[tree["cell_b1"].pk]["name"] == "Chi bộ thôn Đông"
    assert by_id[tree["cell_b1"].pk]["type_label"]
    assert [item["path"] for item in items] == sorted(item["path"] for item in items)


def test_an_outsider_sees_nothing_of_commune_a_in_the_tree(client, tree, outsider):
    seen = ids(get(client, outsider, TREE, at="2024-01-01"))
    assert seen == {tree["commune_b"].pk, tree["cell_b1"].pk}


def test_a_root_limits_the_tree_to_its_subtree(client, tree, officer):
    response = get(client, officer, TREE, at="2024-01-01", root=tree["commune_a"].pk)
    assert ids(response) == {tree["commune_a"].pk, tree["cell_a1"].pk, tree["cell_a2"].pk}
    assert response.json()["root"] == tree["commune_a"].pk


def test_a_root_outside_the_scope_is_not_found(client, tree, outsider):
    response = get(client, outsider, TREE, root=tree["commune_a"].pk)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_the_tree_shows_the_names_valid_on_the_date(client, tree, system_user, commune_officer):
    org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ thôn Hòa Bình", on=date(2024, 1, 1))
    before = get(client, commune_officer, TREE, at="2023-12-31").json()["items"]
    after = get(client, commune_officer, TREE, at="2024-01-01").json()["items"]
    name = {item["id"]: item["name"] for item in before}
    assert name[tree["cell_a1"].pk] == "Chi bộ thôn 1"
    name = {item["id"]: item["name"] for item in after}
    assert name[tree["cell_a1"].pk] == "Chi bộ thôn Hòa Bình"


def test_the_tree_before_the_organizations_existed_is_empty(client, tree, officer):
    assert get(client, officer, TREE, at="2010-01-01").json()["items"] == []


def test_the_date_defaults_to_today(client, tree, officer):
    from django.utils import timezone

    assert get(client, officer, TREE).json()["at"] == timezone.localdate().isoformat()


def test_a_malformed_date_is_refused_with_the_field(client, tree, officer):
    response = get(client, officer, TREE, at="31/12/2024")
    assert response.status_code == 422
    assert response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."
    assert response.json()["field"] == "at"


def test_an_anonymous_request_is_refused(client, tree):
    response = client.get(TREE)
    assert response.status_code == 401
    assert response.json()["detail"] == "Bạn chưa đăng nhập."


def test_the_tree_query_count_does_not_grow_with_the_tree(client, tree, officer, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(TREE, {"at": "2024-01-01"})
    assert response.status_code == 200
    assert response.json()


def test_the_detail_gives_the_version_on_the_date_and_the_history(client, tree, system_user, commune_officer):
    org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ thôn Hòa Bình", on=date(2024, 1, 1))
    body = get(client, commune_officer, f"/api/v1/orgs/{tree['cell_a1'].pk}", at="2023-06-01").json()
    assert body["code"] == "T01-X01-C01"
    assert body["version"]["name"] == "Chi bộ thôn 1"
    assert body["version"]["valid_from"] == "2015-01-01"
    assert body["version"]["valid_to"] == "2023-12-31"
    assert body["version"]["parent"] == {"id": tree["commune_a"].pk, "name": "Đảng bộ xã An Bình"}
    assert body["version"]["path"].endswith(f"/{tree['cell_a1'].pk}/")
    assert [v["name"] for v in body["history"]["versions"]] == ["Chi bộ thôn 1", "Chi bộ thôn Hòa Bình"]
    assert [e["type"] for e in body["history"]["events"]] == ["org.established", "org.renamed"]
    assert body["history"]["events"][1]["type_label"] == "Đổi tên"


def test_the_detail_before_the_organization_existed_has_no_version(client, tree, officer):
    body = get(client, officer, f"/api/v1/orgs/{tree['cell_a1'].pk}", at="2010-01-01").json()
    assert body["version"] is None
    assert len(body["history"]["versions"]) == 1


def test_the_detail_of_an_organization_outside_the_scope_is_not_found(client, tree, outsider):
    hidden = get(client, outsider, f"/api/v1/orgs/{tree['cell_a1'].pk}")
    missing = get(client, outsider, "/api/v1/orgs/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == NOT_FOUND


@pytest.mark.parametrize("persona", ["commune_officer", "officer", "leader"])
def test_every_persona_with_the_commune_in_scope_sees_its_detail(client, tree, persona, request):
    user = request.getfixturevalue(persona)
    assert get(client, user, f"/api/v1/orgs/{tree['commune_a'].pk}").status_code == 200
