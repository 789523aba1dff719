"""Writes to the member registry. One function per operation, atomic, audited.

Every lifecycle change goes through `member_record_event`: it replays the member's events with
the new one added (lifecycle.replay validates every rule), and only then writes the event,
rebuilds the projections (spans and current state) and appends the audit entry, all in one
transaction. A refused event raises RuleViolation and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.core.reference import exists
from dangbo.core.text import fold, nfc
from dangbo.members.lifecycle import Profile, Timeline, replay
from dangbo.members.models import EventType, Member, MemberEvent, MembershipSpan, Sex, Status
from dangbo.members.signals import projections_changed
from dangbo.orgs.models import Organization, OrgVersion

CITIZEN_ID = re.compile(r"^\d{12}$")
NO_RIGHT = "Bạn không có quyền ghi nhận sự kiện cho tổ chức này."
# Events that bring a person into an organization: the receiving organization records them,
# whatever organization the person belonged to before.
ENTRY_EVENTS = {EventType.ADMISSION_DECISION, EventType.READMISSION, EventType.OFFICIAL_TRANSFER_IN}
# Organization types whose members attach directly (reference/org_types.csv can_have_members).
MEMBER_ORG_TYPES = {"grassroots_cell", "subordinate_cell", "party_group", "temporary_cell"}


@dataclass
class ProfileInput:
    full_name: str
    birth_year: int
    sex: str
    birth_date: date | None = None
    ethnicity: str = "01"
    religion: str = "00"
    hometown: str = ""
    citizen_id: str | None = None
    party_card_number: str | None = None
    general_education: str = ""
    professional_education: str = ""
    theory_level: str = "none"
    occupation: str = ""
    phone: str = ""


def _validate_profile(p: ProfileInput, *, member_id: int | None = None) -> dict[str, Any]:
    name = nfc(p.full_name)
    if len(name) < 2:
        raise DomainError("Phải nhập họ và tên.", field="full_name")
    if p.birth_date:
        p.birth_year = p.birth_date.year
    if not p.birth_year or not (1890 <= int(p.birth_year) <= timezone.localdate().year):
        raise DomainError("Năm sinh không hợp lệ.", field="birth_year")
    if p.sex not in Sex.values:
        raise DomainError("Giới tính phải là Nam hoặc Nữ.", field="sex")
    for field, kind in (("ethnicity", "ethnic_groups"), ("religion", "religions")):
        if not exists(kind, getattr(p, field)):
            raise DomainError(f"Giá trị không có trong danh mục: {getattr(p, field)}", field=field)
    for field in ("general_education", "professional_education"):
        if getattr(p, field) and not exists("education_levels", getattr(p, field)):
            raise DomainError("Trình độ không có trong danh mục.", field=field)
    if p.theory_level and not exists("theory_levels", p.theory_level):
        raise DomainError("Trình độ lý luận chính trị không có trong danh mục.", field="theory_level")
    cid = (p.citizen_id or "").strip() or None
    if cid and not CITIZEN_ID.match(cid):
        raise DomainError("Số CCCD phải gồm đúng 12 chữ số.", field="citizen_id")
    if cid and Member.objects.filter(citizen_id=cid).exclude(pk=member_id).exists():
        raise DomainError(f"Số CCCD {cid} đã có trong hệ thống.", field="citizen_id")
    card = nfc(p.party_card_number) or None
    if card and Member.objects.filter(party_card_number=card).exclude(pk=member_id).exists():
        raise DomainError(f"Số thẻ đảng viên {card} đã được cấp cho người khác.", field="party_card_number")
    return {
        "full_name": name,
        "name_folded": fold(name),
        "birth_date": p.birth_date,
        "birth_year": int(p.birth_year),
        "sex": p.sex,
        "ethnicity": p.ethnicity,
        "religion": p.religion,
        "hometown": nfc(p.hometown),
        "citizen_id": cid,
        "party_card_number": card,
        "general_education": p.general_education,
        "professional_education": p.professional_education,
        "theory_level": p.theory_level or "none",
        "occupation": nfc(p.occupation),
        "phone": nfc(p.phone),
    }


@dataclass
class EventInput:
    type: str
    on: date
    org: Organization | None = None
    counterpart_org: Organization | None = None
    decision_number: str = ""
    decision_date: date | None = None
    decision_body: str = ""
    note: str = ""
    payload: dict[str, Any] | None = None


def _profile(member: Member) -> Profile:
    return Profile(member.birth_date, member.birth_year, member.general_education)


def _check_org(org: Organization | None, on: date, field: str) -> None:
    if org is None:
        return
    v = OrgVersion.objects.valid_on(on).filter(org=org).first()
    if v is None:
        raise DomainError(f"Tổ chức được chọn không tồn tại vào ngày {on:%d/%m/%Y}.", field=field)
    if field == "org" and v.org_type not in MEMBER_ORG_TYPES:
        raise DomainError(f"{v.name} không phải là chi bộ; đảng viên sinh hoạt tại chi bộ.", field=field)


def _project(member: Member, timeline: Timeline) -> None:
    """Rewrite the member's projections from a replayed timeline."""
    MembershipSpan.objects.filter(member=member).delete()
    MembershipSpan.objects.bulk_create(
        MembershipSpan(
            member=member,
            org_id=s.facts.org_id,
            status=s.facts.status,
            exempt=s.facts.exempt,
            temp_org_id=s.facts.temp_org_id,
            in_transfer=s.facts.in_transfer,
            valid_from=s.valid_from,
            valid_to=s.valid_to,
            sex=member.sex,
            birth_year=member.birth_year,
            ethnicity=member.ethnicity,
            religion=member.religion,
        )
        for s in timeline.spans
        if s.facts.org_id is not None
    )
    projections_changed.send(sender=Member, member_ids=[member.pk])
    today = timezone.localdate()
    current = next(
        (s for s in timeline.spans if s.valid_from <= today and (s.valid_to is None or s.valid_to >= today)), None
    )
    state = current.facts if current else None
    Member.objects.filter(pk=member.pk).update(
        current_status=(state.status if state and state.status else ""),
        current_org_id=(state.org_id if state else None),
        exempt=bool(state and state.exempt),
        temp_org_id=(state.temp_org_id if state else None),
        admitted_on=timeline.admitted_on,
        ceremony_on=timeline.ceremony_on,
        full_on=timeline.full_on,
    )


def require_record_right(actor, org_ids, *, action: str = "record") -> None:
    """Refuse (DomainError, nothing written) unless `actor` may do `action` on every organization
    in `org_ids` (anywhere in scope when there is none): access.policy.require, with this app's
    message. `None` or a string is not an actor (ActorError); the system acts as policy.SYSTEM."""
    policy.require(actor, action, [oid for oid in org_ids if oid is not None], message=NO_RIGHT, field="org")


def event_record_org_ids(member: Member, *, event_type: str, org_id: int | None) -> list[int]:
    """The organizations an event is recorded for ("record" is needed on each): the receiving
    organization for entry events, else the member's home organization (which keeps the
    dossier, access.policy.member_home_org_id) and the organization named on the event."""
    if event_type in ENTRY_EVENTS:
        home = org_id or policy.member_home_org_id(member)
        return [home] if home else []
    return [oid for oid in dict.fromkeys([policy.member_home_org_id(member), org_id]) if oid is not None]


def _effective_events(member: Member) -> list[MemberEvent]:
    return list(member.events.effective().exclude(type=EventType.CORRECTION))


def _event_dict(ev: MemberEvent) -> dict[str, Any]:
    return {
        "type": ev.type,
        "on": ev.on,
        "org": ev.org_id,
        "counterpart_org": ev.counterpart_org_id,
        "decision_number": ev.decision_number,
        "payload": ev.payload,
    }


@transaction.atomic
def member_record_event(*, actor, member: Member, data: EventInput) -> MemberEvent:
    """Append one lifecycle event after the rules accept it; rebuild projections; audit.

    Refused (DomainError, nothing written) when `actor` lacks the "record" right on the
    organization the event is recorded for."""
    require_record_right(
        actor, event_record_org_ids(member, event_type=data.type, org_id=data.org.pk if data.org else None)
    )
    return _record_event(actor=actor, member=member, data=data)


def _record_event(*, actor, member: Member, data: EventInput) -> MemberEvent:
    if data.type == EventType.CORRECTION or data.type not in EventType.values:
        raise DomainError("Loại sự kiện không hợp lệ.", field="type")
    if data.on is None:
        raise DomainError("Phải nhập ngày.", field="on")
    if data.on > timezone.localdate():
        raise DomainError("Ngày của sự kiện không được sau ngày hôm nay.", field="on")
    _check_org(data.org, data.on, "org")
    _check_org(data.counterpart_org, data.on, "counterpart_org")
    payload = dict(data.payload or {})
    if data.type == EventType.PARTY_CARD_ISSUED:
        card = nfc(payload.get("card_number", ""))
        if not card:
            raise DomainError("Phải nhập số thẻ đảng viên.", field="card_number")
        if Member.objects.filter(party_card_number=card).exclude(pk=member.pk).exists():
            raise DomainError(f"Số thẻ đảng viên {card} đã được cấp cho người khác.", field="card_number")
        payload["card_number"] = card
    Member.objects.select_for_update().filter(pk=member.pk).first()
    event = MemberEvent(
        member=member,
        type=data.type,
        on=data.on,
        org=data.org,
        counterpart_org=data.counterpart_org,
        decision_number=nfc(data.decision_number),
        decision_date=data.decision_date,
        decision_body=nfc(data.decision_body),
        note=nfc(data.note),
        payload=payload,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    timeline = replay([*_effective_events(member), event], _profile(member))  # raises on a rule
    event.save()
    if data.type == EventType.PARTY_CARD_ISSUED:
        Member.objects.filter(pk=member.pk).update(party_card_number=payload["card_number"])
    _project(member, timeline)
    audit_record(
        actor=actor,
        action=f"member.{data.type}",
        obj=event,
        org_id=data.org.pk if data.org else member.current_org_id,
        summary=f"{event.get_type_display()} — {member.full_name} ({data.on:%d/%m/%Y})",
        after=_event_dict(event),
    )
    return event


def probable_duplicates(profile: ProfileInput) -> list[Member]:
    """People already recorded with the same name (accents and case folded) and birth date (the
    birth year when no date is given)."""
    same = Member.objects.filter(name_folded=fold(nfc(profile.full_name)))
    same = (
        same.filter(birth_date=profile.birth_date)
        if profile.birth_date
        else same.filter(birth_year=profile.birth_year, birth_date__isnull=True)
    )
    return list(same.order_by("pk")[:5])


@transaction.atomic
def member_create(*, actor, profile: ProfileInput) -> Member:
    """Create a person's record (no membership yet: that comes from events)."""
    policy.require_actor(actor)
    fields = _validate_profile(profile)
    member = Member.objects.create(current_status="", **fields)
    audit_record(
        actor=actor,
        action="member.created",
        obj=member,
        summary=f"Tạo hồ sơ {member.full_name}",
        after={k: v for k, v in fields.items() if k not in ("citizen_id", "phone")},
    )
    return member


@transaction.atomic
def member_admit(
    *,
    actor,
    profile: ProfileInput,
    cell: Organization,
    decided_on: date,
    ceremony_on: date | None = None,
    decision_number: str = "",
    decision_body: str = "",
    payload: dict[str, Any] | None = None,
    check_duplicates: bool = False,
    different_person: bool = False,
) -> Member:
    """Admission (kết nạp): a new person, the admission decision and, when held, the ceremony.

    With `check_duplicates` (the admission form) a probable existing person — same name and birth
    date — refuses the admission unless the user states `different_person`, which is audited."""
    require_record_right(actor, [cell.pk if cell else None])
    duplicates = probable_duplicates(profile) if check_duplicates else []
    if duplicates and not different_person:
        shown = ", ".join(
            f"{m.full_name} (sinh {m.birth_date:%d/%m/%Y}, #{m.pk})"
            if m.birth_date
            else f"{m.full_name} (sinh năm {m.birth_year}, #{m.pk})"
            for m in duplicates[:3]
        )
        raise DomainError(
            f"Có thể người này đã có trong hệ thống: {shown}. Hãy kiểm tra hồ sơ đã có; nếu đúng là "
            "người khác, đánh dấu «Đây là người khác» rồi ghi lại.",
            field="different_person",
        )
    member = member_create(actor=actor, profile=profile)
    if duplicates:
        audit_record(
            actor=actor,
            action="member.duplicate_override",
            obj=member,
            summary=f"Xác nhận {member.full_name} là người khác với hồ sơ "
            f"{', '.join(f'#{m.pk}' for m in duplicates)} (cùng họ tên và ngày sinh)",
            after={"similar_member_ids": [m.pk for m in duplicates]},
        )
    member_record_event(
        actor=actor,
        member=member,
        data=EventInput(
            type=EventType.ADMISSION_DECISION,
            on=decided_on,
            org=cell,
            decision_number=decision_number,
            decision_date=decided_on,
            decision_body=decision_body,
            payload=payload or {},
        ),
    )
    if ceremony_on:
        member_record_event(
            actor=actor,
            member=member,
            data=EventInput(type=EventType.ADMISSION_CEREMONY, on=ceremony_on, org=cell, payload=payload or {}),
        )
    member.refresh_from_db()
    return member


@transaction.atomic
def member_update_profile(*, actor, member: Member, profile: ProfileInput, on: date, note: str = "") -> Member:
    """A profile change is recorded as a `profile_update` event with before/after values."""
    require_record_right(actor, [policy.member_home_org_id(member)])
    fields = _validate_profile(profile, member_id=member.pk)
    before = {k: getattr(member, k) for k in fields}
    changed = {k: v for k, v in fields.items() if before[k] != v}
    if not changed:
        raise DomainError("Không có thông tin nào thay đổi.", field="full_name")
    if {"birth_date", "birth_year", "general_education"} & set(changed):
        # The admission rules read the profile: a change must keep the history valid.
        events = _effective_events(member)
        new_profile = Profile(fields["birth_date"], fields["birth_year"], fields["general_education"])
        try:
            replay(events, _profile(member))
        except RuleViolation:
            pass  # the history was already invalid (legacy data): do not block the correction
        else:
            replay(events, new_profile)  # raises RuleViolation: nothing is written
    Member.objects.filter(pk=member.pk).update(**fields)
    member.refresh_from_db()
    MemberEvent.objects.create(
        member=member,
        type=EventType.PROFILE_UPDATE,
        on=on,
        note=nfc(note),
        payload={"changed": sorted(changed)},
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    MembershipSpan.objects.filter(member=member).update(
        sex=member.sex, birth_year=member.birth_year, ethnicity=member.ethnicity, religion=member.religion
    )
    projections_changed.send(sender=Member, member_ids=[member.pk])
    audit_record(
        actor=actor,
        action="member.profile_updated",
        obj=member,
        summary=f"Cập nhật hồ sơ {member.full_name}",
        before={k: before[k] for k in changed},
        after=changed,
    )
    return member


@transaction.atomic
def event_correct(*, actor, event: MemberEvent, reason: str) -> MemberEvent:
    """Void a wrong event with a new correction event (nothing is deleted)."""
    reason = nfc(reason)
    if not reason:
        raise DomainError("Phải nêu lý do hủy sự kiện.", field="reason")
    if event.type == EventType.CORRECTION:
        raise DomainError("Không thể hủy một sự kiện hủy; hãy ghi lại sự kiện đúng.", field="event")
    member = event.member
    require_record_right(actor, [policy.member_home_org_id(member) or event.org_id])
    return _void_event(actor=actor, event=event, reason=reason)


def _void_event(*, actor, event: MemberEvent, reason: str, extra: dict[str, Any] | None = None) -> MemberEvent:
    """Void `event` with a correction (the caller checked the right); `extra` goes to its payload
    (e.g. a transfer letter returned by the destination)."""
    member = event.member
    Member.objects.select_for_update().filter(pk=member.pk).first()
    if MemberEvent.objects.filter(corrects=event).exists():
        raise DomainError("Sự kiện này đã bị hủy trước đó.", field="event")
    remaining = [e for e in _effective_events(member) if e.pk != event.pk]
    try:
        timeline = replay(remaining, _profile(member))  # the history without it must still hold
    except RuleViolation as exc:
        raise RuleViolation(
            f"Không thể hủy «{event.get_type_display()}» ngày {event.on:%d/%m/%Y} vì các sự kiện ghi sau "
            f"phụ thuộc vào nó ({exc.message}). Hãy hủy các sự kiện sau trước.",
            rule=exc.rule,
            field="event",
        ) from exc
    correction = MemberEvent.objects.create(
        member=member,
        type=EventType.CORRECTION,
        on=timezone.localdate(),
        corrects=event,
        note=reason,
        payload={"voided_type": event.type, "voided_on": event.on.isoformat(), **(extra or {})},
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _project(member, timeline)
    audit_record(
        actor=actor,
        action="member.event_voided",
        obj=correction,
        org_id=member.current_org_id,
        summary=f"Hủy «{event.get_type_display()}» ngày {event.on:%d/%m/%Y} của {member.full_name}: {reason}",
        before=_event_dict(event),
    )
    return correction


def member_reassign(*, actor, member_id: int, to_org: Organization, on: date, reason) -> MemberEvent:
    """Move a member with a restructuring (merge/split); called by orgs.services.

    The restructuring actor needs "restructure" or "record" on the member's current organization
    (the target may have been created by the same restructuring)."""
    member = Member.objects.get(pk=member_id)
    home = [member.current_org_id]
    try:
        require_record_right(actor, home, action="restructure")
    except DomainError:
        require_record_right(actor, home)
    return _record_event(
        actor=actor,
        member=member,
        data=EventInput(
            type=EventType.ORG_REASSIGNED,
            on=on,
            org=to_org,
            payload={"org_event": reason.pk},
            decision_number=reason.decision_number,
            decision_date=reason.decision_date,
            decision_body=reason.decision_body,
        ),
    )


@dataclass
class RebuildReport:
    members: int = 0
    spans: int = 0
    failures: list[tuple[int, str]] | None = None


def projections_rebuild(*, member_ids: list[int] | None = None) -> RebuildReport:
    """Rebuild every member's spans and current state from the events (one transaction per
    member). A member whose history no longer replays keeps its projections and is reported."""
    report = RebuildReport(failures=[])
    qs = Member.objects.order_by("pk")
    if member_ids is not None:
        qs = qs.filter(pk__in=member_ids)
    for member in qs.iterator(chunk_size=500):
        try:
            with transaction.atomic():
                timeline = replay(_effective_events(member), _profile(member))
                _project(member, timeline)
        except RuleViolation as exc:
            report.failures.append((member.pk, exc.message))
            continue
        report.members += 1
        report.spans += sum(1 for s in timeline.spans if s.facts.org_id is not None)
    return report


__all__ = ["EventInput", "ProfileInput", "Status", "member_admit", "member_create", "member_record_event"]
