"""Login, failed login and logout are written to the audit log (who, when, from where)."""

from __future__ import annotations

from dangbo.access.tests.conftest import login
from dangbo.audit.models import AuditEntry


def test_a_login_is_written_to_the_audit_log_with_the_address(client, leader):
    login(client, "lanh_dao", ip="10.1.2.3")
    entry = AuditEntry.objects.filter(action="auth.login").get()
    assert entry.actor == leader
    assert entry.ip == "10.1.2.3"


def test_a_failed_login_is_written_with_the_attempted_username(client, leader):
    login(client, "lanh_dao", "sai-mat-khau", ip="10.1.2.4")
    entry = AuditEntry.objects.filter(action="auth.login_failed").get()
    assert entry.actor is None
    assert entry.actor_label == "lanh_dao"
    assert entry.ip == "10.1.2.4"
    assert "sai-mat-khau" not in entry.summary + str(entry.after)


def test_a_refused_login_during_lockout_is_logged_as_locked(client, leader):
    for _ in range(6):
        login(client, "lanh_dao", "sai-mat-khau")
    last = AuditEntry.objects.filter(action="auth.login_failed").last()
    assert last.after["locked"] is True


def test_a_logout_is_written_to_the_audit_log(client, leader):
    login(client, "lanh_dao")
    client.post("/dang-xuat/")
    assert AuditEntry.objects.filter(action="auth.logout", actor=leader).count() == 1


def test_the_test_clients_force_login_is_not_audited(client, leader):
    client.force_login(leader)
    assert not AuditEntry.objects.filter(action="auth.login").exists()
