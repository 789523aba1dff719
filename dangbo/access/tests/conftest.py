"""Login-security tests run with TOTP enforcement ON (the root conftest turns it off for the
rest of the suite, which signs users in with `force_login`)."""

from __future__ import annotations

import pytest

from dangbo.access.services import totp_current_code, totp_device_create

PASSWORD = "Kiemthu@2026x"
# A fixed 20-byte TOTP secret, so tests can compute the current code.
KEY_HEX = "3132333435363738393031323334353637383930"


@pytest.fixture(autouse=True)
def _otp_required(settings):
    settings.OTP_REQUIRED = True


def login(client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1", **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def officer_device(officer):
    return totp_device_create(officer, key_hex=KEY_HEX)


def code_of(device) -> str:
    device.refresh_from_db()
    return totp_current_code(device)
