"""Reads of the audit log: searches, trails and the before/after diff of one entry.

Visibility is decided by the caller (the views ask access/scope.py); these functions only
narrow the log by what the page is about.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from dangbo.audit.models import AuditEntry

PROFILE_READ = "read.member_profile"


@dataclass(frozen=True)
class EntryFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def entry_list(*, qs: QuerySet | None = None, filters: EntryFilters = EntryFilters()) -> QuerySet:
    """Entries matching the filters, newest first (actor joined for display)."""
    qs = AuditEntry.objects.all() if qs is None else qs
    if filters.actor:
        qs = qs.filter(
            Q(actor_label__icontains=filters.actor)
            | Q(actor__first_name__icontains=filters.actor)
            | Q(actor__last_name__icontains=filters.actor)
        )
    if filters.action:
        qs = qs.filter(action__icontains=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type__iexact=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.date_from:
        qs = qs.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(at__date__lte=filters.date_to)
    return qs.select_related("actor").order_by("-id")


def member_trail(*, member_id: int, event_ids: QuerySet | Iterable[str] = ()) -> QuerySet:
    """Entries about one member: those stamped with `subject_member_id`, plus (for entries
    written before that field existed) the member row itself and its lifecycle events
    (`event_ids`: the member's event ids as strings, e.g. a `values` subquery)."""
    cond = Q(subject_member_id=member_id) | Q(object_type="members.member", object_id=str(member_id))
    cond |= Q(object_type="members.memberevent", object_id__in=event_ids, subject_member_id__isnull=True)
    return AuditEntry.objects.filter(cond)


def org_trail(*, org_id: int) -> QuerySet:
    return AuditEntry.objects.filter(org_id=org_id)


def profile_views(*, member_ids: Iterable[int]) -> QuerySet:
    """Who read these members' profiles ("ai đã xem hồ sơ của tôi"), newest first."""
    return (
        AuditEntry.objects.filter(action=PROFILE_READ, subject_member_id__in=list(member_ids))
        .select_related("actor")
        .order_by("-id")
    )


@dataclass(frozen=True)
class DiffRow:
    key: str
    before: str
    after: str
    changed: bool


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _show(value: Any) -> str:
    """A payload value for display: dates dd/mm/yyyy, nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, str) and (m := ISO_DATE.match(value)):
        return f"{m[3]}/{m[2]}/{m[1]}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def entry_diff(entry: AuditEntry) -> list[DiffRow]:
    """Before/after side by side, one row per key (a single row when not both objects)."""
    before, after = entry.before, entry.after
    if before is None and after is None:
        return []
    if isinstance(before, dict | None) and isinstance(after, dict | None):
        b, a = before or {}, after or {}
        keys = list(dict.fromkeys([*b, *a]))
        return [
            DiffRow(k, _show(b.get(k)), _show(a.get(k)), (k in b) != (k in a) or b.get(k) != a.get(k)) for k in keys
        ]
    return [DiffRow("", _show(before), _show(after), before != after)]
