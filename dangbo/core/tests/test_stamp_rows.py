"""A data stamp whose row is missing reads as "not installed", so nothing is cached under it:
`flush` (run by the demo command before it builds the demo `make run` shows) empties
core_datastamp, and the navbar's unread count was then computed on every page until the first
notification was written. post_migrate (sent by migrate and by flush) gives every stamp with
triggers its row again."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from dangbo.core import stamps

INSTALLED = {"registry", "scope", "accounts", "notifications", "dues_facts"}


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_every_installed_stamp_has_its_row_so_its_caches_work():
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as c:
        c.execute("SELECT name FROM core_datastamp")
        names = {row[0] for row in c.fetchall()}
    assert names >= INSTALLED
    assert all(stamps.cacheable(stamps.read(name)) for name in INSTALLED)


@pytest.mark.django_db
def test_ensure_rows_recreates_a_missing_row_and_keeps_an_existing_token():
    kept = stamps.read("registry").token
    with connection.cursor() as c:
        c.execute("DELETE FROM core_datastamp WHERE name = %s", ["notifications"])
    assert stamps.read("notifications").token is None
    assert stamps.ensure_rows() == ["notifications"]
    assert stamps.read("notifications").token is not None
    assert stamps.read("registry").token == kept
    assert stamps.ensure_rows() == []
