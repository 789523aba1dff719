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
def _planner_settings(values: dict[str, str]) -> Iterator[None]:
    """PostgreSQL: planner settings for the queries inside, the previous values restored after (a
    failed transaction's rollback restores them too). Set with SELECT set_config, not SET: a
    request's stamp snapshot (core.stamps) survives only SELECTs."""
    if connection.vendor != "postgresql":
        yield
        return
    names = sorted(values)
    with connection.cursor() as c:
        c.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, false)" for _ in names),
            [arg for name in names for arg in (name, name, values[name])],
        )
        row = c.fetchone()
    before = {name: row[2 * i] for i, name in enumerate(names)}
    try:
        yield
    finally:
        try:
            with connection.cursor() as c:
                c.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in names),
                    [arg for name in names for arg in (name, before[name])],
                )
        except DatabaseError:  # an aborted transaction: its rollback undoes the change
            pass


@contextmanager
def parallel_query(workers: int | None = None) -> Iterator[None]:
    """PostgreSQL: the queries inside may use up to `workers` (DB_REPORT_PARALLEL_WORKERS)
    parallel workers each; the application's connections plan serially otherwise (settings: the
    pages' short queries lose more to starting workers than they gain). For the aggregates over a
    whole province or the country: the report figures, the summaries, a filtered list's count."""
    n = settings.DB_REPORT_PARALLEL_WORKERS if workers is None else workers
    with _planner_settings({"max_parallel_workers_per_gather": str(int(n))}):
        yield


@contextmanager
def index_order() -> Iterator[None]:
    """PostgreSQL: a keyset page walks the index of its sort order and stops at the page's last
    row. Near the end of the name order the planner underestimates the rows after the cursor
    (461 estimated, 43.890 found: «Vũ Văn Đông» in the national registry), takes a bitmap scan and
    sorts every member after the cursor: 466 ms instead of 19–51 ms. Bitmap scans are off for the
    queries inside."""
    with _planner_settings({"enable_bitmapscan": "off"}):
        yield


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
