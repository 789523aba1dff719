"""core.stamps.request_snapshot: a request reads every data stamp in one query, and a write in the
request drops what it read, so a cache is never keyed by a token older than the request's own write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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


def _stamp_triggers_on(table: str) -> list[str]:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        else:
            c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        return [name for (name,) in c.fetchall() if "_stamp" in name]


@pytest.mark.django_db
def test_the_tables_written_inside_unstamped_write_carry_no_stamp_trigger():
    # audit.services.audit_read logs a read (audit_pendingread) inside stamps.unstamped_write
    assert _stamp_triggers_on("audit_pendingread") == []
    # audit.services.drain_reads moves them into the chain (audit_auditentry) inside it too
    assert _stamp_triggers_on("audit_auditentry") == []
    assert _stamp_triggers_on("auth_user")  # the check itself finds the triggers that exist


@pytest.mark.django_db
def test_an_unstamped_write_keeps_the_snapshot_and_the_memo(tree, django_user_model):
    from dangbo.audit.models import PendingRead

    calls = []
    with stamps.request_snapshot():
        before = stamps.read("scope")
        stamps.request_memo("k", lambda: calls.append(1) or 1)
        with stamps.unstamped_write():
            PendingRead.objects.create(at=timezone.now(), actor_label="kiểm thử", action="read.test", summary="x")
        with CaptureQueriesContext(connection) as ctx:
            assert stamps.read("scope") == before
            assert stamps.request_memo("k", lambda: calls.append(1) or 1) == 1
    assert len(ctx.captured_queries) == 0 and calls == [1]


@pytest.mark.django_db
def test_the_request_memo_computes_once_until_the_request_writes(tree, django_user_model):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with stamps.request_snapshot():
        assert stamps.request_memo("k", compute) == stamps.request_memo("k", compute) == 1
        django_user_model.objects.create_user("memo", password="x" * 12)  # a write: no memo any more
        assert stamps.request_memo("k", compute) == 2
        assert stamps.request_memo("k", compute) == 3
    assert stamps.request_memo("k", compute) == 4  # outside a request: every call computes
