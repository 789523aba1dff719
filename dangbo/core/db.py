"""Database expressions shared by the apps: Vietnamese sort order and keyset comparisons."""

from __future__ import annotations

from django.db.models import BooleanField, Expression, F, Func
from django.db.models.functions import Collate

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
