"""The PostgreSQL role the application connects as: ordinary DML on every table, but only
INSERT and SELECT on the audit log, so neither the application nor whoever takes over its
connection can UPDATE, DELETE or TRUNCATE audit entries (the append-only trigger of migration
0002 only stops roles that cannot ALTER the table; the owner can, the application role cannot).

The owner (DATABASE_OWNER_URL) runs the migrations and this module; the application connects
with DATABASE_URL as `settings.DATABASE_APP_ROLE`. `app_role_grant()` is idempotent: `dangbo
db-roles` runs it (creating the role if needed) and every `migrate` as the owner re-applies the
grants (post_migrate), so a table a migration rebuilds gets them back. Default privileges give the
role ordinary DML on tables the owner creates later; the audit table's UPDATE/DELETE/TRUNCATE are
revoked by name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection as default_connection
from django.db import connections

AUDIT_TABLE = "audit_auditentry"
APP_TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
AUDIT_TABLE_RIGHTS = "SELECT, INSERT"


def _q(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def role_exists(role: str, *, connection=default_connection) -> bool:
    with connection.cursor() as c:
        c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return c.fetchone() is not None


def current_role(*, connection=default_connection) -> str:
    with connection.cursor() as c:
        c.execute("SELECT current_user")
        return c.fetchone()[0]


def _literal(connection, value: str) -> str:
    """A string literal for utility statements (CREATE ROLE ... PASSWORD takes no parameters)."""
    with connection.cursor() as c:
        c.execute("SELECT quote_literal(%s)", [value])
        return c.fetchone()[0]


def app_role_create(role: str, *, password: str | None = None, connection=default_connection) -> bool:
    """Create the login role if it does not exist (safe when several processes do it at once);
    set its password when one is given. Returns whether the role was created."""
    created = not role_exists(role, connection=connection)
    q = _q(connection, role)
    with connection.cursor() as c:
        if created:
            c.execute(
                f"DO $$ BEGIN CREATE ROLE {q} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
        if password:
            c.execute(f"ALTER ROLE {q} PASSWORD {_literal(connection, password)}")
    return created


def app_role_grant(role: str, *, connection=default_connection) -> list[str]:
    """Grant `role` what the application needs, as the connected owner; idempotent. Returns the
    statements run (for the command's report)."""
    q = _q(connection, role)
    with connection.cursor() as c:
        c.execute("SELECT current_database(), current_schema()")
        database, schema = c.fetchone()
        db, sch = _q(connection, database), _q(connection, schema)
        statements = [
            f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {q}",
            f"GRANT USAGE ON SCHEMA {sch} TO {q}",
            f"GRANT {APP_TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {sch} TO {q}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {q}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} GRANT {APP_TABLE_RIGHTS} ON TABLES TO {q}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} GRANT USAGE, SELECT ON SEQUENCES TO {q}",
            # The audit log: append and read only, whatever was granted before.
            f"REVOKE ALL ON {AUDIT_TABLE} FROM {q}",
            f"GRANT {AUDIT_TABLE_RIGHTS} ON {AUDIT_TABLE} TO {q}",
        ]
        for sql in statements:
            c.execute(sql)
    return statements


def audit_table_rights(role: str, *, connection=default_connection) -> dict[str, bool]:
    """Which rights `role` holds on the audit table (for the command's report and tests)."""
    rights = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
    with connection.cursor() as c:
        c.execute(
            "SELECT " + ", ".join("has_table_privilege(%s, %s, %s)" for _ in rights),
            [x for r in rights for x in (role, AUDIT_TABLE, r)],
        )
        return dict(zip(rights, c.fetchone(), strict=True))


def grants_after_migrate(sender=None, *, using: str = "default", **kwargs) -> None:
    """post_migrate: re-apply the application role's grants when migrating as the owner of a
    PostgreSQL database whose application role exists (DATABASE_OWNER_URL set)."""
    role = getattr(settings, "DATABASE_APP_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql" or sender is None or sender.label != "audit":
        return
    if role == current_role(connection=connection) or not role_exists(role, connection=connection):
        return
    app_role_grant(role, connection=connection)
