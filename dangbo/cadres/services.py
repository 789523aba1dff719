"""Writes of cadre work. Every write checks the access policy ("record" on the managing or
deciding organization, on the province for its title catalogue), runs in one transaction with its
audit entry, and rebuilds the position-holding projection of the cadres it touched. Bad input
raises DomainError with a Vietnamese message naming the field; nothing is written then."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.cadres.models import (
    AGREEMENTS,
    DATED_PROFILE_FIELDS,
    ENDS_HOLDING,
    OPENS_HOLDING,
    PROVINCE_ORG_TYPE,
    ActionType,
    Cadre,
    CadreAction,
    CadreProfileChange,
    Decision,
    FilledBy,
    PlanningEntry,
    PlanningTerm,
    PositionHolding,
    RemovalReason,
    Sex,
    TermCalendar,
    Title,
    TitleAncestor,
    title_ancestors,
)
from dangbo.cadres.selectors import title_lineage_q
from dangbo.core.errors import DomainError
from dangbo.core.text import mask_citizen_id, nfc
from dangbo.orgs.models import Organization, OrgVersion


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass
class CadreInput:
    full_name: str
    birth_date: date
    sex: str
    managing_org_id: int
    member_id: int | None = None
    education: str = ""
    qualification: str = ""
    theory_level: str = ""
    state_management_level: str = ""
    management_class: str = ""
    management_class_from: date | None = None
    ethnicity: str = ""
    citizen_id: str | None = None
    # The day a changed managing committee, education, qualification, theory or state-management
    # level holds from (cadre_update; None: today). The management class has its own date.
    changed_on: date | None = None


# The fields of a cadre's record that cadre_update changes, with their Vietnamese labels (the
# dry run of an import and the audit summary name them).
CADRE_FIELDS = {
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "sex": "Giới tính",
    "citizen_id": "Số CCCD",
    "managing_org_id": "Cấp ủy quản lý",
    "ethnicity": "Dân tộc",
    "education": "Trình độ giáo dục phổ thông",
    "qualification": "Trình độ chuyên môn",
    "theory_level": "Lý luận chính trị",
    "state_management_level": "Quản lý nhà nước",
    "management_class": "Diện quản lý",
    "management_class_from": "Diện quản lý từ ngày",
}


def _cadre_values(data: CadreInput) -> dict:
    """The record's fields cleaned (NFC, trimmed); a DomainError names the first bad field."""
    name = " ".join(nfc(data.full_name or "").split())
    if not name:
        raise DomainError("Họ và tên không được để trống", field="full_name")
    if data.sex not in Sex.values:
        raise DomainError("Giới tính phải là Nam hoặc Nữ", field="sex")
    if data.birth_date is None:
        raise DomainError("Phải ghi ngày sinh", field="birth_date")
    if data.birth_date > policy.today():
        raise DomainError("Ngày sinh không được sau ngày hôm nay", field="birth_date")
    citizen_id = nfc(data.citizen_id or "").strip() or None
    if citizen_id is not None and not (len(citizen_id) == 12 and citizen_id.isdigit()):
        raise DomainError("Số CCCD phải gồm đúng 12 chữ số", field="citizen_id")
    return {
        "full_name": name,
        "birth_date": data.birth_date,
        "sex": data.sex,
        "citizen_id": citizen_id,
        "managing_org_id": data.managing_org_id,
        "education": nfc(data.education or "").strip(),
        "qualification": nfc(data.qualification or "").strip(),
        "theory_level": nfc(data.theory_level or "").strip(),
        "state_management_level": nfc(data.state_management_level or "").strip(),
        "management_class": nfc(data.management_class or "").strip(),
        "management_class_from": data.management_class_from,
        "ethnicity": nfc(data.ethnicity or "").strip(),
    }


def _citizen_id_free(citizen_id: str | None, *, cadre_id: int | None = None) -> None:
    """A citizen ID names one cadre: refused when another cadre's record has it."""
    if citizen_id is None:
        return
    if Cadre.objects.filter(citizen_id=citizen_id).exclude(pk=cadre_id).exists():
        raise DomainError("Số CCCD này đã ghi ở hồ sơ của một cán bộ khác", field="citizen_id")


def cadre_create(*, actor, data: CadreInput) -> Cadre:
    policy.require(
        actor, "record", data.managing_org_id, message=policy.not_found("cấp ủy quản lý"), field="managing_org_id"
    )
    values = _cadre_values(data)
    with transaction.atomic():
        _citizen_id_free(values["citizen_id"])
        cadre = Cadre.objects.create(member_id=data.member_id, **values)
        audit_record(
            actor=actor,
            action="cadre.create",
            obj=cadre,
            org_id=cadre.managing_org_id,
            summary=f"Tạo hồ sơ cán bộ {cadre.full_name}",
        )
    return cadre


def cadre_changes(cadre: Cadre, data: CadreInput) -> dict[str, object]:
    """The fields `data` would change on the cadre's record (field -> new value, cleaned as
    cadre_update writes them; {} when the record already says the same). Raises DomainError as
    cadre_update would for a bad value or a management class without its later from-date: the
    dry run of an import refuses the row before the apply does."""
    values = _cadre_values(data)
    changed = {f: v for f, v in values.items() if getattr(cadre, f) != v}
    if "management_class" in changed and values["management_class"]:
        since, previous = values["management_class_from"], cadre.management_class_from
        if since is None:
            raise DomainError(
                f"Diện quản lý đổi thành «{values['management_class']}»: phải ghi ngày thuộc diện quản lý mới",
                field="management_class_from",
            )
        if cadre.management_class and previous is not None and since <= previous:
            raise DomainError(
                f"Diện quản lý mới phải từ ngày sau {previous:%d/%m/%Y} "
                f"(ngày thuộc diện «{cadre.management_class}» đang ghi)",
                field="management_class_from",
            )
    _check_change_dates(cadre, changed, data)
    return changed


def _change_date(f: str, changed: dict, data: CadreInput) -> date:
    if f == "management_class":
        return changed.get("management_class_from") or data.management_class_from or policy.today()
    return data.changed_on or policy.today()


def _check_change_dates(cadre: Cadre, changed: dict, data: CadreInput) -> None:
    """A dated field changes from a day not in the future and not before its last recorded change
    (its history stays in order)."""
    if data.changed_on is not None and data.changed_on > policy.today():
        raise DomainError("Ngày thay đổi không được sau ngày hôm nay", field="changed_on")
    dated = [f for f in DATED_PROFILE_FIELDS if f in changed]
    if not dated or cadre.pk is None:
        return
    last = dict(
        CadreProfileChange.objects.filter(cadre_id=cadre.pk, field__in=dated)
        .order_by("field", "on")
        .values_list("field", "on")
    )
    for f in dated:
        on = _change_date(f, changed, data)
        if f in last and on < last[f]:
            raise DomainError(
                f"{CADRE_FIELDS[f]} đã thay đổi từ ngày {last[f]:%d/%m/%Y}: thay đổi mới phải từ ngày đó trở về sau",
                field="management_class_from" if f == "management_class" else "changed_on",
            )


def _profile_text(value) -> str:
    return "" if value is None else str(value)


def _audit_value(f: str, value):
    if f == "citizen_id":
        return mask_citizen_id(value)
    return value.isoformat() if isinstance(value, date) else value


def cadre_update(*, actor, cadre: Cadre, data: CadreInput) -> list[str]:
    """Change the cadre's record to `data` (every field of it: a caller that changes some fields
    passes the others as they are). Returns the fields changed ([] when nothing differs: nothing
    written). "record" on the managing committee, and on the new one when the cadre moves; a cadre
    outside the actor's record scope is "not found". The fields that hold from a date
    (DATED_PROFILE_FIELDS) keep their history: each change is a CadreProfileChange with the value
    before and after, from `data.changed_on` (today when not given) — the management class from
    its own from-date, after the current one's. One audit entry with the changed fields before and after (the citizen
    ID masked)."""
    if not policy.for_user(Cadre, actor, "record").filter(pk=cadre.pk).exists():
        raise DomainError(policy.not_found("cán bộ"), field="cadre_id")
    changed = cadre_changes(cadre, data)
    if not changed:
        return []
    if "managing_org_id" in changed:
        policy.require(
            actor,
            "record",
            changed["managing_org_id"],
            message=policy.not_found("cấp ủy quản lý"),
            field="managing_org_id",
        )
    with transaction.atomic():
        _citizen_id_free(changed.get("citizen_id"), cadre_id=cadre.pk)
        before = {f: _audit_value(f, getattr(cadre, f)) for f in changed}
        Cadre.objects.filter(pk=cadre.pk).update(**changed)
        CadreProfileChange.objects.bulk_create(
            CadreProfileChange(
                cadre_id=cadre.pk,
                field=f,
                on=_change_date(f, changed, data),
                before=_profile_text(getattr(cadre, f)),
                after=_profile_text(changed[f]),
                recorded_by=_user(actor),
            )
            for f in DATED_PROFILE_FIELDS
            if f in changed
        )
        for f, v in changed.items():
            setattr(cadre, f, v)
        audit_record(
            actor=actor,
            action="cadre.updated",
            obj=cadre,
            org_id=cadre.managing_org_id,
            before=before,
            after={f: _audit_value(f, v) for f, v in changed.items()},
            summary=f"Cập nhật hồ sơ cán bộ {cadre.full_name}: " + ", ".join(CADRE_FIELDS[f] for f in changed),
        )
    return list(changed)


@dataclass
class ActionInput:
    cadre_id: int
    type: str
    on: date
    title_id: int | None = None
    org_id: int | None = None
    planned_months: int | None = None
    note: str = ""


@dataclass
class DecisionInput:
    number: str
    signed_on: date
    body: str
    org_id: int
    actions: list[ActionInput] = field(default_factory=list)
    idempotency_key: str = ""


NEEDS_TITLE = OPENS_HOLDING | ENDS_HOLDING | AGREEMENTS | {ActionType.NOMINATION}
NEEDS_DURATION = {ActionType.ROTATION}


def decision_record(*, actor, data: DecisionInput) -> Decision:
    """Record a decision with its actions (one transaction). The same `idempotency_key` twice
    (a double submit) returns the first decision and writes nothing more."""
    if data.idempotency_key:
        existing = Decision.objects.filter(idempotency_key=data.idempotency_key).first()
        if existing is not None:
            return existing
    policy.require(actor, "record", data.org_id, message=policy.not_found("cấp ủy ra quyết định"), field="org_id")
    number = nfc(data.number or "").strip()
    if not number:
        raise DomainError("Số quyết định không được để trống", field="number")
    if not nfc(data.body or "").strip():
        raise DomainError("Cơ quan quyết định không được để trống", field="body")
    if not data.actions:
        raise DomainError("Quyết định phải có ít nhất một nội dung (bổ nhiệm, điều động…)", field="actions")
    cadres = {}
    for i, a in enumerate(data.actions, start=1):
        where = f"Nội dung {i}: "
        if a.type not in ActionType.values or a.type == ActionType.CORRECTION:
            raise DomainError(where + "loại nội dung không hợp lệ", field="type")
        cadre = policy.for_user(Cadre, actor, "record").filter(pk=a.cadre_id).first()
        if cadre is None:
            raise DomainError(where + "không tìm thấy cán bộ", field="cadre_id")
        cadres[cadre.pk] = cadre
        if a.type in NEEDS_TITLE and a.title_id is None:
            raise DomainError(where + "phải chọn chức danh", field="title_id")
        if a.title_id is not None:
            title = policy.for_user(Title, actor).filter(pk=a.title_id).first()
            if title is None:
                raise DomainError(where + "không tìm thấy chức danh", field="title_id")
            if a.type in OPENS_HOLDING | {ActionType.NOMINATION} and not title.valid_on(a.on):
                raise DomainError(
                    where + f"chức danh «{title.name}» không còn hiệu lực ngày {a.on:%d/%m/%Y}", field="title_id"
                )
        if a.type in NEEDS_DURATION and not a.planned_months:
            raise DomainError(where + "luân chuyển phải có thời gian dự kiến (tháng)", field="planned_months")
        if a.on < data.signed_on - timedelta(days=366):
            raise DomainError(where + "ngày hiệu lực quá xa trước ngày ký", field="on")
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                number=number,
                signed_on=data.signed_on,
                body=nfc(data.body).strip(),
                org_id=data.org_id,
                idempotency_key=data.idempotency_key,
                recorded_by=_user(actor),
            )
            for a in data.actions:
                action = CadreAction.objects.create(
                    decision=decision,
                    cadre_id=a.cadre_id,
                    type=a.type,
                    on=a.on,
                    title_id=a.title_id,
                    org_id=a.org_id,
                    planned_months=a.planned_months,
                    note=nfc(a.note),
                    recorded_by=_user(actor),
                )
                audit_record(
                    actor=actor,
                    action=f"cadre_action.{a.type}",
                    obj=action,
                    org_id=cadres[a.cadre_id].managing_org_id,
                    summary=f"{action.get_type_display()} — {cadres[a.cadre_id].full_name} "
                    f"(QĐ {number} ngày {data.signed_on:%d/%m/%Y})",
                )
            for cadre in cadres.values():
                holdings_rebuild(cadre)
    except IntegrityError:
        if data.idempotency_key:
            existing = Decision.objects.filter(idempotency_key=data.idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return decision


def action_void(*, actor, action: CadreAction, reason: str) -> CadreAction:
    """Void a wrong action with a correction action (nothing is edited)."""
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError("Phải ghi lý do hủy", field="reason")
    cadre = policy.get_in_scope_or_404(Cadre, actor, action.cadre_id, "record")
    with transaction.atomic():
        if CadreAction.objects.filter(corrects=action).exists() or action.type == ActionType.CORRECTION:
            raise DomainError("Nội dung này đã bị hủy hoặc là một đính chính", field="action")
        correction = CadreAction.objects.create(
            decision_id=action.decision_id,
            cadre_id=action.cadre_id,
            type=ActionType.CORRECTION,
            on=action.on,
            note=reason,
            corrects=action,
            recorded_by=_user(actor),
        )
        audit_record(
            actor=actor,
            action="cadre_action.void",
            obj=correction,
            org_id=cadre.managing_org_id,
            summary=f"Hủy «{action.get_type_display()} {action.on:%d/%m/%Y}» của {cadre.full_name}: {reason}",
        )
        holdings_rebuild(cadre)
    return correction


def holdings_rebuild(cadre: Cadre) -> list[PositionHolding]:
    """Replay the cadre's effective actions into position holdings (in the caller's transaction).

    An appointment/re-appointment/designation/transfer/rotation/extension opens (or continues) a
    holding of its title; a transfer or rotation also ends the other open holdings the day before;
    a resignation/dismissal/relief ends the holding of its title the day before its date; a
    holding of an abolished title ends with the title. A title is its code in the province's
    catalogue: an action on another version of the same code (the title changed from a date,
    `title_change`) continues or ends the same holding, which goes on until the title's last day
    (`title_last_day`)."""
    PositionHolding.objects.filter(cadre=cadre).delete()
    open_: dict[tuple[int, str], PositionHolding] = {}
    out: list[PositionHolding] = []
    last_days: dict[int, date | None] = {}

    def last_day(title: Title) -> date | None:
        if title.valid_to is None:
            return None
        if title.pk not in last_days:
            last_days[title.pk] = title_last_day(title)
        return last_days[title.pk]

    actions = CadreAction.objects.filter(cadre=cadre).effective().select_related("title").order_by("on", "id")
    for a in actions:
        if not a.title_id:
            continue
        key = (a.title.province_id, a.title.code)
        held = open_.get(key)
        if held is not None and (end := last_day(held.title)) is not None and end < a.on:
            held.valid_to = end  # the title ended before: a later action is about a new title of the same code
            del open_[key]
            held = None
        if a.type in OPENS_HOLDING:
            if a.type in (ActionType.TRANSFER, ActionType.ROTATION):
                for other, h in list(open_.items()):
                    if other != key:
                        h.valid_to = a.on - timedelta(days=1)
                        del open_[other]
            if held is not None:
                continue  # re-appointment, extension: the same holding goes on
            h = PositionHolding(
                cadre=cadre, title=a.title, org_id=a.org_id, valid_from=a.on, obtained_by=a.type, action=a
            )
            open_[key] = h
            out.append(h)
        elif a.type in ENDS_HOLDING and held is not None:
            open_.pop(key).valid_to = a.on - timedelta(days=1)
    for h in out:
        last = last_day(h.title)
        if last is not None and (h.valid_to is None or h.valid_to > last):
            h.valid_to = last
    PositionHolding.objects.bulk_create(out)
    return out


# --- planning --------------------------------------------------------------------------------


def planning_add(
    *,
    actor,
    term: PlanningTerm,
    cadre: Cadre,
    title: Title,
    on: date,
    decision: str = "",
    round: str = "",
    org_id: int | None = None,
) -> PlanningEntry:
    """Add a cadre to a term's planning for a title (at the post `org_id`, if given). R-093: the
    cadre must have one full term of working time left; R-094: persons per title and titles per
    person (planning_rules)."""
    from dangbo.cadres.planning_rules import full_term_check, limits_check

    policy.require(actor, "record", term.org_id, message=policy.not_found("cấp ủy"), field="term")
    if not policy.for_user(Cadre, actor, "record").filter(pk=cadre.pk).exists():
        raise DomainError(policy.not_found("cán bộ"), field="cadre_id")
    if not policy.for_user(Title, actor).filter(pk=title.pk).exists():
        raise DomainError(policy.not_found("chức danh"), field="title_id")
    if not title.planning_applies:
        raise DomainError(f"Chức danh «{title.name}» không thuộc diện quy hoạch", field="title_id")
    if not title.valid_on(on):
        raise DomainError(f"Chức danh «{title.name}» không còn hiệu lực ngày {on:%d/%m/%Y}", field="title_id")
    if org_id is not None:
        policy.get_org_or_404(actor, org_id)
    full_term_check(cadre=cadre, term=term, title=title, on=on)
    with transaction.atomic():
        limits_check(cadre=cadre, term=term, title=title, org_id=org_id, on=on)
        if PlanningEntry.objects.filter(
            title_lineage_q("title", of=title), term=term, cadre=cadre, org_id=org_id, removed_on__isnull=True
        ).exists():
            raise DomainError(f"{cadre.full_name} đã có trong quy hoạch chức danh «{title.name}»", field="cadre_id")
        entry = PlanningEntry.objects.create(
            term=term,
            cadre=cadre,
            title=title,
            org_id=org_id,
            round=nfc(round),
            added_on=on,
            added_decision=nfc(decision),
        )
        audit_record(
            actor=actor,
            action="planning.add",
            obj=entry,
            org_id=term.org_id,
            summary=f"Đưa {cadre.full_name} vào quy hoạch «{title.name}» nhiệm kỳ {term.name}",
        )
    return entry


def planning_remove(*, actor, entry: PlanningEntry, on: date, reason: str, decision: str = "") -> PlanningEntry:
    policy.require(actor, "record", entry.term.org_id, message=policy.not_found("cấp ủy"), field="term")
    if reason not in RemovalReason.values:
        raise DomainError("Lý do đưa ra khỏi quy hoạch không hợp lệ", field="reason")
    if entry.removed_on is not None:
        raise DomainError("Cán bộ đã được đưa ra khỏi quy hoạch chức danh này", field="entry")
    if on <= entry.added_on:
        raise DomainError("Ngày đưa ra phải sau ngày đưa vào quy hoạch", field="on")
    with transaction.atomic():
        entry.removed_on, entry.removal_reason, entry.removal_decision = on, reason, nfc(decision)
        entry.save(update_fields=["removed_on", "removal_reason", "removal_decision"])
        audit_record(
            actor=actor,
            action="planning.remove",
            obj=entry,
            org_id=entry.term.org_id,
            summary=f"Đưa {entry.cadre.full_name} ra khỏi quy hoạch «{entry.title.name}»: "
            f"{entry.get_removal_reason_display()}",
        )
    return entry


def planning_close_abolished(*, actor, on: date) -> int:
    """Close, with the reason "title abolished", the open planning entries whose title ended
    before `on` (e.g. the district titles abolished on 01/07/2025): removed on the day after the
    title's last day, so the entry still shows as of that last day. A title changed by a new
    version of its code (title_change) has not ended."""
    count = 0
    entries = PlanningEntry.objects.filter(removed_on__isnull=True, title__valid_to__lt=on).select_related(
        "title", "term", "cadre"
    )
    last_days: dict[int, date | None] = {}
    for entry in entries:
        if entry.title_id not in last_days:
            last_days[entry.title_id] = title_last_day(entry.title)
        last = last_days[entry.title_id]
        if last is None or last >= on:
            continue
        planning_remove(actor=actor, entry=entry, on=last + timedelta(days=1), reason=RemovalReason.TITLE_ABOLISHED)
        count += 1
    return count


# --- the title catalogue (danh mục chức danh) ------------------------------------------------------
#
# A province's catalogue is versioned: each row of Title is one version of a code, valid from
# `valid_from` to `valid_to` (inclusive). A change is a new version of the same code (the current
# version closes the day before); an abolition closes the current version, optionally naming the
# successor title (lineage, e.g. the titles merged on 01/07/2025). Nothing is deleted. Who may
# write: an officer with the "record" right on the province organization (as for cadre_create).

TITLE_FIELDS = (
    "name",
    "group",
    "is_head",
    "sits_in",
    "filled_by",
    "term_calendar",
    "planning_applies",
    "confidence_vote_applies",
    "source",
)
NO_CATALOGUE_RIGHT = "Bạn không có quyền sửa danh mục chức danh của tỉnh này."


@dataclass
class TitleInput:
    """What one version of a title says. `code` stays the same across versions of a title."""

    code: str
    name: str
    is_head: bool
    group: str = ""
    sits_in: str = ""
    filled_by: str = FilledBy.APPOINTED
    term_calendar: str = TermCalendar.APPOINTMENT
    planning_applies: bool = True
    confidence_vote_applies: bool = True
    source: str = ""


def title_code(text: str | None) -> str:
    """A title code as stored: NFC, single spaces, upper case ("bt-xa " -> "BT-XA")."""
    return " ".join(nfc(text or "").split()).upper()


def title_period(title: Title) -> str:
    """ "từ 01/01/2015" or "từ 01/01/2015 đến 30/06/2025"."""
    text = f"từ {title.valid_from:%d/%m/%Y}"
    return text + (f" đến {title.valid_to:%d/%m/%Y}" if title.valid_to else "")


def title_last_day(title: Title) -> date | None:
    """The last day of the title `title` is a version of: its versions that follow one another
    without a gap (a change), up to the last one's `valid_to` (None: still in force)."""
    last = title.valid_to
    if last is None:
        return None
    for v in (
        Title.objects.filter(province_id=title.province_id, code=title.code, valid_from__gt=title.valid_from)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to")
    ):
        if v[0] != last + timedelta(days=1):
            break
        last = v[1]
        if last is None:
            return None
    return last


def title_overlapping(*, province_id: int, code: str, start: date, exclude_pk: int | None = None) -> Title | None:
    """A version of `code` in the province's catalogue in force on `start` or later: a new title
    from `start` (open-ended) would overlap it."""
    qs = Title.objects.filter(province_id=province_id, code=code).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("valid_from").first()


def is_province(org_id: int) -> bool:
    """Is the organization a province (đảng bộ tỉnh, thành phố) in some version: a catalogue is kept per province."""
    return OrgVersion.objects.filter(org_id=org_id, org_type=PROVINCE_ORG_TYPE).exists()


def _title_values(data: TitleInput) -> dict:
    """The fields of a version, cleaned; a DomainError names the first bad field."""
    code, name = title_code(data.code), " ".join(nfc(data.name or "").split())
    if not code:
        raise DomainError("Mã chức danh không được để trống", field="code")
    if len(code) > 40:
        raise DomainError("Mã chức danh dài quá 40 ký tự", field="code")
    if not name:
        raise DomainError("Tên chức danh không được để trống", field="name")
    if len(name) > 255:
        raise DomainError("Tên chức danh dài quá 255 ký tự", field="name")
    values = {
        "code": code,
        "name": name,
        "is_head": bool(data.is_head),
        "planning_applies": bool(data.planning_applies),
        "confidence_vote_applies": bool(data.confidence_vote_applies),
    }
    for f, label, limit in (
        ("group", "Nhóm chức danh tương đương", 100),
        ("sits_in", "Vị trí", 100),
        ("source", "Văn bản", 255),
    ):
        values[f] = " ".join(nfc(getattr(data, f) or "").split())
        if len(values[f]) > limit:
            raise DomainError(f"{label} dài quá {limit} ký tự", field=f)
    if data.filled_by not in FilledBy.values:
        raise DomainError("Hình thức phải là Bổ nhiệm, Bầu cử hoặc Chỉ định", field="filled_by")
    if data.term_calendar not in TermCalendar.values:
        raise DomainError("Nhiệm kỳ không hợp lệ", field="term_calendar")
    values["filled_by"], values["term_calendar"] = data.filled_by, data.term_calendar
    return values


def _snapshot(title: Title) -> dict:
    out = {f: getattr(title, f) for f in ("code", *TITLE_FIELDS)}
    out.update(
        valid_from=title.valid_from.isoformat(),
        valid_to=title.valid_to.isoformat() if title.valid_to else None,
        successor_id=title.successor_id,
    )
    return out


def _lock_catalogue(province_id: int) -> None:
    """Writes to one province's catalogue run one after the other (PostgreSQL: a row lock on the
    province; SQLite takes the whole database for every write transaction)."""
    Organization.objects.select_for_update().filter(pk=province_id).values_list("pk", flat=True).first()


def _require_catalogue(actor, title: Title) -> None:
    """ "record" on the title's province; a title the actor cannot even see is "not found"."""
    if policy.allows(actor, "record", title.province_id):
        return
    seen = policy.for_user(Title, actor).filter(pk=title.pk).exists()
    raise DomainError(NO_CATALOGUE_RIGHT if seen else policy.not_found("chức danh"), field="title")


def _current_version(title: Title) -> Title | None:
    """The version of the title's code that is open-ended (None: the title was abolished)."""
    return (
        Title.objects.select_for_update()
        .filter(province_id=title.province_id, code=title.code, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )


def title_create(*, actor, province_id: int, data: TitleInput, valid_from: date) -> Title:
    """Add a title (a new code) to the province's catalogue from `valid_from`."""
    policy.require(actor, "record", province_id, message=policy.not_found("tỉnh"), field="province_id")
    if not is_province(province_id):
        raise DomainError(
            "Danh mục chức danh lập theo tỉnh: tổ chức đã chọn không phải đảng bộ tỉnh, thành phố", field="province_id"
        )
    if valid_from is None:
        raise DomainError("Phải ghi ngày bắt đầu có hiệu lực", field="valid_from")
    values = _title_values(data)
    with transaction.atomic():
        _lock_catalogue(province_id)
        clash = title_overlapping(province_id=province_id, code=values["code"], start=valid_from)
        if clash is not None:
            raise DomainError(
                f"Mã chức danh «{clash.code}» đã có trong danh mục của tỉnh («{clash.name}», {title_period(clash)}); "
                "thời gian hiệu lực không được trùng: hãy sửa đổi hoặc bãi bỏ chức danh đó",
                field="code",
            )
        title = Title.objects.create(province_id=province_id, valid_from=valid_from, **values)
        audit_record(
            actor=actor,
            action="title.created",
            obj=title,
            org_id=province_id,
            after=_snapshot(title),
            summary=f"Thêm chức danh «{title.name}» ({title.code}) vào danh mục {title_period(title)}",
        )
    return title


def title_change(*, actor, title: Title, data: TitleInput, valid_from: date) -> Title:
    """A new version of the title from `valid_from`: the current version closes the day before
    and stays as history. The code does not change (a new code is a new title, with the old one
    abolished and this as its successor)."""
    _require_catalogue(actor, title)
    if valid_from is None:
        raise DomainError("Phải ghi ngày bắt đầu có hiệu lực của nội dung mới", field="valid_from")
    values = _title_values(replace(data, code=data.code or title.code))
    if values["code"] != title.code:
        raise DomainError(
            f"Mã chức danh «{title.code}» giữ nguyên khi sửa đổi; mã mới là một chức danh mới "
            "(thêm chức danh mới, rồi bãi bỏ chức danh này với chức danh kế thừa)",
            field="code",
        )
    with transaction.atomic():
        _lock_catalogue(title.province_id)
        current = _current_version(title)
        if current is None:
            raise DomainError(f"Chức danh «{title.name}» đã bãi bỏ; không sửa đổi được", field="title")
        if valid_from <= current.valid_from:
            raise DomainError(
                f"Ngày hiệu lực của nội dung mới phải sau ngày {current.valid_from:%d/%m/%Y} "
                "(ngày bắt đầu của phiên bản đang áp dụng)",
                field="valid_from",
            )
        changed = [f for f in TITLE_FIELDS if getattr(current, f) != values[f]]
        if not changed:
            raise DomainError("Không có nội dung nào khác phiên bản đang áp dụng", field=None)
        before = _snapshot(current)
        current.valid_to = valid_from - timedelta(days=1)
        current.save(update_fields=["valid_to"])
        new = Title.objects.create(province_id=current.province_id, valid_from=valid_from, **values)
        labels = {f: str(Title._meta.get_field(f).verbose_name) for f in changed}
        audit_record(
            actor=actor,
            action="title.changed",
            obj=new,
            org_id=new.province_id,
            before=before,
            after=_snapshot(new),
            summary=f"Sửa đổi chức danh «{new.name}» ({new.code}) từ ngày {valid_from:%d/%m/%Y}: "
            + ", ".join(labels[f] for f in changed),
        )
    return new


def title_lineage_rebuild(province_id: int) -> None:
    """Rebuild the stored lineage closure (TitleAncestor) of one province's catalogue from the
    successors of its titles (a few hundred rows at most; same transaction as the write)."""
    successors: dict[str, set[str]] = {}
    for code, succ in Title.objects.filter(province_id=province_id, successor__isnull=False).values_list(
        "code", "successor__code"
    ):
        successors.setdefault(code, set()).add(succ)
    TitleAncestor.objects.filter(province_id=province_id).delete()
    TitleAncestor.objects.bulk_create(
        TitleAncestor(province_id=province_id, code=code, ancestor=a)
        for code, ancestors in sorted(title_ancestors(successors).items())
        for a in sorted(ancestors)
    )


def title_abolish(*, actor, title: Title, valid_to: date, successor: Title | None = None, source: str = "") -> Title:
    """End the title on `valid_to` (its last day). `successor`: the title of the same province,
    in force on the next day, that takes its place (the lineage used when titles were merged on
    01/07/2025). The holdings of the title end with it (the cadres' projections are rebuilt);
    its open planning entries are closed by `planning_close_abolished`."""
    _require_catalogue(actor, title)
    if valid_to is None:
        raise DomainError("Phải ghi ngày cuối cùng chức danh còn hiệu lực", field="valid_to")
    source = " ".join(nfc(source or "").split())
    with transaction.atomic():
        _lock_catalogue(title.province_id)
        current = _current_version(title)
        if current is None:
            raise DomainError(f"Chức danh «{title.name}» đã bãi bỏ", field="title")
        if valid_to < current.valid_from:
            raise DomainError(
                f"Ngày cuối cùng còn hiệu lực không được trước ngày {current.valid_from:%d/%m/%Y} "
                "(ngày bắt đầu của phiên bản đang áp dụng)",
                field="valid_to",
            )
        next_day = valid_to + timedelta(days=1)
        if successor is not None:
            if successor.province_id != current.province_id:
                raise DomainError("Chức danh kế thừa phải thuộc danh mục của cùng tỉnh", field="successor")
            if successor.code == current.code:
                raise DomainError("Chức danh kế thừa phải là một chức danh khác (mã khác)", field="successor")
            if not successor.valid_on(next_day):
                raise DomainError(
                    f"Chức danh kế thừa «{successor.name}» phải có hiệu lực ngày {next_day:%d/%m/%Y} "
                    f"(hiện có hiệu lực {title_period(successor)})",
                    field="successor",
                )
        versions = Title.objects.filter(province_id=current.province_id, code=current.code)
        late = (
            CadreAction.objects.effective()
            .filter(title__in=versions, on__gt=valid_to)
            .filter(type__in=[*OPENS_HOLDING, ActionType.NOMINATION])
            .order_by("on")
            .first()
        )
        if late is not None:
            raise DomainError(
                f"Đã có quyết định {late.get_type_display().lower()} chức danh này hiệu lực ngày "
                f"{late.on:%d/%m/%Y}, sau ngày {valid_to:%d/%m/%Y}; hủy hoặc ghi lại quyết định đó trước",
                field="valid_to",
            )
        before = _snapshot(current)
        current.valid_to, current.successor = valid_to, successor
        if source:
            current.source = "; ".join(filter(None, [current.source, f"Bãi bỏ: {source}"]))[:255]
        current.save(update_fields=["valid_to", "successor", "source"])
        title_lineage_rebuild(current.province_id)
        for cadre in Cadre.objects.filter(holdings__title__in=versions).distinct():
            holdings_rebuild(cadre)
        audit_record(
            actor=actor,
            action="title.abolished",
            obj=current,
            org_id=current.province_id,
            before=before,
            after=_snapshot(current),
            summary=f"Bãi bỏ chức danh «{current.name}» ({current.code}) sau ngày {valid_to:%d/%m/%Y}"
            + (f"; kế thừa: «{successor.name}» ({successor.code})" if successor else ""),
        )
    return current
