"""Audit checkpoints: the head of the chain, signed under a key kept outside the database, so that
`dangbo audit verify` sees what the chain alone cannot — a log emptied (TRUNCATE), its last entries
deleted, or the chain recomputed after an edit — and a checkpoint forged to hide it.

Each attack is made as the table's owner would (the append-only trigger switched off, see
`tamper`): the application role cannot do any of it (test_db_roles.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_record, audit_verify, checkpoint_write, checkpoints_set_aside, compute_hash
from dangbo.audit.tests.conftest import ids, run_verify, tamper


def checkpoint_lines(settings) -> list[dict]:
    return [json.loads(line) for line in settings.AUDIT_CHECKPOINT_FILE.read_text(encoding="utf-8").splitlines()]


def test_a_checkpoint_records_the_head_of_the_chain(tree, settings):
    last = AuditEntry.objects.order_by("-id").first()

    cp = checkpoint_write()

    assert (cp["last_id"], cp["count"], cp["head_hash"]) == (last.pk, AuditEntry.objects.count(), last.hash)
    assert checkpoint_lines(settings) == [cp]
    key_file = settings.AUDIT_CHECKPOINT_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) == 64


def test_a_checkpoint_is_also_written_to_the_log(tree, caplog):
    with caplog.at_level(logging.INFO, logger="dangbo.audit.checkpoint"):
        cp = checkpoint_write()
    assert cp["hmac"] in caplog.text


def test_the_command_writes_a_checkpoint(tree, settings):
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    n = AuditEntry.objects.count()
    assert f"Đã ghi điểm mốc nhật ký: {n} bản ghi, bản ghi cuối #{ids()[-1]}" in out.getvalue()
    assert len(checkpoint_lines(settings)) == 1


def test_a_log_that_grew_after_its_checkpoints_is_whole(tree, system_user):
    checkpoint_write()
    audit_record(actor=system_user, action="test.after_checkpoint", summary="Sau điểm mốc thứ nhất")
    checkpoint_write()
    audit_record(actor=system_user, action="test.after_checkpoint", summary="Sau điểm mốc thứ hai")

    output, code = run_verify()

    assert code == 0, output
    assert "Đã đối chiếu 2 điểm mốc." in output
    assert "Chuỗi nhật ký toàn vẹn." in output


def test_a_checkpoint_of_an_empty_log_is_whole(db):
    checkpoint_write()
    output, code = run_verify()
    assert code == 0, output
    assert "Đã đối chiếu 1 điểm mốc." in output


def test_a_key_given_in_the_environment_signs_the_checkpoints(tree, settings):
    settings.AUDIT_CHECKPOINT_KEY = "khóa-bí-mật-ngoài-cơ-sở-dữ-liệu"
    checkpoint_write()
    assert not settings.AUDIT_CHECKPOINT_KEY_FILE.exists()
    assert audit_verify().ok
    settings.AUDIT_CHECKPOINT_KEY = "một-khóa-khác"
    assert not audit_verify().ok


def test_audit_verify_detects_truncate(tree):
    n = AuditEntry.objects.count()
    checkpoint_write()
    if connection.vendor == "postgresql":
        tamper("TRUNCATE audit_auditentry", [])
    else:  # SQLite has no TRUNCATE: an unconditional DELETE is its equivalent
        tamper("DELETE FROM audit_auditentry", [])
    assert audit_verify().first_broken_id is None  # the chain alone sees nothing: it is empty

    output, code = run_verify()

    assert code == 1
    assert f"nhật ký đã có {n} bản ghi" in output
    assert "toàn bộ nhật ký đã bị xóa (TRUNCATE)" in output
    assert "Chuỗi nhật ký toàn vẹn." not in output


def test_audit_verify_detects_truncate_even_after_new_entries(tree, system_user):
    checkpoint_write()
    tamper("DELETE FROM audit_auditentry", [])
    audit_record(actor=system_user, action="test.new_start", summary="Bắt đầu chuỗi mới")

    output, code = run_verify()

    assert code == 1
    assert "Không khớp điểm mốc" in output


def test_audit_verify_detects_tail_deletion(tree):
    entry_ids = ids()
    checkpoint_write()
    tamper("DELETE FROM audit_auditentry WHERE id >= %s", [entry_ids[-2]])
    assert audit_verify().first_broken_id is None  # what is left is a whole chain

    output, code = run_verify()

    assert code == 1
    assert f"không còn bản ghi #{entry_ids[-1]} (bản ghi cuối tại điểm mốc)" in output
    assert f"nay còn {len(entry_ids) - 2} bản ghi so với {len(entry_ids)} — các bản ghi cuối đã bị xóa" in output


def test_audit_verify_detects_tail_deletion_before_the_latest_checkpoint_only(tree, system_user):
    """Entries written after a checkpoint and deleted before the next one are the window the
    checkpoints leave open; deleted entries that a checkpoint saw are found."""
    checkpoint_write()
    audit_record(actor=system_user, action="test.between", summary="Giữa hai điểm mốc")
    checkpoint_write()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [ids()[-1]])

    report = audit_verify()

    assert len(report.checkpoint_problems) == 1
    assert "điểm mốc dòng 2" in report.checkpoint_problems[0]


def rewrite_chain_from(index: int, summary: str) -> None:
    """Edit entry `index` and recompute the hash of it and of every later entry, as an owner who
    knows the (public) hashing scheme would."""
    entries = list(AuditEntry.objects.order_by("id"))
    prev = entries[index].prev_hash
    for i, entry in enumerate(entries[index:]):
        if i == 0:
            entry.summary = summary
        entry.prev_hash = prev
        entry.hash = compute_hash(prev, entry)
        tamper(
            "UPDATE audit_auditentry SET summary = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [entry.summary, entry.prev_hash, entry.hash, entry.pk],
        )
        prev = entry.hash


def test_audit_verify_detects_rewritten_chain(tree):
    checkpoint_write()
    last_id = ids()[-1]
    rewrite_chain_from(2, "Thành lập một tổ chức khác")
    assert audit_verify().first_broken_id is None  # the recomputed chain is whole in itself

    output, code = run_verify()

    assert code == 1
    assert f"băm của bản ghi #{last_id} khác với điểm mốc — chuỗi đã bị sửa rồi tính lại" in output


def test_audit_verify_detects_forged_checkpoint(tree, settings):
    """Someone who cut the log short edits the checkpoint to match; without the key the
    signature no longer matches."""
    checkpoint_write()
    entry_ids = ids()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entry_ids[-1]])
    head = AuditEntry.objects.get(pk=entry_ids[-2])
    [cp] = checkpoint_lines(settings)
    cp.update(last_id=head.pk, count=len(entry_ids) - 1, head_hash=head.hash)
    settings.AUDIT_CHECKPOINT_FILE.write_text(json.dumps(cp) + "\n", encoding="utf-8")

    output, code = run_verify()

    assert code == 1
    assert "điểm mốc dòng 1" in output
    assert "chữ ký HMAC không khớp — điểm mốc bị giả mạo hoặc bị sửa" in output


def test_a_checkpoint_signed_with_another_key_is_forged(tree, settings):
    checkpoint_write()
    [cp] = checkpoint_lines(settings)
    body = json.dumps(
        {k: v for k, v in cp.items() if k != "hmac"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    cp["hmac"] = hmac.new(b"khoa-cua-ke-gian", body, hashlib.sha256).hexdigest()
    settings.AUDIT_CHECKPOINT_FILE.write_text(json.dumps(cp) + "\n", encoding="utf-8")

    report = audit_verify()

    assert not report.ok
    assert "chữ ký HMAC không khớp" in report.checkpoint_problems[0]


def test_an_unreadable_checkpoint_line_is_reported(tree, settings):
    checkpoint_write()
    with open(settings.AUDIT_CHECKPOINT_FILE, "a", encoding="utf-8") as f:
        f.write("{không phải JSON\n")
    output, code = run_verify()
    assert code == 1
    assert "điểm mốc dòng 2: không đọc được" in output


def test_setting_the_checkpoints_aside_starts_afresh(tree, settings):
    checkpoint_write()
    tamper("DELETE FROM audit_auditentry", [])

    aside = checkpoints_set_aside("demo")

    assert aside is not None
    assert aside.exists()
    assert not settings.AUDIT_CHECKPOINT_FILE.exists()
    assert audit_verify().ok


@pytest.mark.parametrize("attack", ["truncate", "tail"])
def test_the_chain_alone_passes_these_attacks_without_checkpoints(tree, attack):
    """Why the checkpoints exist: without one, the same attacks leave a whole-looking chain."""
    tamper(
        "DELETE FROM audit_auditentry" if attack == "truncate" else "DELETE FROM audit_auditentry WHERE id = %s",
        [] if attack == "truncate" else [ids()[-1]],
    )
    assert audit_verify().ok
