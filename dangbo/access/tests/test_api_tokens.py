"""Personal API tokens: a bearer token resolves to its owner (same scope); revoked and expired
tokens, and unknown ones, get 401; the secret is stored only as a sha256."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.testing import TestClient

from dangbo.access.api_auth import TokenAuth
from dangbo.access.models import PersonalToken
from dangbo.access.scope import user_scope
from dangbo.access.services import token_create, token_revoke
from dangbo.access.tests.conftest import login
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError

api = NinjaAPI(auth=[TokenAuth()], urls_namespace="token_auth_test")


@api.get("/whoami")
def whoami(request):
    return {"username": request.user.get_username(), "org_ids": sorted(user_scope(request.user).org_ids)}


@pytest.fixture
def api_client():
    return TestClient(api)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_acts_as_its_owner_with_the_owner_scope(api_client, commune_officer, tree):
    _, secret = token_create(commune_officer, name="Báo cáo tự động")
    response = api_client.get("/whoami", headers=bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "canbo_xa_a"
    assert response.json()["org_ids"] == sorted(user_scope(commune_officer).org_ids)
    assert tree["commune_b"].pk not in response.json()["org_ids"]


def test_only_the_sha256_of_the_secret_is_stored(commune_officer):
    token, secret = token_create(commune_officer, name="Tích hợp")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(PersonalToken.objects.filter(pk=token.pk).values().get())


def test_a_revoked_token_is_rejected(api_client, commune_officer):
    token, secret = token_create(commune_officer, name="Tích hợp")
    token_revoke(commune_officer, token.pk)
    assert api_client.get("/whoami", headers=bearer(secret)).status_code == 401


def test_an_expired_token_is_rejected(api_client, commune_officer):
    token, secret = token_create(commune_officer, name="Tích hợp", days=1)
    PersonalToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_client.get("/whoami", headers=bearer(secret)).status_code == 401


def test_an_unknown_token_is_rejected(api_client, commune_officer):
    assert api_client.get("/whoami", headers=bearer("dbs_khong-ton-tai")).status_code == 401
    assert api_client.get("/whoami").status_code == 401


def test_a_token_of_a_deactivated_account_is_rejected(api_client, commune_officer):
    _, secret = token_create(commune_officer, name="Tích hợp")
    commune_officer.is_active = False
    commune_officer.save()
    assert api_client.get("/whoami", headers=bearer(secret)).status_code == 401


def test_using_a_token_records_when_it_was_last_used(api_client, commune_officer):
    token, secret = token_create(commune_officer, name="Tích hợp")
    api_client.get("/whoami", headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_user_cannot_revoke_another_users_token(commune_officer, outsider):
    token, _ = token_create(commune_officer, name="Tích hợp")
    with pytest.raises(DomainError):
        token_revoke(outsider, token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_creating_and_revoking_a_token_is_audited(commune_officer):
    token, _ = token_create(commune_officer, name="Tích hợp")
    token_revoke(commune_officer, token.pk)
    actions = list(AuditEntry.objects.filter(actor=commune_officer).values_list("action", flat=True))
    assert actions == ["auth.token_created", "auth.token_revoked"]


def test_the_token_page_shows_the_secret_once(client, leader):
    login(client, "lanh_dao")
    response = client.post("/tai-khoan/ma-truy-cap/", {"name": "Bảng điều khiển", "days": 30})
    body = response.content.decode()
    token = PersonalToken.objects.get(user=leader)
    assert token.prefix in body
    assert 'id="token-secret">dbs_' in body
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert 'id="token-secret"' not in client.get("/tai-khoan/ma-truy-cap/").content.decode()


def test_the_token_page_revokes_a_token(client, leader):
    login(client, "lanh_dao")
    token, _ = token_create(leader, name="Bảng điều khiển")
    response = client.post(f"/tai-khoan/ma-truy-cap/{token.pk}/thu-hoi/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_is_not_found_on_the_revoke_page(client, leader, commune_officer):
    token, _ = token_create(commune_officer, name="Tích hợp")
    login(client, "lanh_dao")
    assert client.post(f"/tai-khoan/ma-truy-cap/{token.pk}/thu-hoi/").status_code == 404
