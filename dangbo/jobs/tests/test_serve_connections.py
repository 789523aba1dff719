"""`dangbo serve` bounds its database connections: one per serving thread plus the task worker and
the scheduler, checked against PostgreSQL's max_connections before anything starts."""

from __future__ import annotations

import pytest
from django.db import connection

from dangbo.jobs.management.commands.serve import connection_budget_problem, connections_needed


def test_connections_needed_counts_threads_worker_and_scheduler():
    assert connections_needed(workers=5, threads=1) == 7
    assert connections_needed(workers=3, threads=4, worker=False, scheduler=False) == 12


@pytest.mark.django_db
def test_a_budget_beyond_the_server_is_refused_with_a_message():
    assert connection_budget_problem(3) == ""
    message = connection_budget_problem(1_000_000)
    if connection.vendor == "postgresql":
        assert "max_connections" in message and "1000000" in message
    else:
        assert message == ""  # SQLite: no connection limit
