"""dangbo.core.http.client_ip: REMOTE_ADDR unless a trusted proxy header is configured."""

from __future__ import annotations

from django.test import RequestFactory

from dangbo.core.http import client_ip


def req(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)


def test_without_configuration_forwarded_for_is_ignored(settings):
    settings.DANGBO_TRUSTED_PROXY_HEADER = ""
    assert client_ip(req(HTTP_X_FORWARDED_FOR="192.0.2.1")) == "10.0.0.1"


def test_the_configured_header_gives_the_entry_the_trusted_proxy_appended(settings):
    settings.DANGBO_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    assert client_ip(req(HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.1")) == "192.0.2.1"
    settings.DANGBO_TRUSTED_PROXY_COUNT = 2
    assert client_ip(req(HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.1, 10.1.1.1")) == "192.0.2.1"


def test_a_missing_or_malformed_header_falls_back_to_the_peer(settings):
    settings.DANGBO_TRUSTED_PROXY_HEADER = "X-Real-IP"
    assert client_ip(req()) == "10.0.0.1"
    assert client_ip(req(HTTP_X_REAL_IP="không-phải-địa-chỉ")) == "10.0.0.1"
    assert client_ip(req(HTTP_X_REAL_IP="2001:db8::1")) == "2001:db8::1"
