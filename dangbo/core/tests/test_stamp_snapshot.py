"""core.stamps.request_snapshot: a request reads every data stamp in one query, and a write in the
request drops what it read, so a cache is never keyed by a token older than the request's own write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.access.models import Role, RoleAssignment
from dangbo.core import stamps


@pytest.mark.django_db
def test_stamps_are_read_once_per_request(tree):
    with stamps.request_snapshot(), CaptureQueriesContext(connection) as ctx:
        scope = stamps.read("scope")
        both = stamps.read_many("registry", "scope")
        again = stamps.read("scope")
    assert len(ctx.captured_queries) == 1
    assert scope == both["scope"] == again and scope.token is not None
    assert stamps.read("no_such_stamp").token is None


@pytest.mark.django_db
def test_a_write_in_the_request_drops_the_snapshot(tree, django_user_model):
    user = django_user_model.objects.create_user("snap", password="x" * 12)
    with stamps.request_snapshot():
        stamps.read("scope")
        RoleAssignment.objects.create(user=user, role=Role.OFFICER, org=tree["commune_a"], valid_from="2020-01-01")
        with CaptureQueriesContext(connection) as ctx:
            after = stamps.read("scope")
    assert len(ctx.captured_queries) == 1  # read again after the write
    # what a fresh read outside the request says: a new token (SQLite), or one this transaction
    # drew (PostgreSQL: the test's transaction), under which nothing is cached
    assert after == stamps.read("scope")
    assert not stamps.cacheable(after) or connection.vendor == "sqlite"


@pytest.mark.django_db
def test_outside_a_request_every_read_asks_the_database(tree):
    with CaptureQueriesContext(connection) as ctx:
        stamps.read("scope")
        stamps.read("scope")
    assert len(ctx.captured_queries) == 2
