"""Sessions expire after 30 minutes without a request (refreshed at most every 5 minutes); "log out everywhere" ends all of them."""

from __future__ import annotations

import time
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from dangbo import settings as production
from dangbo.access.middleware import SessionRefreshMiddleware
from dangbo.access.models import UserSession
from dangbo.access.tests.conftest import login
from dangbo.audit.models import AuditEntry


def test_sessions_expire_after_30_minutes_of_inactivity():
    assert production.SESSION_COOKIE_AGE == 30 * 60
    assert production.SESSION_REFRESH_INTERVAL == 5 * 60


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_reading_pages_does_not_write_the_session_within_the_refresh_interval(client, leader):
    login(client, "lanh_dao")
    client.get("/to-chuc/")
    before = _expiry(client)
    response = client.get("/to-chuc/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies  # not saved again
    assert _expiry(client) == before


def test_a_request_after_the_refresh_interval_pushes_the_expiry_forward(client, leader):
    login(client, "lanh_dao")
    client.get("/to-chuc/")
    session = client.session
    session[SessionRefreshMiddleware.KEY] = int(time.time()) - 301  # last refreshed over 5 minutes ago
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + timedelta(minutes=20))
    response = client.get("/to-chuc/")
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    assert _expiry(client) > timezone.now() + timedelta(minutes=29)


def test_an_anonymous_visit_creates_no_session(client, db):
    client.get("/dang-nhap/")
    assert not Session.objects.exists()


def test_a_login_is_tracked_for_logout_everywhere(client, leader):
    login(client, "lanh_dao")
    assert UserSession.objects.filter(user=leader, session_key=client.session.session_key).exists()


def test_logout_everywhere_ends_the_other_sessions(client, leader):
    phone = Client()
    login(phone, "lanh_dao", ip="10.0.0.2")
    login(client, "lanh_dao", ip="10.0.0.3")
    assert phone.get("/to-chuc/").status_code == 200

    response = client.post("/tai-khoan/dang-xuat-moi-noi/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/"

    assert phone.get("/to-chuc/").status_code == 302
    assert client.get("/to-chuc/").status_code == 302
    assert not UserSession.objects.filter(user=leader).exists()
    assert AuditEntry.objects.filter(action="auth.logout_everywhere", actor=leader).exists()


def test_logout_everywhere_leaves_other_users_signed_in(client, leader, commune_officer, settings):
    settings.OTP_REQUIRED = False
    other = Client()
    login(other, "canbo_xa_a", ip="10.0.0.4")
    login(client, "lanh_dao")
    client.post("/tai-khoan/dang-xuat-moi-noi/")
    assert other.get("/to-chuc/").status_code == 200


def test_logout_everywhere_needs_a_post(client, leader):
    login(client, "lanh_dao")
    assert client.get("/tai-khoan/dang-xuat-moi-noi/").status_code == 405


def test_the_account_page_lists_the_sessions_and_the_button(client, leader):
    login(client, "lanh_dao")
    body = client.get("/tai-khoan/").content.decode()
    assert "Đăng xuất khỏi mọi thiết bị" in body
    assert "phiên này" in body
