"""Security headers: CSP without inline scripts or styles, X-Frame-Options, Referrer-Policy, HSTS
over HTTPS; and no template uses what that CSP would block."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_the_csp_header_allows_scripts_and_styles_from_self_only(client, db):
    response = client.get("/dang-nhap/")
    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_pages_are_not_framed_and_send_a_referrer_policy(client, db):
    response = client.get("/dang-nhap/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_over_https_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "max-age=31536000" in client.get("/dang-nhap/", secure=True)["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/dang-nhap/")


def _fresh_settings(monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location(
        "dangbo_settings_probe", Path(settings.BASE_DIR) / "dangbo" / "settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_https_env_turns_on_hsts_and_secure_cookies(monkeypatch):
    module = _fresh_settings(monkeypatch, HTTPS="1")
    assert module.SECURE_HSTS_SECONDS == 31536000
    assert module.SESSION_COOKIE_SECURE is True
    assert module.CSRF_COOKIE_SECURE is True


def test_plain_http_by_default_has_no_hsts(monkeypatch):
    for key in ["HTTPS", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"]:
        monkeypatch.delenv(key, raising=False)
    module = _fresh_settings(monkeypatch)
    assert module.SECURE_HSTS_SECONDS == 0
    assert module.SESSION_COOKIE_SECURE is False


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_ATTR = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style[\s>]", re.IGNORECASE)


# The root templates and every app's own (an app template's style= width was silently dropped by the
# browser, and a job's progress bar stayed empty).
ALL_TEMPLATES = sorted(
    [*TEMPLATES.rglob("*.html"), *(Path(settings.BASE_DIR) / "dangbo").glob("*/templates/**/*.html")]
)


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_uses_what_the_csp_blocks(path):
    text = path.read_text(encoding="utf-8")
    problems = [
        name
        for name, rx in [
            ("inline <script>", INLINE_SCRIPT),
            ("style= attribute", STYLE_ATTR),
            ("on*= handler", EVENT_ATTR),
            ("<style> element", STYLE_TAG),
        ]
        if rx.search(text)
    ]
    assert not problems, f"{path.relative_to(settings.BASE_DIR)}: {', '.join(problems)} (blocked by the CSP)"
