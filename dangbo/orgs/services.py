"""Restructuring the organization tree. Each operation is one transaction, recorded as an
`OrgEvent` with its decision, and audited. Nothing is rewritten: versions are closed on the day
before the change and new versions open on the day of the change."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import audit_record
from dangbo.core.actors import require_actor
from dangbo.core.errors import DomainError, not_found
from dangbo.core.reference import exists, label
from dangbo.core.text import nfc
from dangbo.orgs import membership, structure
from dangbo.orgs.models import Organization, OrgEvent, OrgEventType, OrgLineage, OrgVersion


@dataclass(frozen=True)
class Decision:
    """The decision that makes a change (số, ngày, cơ quan ban hành)."""

    number: str = ""
    date: date | None = None
    body: str = ""
    note: str = ""


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# --- Preview (dry run) ------------------------------------------------------------------------
# While a preview runs, _close/_open and the member moves note what they do here; the whole
# operation then rolls back (`preview`), so the page shows what the same service would write.
_collector: ContextVar[list | None] = ContextVar("orgs_restructure_preview", default=None)


def _collect(kind: str, obj: Any) -> None:
    notes = _collector.get()
    if notes is not None:
        notes.append((kind, obj))


@dataclass
class Preview:
    """What a restructuring would do: organizations before/after and members moved."""

    orgs: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    member_total: int = 0  # members whose organization (or its place in the tree) changes


class _RolledBack(Exception):
    pass


def preview(operation: Callable[..., Any], **kwargs: Any) -> Preview:
    """Run the restructuring service `operation` (org_establish, org_move, …) with `kwargs` in a
    savepoint that is always rolled back, and report what it did. Refusals (DomainError) are
    raised as the real call would raise them; nothing is written."""
    notes: list = []
    token = _collector.set(notes)
    result = Preview()
    try:
        with transaction.atomic():
            operation(**kwargs)
            _fill_preview(result, notes, kwargs.get("on"))
            raise _RolledBack
    except _RolledBack:
        pass
    finally:
        _collector.reset(token)
    return result


def _fill_preview(result: Preview, notes: list, on: date | None) -> None:
    closed: dict[int, OrgVersion] = {}
    opened: dict[int, OrgVersion] = {}
    moved: list[tuple[int, Organization]] = []
    order: list[int] = []
    for kind, obj in notes:
        if kind == "member":
            moved.append(obj)
            continue
        if obj.org_id not in order:
            order.append(obj.org_id)
        if kind == "closed":
            closed.setdefault(obj.org_id, obj)  # the version before the change
        else:
            opened[obj.org_id] = obj  # the last version opened: after the change
    parent_ids = {v.parent_id for v in [*closed.values(), *opened.values()] if v.parent_id}
    day = on or timezone.localdate()
    names = {}
    for pid in parent_ids:
        before = version_on(pid, day - timedelta(days=1))
        after = version_on(pid, day)
        names[pid] = ((before.name if before else ""), (after.name if after else ""))
    for org_id in order:
        b, a = closed.get(org_id), opened.get(org_id)
        members = len(membership.member_ids_on(org_id=org_id, at=day - timedelta(days=1))) if b else 0
        result.orgs.append(
            {
                "org_id": org_id,
                "change": "Thành lập" if b is None else ("Kết thúc hoạt động" if a is None else "Thay đổi"),
                "before_name": b.name if b else "",
                "before_parent": names.get(b.parent_id, ("", ""))[0] if b else "",
                "after_name": a.name if a else "",
                "after_parent": names.get(a.parent_id, ("", ""))[1] if a else "",
                "members": members,
            }
        )
        result.member_total += members
    if moved:
        to_names = {o.pk: (version_on(o, day).name if version_on(o, day) else o.code) for _, o in moved}
        labels = dict(membership.choices([mid for mid, _ in moved]))
        result.members = sorted(
            ({"member_id": mid, "name": labels.get(mid, f"#{mid}"), "to": to_names[o.pk]} for mid, o in moved),
            key=lambda row: (row["to"], row["name"]),
        )


def version_on(org: Organization | int, at: date) -> OrgVersion | None:
    org_id = org if isinstance(org, int) else org.pk
    return OrgVersion.objects.valid_on(at).filter(org_id=org_id).first()


def _require_version(org: Organization, at: date, *, field: str = "org") -> OrgVersion:
    v = version_on(org, at)
    if v is None:
        raise DomainError(f"Tổ chức {org.code} không tồn tại vào ngày {_fmt(at)}.", field=field)
    _check_no_later_change(v, at)
    return v


def _check_no_later_change(v: OrgVersion, at: date) -> None:
    """Refuse a change on `at` when a later change of the same organization is already recorded
    (its version valid on `at` was closed, or a later version exists): the history is written in
    time order, otherwise a dissolved or moved organization would silently come back."""
    if v.valid_to is not None or OrgVersion.objects.filter(org_id=v.org_id, valid_from__gt=at).exists():
        raise DomainError(
            f"Tổ chức {v.name} đã có thay đổi sau ngày {_fmt(at)}; hãy ghi các thay đổi theo đúng thứ tự thời gian.",
            field="on",
        )


def _event(kind: str, org: Organization, on: date, decision: Decision, actor, payload: dict[str, Any]) -> OrgEvent:
    require_actor(actor)  # a user, or core.actors.SYSTEM; never None or a string
    return OrgEvent.objects.create(
        type=kind,
        org=org,
        on=on,
        decision_number=nfc(decision.number),
        decision_date=decision.date,
        decision_body=nfc(decision.body),
        note=nfc(decision.note),
        payload=payload,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _snapshot(v: OrgVersion) -> dict[str, Any]:
    return {
        "name": v.name,
        "type": v.org_type,
        "sector": v.sector,
        "parent": v.parent_id,
        "path": v.path,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
    }


def _close(v: OrgVersion, on: date) -> None:
    """End version `v` on the day before `on` (a version that starts on `on` is replaced)."""
    _collect("closed", v)
    if v.valid_from >= on:
        OrgVersion.objects.filter(pk=v.pk).delete()
    else:
        OrgVersion.objects.filter(pk=v.pk).update(valid_to=on - timedelta(days=1))


def _open(
    org: Organization,
    on: date,
    event: OrgEvent,
    *,
    name: str,
    short_name: str,
    org_type: str,
    parent: Organization | None,
    sector: str = "",
) -> OrgVersion:
    if parent is None:
        path, depth = f"/{org.pk}/", 0
    else:
        pv = version_on(parent, on)
        if pv is None:
            raise DomainError(f"Tổ chức cấp trên không tồn tại vào ngày {_fmt(on)}.", field="parent")
        if f"/{org.pk}/" in pv.path:
            raise DomainError("Không thể đặt một tổ chức dưới chính nó hoặc tổ chức cấp dưới của nó.", field="parent")
        if pv.valid_to is not None:
            raise DomainError(
                f"Tổ chức cấp trên {pv.name} đã có thay đổi sau ngày {_fmt(on)}; hãy ghi các thay đổi theo "
                "đúng thứ tự thời gian.",
                field="on",
            )
        structure.check_parent(org_type, pv.org_type, child_name=name, parent_name=pv.name)
        path, depth = f"{pv.path}{org.pk}/", pv.depth + 1
    if parent is None:
        structure.check_parent(org_type, None, child_name=name)
    new = OrgVersion.objects.create(
        org=org,
        name=name,
        short_name=short_name,
        org_type=org_type,
        sector=sector,
        parent=parent,
        path=path,
        depth=depth,
        valid_from=on,
        event=event,
    )
    _collect("opened", new)
    return new


def _reversion(v: OrgVersion, on: date, event: OrgEvent, **changes: Any) -> OrgVersion:
    """Close `v` and open its successor version from `on` with `changes`; re-path descendants."""
    _check_no_later_change(v, on)
    fields = {
        "name": v.name,
        "short_name": v.short_name,
        "org_type": v.org_type,
        "parent": v.parent,
        "sector": v.sector,
    }
    fields.update(changes)
    _close(v, on)
    new = _open(v.org, on, event, **fields)
    if new.path != v.path:
        _repath_descendants(v.path, on, event)
    return new


def _repath_descendants(old_path: str, on: date, event: OrgEvent) -> None:
    """Descendants valid on `on` get new versions whose path follows their (new) parent."""
    children = list(
        OrgVersion.objects.valid_on(on).filter(path__startswith=old_path).exclude(path=old_path).order_by("depth")
    )
    for child in children:
        _check_no_later_change(child, on)
        _close(child, on)
        _open(
            child.org,
            on,
            event,
            name=child.name,
            short_name=child.short_name,
            org_type=child.org_type,
            parent=child.parent,
            sector=child.sector,
        )


def _check_not_future(on: date) -> None:
    """An organization is recorded once its decision takes effect, not ahead of it."""
    today = timezone.localdate()
    if on > today:
        raise DomainError(
            f"Ngày thành lập {_fmt(on)} ở tương lai (hôm nay là {_fmt(today)}); chỉ ghi nhận "
            "tổ chức từ ngày quyết định có hiệu lực.",
            field="on",
        )


def _check_type(org_type: str) -> None:
    if not exists("org_types", org_type):
        raise DomainError(f"Loại tổ chức không hợp lệ: {org_type}", field="org_type")


def _check_sector(sector: str) -> str:
    sector = (sector or "").strip()
    if sector and not exists("org_sectors", sector):
        raise DomainError(f"Khu vực, loại hình đơn vị không hợp lệ: {sector}", field="sector", rule="R-014")
    return sector


@transaction.atomic
def org_establish(
    *,
    actor,
    code: str,
    name: str,
    org_type: str,
    parent: Organization | None,
    on: date,
    decision: Decision = Decision(),
    short_name: str = "",
    sector: str = "",
) -> Organization:
    """Establish an organization; `sector` (reference list org_sectors, R-014) may be left empty
    (the organization then counts in its parent's sector)."""
    code, name = nfc(code), nfc(name)
    if not code:
        raise DomainError("Phải nhập mã tổ chức.", field="code")
    if not name:
        raise DomainError("Phải nhập tên tổ chức.", field="name")
    _check_type(org_type)
    _check_not_future(on)
    structure.check_period(org_type, on)
    sector = _check_sector(sector)
    if Organization.objects.filter(code=code).exists():
        raise DomainError(f"Mã tổ chức {code} đã được dùng.", field="code")
    org = Organization.objects.create(code=code)
    event = _event(
        OrgEventType.ESTABLISHED,
        org,
        on,
        decision,
        actor,
        {"name": name, "type": org_type, "parent": parent.pk if parent else None, "sector": sector},
    )
    v = _open(org, on, event, name=name, short_name=nfc(short_name), org_type=org_type, parent=parent, sector=sector)
    audit_record(
        actor=actor,
        action=OrgEventType.ESTABLISHED,
        obj=org,
        org_id=org.pk,
        summary=f"Thành lập {name} ({_fmt(on)})",
        after=_snapshot(v),
    )
    return org


@transaction.atomic
def org_rename(
    *,
    actor,
    org: Organization,
    name: str,
    on: date,
    decision: Decision = Decision(),
    short_name: str | None = None,
    org_type: str | None = None,
) -> OrgVersion:
    v = _require_version(org, on)
    name = nfc(name)
    if not name:
        raise DomainError("Phải nhập tên mới.", field="name")
    changes: dict[str, Any] = {"name": name}
    if short_name is not None:
        changes["short_name"] = nfc(short_name)
    if org_type:
        _check_type(org_type)
        changes["org_type"] = org_type
        for child in OrgVersion.objects.valid_on(on).filter(parent=org):
            structure.check_parent(child.org_type, org_type, child_name=child.name, parent_name=name, field="org_type")
    event = _event(
        OrgEventType.RENAMED,
        org,
        on,
        decision,
        actor,
        {"from": v.name, "to": name, **({"type_from": v.org_type, "type_to": org_type} if org_type else {})},
    )
    before = _snapshot(v)
    new = _reversion(v, on, event, **changes)
    audit_record(
        actor=actor,
        action=OrgEventType.RENAMED,
        obj=org,
        org_id=org.pk,
        summary=f"Đổi tên {v.name} → {name} ({_fmt(on)})",
        before=before,
        after=_snapshot(new),
    )
    return new


@transaction.atomic
def org_move(
    *, actor, org: Organization, new_parent: Organization, on: date, decision: Decision = Decision()
) -> OrgVersion:
    v = _require_version(org, on)
    if v.parent_id == new_parent.pk:
        raise DomainError("Tổ chức đã trực thuộc tổ chức cấp trên này.", field="parent")
    event = _event(OrgEventType.MOVED, org, on, decision, actor, {"from": v.parent_id, "to": new_parent.pk})
    before = _snapshot(v)
    new = _reversion(v, on, event, parent=new_parent)
    audit_record(
        actor=actor,
        action=OrgEventType.MOVED,
        obj=org,
        org_id=org.pk,
        summary=f"Chuyển {v.name} về trực thuộc {version_on(new_parent, on).name} ({_fmt(on)})",
        before=before,
        after=_snapshot(new),
    )
    return new


@transaction.atomic
def org_sector_change(
    *, actor, org: Organization, sector: str, on: date, decision: Decision = Decision()
) -> OrgVersion:
    """Record that the unit of `org` belongs to another sector from `on` (an enterprise equitized,
    a public unit privatized...): a dated `org.sector_changed` event and a new version; the earlier
    sector stays in the history (R-014). "" clears the recorded sector."""
    v = _require_version(org, on)
    sector = _check_sector(sector)
    if sector == v.sector:
        raise DomainError("Tổ chức đã thuộc khu vực, loại hình này vào ngày hiệu lực.", field="sector")
    event = _event(OrgEventType.SECTOR_CHANGED, org, on, decision, actor, {"from": v.sector, "to": sector})
    before = _snapshot(v)
    new = _reversion(v, on, event, sector=sector)
    audit_record(
        actor=actor,
        action=OrgEventType.SECTOR_CHANGED,
        obj=org,
        org_id=org.pk,
        summary=f"Thay đổi khu vực của {v.name}: {sector_label(v.sector) or 'chưa ghi'} → "
        f"{sector_label(sector) or 'chưa ghi'} ({_fmt(on)})",
        before=before,
        after=_snapshot(new),
    )
    return new


def _active_member_ids(org: Organization, on: date) -> list[int]:
    return membership.member_ids_on(org_id=org.pk, at=on)


def _reassign(*, actor, member_id: int, to_org: Organization, on: date, reason: OrgEvent) -> None:
    _collect("member", (member_id, to_org))
    membership.reassign(actor=actor, member_id=member_id, to_org=to_org, on=on, reason=reason)


def _end(v: OrgVersion, on: date, event: OrgEvent) -> None:
    _close(v, on)


@transaction.atomic
def org_merge(
    *, actor, sources: list[Organization], target: Organization, on: date, decision: Decision = Decision()
) -> OrgEvent:
    """Merge `sources` into `target` on `on`: children move under the target, members move to it
    (an `org_reassigned` event each), and the sources end the day before."""
    if not sources:
        raise DomainError("Phải chọn ít nhất một tổ chức được hợp nhất.", field="sources")
    if target in sources:
        raise DomainError("Tổ chức tiếp nhận không được nằm trong danh sách bị hợp nhất.", field="target")
    if len({s.pk for s in sources}) != len(sources):
        raise DomainError("Một tổ chức được chọn hai lần trong danh sách bị hợp nhất.", field="sources")
    tv = _require_version(target, on, field="target")
    versions = [_require_version(s, on, field="sources") for s in sources]
    for v in versions:
        if tv.path.startswith(v.path):
            raise DomainError(
                f"Tổ chức tiếp nhận {tv.name} đang trực thuộc {v.name}; không thể hợp nhất "
                "một tổ chức vào tổ chức cấp dưới của nó.",
                field="target",
            )
        for other in versions:
            if other is not v and other.path.startswith(v.path):
                raise DomainError(
                    f"{other.name} trực thuộc {v.name}; chỉ chọn tổ chức cấp trên để hợp nhất.", field="sources"
                )
    for s, v in zip(sources, versions, strict=True):
        if structure.level(v.org_type) < structure.level(tv.org_type):
            raise DomainError(
                f"Không thể hợp nhất «{structure.type_name(v.org_type)}» ({v.name}) vào "
                f"«{structure.type_name(tv.org_type)}» ({tv.name}) là tổ chức cấp thấp hơn.",
                field="target",
            )
        if tv.org_type not in structure.CELL_TYPES | {"party_group"} and _active_member_ids(s, on):
            raise DomainError(
                f"{v.name} còn đảng viên sinh hoạt trực tiếp; «{structure.type_name(tv.org_type)}» "
                f"({tv.name}) không có đảng viên sinh hoạt trực tiếp, hãy hợp nhất vào một chi bộ.",
                field="target",
            )
    event = _event(
        OrgEventType.MERGED, target, on, decision, actor, {"sources": [s.pk for s in sources], "target": target.pk}
    )
    for s, v in zip(sources, versions, strict=True):
        for child in OrgVersion.objects.valid_on(on).filter(parent=s):
            _reversion(child, on, event, parent=target)
        for member_id in _active_member_ids(s, on):
            _reassign(actor=actor, member_id=member_id, to_org=target, on=on, reason=event)
        _end(v, on, event)
        OrgLineage.objects.create(predecessor=s, successor=target, on=on, event=event)
        audit_record(
            actor=actor,
            action=OrgEventType.MERGED,
            obj=s,
            org_id=s.pk,
            summary=f"Hợp nhất {v.name} vào {tv.name} ({_fmt(on)})",
            before=_snapshot(v),
        )
    return event


@transaction.atomic
def org_split(
    *,
    actor,
    org: Organization,
    parts: list[dict[str, Any]],
    on: date,
    decision: Decision = Decision(),
    end_source: bool = True,
) -> list[Organization]:
    """Split `org` into new organizations. Each part: code, name, org_type, member_ids (the user's
    assignment of members). Members not assigned to a part block the split when the source ends."""
    v = _require_version(org, on)
    if not parts:
        raise DomainError("Phải có ít nhất một tổ chức mới.", field="parts")
    active = set(_active_member_ids(org, on))
    assigned: dict[int, int] = {}
    for i, part in enumerate(parts, start=1):
        for mid in part.get("member_ids", []):
            if mid not in active:
                raise DomainError(
                    f"Tổ chức mới thứ {i}: đảng viên #{mid} không sinh hoạt tại {v.name} ngày {_fmt(on)}.",
                    field="parts",
                )
            if mid in assigned:
                raise DomainError(f"Đảng viên #{mid} được phân vào hai tổ chức mới.", field="parts")
            assigned[mid] = i
    if end_source and set(assigned) != active:
        missing = sorted(active - set(assigned))
        names = membership.names(missing[:5])
        more = f" và {len(missing) - len(names)} người khác" if len(missing) > len(names) else ""
        raise DomainError(
            f"Còn {len(missing)} đảng viên của {v.name} chưa được phân về tổ chức mới ({', '.join(names)}{more}); "
            "hãy phân hết đảng viên trước khi chia tách.",
            field="parts",
        )
    if end_source and OrgVersion.objects.valid_on(on).filter(parent=org).exists():
        raise DomainError(
            "Tổ chức còn tổ chức trực thuộc; hãy chuyển các tổ chức trực thuộc trước khi chia tách.", field="org"
        )
    event = _event(OrgEventType.SPLIT, org, on, decision, actor, {"parts": [p.get("code") for p in parts]})
    created = []
    for part in parts:
        new = org_establish(
            actor=actor,
            code=part["code"],
            name=part["name"],
            org_type=part.get("org_type", v.org_type),
            parent=v.parent,
            on=on,
            decision=decision,
            sector=part.get("sector", v.sector),
        )
        OrgLineage.objects.create(predecessor=org, successor=new, on=on, event=event)
        for mid in part.get("member_ids", []):
            _reassign(actor=actor, member_id=mid, to_org=new, on=on, reason=event)
        created.append(new)
    if end_source:
        _end(v, on, event)
    audit_record(
        actor=actor,
        action=OrgEventType.SPLIT,
        obj=org,
        org_id=org.pk,
        summary=f"Chia tách {v.name} thành {', '.join(p['name'] for p in parts)} ({_fmt(on)})",
        before=_snapshot(v),
    )
    return created


@transaction.atomic
def org_dissolve(*, actor, org: Organization, on: date, decision: Decision = Decision()) -> OrgEvent:
    """End `org` on the day before `on`. Refused while it still has members or sub-organizations."""
    v = _require_version(org, on)
    members = _active_member_ids(org, on)
    if members:
        raise DomainError(
            f"{v.name} còn {len(members)} đảng viên sinh hoạt ngày {_fmt(on)}; hãy chuyển sinh hoạt "
            "cho các đảng viên trước khi giải thể.",
            field="org",
        )
    children = OrgVersion.objects.valid_on(on).filter(parent=org).count()
    if children:
        raise DomainError(
            f"{v.name} còn {children} tổ chức trực thuộc ngày {_fmt(on)}; hãy chuyển hoặc giải thể các "
            "tổ chức trực thuộc trước.",
            field="org",
        )
    event = _event(OrgEventType.DISSOLVED, org, on, decision, actor, {})
    _end(v, on, event)
    audit_record(
        actor=actor,
        action=OrgEventType.DISSOLVED,
        obj=org,
        org_id=org.pk,
        summary=f"Giải thể / kết thúc hoạt động {v.name} từ {_fmt(on)}",
        before=_snapshot(v),
    )
    return event


def type_label(code: str) -> str:
    return label("org_types", code)


# --- Correction of a wrong restructuring -------------------------------------------------------
VOIDABLE = {
    OrgEventType.ESTABLISHED,
    OrgEventType.RENAMED,
    OrgEventType.MOVED,
    OrgEventType.RETYPED,
    OrgEventType.DISSOLVED,
}


@transaction.atomic
def org_event_void(*, actor, event: OrgEvent, reason: str) -> OrgEvent:
    """Cancel a wrongly recorded restructuring by a voiding event with a reason (as member events
    are corrected): the versions the wrong event opened are removed and the versions it closed are
    valid again, so the tree — and every figure "as of" a date — is as if it had not been recorded.
    The wrong event stays in the log, linked to its correction; audited. Only the last change of
    the organizations it touched can be cancelled (later changes first); a merger or split, which
    also moved members, is corrected by recording the reverse operation."""
    require_actor(actor)
    reason = nfc(reason)
    if not reason:
        raise DomainError("Phải nêu lý do hủy thao tác.", field="reason")
    event = OrgEvent.objects.select_for_update().get(pk=event.pk)
    if event.type == OrgEventType.VOIDED:
        raise DomainError("Không thể hủy một thao tác hủy.", field="event")
    if OrgEvent.objects.filter(corrects=event).exists():
        raise DomainError("Thao tác này đã được hủy trước đây.", field="event")
    if event.type not in VOIDABLE:
        raise DomainError(
            f"Chưa thể hủy thao tác «{event.get_type_display()}» vì nó đã chuyển đảng viên; hãy ghi "
            "thao tác ngược lại (ví dụ chia tách sau hợp nhất).",
            field="event",
        )
    eve = event.on - timedelta(days=1)
    opened = list(OrgVersion.objects.filter(event=event).select_related("org"))
    org_ids = {v.org_id for v in opened} | {event.org_id}
    later = OrgVersion.objects.filter(org_id__in=org_ids, valid_from__gt=event.on).exists() or any(
        v.valid_to is not None for v in opened
    )
    children = OrgVersion.objects.filter(parent_id__in=org_ids, valid_from__gte=event.on).exclude(event=event)
    if later or children.exists():
        raise DomainError("Tổ chức đã có thay đổi sau thao tác này; hãy hủy các thay đổi sau trước.", field="event")
    before = [_snapshot(v) for v in opened]
    restored = []
    if event.type == OrgEventType.ESTABLISHED:
        if membership.member_ids_on(org_id=event.org_id, at=max(event.on, timezone.localdate())):
            raise DomainError(
                "Tổ chức đã có đảng viên; hãy chuyển đảng viên đi trước khi hủy việc thành lập.", field="event"
            )
    else:
        for org_id in org_ids:
            previous = OrgVersion.objects.filter(org_id=org_id, valid_to=eve).order_by("-valid_from").first()
            if previous is None:
                raise DomainError(
                    not_found(
                        "phiên bản trước thao tác (thao tác ghi cùng ngày với một thay đổi "
                        "khác); hãy ghi thao tác ngược lại."
                    ),
                    field="event",
                )
            restored.append(previous)
    OrgVersion.objects.filter(event=event).delete()
    if restored:
        OrgVersion.objects.filter(pk__in=[v.pk for v in restored]).update(valid_to=None)
    void = OrgEvent.objects.create(
        type=OrgEventType.VOIDED,
        org_id=event.org_id,
        on=event.on,
        note=reason,
        corrects=event,
        payload={"voided_event": event.pk, "voided_type": event.type},
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=OrgEventType.VOIDED,
        obj=event.org,
        org_id=event.org_id,
        summary=f"Hủy thao tác «{event.get_type_display()}» ngày {_fmt(event.on)}: {reason}",
        before={"event": event.pk, "versions": before},
        after={"restored": [_snapshot(v) for v in OrgVersion.objects.filter(pk__in=[r.pk for r in restored])]},
    )
    return void


def sector_label(code: str) -> str:
    return label("org_sectors", code)
