"""Writes of cadre work. Every write checks the access policy ("record" on the managing or
deciding organization), runs in one transaction with its audit entry, and rebuilds the
position-holding projection of the cadres it touched. Bad input raises DomainError with a
Vietnamese message naming the field; nothing is written then."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.cadres.models import (
    AGREEMENTS,
    ENDS_HOLDING,
    OPENS_HOLDING,
    ActionType,
    Cadre,
    CadreAction,
    Decision,
    PlanningEntry,
    PlanningTerm,
    PositionHolding,
    RemovalReason,
    Sex,
    Title,
)
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc


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


def cadre_create(*, actor, data: CadreInput) -> Cadre:
    policy.require(actor, "record", data.managing_org_id, message=policy.not_found("cấp ủy quản lý"),
                   field="managing_org_id")
    name = nfc(data.full_name or "").strip()
    if not name:
        raise DomainError("Họ và tên không được để trống", field="full_name")
    if data.sex not in Sex.values:
        raise DomainError("Giới tính phải là Nam hoặc Nữ", field="sex")
    if data.birth_date > policy.today():
        raise DomainError("Ngày sinh không được sau ngày hôm nay", field="birth_date")
    with transaction.atomic():
        cadre = Cadre.objects.create(
            full_name=name, birth_date=data.birth_date, sex=data.sex, member_id=data.member_id,
            managing_org_id=data.managing_org_id, education=nfc(data.education), qualification=nfc(data.qualification),
            theory_level=nfc(data.theory_level), state_management_level=nfc(data.state_management_level),
            management_class=nfc(data.management_class), management_class_from=data.management_class_from,
            ethnicity=nfc(data.ethnicity).strip(),
        )
        audit_record(actor=actor, action="cadre.create", obj=cadre, org_id=cadre.managing_org_id,
                     summary=f"Tạo hồ sơ cán bộ {cadre.full_name}")
    return cadre


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
                raise DomainError(where + f"chức danh «{title.name}» không còn hiệu lực ngày {a.on:%d/%m/%Y}",
                                  field="title_id")
        if a.type in NEEDS_DURATION and not a.planned_months:
            raise DomainError(where + "luân chuyển phải có thời gian dự kiến (tháng)", field="planned_months")
        if a.on < data.signed_on - timedelta(days=366):
            raise DomainError(where + "ngày hiệu lực quá xa trước ngày ký", field="on")
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                number=number, signed_on=data.signed_on, body=nfc(data.body).strip(), org_id=data.org_id,
                idempotency_key=data.idempotency_key, recorded_by=_user(actor),
            )
            for a in data.actions:
                action = CadreAction.objects.create(
                    decision=decision, cadre_id=a.cadre_id, type=a.type, on=a.on, title_id=a.title_id,
                    org_id=a.org_id, planned_months=a.planned_months, note=nfc(a.note), recorded_by=_user(actor),
                )
                audit_record(actor=actor, action=f"cadre_action.{a.type}", obj=action,
                             org_id=cadres[a.cadre_id].managing_org_id,
                             summary=f"{action.get_type_display()} — {cadres[a.cadre_id].full_name} "
                                     f"(QĐ {number} ngày {data.signed_on:%d/%m/%Y})")
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
            decision_id=action.decision_id, cadre_id=action.cadre_id, type=ActionType.CORRECTION, on=action.on,
            note=reason, corrects=action, recorded_by=_user(actor),
        )
        audit_record(actor=actor, action="cadre_action.void", obj=correction, org_id=cadre.managing_org_id,
                     summary=f"Hủy «{action.get_type_display()} {action.on:%d/%m/%Y}» của {cadre.full_name}: {reason}")
        holdings_rebuild(cadre)
    return correction


def holdings_rebuild(cadre: Cadre) -> list[PositionHolding]:
    """Replay the cadre's effective actions into position holdings (in the caller's transaction).

    An appointment/re-appointment/designation/transfer/rotation/extension opens (or continues) a
    holding of its title; a transfer or rotation also ends the other open holdings the day before;
    a resignation/dismissal/relief ends the holding of its title the day before its date; a
    holding of an abolished title ends with the title."""
    PositionHolding.objects.filter(cadre=cadre).delete()
    open_: dict[int, PositionHolding] = {}
    out: list[PositionHolding] = []
    actions = CadreAction.objects.filter(cadre=cadre).effective().select_related("title").order_by("on", "id")
    for a in actions:
        if a.type in OPENS_HOLDING and a.title_id:
            if a.type in (ActionType.TRANSFER, ActionType.ROTATION):
                for tid, h in list(open_.items()):
                    if tid != a.title_id:
                        h.valid_to = a.on - timedelta(days=1)
                        del open_[tid]
            if a.title_id in open_:
                continue  # re-appointment, extension: the same holding goes on
            h = PositionHolding(cadre=cadre, title=a.title, org_id=a.org_id, valid_from=a.on,
                                obtained_by=a.type, action=a)
            open_[a.title_id] = h
            out.append(h)
        elif a.type in ENDS_HOLDING and a.title_id in open_:
            open_.pop(a.title_id).valid_to = a.on - timedelta(days=1)
    for h in out:
        if h.title.valid_to and (h.valid_to is None or h.valid_to > h.title.valid_to):
            h.valid_to = h.title.valid_to
    PositionHolding.objects.bulk_create(out)
    return out


# --- planning --------------------------------------------------------------------------------


def planning_add(*, actor, term: PlanningTerm, cadre: Cadre, title: Title, on: date, decision: str = "",
                 round: str = "", org_id: int | None = None) -> PlanningEntry:
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
        if PlanningEntry.objects.filter(term=term, cadre=cadre, title=title, org_id=org_id,
                                        removed_on__isnull=True).exists():
            raise DomainError(f"{cadre.full_name} đã có trong quy hoạch chức danh «{title.name}»", field="cadre_id")
        entry = PlanningEntry.objects.create(term=term, cadre=cadre, title=title, org_id=org_id, round=nfc(round),
                                             added_on=on, added_decision=nfc(decision))
        audit_record(actor=actor, action="planning.add", obj=entry, org_id=term.org_id,
                     summary=f"Đưa {cadre.full_name} vào quy hoạch «{title.name}» nhiệm kỳ {term.name}")
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
        audit_record(actor=actor, action="planning.remove", obj=entry, org_id=entry.term.org_id,
                     summary=f"Đưa {entry.cadre.full_name} ra khỏi quy hoạch «{entry.title.name}»: "
                             f"{entry.get_removal_reason_display()}")
    return entry


def planning_close_abolished(*, actor, on: date) -> int:
    """Close, with the reason "title abolished", the open planning entries whose title ended
    before `on` (e.g. the district titles abolished on 01/07/2025): removed on the day after the
    title's last day, so the entry still shows as of that last day."""
    count = 0
    entries = (PlanningEntry.objects.filter(removed_on__isnull=True, title__valid_to__lt=on)
               .select_related("title", "term", "cadre"))
    for entry in entries:
        planning_remove(actor=actor, entry=entry, on=entry.title.valid_to + timedelta(days=1),
                        reason=RemovalReason.TITLE_ABOLISHED)
        count += 1
    return count
