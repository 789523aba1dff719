"""Backup and restore: the database, the uploaded files and the audit checkpoints in one archive.

An archive (`dangbo-backup-<time>.tar`, gzip-compressed for SQLite) holds:

- `manifest.json`: format, time, versions (application, Django, Python, database server and dump
  tool), the last migration of each app, the head of the audit chain, and the sha256 and size of
  every other member of the archive;
- `database.dump` (PostgreSQL: `pg_dump --format=custom`, the client tools on PATH) or
  `database.sqlite3` (SQLite: the online backup API, consistent while the application writes);
- `media/…`: MEDIA_ROOT (uploaded documents);
- `audit-checkpoints.jsonl`: AUDIT_CHECKPOINT_FILE. The checkpoint key is *not* in the archive
  (it must stay apart from what it signs): keep AUDIT_CHECKPOINT_KEY(_FILE) in its own backup.

`backup_restore` checks every sha256 first, then restores into an empty database only (a database
with tables is refused unless `force`), copies the files back and puts the archive's checkpoints
in place of the current ones (which are set aside), so `dangbo audit verify` checks the restored
log against them.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from dangbo.audit.db_roles import app_role_grant, role_exists
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import checkpoints_set_aside
from dangbo.core.errors import DomainError, not_found

FORMAT = "dangbo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media"
CHECKPOINTS = "audit-checkpoints.jsonl"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    media_files: int
    checkpoints: bool
    checkpoints_set_aside: Path | None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _pg_env() -> dict[str, str]:
    """libpq's environment for the client tools: the connection Django uses."""
    s = connection.settings_dict
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
        ("PGSSLMODE", (s.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[var] = str(value)
    return env


def _run(args: list[str], what: str) -> str:
    try:
        done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise DomainError(not_found(f"công cụ {args[0]} của PostgreSQL (cần có trên PATH) để {what}.")) from exc
    if done.returncode != 0:
        raise DomainError(f"{args[0]} thất bại khi {what}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def _database_info() -> dict[str, Any]:
    info: dict[str, Any] = {"vendor": connection.vendor}
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SHOW server_version")
            info["server_version"] = c.fetchone()[0]
        info["dump_tool"] = _run(["pg_dump", "--version"], "đọc phiên bản").strip()
    else:
        info["server_version"] = sqlite3.sqlite_version
    return info


def _migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        last[app] = name
    return last


def _sqlite_copy(source, target) -> None:
    """Copy the SQLite database file `source` onto `target` with SQLite's online backup API."""
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _dump_database(target_dir: Path) -> Path:
    if connection.vendor == "postgresql":
        out = target_dir / PG_DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}"], "sao lưu cơ sở dữ liệu")
        return out
    if connection.vendor == "sqlite":
        out = target_dir / SQLITE_DUMP
        _sqlite_copy(connection.settings_dict["NAME"], out)
        return out
    raise DomainError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")


def backup_create(*, directory: Path | str) -> BackupResult:
    """Write one archive into `directory` (created if needed); returns its path and manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work_dir:
        work = Path(work_dir)
        db_file = _dump_database(work)
        files: list[tuple[str, Path]] = [(db_file.name, db_file)]
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir():
            for p in sorted(media_root.rglob("*")):
                if p.is_file() and not p.is_symlink():
                    files.append((f"{MEDIA}/{p.relative_to(media_root).as_posix()}", p))
        checkpoints = Path(settings.AUDIT_CHECKPOINT_FILE)
        if checkpoints.is_file():
            copy = work / CHECKPOINTS  # a copy: the file may grow while the archive is written
            shutil.copyfile(checkpoints, copy)
            files.append((CHECKPOINTS, copy))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "versions": {
                "dangbo": _app_version(),
                "django": django.get_version(),
                "python": platform.python_version(),
            },
            "database": _database_info(),
            "migrations": _migrations(),
            "audit": {
                "entries": AuditEntry.objects.count(),
                "last_id": head[0] if head else None,
                "head_hash": head[1] if head else None,
            },
            "parts": [{"path": name, "sha256": _sha256(path), "bytes": path.stat().st_size} for name, path in files],
        }
        manifest_path = work / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        compressed = connection.vendor == "sqlite"  # a custom-format dump is compressed already
        final = directory / f"dangbo-backup-{now:%Y%m%dT%H%M%SZ}.tar{'.gz' if compressed else ''}"
        partial = final.with_name(final.name + ".part")
        with tarfile.open(partial, "w:gz" if compressed else "w") as tar:
            tar.add(manifest_path, arcname=MANIFEST)
            for name, path in files:
                tar.add(path, arcname=name)
        os.chmod(partial, 0o600)  # personal data
        partial.replace(final)
    return BackupResult(final, manifest)


def _app_version() -> str:
    try:
        return metadata.version("dangbo")
    except metadata.PackageNotFoundError:
        return "unknown"


def _tables_in_database() -> int:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        else:
            c.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return c.fetchone()[0]


def _extract(archive: Path, into: Path) -> dict[str, Any]:
    """Unpack the archive (members as data only: no links, no paths outside) and check it."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise DomainError(f"Không đọc được tệp sao lưu {archive}: {exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DomainError("Tệp sao lưu không có bản kê (manifest.json) hợp lệ.") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise DomainError("Tệp sao lưu không đúng định dạng của Đảng bộ số (hoặc phiên bản định dạng khác).")
    for part in manifest.get("parts", []):
        path = into / part["path"]
        if not path.is_file() or _sha256(path) != part["sha256"]:
            raise DomainError(
                f"Phần «{part['path']}» của tệp sao lưu bị thiếu hoặc sai mã băm SHA-256; không khôi phục gì."
            )
    return manifest


def backup_restore(*, archive: Path | str, force: bool = False) -> RestoreResult:
    """Restore an archive of `backup_create` into the database Django connects to (empty unless
    `force`), MEDIA_ROOT and AUDIT_CHECKPOINT_FILE. Checks everything before changing anything."""
    archive = Path(archive)
    with tempfile.TemporaryDirectory(prefix="dangbo-restore-") as work_dir:
        work = Path(work_dir)
        manifest = _extract(archive, work)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise DomainError(
                f"Bản sao lưu là của cơ sở dữ liệu {vendor}, còn cơ sở dữ liệu hiện tại là {connection.vendor}."
            )
        tables = _tables_in_database()
        if tables and not force:
            raise DomainError(
                f"Cơ sở dữ liệu đích đã có {tables} bảng: chỉ khôi phục vào cơ sở dữ liệu trống "
                "(dùng --force để xóa dữ liệu hiện có và ghi đè)."
            )
        if vendor == "postgresql":
            args = [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
            ]
            if tables:
                args += ["--clean", "--if-exists"]
            connection.close()
            _run([*args, str(work / PG_DUMP)], "khôi phục cơ sở dữ liệu")
            role = getattr(settings, "DATABASE_APP_ROLE", "")
            if role and role_exists(role):
                app_role_grant(role)
        else:
            connection.close()
            _sqlite_copy(work / SQLITE_DUMP, connection.settings_dict["NAME"])
        media_files = 0
        media_dir = work / MEDIA
        if media_dir.is_dir():
            media_root = Path(settings.MEDIA_ROOT)
            for p in sorted(media_dir.rglob("*")):
                if p.is_file():
                    dest = media_root / p.relative_to(media_dir)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(p, dest)
                    media_files += 1
        aside = checkpoints_set_aside("before-restore")
        has_checkpoints = (work / CHECKPOINTS).is_file()
        if has_checkpoints:
            target = Path(settings.AUDIT_CHECKPOINT_FILE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / CHECKPOINTS, target)
    return RestoreResult(manifest, media_files, has_checkpoints, aside)
