"""The OpenAPI document and the real API agree (in the spirit of Zulip's test_openapi.py), and the
browsable docs work on a closed network (nothing is loaded from another host)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from dangbo.api_urls import api

PREFIX = "api/v1/"
# Routes of the API itself rather than of its resources.
META_ROUTES = {"openapi-json", "openapi-view", "api-root"}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def resolver_routes() -> set[str]:
    """Every resource route under /api/v1/ in the URL resolver, written as OpenAPI paths."""
    return {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for route, name in _walk(get_resolver().url_patterns)
        if route.startswith(PREFIX) and name not in META_ROUTES
    }


def schema() -> dict:
    return api.get_openapi_schema()


def operations() -> list[tuple[str, str, dict]]:
    return [
        (path, method, op)
        for path, item in schema()["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def sample_url(path: str) -> str:
    return re.sub(r"\{\w+\}", "999999", path)


def test_every_api_route_is_documented_and_every_documented_path_exists():
    documented = set(schema()["paths"])
    assert documented == resolver_routes()
    for path in documented:
        assert resolve(sample_url(path)).namespace == "api", path


def test_each_path_answers_exactly_its_documented_methods(client, officer):
    client.force_login(officer)
    documented: dict[str, set[str]] = {}
    for path, method, _ in operations():
        documented.setdefault(path, set()).add(method)
    for path, methods in documented.items():
        for method in METHODS:
            response = client.generic(method.upper(), sample_url(path), "{}", content_type="application/json")
            if method in methods:
                assert response.status_code != 405, (method, path)
            else:
                assert response.status_code == 405, (method, path)


def test_every_operation_requires_the_session_and_documents_its_errors():
    for path, method, op in operations():
        assert op.get("security"), (method, path)
        codes = {str(code) for code in op["responses"]}
        assert {"401", "404", "422"} <= codes, (method, path)
        if method != "get":
            assert "403" in codes, (method, path)
        assert op.get("description"), f"{method} {path} has no docstring"


def test_the_schema_is_served_at_openapi_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    body = response.json()
    assert body["info"]["title"] == "Đảng bộ số API"
    assert body["paths"] == json.loads(json.dumps(schema()["paths"], default=str))


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.urls.append((tag, name, value))


def test_the_docs_page_loads_nothing_from_another_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Assets()
    parser.feed(html)
    scripts = [url for tag, _, url in parser.urls if tag == "script"]
    assert scripts, "the Swagger UI scripts are missing"
    for tag, attr, url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), f"<{tag} {attr}={url}> leaves the host"
        assert not url.startswith(("http://", "https://"))
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    for _, _, url in parser.urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not among the static files"


def test_the_docs_do_not_ask_an_online_validator():
    """Swagger UI's default validator badge is fetched from validator.swagger.io."""
    from django.test import RequestFactory

    request = RequestFactory().get("/api/v1/docs")
    html = api.docs.render_page(request, api).content.decode()
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert settings["validatorUrl"] is None
    assert settings["url"] == "/api/v1/openapi.json"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_names_are_unique_across_the_apps():
    """The OpenAPI components are keyed by the schema class name: two apps defining a
    `FiguresOut` would silently document one route with the other's answer."""
    from ninja import Schema

    assert api  # every router (and so every schema) is loaded
    seen: dict[str, str] = {}
    clashes = []
    for cls in _subclasses(Schema):
        if not cls.__module__.startswith("dangbo."):
            continue
        other = seen.setdefault(cls.__name__, cls.__module__)
        if other != cls.__module__:
            clashes.append(f"{cls.__name__}: {other} and {cls.__module__}")
    assert not clashes, clashes
