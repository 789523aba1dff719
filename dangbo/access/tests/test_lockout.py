"""django-axes: 5 failed logins per (account, address) or per address lock logins for 15 minutes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from dangbo.access.tests.conftest import login


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_lockout_settings_are_5_failures_and_15_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_a_wrong_password_shows_the_login_form_again(client, leader):
    response = login(client, "lanh_dao", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert not _is_signed_in(client)


def test_five_failures_lock_the_account_from_that_address_even_with_the_right_password(client, leader):
    for _ in range(4):
        assert login(client, "lanh_dao", "sai-mat-khau").status_code == 200
    response = login(client, "lanh_dao", "sai-mat-khau")
    assert response.status_code == 429
    response = login(client, "lanh_dao")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tạm khóa đăng nhập" in body
    assert "15 phút" in body
    assert not _is_signed_in(client)


def test_four_failures_then_the_right_password_signs_in(client, leader):
    for _ in range(4):
        login(client, "lanh_dao", "sai-mat-khau")
    response = login(client, "lanh_dao")
    assert response.status_code == 302
    assert _is_signed_in(client)


def test_five_failures_on_different_accounts_lock_the_address(client, leader, commune_officer):
    for name in ["a_nguyen", "b_tran", "c_le", "d_pham", "e_hoang"]:
        login(client, name, "sai-mat-khau", ip="10.0.0.9")
    response = login(client, "lanh_dao", ip="10.0.0.9")
    assert response.status_code == 429
    assert not _is_signed_in(client)


def test_a_locked_address_does_not_lock_other_addresses(client, leader):
    for _ in range(5):
        login(client, "lanh_dao", "sai-mat-khau", ip="10.0.0.9")
    assert login(client, "lanh_dao", ip="10.0.0.9").status_code == 429
    response = login(client, "lanh_dao", ip="10.0.0.10")
    assert response.status_code == 302
    assert _is_signed_in(client)


def test_the_lockout_ends_after_the_cool_off(client, leader, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        login(client, "lanh_dao", "sai-mat-khau")
    assert login(client, "lanh_dao").status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    response = login(client, "lanh_dao")
    assert response.status_code == 302
