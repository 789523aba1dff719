"""Writing many new rows fast: COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create builds one INSERT with a placeholder per value (and psycopg merges them on the
client): for 60,000 members with their events and spans that is most of an import's time. COPY
streams the same values. The values are those Django would write: each concrete field's
`pre_save` (auto_now_add...) and `get_db_prep_save`; primary keys come from the table's sequence
(`nextval` once per row, in one query), so concurrent inserts cannot collide.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


def bulk_insert(objs: Sequence[Model], *, returning_ids: bool = False, batch_size: int = 1000) -> None:
    """Insert unsaved instances of one model; with `returning_ids`, set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup per value
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    with connection.cursor() as cursor:
        if returning_ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, pk.column, len(objs)])
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
            fields = [pk, *fields]
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
