"""`dangbo backup` / `dangbo restore`: an archive made from a live database restores into a fresh one
(PostgreSQL: a database of its own, dropped after; SQLite: a new file) where `audit verify` and
`check-data` find nothing wrong. The restore runs in a separate process pointed at the fresh
database, as an operator would run it.

Only that test commits its data (the dump tools read committed rows); the others look at the
archive or at refusals, which need no committed data, and stay in a rolled-back transaction."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from dangbo.audit.models import AuditEntry
from dangbo.audit.services import checkpoint_write
from dangbo.members.services import ProfileInput, member_admit
from dangbo.ops.backup import backup_create

BASE_DIR = Path(django_settings.BASE_DIR)

RESTORE_AND_CHECK = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
django.setup()
from django.core.management import call_command
from dangbo.audit.models import AuditEntry
call_command("restore", sys.argv[1])
print("ENTRIES", AuditEntry.objects.count())
call_command("audit", "verify")
call_command("check_data", "--strict")
"""


@pytest.fixture
def data(tree, system_user, settings, tmp_path):
    """Organizations, a member admitted a month ago (nothing overdue), an uploaded file, a checkpoint."""
    today = timezone.localdate()
    member_admit(
        actor=system_user,
        cell=tree["cell_a1"],
        decided_on=today - timedelta(days=40),
        ceremony_on=today - timedelta(days=30),
        decision_number="15-QĐ/ĐU",
        profile=ProfileInput(full_name="Lê Thị Sao Lưu", birth_year=1990, sex="F", general_education="gdpt_thpt"),
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = settings.MEDIA_ROOT / "tai-lieu" / "biên-bản.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 bien ban hop chi bo")
    checkpoint_write()
    return upload


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of this test's own (dropped after on PostgreSQL)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_restore"[:63]
    with connection.cursor() as c:
        c.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    try:
        yield f"postgres://{auth}@{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{name}"
    finally:
        with connection.cursor() as c:
            c.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_where_audit_and_data_check_clean(
    data, settings, tmp_path, fresh_database
):
    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    archive = Path(out.getvalue().split("Tệp sao lưu: ")[1].splitlines()[0])
    n = AuditEntry.objects.count()
    restored_media = tmp_path / "restored-media"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_OWNER_URL", "DANGBO_DB_AS_OWNER"}}
    env.update(
        DATABASE_URL=fresh_database,
        MEDIA_ROOT=str(restored_media),
        AUDIT_CHECKPOINT_FILE=str(tmp_path / "restored-checkpoints.jsonl"),
        AUDIT_CHECKPOINT_KEY_FILE=str(settings.AUDIT_CHECKPOINT_KEY_FILE),  # the key is kept apart, same server
    )

    done = subprocess.run(
        [sys.executable, "-c", RESTORE_AND_CHECK, str(archive)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã khôi phục bản sao lưu lúc" in done.stdout
    assert f"ENTRIES {n}" in done.stdout
    assert f"Đã kiểm tra {n} bản ghi nhật ký." in done.stdout
    assert "Đã đối chiếu 1 điểm mốc." in done.stdout
    assert "Chuỗi nhật ký toàn vẹn." in done.stdout
    assert "Tổng cộng: 0 vấn đề. Dữ liệu nhất quán." in done.stdout
    assert (restored_media / "tai-lieu" / "biên-bản.pdf").read_bytes() == data.read_bytes()


def test_the_manifest_names_versions_and_the_sha256_of_every_part(data, tmp_path):
    result = backup_create(directory=tmp_path / "backups")

    with tarfile.open(result.path) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest == result.manifest
    assert {p["path"] for p in manifest["parts"]} | {"manifest.json"} == names
    assert {"media/tai-lieu/biên-bản.pdf", "audit-checkpoints.jsonl"} <= names
    assert all(len(p["sha256"]) == 64 for p in manifest["parts"])
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["audit"].startswith("000")
    assert manifest["audit"]["entries"] == AuditEntry.objects.count()
    assert set(manifest["versions"]) == {"dangbo", "django", "python"}


def test_restore_refuses_a_database_that_has_tables(data, tmp_path):
    result = backup_create(directory=tmp_path / "backups")
    with pytest.raises(CommandError, match="Cơ sở dữ liệu đích đã có .* bảng: chỉ khôi phục vào cơ sở dữ liệu trống"):
        call_command("restore", str(result.path))
    assert AuditEntry.objects.exists()


def test_restore_refuses_an_archive_whose_part_was_changed(data, tmp_path):
    result = backup_create(directory=tmp_path / "backups")
    changed = tmp_path / "changed.tar"
    with tarfile.open(result.path) as src, tarfile.open(changed, "w") as dst:
        for member in src.getmembers():
            body = src.extractfile(member).read()
            if member.name == "audit-checkpoints.jsonl":
                body = body.replace(b'"count": ', b'"count": 1')
                member.size = len(body)
            dst.addfile(member, io.BytesIO(body))
    with pytest.raises(
        CommandError, match="«audit-checkpoints.jsonl» của tệp sao lưu bị thiếu hoặc sai mã băm SHA-256"
    ):
        call_command("restore", str(changed), "--force")
    assert AuditEntry.objects.exists()
