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
from dangbo.core.errors import DomainError
from dangbo.core.numbers import vn_int
from dangbo.core.text import nfc

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
    return audit_record(actor=actor, action=f"read.{what}", obj=obj, org_id=org_id, summary=summary,
                        subject_member_id=subject_member_id)


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
    return audit_record(actor=actor, action=f"export.{what}", obj=obj, org_id=org_id, summary=summary,
                        after=after, subject_member_id=subject_member_id)


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
