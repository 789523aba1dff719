"""Writing many new rows fast: COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create builds one INSERT with a placeholder per value (and psycopg merges them on the
client), after building a model instance per row: for 60,000 members with their events and spans
that was most of an import's time. On PostgreSQL `insert_rows` streams plain values with COPY:
each row is a dict of column attnames (`member_id`, not `member`), completed with the model's
defaults (`auto_now_add` fields get the current time); JSON fields are written as JSON text.
Primary keys, when asked for, come from the table's sequence (`nextval` once per row, in one
query), so concurrent inserts cannot collide. Elsewhere the rows become instances for bulk_create.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import JSONField, Model
from django.utils import timezone


def reserve_ids(model: type[Model], count: int) -> list[int] | None:
    """`count` new primary keys of `model` from its sequence (PostgreSQL), to insert the rows
    that point at them first (foreign keys are checked at commit); None elsewhere (the keys are
    known only once the rows are inserted)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or not count:
        return None
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [value for (value,) in cursor.fetchall()]


def insert_rows(
    model: type[Model],
    rows: Sequence[dict[str, Any]],
    *,
    returning_ids: bool = False,
    batch_size: int = 1000,
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Insert `rows` into `model`'s table; the new primary keys (in order) if `returning_ids`.
    `ids`: primary keys reserved with `reserve_ids` (PostgreSQL only)."""
    if not rows:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model.objects.bulk_create(objs, batch_size=batch_size)
        return [obj.pk for obj in objs] if returning_ids else []
    if ids is not None:
        if len(ids) != len(rows):
            raise ValueError("one reserved id per row")
        returning_ids = True
    meta = model._meta
    quote = connection.ops.quote_name
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    now = timezone.now()
    defaults: list[Any] = []
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            defaults.append(now)
        else:
            defaults.append(f.get_default())  # what a model instance would hold ("" for text, None...)
    names = [f.attname for f in fields]
    unknown = set().union(*(row.keys() for row in rows[:1])) - set(names)
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
    is_json = [isinstance(f, JSONField) for f in fields]
    with connection.cursor() as cursor:
        if returning_ids and ids is None:
            ids = reserve_ids(model, len(rows))
        columns = ", ".join(quote(f.column) for f in ([pk] if returning_ids else []) + fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for i, row in enumerate(rows):
                values = []
                for name, default, js in zip(names, defaults, is_json, strict=True):
                    value = row.get(name, default)
                    if js:
                        value = json.dumps(value, ensure_ascii=False)
                    elif isinstance(value, Enum):
                        value = value.value
                    values.append(value)
                copy.write_row([ids[i], *values] if returning_ids else values)
    return list(ids) if returning_ids else []
