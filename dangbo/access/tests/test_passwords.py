"""Passwords: Argon2 in production, at least 10 characters, common/numeric ones refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from dangbo import settings as production


def test_production_settings_hash_passwords_with_argon2_first():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_an_argon2_hash_verifies(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the one slow test: the real hasher
    encoded = make_password("Kiemthu@2026x")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Kiemthu@2026x", encoded)


@pytest.mark.parametrize("password", ["Ngan@2026", "1234567890123", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("Sông Xanh mùa lũ 2026")
