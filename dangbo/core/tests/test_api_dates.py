"""Every date the API reads (query parameter or request field) is `core.api.IsoDate`: yyyy-mm-dd
only. A plain `date` would also take a number as a Unix timestamp (pydantic), so `?at=1700000000`
would silently read the registry as of 14/11/2023 instead of refusing the input."""

from __future__ import annotations

import typing
from datetime import date, datetime

import pytest
from django.test import Client
from pydantic import BaseModel

from dangbo.access.services import token_create
from dangbo.api_urls import api


def _is_iso(metadata) -> bool:
    return any(getattr(getattr(m, "func", None), "__name__", "") == "_iso_only" for m in metadata)


def _plain_dates(model: type[BaseModel], seen: set) -> list[str]:
    """The fields of `model` (and of the schemas nested in it) typed date or datetime without IsoDate."""
    if model in seen:
        return []
    seen.add(model)
    found = []
    for name, field in model.model_fields.items():
        for arg in typing.get_args(field.annotation) or (field.annotation,):
            inner = [arg, *typing.get_args(arg)]
            if arg in (date, datetime) and not _is_iso(field.metadata):
                found.append(f"{model.__name__}.{name}")
            for candidate in inner:
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    found += _plain_dates(candidate, seen)
    return found


def test_every_date_the_api_reads_is_iso_only():
    plain = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:  # the query, path and body models ninja built
                    plain += [f"{'/'.join(operation.methods)} {prefix}{path}: {f}" for f in _plain_dates(model, set())]
    assert plain == []


@pytest.mark.parametrize(
    "url",
    ["/api/v1/members", "/api/v1/orgs/tree", "/api/v1/plans/tasks", "/api/v1/staffing/agencies"],
)
def test_a_number_given_as_a_date_is_422_not_a_unix_time(officer, tree, url):
    _, secret = token_create(officer, name="kiểm thử", days=1)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.get(url, {"at": 1700000000})
    assert response.status_code == 422, (url, response.content[:300])
    assert response.json()["field"] == "at"
    assert client.get(url, {"at": "2025-12-31"}).status_code == 200
