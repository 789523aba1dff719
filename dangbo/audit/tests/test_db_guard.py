"""The audit table is append-only at the database, not only in the application (R-165).

The `audit_entry_no_update` trigger of migration 0002 refuses UPDATE and DELETE for every role,
including the owner that the suite connects as; only someone who can ALTER the table (owner or
superuser) can switch it off. In production the application connects as a role that holds only
INSERT/SELECT on the table and cannot ALTER it (test_db_roles.py), and `dangbo audit verify`
detects what an owner changes, checkpoints included (test_checkpoints.py).
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from dangbo.audit.models import AuditEntry

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL trigger guards UPDATE and DELETE"
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite trigger (UPDATE only) is tested on SQLite"
)


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@on_postgresql
def test_postgresql_refuses_an_update_of_an_audit_entry(tree):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["sửa lén", entry.pk])
    entry.refresh_from_db()
    assert entry.summary != "sửa lén"


@on_postgresql
def test_postgresql_refuses_a_delete_of_an_audit_entry(tree):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@on_postgresql
def test_postgresql_refuses_a_queryset_update_that_bypasses_save(tree):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(summary="sửa hàng loạt")


@on_sqlite
def test_sqlite_refuses_an_update_of_an_audit_entry(tree):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["sửa lén", entry.pk])
    entry.refresh_from_db()
    assert entry.summary != "sửa lén"


def test_the_model_refuses_to_save_an_existing_entry_or_to_delete_one(tree):
    entry = AuditEntry.objects.first()
    entry.summary = "sửa qua ứng dụng"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()
