"""The application's PostgreSQL role may append to and read the audit log, never change it.

The test database is owned by the superuser the suite connects as (CI: postgres). Each test creates
the application role inside its own transaction (named after the per-worker test database, so
parallel workers and other checkouts never meet), grants it with `app_role_grant`, and switches to
it with SET ROLE: everything — role included — is rolled back with the test.
"""

from __future__ import annotations

import os
import runpy
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dangbo.audit.db_roles import (
    app_role_create,
    app_role_grant,
    audit_table_rights,
    grants_after_migrate,
    role_exists,
)
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_record, audit_verify, checkpoint_write
from dangbo.cli import connect_as_owner_for
from dangbo.orgs.services import org_establish

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's; SQLite has no roles"
)


@pytest.fixture
def app_role(db):
    role = f"dangbo_app_{connection.settings_dict['NAME']}"[:63]
    app_role_create(role, connection=connection)
    app_role_grant(role, connection=connection)
    return role


@contextmanager
def as_role(role: str):
    with connection.cursor() as c:
        c.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute("RESET ROLE")


def refused(sql: str, params: list | None = None) -> str:
    """Run `sql` in a savepoint; return the database's refusal (fails the test if it ran)."""
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params or [])
    return str(exc.value)


@on_postgresql
def test_the_application_role_cannot_update_delete_or_truncate_the_audit_log(tree, app_role):
    entry = AuditEntry.objects.order_by("id").first()
    n = AuditEntry.objects.count()

    with as_role(app_role):
        update = refused("UPDATE audit_auditentry SET summary = 'sửa lén' WHERE id = %s", [entry.pk])
        delete = refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
        truncate = refused("TRUNCATE audit_auditentry")
        disable = refused("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")

    assert "permission denied for table audit_auditentry" in update
    assert "permission denied for table audit_auditentry" in delete
    assert "permission denied for table audit_auditentry" in truncate
    assert "must be owner of table audit_auditentry" in disable
    assert AuditEntry.objects.count() == n
    assert audit_verify().ok


@on_postgresql
def test_the_application_role_holds_only_insert_and_select_on_the_audit_log(app_role):
    assert audit_table_rights(app_role, connection=connection) == {
        "SELECT": True,
        "INSERT": True,
        "UPDATE": False,
        "DELETE": False,
        "TRUNCATE": False,
    }


@on_postgresql
def test_the_application_works_as_the_application_role(tree, app_role, system_user):
    """Services write many tables (with their triggers) and append to the log as the role."""
    with as_role(app_role):
        org = org_establish(
            actor=system_user,
            code="T01-X01-C09",
            name="Chi bộ thôn 9",
            org_type="subordinate_cell",
            parent=tree["commune_a"],
            on=tree["cell_a1"].versions.first().valid_from,
        )
        audit_record(actor=system_user, action="test.as_app_role", obj=org, summary="Ghi bằng vai trò ứng dụng")
        checkpoint_write()
        assert audit_verify().ok
        assert AuditEntry.objects.filter(action="test.as_app_role").exists()


@on_postgresql
def test_tables_created_later_give_the_application_role_ordinary_rights(app_role):
    with connection.cursor() as c:
        c.execute("CREATE TABLE audit_test_later (id bigserial PRIMARY KEY, x int)")
    with as_role(app_role), connection.cursor() as c:
        c.execute("INSERT INTO audit_test_later (x) VALUES (1)")
        c.execute("UPDATE audit_test_later SET x = 2")
        c.execute("DELETE FROM audit_test_later")


@on_postgresql
def test_granting_twice_changes_nothing(app_role):
    assert app_role_create(app_role, connection=connection) is False
    app_role_grant(app_role, connection=connection)
    assert audit_table_rights(app_role, connection=connection)["UPDATE"] is False


@on_postgresql
def test_the_command_creates_the_role_and_reports_its_audit_rights(db):
    role = f"dangbo_cmd_{connection.settings_dict['NAME']}"[:63]
    out = StringIO()

    call_command("db_roles", role=role, password="mật-khẩu-thử", stdout=out)

    assert role_exists(role, connection=connection)
    assert f"Đã tạo vai trò «{role}»." in out.getvalue()
    assert "Quyền trên bảng nhật ký: SELECT, INSERT." in out.getvalue()
    out = StringIO()
    call_command("db_roles", role=role, stdout=out)
    assert f"Đã có vai trò «{role}»." in out.getvalue()


@on_postgresql
def test_the_command_refuses_to_grant_the_owner_itself(db):
    with connection.cursor() as c:
        c.execute("SELECT current_user")
        owner = c.fetchone()[0]
    with pytest.raises(CommandError, match="trùng với vai trò đang kết nối"):
        call_command("db_roles", role=owner)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite refusal is tested on SQLite")
def test_the_command_explains_that_sqlite_has_no_roles(db):
    with pytest.raises(CommandError, match="chỉ dùng với PostgreSQL"):
        call_command("db_roles", role="dangbo_app")


def test_schema_commands_connect_as_the_owner(monkeypatch):
    monkeypatch.delenv("DANGBO_DB_AS_OWNER", raising=False)
    connect_as_owner_for(["manage.py", "runserver"])
    assert "DANGBO_DB_AS_OWNER" not in os.environ
    connect_as_owner_for(["dangbo", "db-roles"])
    assert os.environ["DANGBO_DB_AS_OWNER"] == "1"
    monkeypatch.delenv("DANGBO_DB_AS_OWNER")
    connect_as_owner_for(["manage.py", "migrate"])
    assert os.environ["DANGBO_DB_AS_OWNER"] == "1"


@pytest.mark.parametrize(("as_owner", "user"), [("", "ung_dung"), ("1", "chu_so_huu")])
def test_settings_read_the_owner_url_only_for_owner_commands(monkeypatch, as_owner, user):
    monkeypatch.setenv("DATABASE_URL", "postgres://ung_dung:mk1@db.example:5432/dangbo")
    monkeypatch.setenv("DATABASE_OWNER_URL", "postgres://chu_so_huu:mk2@db.example:5432/dangbo")
    monkeypatch.setenv("DANGBO_DB_AS_OWNER", as_owner)

    ns = runpy.run_path(str(Path(__file__).resolve().parents[2] / "settings.py"))

    assert ns["DATABASES"]["default"]["USER"] == user
    assert (ns["DATABASE_APP_ROLE"], ns["DATABASE_APP_PASSWORD"]) == ("ung_dung", "mk1")


@on_postgresql
def test_migrate_gives_the_existing_application_role_its_grants_back(db, settings):
    role = f"dangbo_mig_{connection.settings_dict['NAME']}"[:63]
    app_role_create(role, connection=connection)
    app_role_grant(role, connection=connection)
    with connection.cursor() as c:  # a migration that rebuilt the table would lose the grants
        c.execute(f"GRANT ALL ON audit_auditentry TO {connection.ops.quote_name(role)}")
    assert audit_table_rights(role, connection=connection)["DELETE"] is True
    settings.DATABASE_APP_ROLE = role

    grants_after_migrate(apps.get_app_config("audit"), using="default")

    assert audit_table_rights(role, connection=connection)["DELETE"] is False
