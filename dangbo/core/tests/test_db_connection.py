"""How the application's database connections are set up (dangbo/settings.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from dangbo.core.db import index_order, parallel_query


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """JIT compiling costs 30–100 ms on the large tree, list and report queries and gains nothing
    in an interactive workload: the application's connections turn it off (DB_JIT=1 keeps it)."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_postgresql_pages_plan_serially_and_report_aggregates_may_use_workers(settings):
    """Starting parallel workers costs more than a page's query takes (a member-list page: 25 ms
    serial, 70–110 ms with workers, national data); the report aggregates opt in."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    settings.DB_REPORT_PARALLEL_WORKERS = 3
    assert _workers() == "0"
    with parallel_query():
        assert _workers() == "3"
        with parallel_query(workers=1):
            assert _workers() == "1"
        assert _workers() == "3"
    assert _workers() == "0"


@pytest.mark.django_db
def test_parallel_query_restores_the_setting_when_the_block_raises():
    with pytest.raises(ZeroDivisionError), parallel_query(workers=2):
        1 / 0  # noqa: B018 - the error is the point
    if connection.vendor == "postgresql":
        assert _workers() == "0"


@pytest.mark.django_db
def test_parallel_query_keeps_the_request_stamp_snapshot():
    """It is set with SELECT set_config, not SET: a request's stamp snapshot survives only SELECTs,
    so the figures' caches stay usable after it."""
    from dangbo.core import stamps

    with stamps.request_snapshot():
        stamps.read("registry")
        snapshot = stamps._snapshot.get()
        with parallel_query():
            pass
        assert not snapshot.wrote


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_keyset_page_walks_its_index_and_the_setting_is_restored():
    """Near the end of the name order the planner took a bitmap scan and sorted every member after
    the cursor (466 ms instead of 19–51 ms on the national data): index_order() turns bitmap scans
    off for the page's queries only."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    assert _setting("enable_bitmapscan") == "on"
    with index_order():
        assert _setting("enable_bitmapscan") == "off"
        with parallel_query(workers=2):
            assert (_setting("enable_bitmapscan"), _setting("max_parallel_workers_per_gather")) == ("off", "2")
    assert (_setting("enable_bitmapscan"), _setting("max_parallel_workers_per_gather")) == ("on", "0")


@pytest.mark.django_db
def test_the_member_list_pages_plan_in_index_order_unless_a_name_filter_needs_the_trigram_index(
    officer, tree, monkeypatch
):
    from contextlib import contextmanager

    from dangbo.members import selectors
    from dangbo.members.selectors import MemberFilters, member_page

    entered = []

    @contextmanager
    def spy():
        entered.append(True)
        yield

    monkeypatch.setattr(selectors, "index_order", spy)
    member_page(actor=officer, at=date(2025, 12, 31), filters=MemberFilters())
    assert entered == [True]
    member_page(actor=officer, at=date(2025, 12, 31), filters=MemberFilters(q="nguyen"))
    assert entered == [True]
