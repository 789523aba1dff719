"""Personal tokens on the product's own /api/v1/ routes (not a test router)."""

from __future__ import annotations

from datetime import date

from dangbo.access.services import token_create, token_revoke
from dangbo.members.services import ProfileInput, member_admit


def _admit(actor, cell, name):
    return member_admit(
        actor=actor,
        profile=ProfileInput(full_name=name, birth_year=1990, sex="M"),
        cell=cell,
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )


def test_a_token_reads_the_real_api_with_its_owners_scope(client, tree, system_user, commune_officer):
    mine = _admit(system_user, tree["cell_a1"], "Trần Văn Bình")
    other = _admit(system_user, tree["cell_b1"], "Lê Thị Cúc")
    _, secret = token_create(commune_officer, name="thử", days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    listing = client.get("/api/v1/members", {"at": "2022-01-01"}, **auth)
    assert listing.status_code == 200
    ids = [m["id"] for m in listing.json()["items"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/members/{other.pk}", **auth).status_code == 404


def test_a_revoked_token_gets_401_on_the_real_api(client, tree, commune_officer):
    token, secret = token_create(commune_officer, name="thử", days=30)
    token_revoke(commune_officer, token.pk)
    response = client.get("/api/v1/members", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_without_any_credentials_the_api_answers_401(client, tree):
    assert client.get("/api/v1/members").status_code == 401
