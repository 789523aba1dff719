"""Database expressions shared by the apps: Vietnamese sort order and keyset comparisons; the
parallel-query switch of the report aggregates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import BooleanField, Expression, F, Func
from django.db.models.functions import Collate


@contextmanager
def parallel_query(workers: int | None = None) -> Iterator[None]:
    """PostgreSQL: the queries inside may use up to `workers` (DB_REPORT_PARALLEL_WORKERS)
    parallel workers each; the application's connections plan serially otherwise (settings: the
    pages' short queries lose more to starting workers than they gain). For the aggregates over a
    whole province or the country: the report figures, the summaries, a filtered list's count.
    The previous value is restored after (a failed transaction's rollback restores it too). Set with
    SELECT set_config, not SET: a request's stamp snapshot (core.stamps) survives only SELECTs."""
    if connection.vendor != "postgresql":
        yield
        return
    n = settings.DB_REPORT_PARALLEL_WORKERS if workers is None else workers
    with connection.cursor() as c:
        c.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'), "
            "set_config('max_parallel_workers_per_gather', %s, false)",
            [str(int(n))],
        )
        before = c.fetchone()[0]
    try:
        yield
    finally:
        try:
            with connection.cursor() as c:
                c.execute("SELECT set_config('max_parallel_workers_per_gather', %s, false)", [before])
        except DatabaseError:  # an aborted transaction: its rollback undoes the change
            pass


# PostgreSQL: the ICU collation created by core migration 0003 (locale "vi": a ă â … d đ …, tones
# ngang huyền hỏi ngã sắc nặng). SQLite: the collation "vi" registered on every connection
# (core.apps, from core.text.vi_compare).
PG_COLLATION = "dangbo_vi"
SQLITE_COLLATION = "vi"


class ViOrder(Collate):
    """`expression COLLATE <Vietnamese>`: sorts (and compares) as a Vietnamese dictionary does."""

    def __init__(self, expression):
        super().__init__(F(expression) if isinstance(expression, str) else expression, SQLITE_COLLATION)

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.collation = PG_COLLATION
        return clone.as_sql(compiler, connection, **extra_context)


class RowCompare(Func):
    """`(a, b) > (x, y)` (or <): the row comparison of keyset pagination, which both PostgreSQL and
    SQLite answer from a two-column index in the same order."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, left: tuple[Expression, Expression], op: str, right: tuple[Expression, Expression]):
        if op not in (">", "<"):
            raise ValueError(op)
        self.op = op
        super().__init__(*left, *right)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.source_expressions:
            sql, p = compiler.compile(expression)
            parts.append(sql)
            params.extend(p)
        return f"({parts[0]}, {parts[1]}) {self.op} ({parts[2]}, {parts[3]})", params
