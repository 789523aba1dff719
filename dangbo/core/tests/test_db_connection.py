"""How the application's database connections are set up (dangbo/settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """JIT compiling costs 30–100 ms on the large tree, list and report queries and gains nothing
    in an interactive workload: the application's connections turn it off (DB_JIT=1 keeps it)."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
