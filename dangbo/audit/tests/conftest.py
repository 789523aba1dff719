"""Fixtures of the audit tests: a member of cell A1, and a user holding that member's profile."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.members.services import ProfileInput, member_admit

START = date(2015, 1, 1)


def admit(actor, cell, name: str):
    return member_admit(
        actor=actor,
        profile=ProfileInput(full_name=name, birth_year=1985, sex="M", general_education="gdpt_thpt"),
        cell=cell,
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        decision_number="12-QĐ/ĐU",
    )


@pytest.fixture
def member_a1(tree, system_user):
    return admit(system_user, tree["cell_a1"], "Nguyễn Văn Thử")


@pytest.fixture
def member_b1(tree, system_user):
    return admit(system_user, tree["cell_b1"], "Trần Thị Mẫu")


@pytest.fixture
def member_user(django_user_model, member_a1):
    """The account of member_a1 him/herself (role "member", no organization)."""
    user = django_user_model.objects.create_user(
        "dangvien_a1", password="Kiemthu@2026x", first_name="Thử", last_name="Nguyễn Văn"
    )
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=member_a1, valid_from=START)
    return user


def tamper(sql: str, params: list) -> None:
    """Change the audit table behind the application's back, as someone with database access
    would: switch the append-only trigger off, run `sql`, switch it back on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses to run while deferred FK checks of this (test) transaction are
            # pending: fire them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute(sql, params)
            cursor.execute(
                "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
                "BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only'); END;"
            )


def run_verify() -> tuple[str, int]:
    """`dangbo audit verify`: (its output, its exit code)."""
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return out.getvalue() + str(exc), exc.returncode
    return out.getvalue(), 0


def ids() -> list[int]:
    return list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
