"""The signed-in user is cached per process under the "accounts" data stamp
(access.middleware.CachedAuthenticationMiddleware): no auth_user query on a repeated request, yet a
deactivated account, a changed password or a rights change take effect at the next request.

Transactional tests: on PostgreSQL nothing is cached under a stamp the test's own uncommitted
transaction drew, so only committed data shows the cache at work on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.access.middleware import CachedAuthenticationMiddleware

ORGS = "/to-chuc/"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _otp_required(settings):  # the access conftest turns TOTP on; these sign in with force_login
    settings.OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _empty_cache():
    CachedAuthenticationMiddleware._users.clear()
    yield
    CachedAuthenticationMiddleware._users.clear()


def user_queries(client, url=ORGS):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries if 'FROM "auth_user"' in q["sql"]]


def page_user_queries(client):
    """The user-row queries of a page that answered 200."""
    response, queries = user_queries(client)
    assert response.status_code == 200
    return queries


def signed_in(client, user):
    client.force_login(user)  # writes last_login: the stamp is renewed, the next request reads the user
    response, queries = user_queries(client)
    assert response.status_code == 200 and len(queries) == 1
    return client


def test_a_repeated_request_reads_no_user_row(client, officer):
    signed_in(client, officer)
    response, queries = user_queries(client)
    assert response.status_code == 200 and queries == []
    assert response.wsgi_request.user.pk == officer.pk


def test_each_request_gets_its_own_copy_of_the_cached_user(client, officer):
    signed_in(client, officer)
    first, _ = user_queries(client)
    assert first.status_code == 200
    first.wsgi_request.user.first_name = "Đổi Trong Bộ Nhớ"
    second, queries = user_queries(client)
    assert second.status_code == 200
    assert queries == [] and second.wsgi_request.user.first_name != "Đổi Trong Bộ Nhớ"
    assert second.wsgi_request.user is not first.wsgi_request.user


def test_a_deactivated_account_is_signed_out_at_the_next_request(client, officer):
    signed_in(client, officer)
    assert page_user_queries(client) == []  # cached
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    response, queries = user_queries(client)
    assert len(queries) == 1 and response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_changed_password_signs_the_old_session_out_at_the_next_request(client, officer):
    signed_in(client, officer)
    assert page_user_queries(client) == []
    officer.set_password("MatKhauMoi@2026")
    officer.save(update_fields=["password"])
    response, _ = user_queries(client)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert user_queries(client)[0].status_code == 302  # the session was flushed


def test_a_session_whose_hash_does_not_match_the_cached_user_is_flushed(client, officer):
    signed_in(client, officer)
    assert page_user_queries(client) == []
    session = client.session
    session["_auth_user_hash"] = "0" * 64
    session.save()
    response, _ = user_queries(client)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_rights_change_is_seen_at_the_next_request(client, officer):
    signed_in(client, officer)
    assert page_user_queries(client) == []
    type(officer).objects.filter(pk=officer.pk).update(is_superuser=True)
    response, queries = user_queries(client)
    assert response.status_code == 200 and len(queries) == 1 and response.wsgi_request.user.is_superuser


def test_two_users_in_one_process_never_see_each_other(client, officer, leader):
    from django.test import Client

    other = Client()
    signed_in(client, officer)
    signed_in(other, leader)
    assert user_queries(client)[0].wsgi_request.user.pk == officer.pk
    assert user_queries(other)[0].wsgi_request.user.pk == leader.pk
