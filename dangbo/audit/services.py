"""Appending to the audit log and verifying its hash chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from dangbo.audit.context import current
from dangbo.audit.models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_215_001  # advisory lock that serializes appends to the chain


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
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + _canonical(entry)).encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


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
) -> AuditEntry:
    """Append one entry, chained to the previous one, in the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
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
        summary=summary[:500],
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=last or GENESIS,
    )
    entry.hash = compute_hash(entry.prev_hash, entry)
    entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_verify() -> ChainReport:
    """Walk the whole chain in id order; name the first entry whose hash or link is wrong."""
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.id, "liên kết với bản ghi trước bị sai (có bản ghi bị xóa hoặc chèn)")
        if compute_hash(prev, entry) != entry.hash:
            return ChainReport(checked, entry.id, "nội dung bản ghi đã bị sửa")
        prev = entry.hash
        checked += 1
    return ChainReport(checked, None)
