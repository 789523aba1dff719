"""Appending to the audit log and verifying its hash chain."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from dangbo.audit.context import current
from dangbo.audit.models import AuditEntry, PendingRead
from dangbo.core import stamps
from dangbo.core.errors import DomainError
from dangbo.core.numbers import vn_int
from dangbo.core.text import nfc

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_215_001  # advisory lock that serializes appends to the chain
checkpoint_log = logging.getLogger("dangbo.audit.checkpoint")


def _canonical(entry: AuditEntry) -> str:
    payload = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "org_id": entry.org_id,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
    }
    # Added with migration 0003: only in the payload when set, so older entries keep their hash.
    if entry.subject_member_id is not None:
        payload["subject_member_id"] = entry.subject_member_id
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + _canonical(entry)).encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _subject_of(obj: Any) -> int | None:
    """The party member an object is about: a member itself, or a members-app row with a
    `member_id` (lifecycle event...). By label, so the audit app imports no member model."""
    if obj is None or not hasattr(obj, "_meta"):
        return None
    if obj._meta.label_lower == "members.member":
        return obj.pk
    if obj._meta.app_label == "members":
        return getattr(obj, "member_id", None)
    return None


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    org_id: int | None = None,
    summary: str = "",
    before: Any = None,
    after: Any = None,
    subject_member_id: int | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one, in the caller's transaction.

    `subject_member_id` names the party member the entry is about; when omitted it is taken
    from `obj` (a `members.Member`, or a members-app row with `member_id` such as a
    `MemberEvent`), so member trails need nothing from callers that pass `obj`."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    if subject_member_id is None:
        subject_member_id = _subject_of(obj)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        at=timezone.now(),
        actor=user,
        actor_label=(user.get_username() if user else str(actor or "hệ thống"))[:150],
        ip=current.get().ip,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        org_id=org_id,
        subject_member_id=subject_member_id,
        summary=summary[:500],
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=last or GENESIS,
    )
    entry.hash = compute_hash(entry.prev_hash, entry)
    entry.save()
    return entry


def audit_read(
    *,
    actor,
    obj: Any,
    org_id: int | None,
    what: str = "member_profile",
    summary: str = "",
    subject_member_id: int | None = None,
) -> AuditEntry:
    """Log that `actor` read a sensitive record (R-165): action "read.<what>".

    Call it from the page that shows the record, after the scope check, e.g. the member
    profile: `audit_read(actor=request.user, obj=member, org_id=member.current_org_id)`.
    The member is taken from `obj` (see `audit_record`) unless `subject_member_id` is given."""
    if not summary:
        name = getattr(obj, "full_name", None) or str(obj)
        summary = f"Xem hồ sơ đảng viên {name}" if what == "member_profile" else f"Xem {what}: {name}"
    if getattr(settings, "AUDIT_READS_STAGED", False):
        # Without the chain's lock: concurrent reads do not serialize. The entry joins the chain
        # when the pending reads are drained (drain_reads), with the time of the read.
        user = actor if getattr(actor, "is_authenticated", False) else None
        with stamps.unstamped_write():  # a read's log: the request's stamps and memo stay valid
            return PendingRead.objects.create(
                at=timezone.now(),
                actor=user,
                actor_label=(user.get_username() if user else str(actor or "hệ thống"))[:150],
                ip=current.get().ip,
                action=f"read.{what}",
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(getattr(obj, "pk", "") or "")[:40],
                org_id=org_id,
                subject_member_id=subject_member_id if subject_member_id is not None else _subject_of(obj),
                summary=summary[:500],
            )
    with stamps.unstamped_write():  # chained at once: audit_auditentry carries no stamp trigger either
        return audit_record(
            actor=actor,
            action=f"read.{what}",
            obj=obj,
            org_id=org_id,
            summary=summary,
            subject_member_id=subject_member_id,
        )


DRAIN_BATCH = 5_000


def drain_reads(*, batch: int = DRAIN_BATCH) -> int:
    """Move the pending reads into the hash chain, oldest first, in batches (one transaction and
    one take of the chain's lock per batch); returns how many were appended. Safe to run from
    several processes at once: the lock serializes them and a read is moved exactly once.

    The audit tables carry no stamp trigger and feed no request memo, so the drain runs inside
    `stamps.unstamped_write()`: a page that drains before it lists the log keeps its stamp
    snapshot, and the navbar's count does not read the stamps a second time."""
    with stamps.unstamped_write():
        return _drain_reads(batch)


def _drain_reads(batch: int) -> int:
    moved = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
            pending = list(PendingRead.objects.order_by("id")[:batch])
            if not pending:
                return moved
            prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
            entries = []
            for read in pending:
                entry = AuditEntry(
                    at=read.at,
                    actor_id=read.actor_id,
                    actor_label=read.actor_label,
                    ip=read.ip,
                    action=read.action,
                    object_type=read.object_type,
                    object_id=read.object_id,
                    org_id=read.org_id,
                    subject_member_id=read.subject_member_id,
                    summary=read.summary,
                    before=None,
                    after=None,
                    prev_hash=prev,
                )
                entry.hash = compute_hash(prev, entry)
                prev = entry.hash
                entries.append(entry)
            AuditEntry.objects.bulk_create(entries)
            PendingRead.objects.filter(pk__in=[r.pk for r in pending]).delete()
            moved += len(pending)
            if len(pending) < batch:
                return moved


def audit_export(
    *,
    actor,
    what: str,
    purpose: str,
    org_id: int | None = None,
    obj: Any = None,
    rows: int | None = None,
    filters: dict[str, Any] | None = None,
    summary: str = "",
    subject_member_id: int | None = None,
) -> AuditEntry:
    """Log an export (R-165: who, when, which records, purpose): action "export.<what>".

    `purpose` is required (DomainError on field "purpose" otherwise); `rows` and `filters`
    describe what was exported and are stored in the entry's `after` payload."""
    purpose = nfc(purpose or "").strip()
    if not purpose:
        raise DomainError("Phải nêu mục đích xuất dữ liệu.", field="purpose")
    after: dict[str, Any] = {"purpose": purpose}
    if rows is not None:
        after["rows"] = rows
    if filters:
        after["filters"] = filters
    if not summary:
        summary = f"Xuất {what}" + (f" ({vn_int(rows)} dòng)" if rows is not None else "") + f" — mục đích: {purpose}"
    return audit_record(
        actor=actor,
        action=f"export.{what}",
        obj=obj,
        org_id=org_id,
        summary=summary,
        after=after,
        subject_member_id=subject_member_id,
    )


# --- Checkpoints: the chain anchored outside the table ----------------------------------------
#
# The hash chain shows an edited or deleted entry in the middle, but not a log cut short (TRUNCATE,
# the last rows deleted) nor a chain recomputed after an edit by whoever can write the table. A
# checkpoint records (last id, count, head hash, time) signed with HMAC-SHA256 under a key kept
# outside the database (AUDIT_CHECKPOINT_KEY or the file AUDIT_CHECKPOINT_KEY_FILE), appended to
# AUDIT_CHECKPOINT_FILE (JSON lines) and to the log. `audit_verify` checks the table against every
# checkpoint: changes after the last checkpoint are only covered by the chain itself.

CHECKPOINT_VERSION = 1


def _checkpoint_key(*, create: bool) -> bytes | None:
    """The HMAC key: AUDIT_CHECKPOINT_KEY, else the key file (created 0600 on first write)."""
    if settings.AUDIT_CHECKPOINT_KEY:
        return settings.AUDIT_CHECKPOINT_KEY.encode("utf-8")
    path = Path(settings.AUDIT_CHECKPOINT_KEY_FILE)
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it meanwhile
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(secrets.token_hex(32) + "\n")
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise DomainError(f"Tệp khóa điểm mốc nhật ký {path} rỗng.", field="AUDIT_CHECKPOINT_KEY_FILE")
    return key.encode("utf-8")


def _signed_part(record: dict[str, Any]) -> bytes:
    body = {k: v for k, v in record.items() if k != "hmac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sign(key: bytes, record: dict[str, Any]) -> str:
    return hmac.new(key, _signed_part(record), hashlib.sha256).hexdigest()


def _database_label() -> str:
    name = connection.settings_dict.get("NAME", "")
    return f"{connection.vendor}:{Path(str(name)).name if connection.vendor == 'sqlite' else name}"


def checkpoint_write() -> dict[str, Any]:
    """Anchor the chain as it stands: append one signed checkpoint to AUDIT_CHECKPOINT_FILE and
    to the log (logger "dangbo.audit.checkpoint"). Safe to call from a periodic task; returns the
    checkpoint written. Appends wait for it (same lock), so count, last id and head agree."""
    key = _checkpoint_key(create=True)
    drain_reads()  # the reads waiting to join the chain are part of what the checkpoint anchors
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        last_id, head_hash = head if head else (None, GENESIS)
        count = AuditEntry.objects.filter(id__lte=last_id).count() if head else 0
    record: dict[str, Any] = {
        "v": CHECKPOINT_VERSION,
        "at": timezone.now().isoformat(),
        "database": _database_label(),
        "last_id": last_id,
        "count": count,
        "head_hash": head_hash,
    }
    record["hmac"] = _sign(key, record)
    line = json.dumps(record, sort_keys=True, ensure_ascii=False)
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())
    checkpoint_log.info("audit checkpoint %s", line)
    return record


def checkpoints_set_aside(reason: str) -> Path | None:
    """Move the checkpoint file aside (renamed `<file>.<time>.<reason>`) after the owner has
    legitimately emptied or replaced the log (demo rebuild, restore). Returns the new path."""
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.{timezone.now():%Y%m%dT%H%M%S%f}.{reason}")
    path.rename(aside)
    return aside


@dataclass(frozen=True)
class Checkpoint:
    line: int
    record: dict[str, Any]

    @property
    def label(self) -> str:
        """ "điểm mốc dòng 3 (06/12/2026 09:30)" in local time."""
        try:
            at = timezone.localtime(datetime.fromisoformat(str(self.record.get("at"))))
            return f"điểm mốc dòng {self.line} ({at:%d/%m/%Y %H:%M:%S})"
        except (TypeError, ValueError):
            return f"điểm mốc dòng {self.line}"


def checkpoints_read() -> list[Checkpoint | str]:
    """The checkpoints of AUDIT_CHECKPOINT_FILE in order; an unreadable line is a message."""
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    out: list[Checkpoint | str] = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                if not isinstance(record, dict):
                    raise ValueError
            except ValueError:
                out.append(f"điểm mốc dòng {n}: không đọc được (tệp điểm mốc đã bị sửa)")
                continue
            out.append(Checkpoint(n, record))
    return out


@dataclass(frozen=True)
class ChainReport:
    checked: int  # entries verified before the first broken one (all of them when whole)
    first_broken_id: int | None
    reason: str = ""
    checkpoints: int = 0  # checkpoints compared with the table
    checkpoint_problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None and not self.checkpoint_problems


def _checkpoint_problem(
    cp: Checkpoint, key: bytes | None, total: int, max_id: int | None, seen: dict[int, tuple[int, str]]
) -> str | None:
    """What is wrong between the table and one checkpoint (None: they agree)."""
    r = cp.record
    if key is None:
        return f"{cp.label}: không có khóa điểm mốc để kiểm tra chữ ký (AUDIT_CHECKPOINT_KEY_FILE)"
    if not isinstance(r.get("hmac"), str) or not hmac.compare_digest(_sign(key, r), r["hmac"]):
        return f"{cp.label}: chữ ký HMAC không khớp — điểm mốc bị giả mạo hoặc bị sửa"
    last_id, count, head = r.get("last_id"), r.get("count"), r.get("head_hash")
    if not isinstance(count, int) or count == 0 or last_id is None:
        return None  # the log was empty then: nothing to anchor
    if total == 0:
        return (
            f"{cp.label}: nhật ký đã có {vn_int(count)} bản ghi (đến #{last_id}) nhưng nay trống — "
            "toàn bộ nhật ký đã bị xóa (TRUNCATE)"
        )
    if last_id not in seen:
        if max_id is None or max_id < last_id or total < count:
            return (
                f"{cp.label}: không còn bản ghi #{last_id} (bản ghi cuối tại điểm mốc), nay còn "
                f"{vn_int(total)} bản ghi so với {vn_int(count)} — các bản ghi cuối đã bị xóa"
            )
        return f"{cp.label}: không còn bản ghi #{last_id} (bản ghi cuối tại điểm mốc) — bản ghi đã bị xóa"
    position, actual = seen[last_id]
    if actual != head:
        return (
            f"{cp.label}: băm của bản ghi #{last_id} khác với điểm mốc — chuỗi đã bị sửa rồi tính lại từ bản ghi bị sửa"
        )
    if position != count:
        return (
            f"{cp.label}: đến bản ghi #{last_id} nay có {vn_int(position)} bản ghi, điểm mốc ghi "
            f"{vn_int(count)} — có bản ghi bị xóa hoặc chèn"
        )
    return None


def audit_verify() -> ChainReport:
    """Walk the whole chain in id order and name the first entry whose hash or link is wrong;
    then compare the table with every checkpoint of AUDIT_CHECKPOINT_FILE (signature, count,
    last id and its hash), which shows truncation, deleted last entries and a recomputed chain."""
    loaded = checkpoints_read()
    wanted = {c.record.get("last_id") for c in loaded if isinstance(c, Checkpoint)}
    seen: dict[int, tuple[int, str]] = {}
    prev = GENESIS
    checked = total = 0
    max_id = None
    broken: tuple[int, str] | None = None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        total += 1
        max_id = entry.id
        if entry.id in wanted:
            seen[entry.id] = (total, entry.hash)
        if broken is None:
            if entry.prev_hash != prev:
                broken = (entry.id, "liên kết với bản ghi trước bị sai (có bản ghi bị xóa hoặc chèn)")
            elif compute_hash(prev, entry) != entry.hash:
                broken = (entry.id, "nội dung bản ghi đã bị sửa")
            else:
                checked += 1
        prev = entry.hash
    checkpoints = [c for c in loaded if isinstance(c, Checkpoint)]
    problems = [c for c in loaded if isinstance(c, str)]
    key = _checkpoint_key(create=False) if checkpoints else None
    for cp in checkpoints:
        if (problem := _checkpoint_problem(cp, key, total, max_id, seen)) is not None:
            problems.append(problem)
    return ChainReport(
        checked,
        broken[0] if broken else None,
        broken[1] if broken else "",
        checkpoints=len(checkpoints),
        checkpoint_problems=tuple(problems),
    )
