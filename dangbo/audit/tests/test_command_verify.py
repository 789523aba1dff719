"""`dangbo audit verify` (manage.py audit verify): the hash chain names the first entry that was
changed or whose predecessor was deleted behind the application's back."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_verify
from dangbo.audit.tests.conftest import ids, run_verify, tamper


def test_an_untouched_chain_is_reported_whole(tree):
    n = AuditEntry.objects.count()
    assert n == len(tree) + 1  # one per organization established, plus the fixture account's role

    output, code = run_verify()

    assert code == 0
    assert f"Đã kiểm tra {n} bản ghi nhật ký." in output
    assert "Chuỗi nhật ký toàn vẹn." in output


def test_an_empty_log_is_whole(db):
    output, code = run_verify()
    assert code == 0
    assert "Đã kiểm tra 0 bản ghi nhật ký." in output


def test_it_names_the_entry_whose_content_was_changed_with_raw_sql(tree):
    target = ids()[2]
    tamper("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["Thành lập tổ chức khác", target])

    output, code = run_verify()

    assert code == 1
    assert f"Bản ghi bị phá vỡ đầu tiên: #{target} — nội dung bản ghi đã bị sửa." in output
    assert "toàn vẹn." not in output
    assert audit_verify().first_broken_id == target


def test_it_names_the_first_changed_entry_when_several_were_changed(tree):
    first, second = ids()[1], ids()[4]
    tamper("UPDATE audit_auditentry SET org_id = NULL WHERE id IN (%s, %s)", [first, second])

    output, code = run_verify()

    assert code == 1
    assert f"#{first} —" in output
    assert f"#{second}" not in output


def test_it_names_the_next_entry_when_the_tamperer_also_recomputes_the_hash(tree):
    from dangbo.audit.services import compute_hash

    entry_ids = ids()
    target = AuditEntry.objects.get(pk=entry_ids[3])
    target.summary = "Nội dung đã bị thay"
    forged = compute_hash(target.prev_hash, target)
    tamper("UPDATE audit_auditentry SET summary = %s, hash = %s WHERE id = %s", [target.summary, forged, target.pk])

    output, code = run_verify()

    assert code == 1
    assert f"#{entry_ids[4]} — liên kết với bản ghi trước bị sai" in output


def test_it_names_the_entry_after_a_deleted_middle_entry(tree):
    entry_ids = ids()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entry_ids[3]])

    output, code = run_verify()

    assert code == 1
    assert f"Bản ghi bị phá vỡ đầu tiên: #{entry_ids[4]} — liên kết với bản ghi trước bị sai" in output
    assert f"Đã kiểm tra {4} bản ghi nhật ký." in output


def test_the_command_requires_a_subcommand(db):
    with pytest.raises(CommandError):
        call_command("audit")
