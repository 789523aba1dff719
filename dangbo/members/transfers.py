"""Transfers of party activity (chuyển sinh hoạt đảng) as a process on the member event log.

letter issued (`official_transfer_out`: số giấy giới thiệu, date, destination = an organization
in the system or a free-text place outside it) → in transit (the member stays counted at the
sending organization, member_statuses.csv `chuyen_di`; the profile shows "Đang chuyển sinh hoạt
đến …, chờ tiếp nhận") → received (`official_transfer_in` by the destination, with its date: the
member's cell changes that day) or returned / cancelled (a correction voids the letter, with the
reason). A letter to an organization outside the system ends at the letter (status
`da_chuyen_di`, out of the counts). Temporary transfers (R-035) carry their end date ("until")
and end with `temporary_transfer_return`.

Writes go through members.services (rule-checked replay, projections, audit, one transaction);
the other side is told through members.signals (the notifications app listens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from dangbo.access import policy
from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.rules import param
from dangbo.core.text import nfc
from dangbo.members import services
from dangbo.members.models import EventType, Member, MemberEvent, Transfer
from dangbo.members.signals import transfer_issued, transfer_received, transfer_returned
from dangbo.orgs.models import Organization, OrgVersion

# a study attachment may last up to 2 years; a residence/work one under 1 year (param).
TEMPORARY_STUDY_MAX_MONTHS = 24


@dataclass
class LetterInput:
    on: date  # ngày cấp giấy giới thiệu
    letter_number: str  # số giấy giới thiệu
    issued_by: str = ""  # cấp ủy cấp giấy
    to_org: Organization | None = None  # destination inside the system
    to_text: str = ""  # destination outside the system (free text)
    temporary: bool = False
    until: date | None = None  # temporary: the planned end
    study: bool = False  # temporary: full-time training (up to 2 years)
    note: str = ""


def _sending_cell(member: Member, on: date) -> int | None:
    span = member.spans.valid_on(on).first()
    return span.org_id if span else None


@transaction.atomic
def transfer_issue(*, actor, member: Member, data: LetterInput) -> Transfer:
    """Issue a transfer letter for `member` (the sending side: "record" on the member's home
    organization). Refused with a Vietnamese message naming the field, nothing written."""
    number = nfc(data.letter_number)
    if not number:
        raise DomainError("Phải nhập «Số giấy giới thiệu».", field="letter_number")
    if data.on is None:
        raise DomainError("Phải nhập «Ngày cấp giấy giới thiệu».", field="on")
    to_text = nfc(data.to_text)
    if data.to_org is None and not to_text:
        raise DomainError("Phải chọn nơi đến trong hệ thống hoặc ghi nơi đến ngoài hệ thống.", field="to_org")
    if data.to_org is not None and to_text:
        raise DomainError("Chọn nơi đến trong hệ thống hoặc ghi nơi đến ngoài hệ thống, không cả hai.", field="to_text")
    payload: dict = {}
    if to_text:
        payload["destination"] = to_text
    kind = EventType.OFFICIAL_TRANSFER_OUT
    if data.temporary:
        kind = EventType.TEMPORARY_TRANSFER_OUT
        if data.to_org is None:
            raise DomainError("Sinh hoạt tạm thời phải chọn tổ chức đảng nơi đến trong hệ thống.", field="to_org")
        if data.until is None:
            raise DomainError("Phải nhập «Sinh hoạt tạm thời đến ngày» (R-035).", field="until")
        longest = TEMPORARY_STUDY_MAX_MONTHS if data.study else param("temporary_transfer_max_months", data.on)
        if not (data.on < data.until <= add_months(data.on, longest)):
            raise DomainError(
                f"«Sinh hoạt tạm thời đến ngày» phải sau ngày cấp giấy và không quá {longest} tháng (R-035).",
                field="until",
            )
        payload["until"] = data.until.isoformat()
        if data.study:
            payload["study"] = True
    sender = _sending_cell(member, data.on)
    event = services.member_record_event(
        actor=actor,
        member=member,
        data=services.EventInput(
            type=kind,
            on=data.on,
            org=Organization.objects.filter(pk=sender).first() if sender else None,
            counterpart_org=data.to_org,
            decision_number=number,
            decision_date=data.on,
            decision_body=nfc(data.issued_by),
            note=data.note,
            payload=payload,
        ),
    )
    transfer = Transfer.objects.get(pk=event.pk)
    transfer_issued.send(sender=Transfer, transfer=transfer, actor=actor)
    return transfer


def _in_subtree(org_id: int, root_id: int, on: date) -> bool:
    root = OrgVersion.objects.valid_on(on).filter(org_id=root_id).values_list("path", flat=True).first()
    if root is None:
        return False
    return OrgVersion.objects.valid_on(on).filter(org_id=org_id, path__startswith=root).exists()


def receiving_cells(*, actor, transfer: Transfer, on: date) -> list[tuple[int, str]]:
    """The cells where `actor` may receive this letter on `on`: in the destination's subtree
    (the destination itself when it is a cell) and where `actor` has "record"."""
    from dangbo.orgs.selectors import org_choices_on

    cells = org_choices_on(actor=actor, at=on, action="record", types=services.MEMBER_ORG_TYPES)
    root = (
        OrgVersion.objects.valid_on(on)
        .filter(org_id=transfer.counterpart_org_id)
        .values_list("path", flat=True)
        .first()
    )
    if root is None:
        return []
    inside = set(
        OrgVersion.objects.valid_on(on)
        .filter(path__startswith=root, org_id__in=[c for c, _ in cells])
        .values_list("org_id", flat=True)
    )
    return [(pk, name.strip()) for pk, name in cells if pk in inside]


def _open_or_refuse(transfer: Transfer, today: date) -> None:
    if not Transfer.objects.open(today, member_ids=[transfer.member_id]).filter(pk=transfer.pk).exists():
        raise DomainError(
            "Giấy giới thiệu này không còn chờ tiếp nhận (đã được tiếp nhận, trả lại hoặc hủy).", field="transfer"
        )


@transaction.atomic
def transfer_receive(*, actor, transfer: Transfer, cell: Organization, on: date, note: str = "") -> MemberEvent:
    """The destination records the reception (tiếp nhận) into `cell` on `on`: "record" on that
    cell, which must be the destination or under it. The member's cell changes on `on`."""
    today = timezone.localdate()
    if on is None:
        raise DomainError("Phải nhập «Ngày tiếp nhận».", field="on")
    if on < transfer.on:
        raise DomainError(
            f"«Ngày tiếp nhận» không được trước ngày cấp giấy giới thiệu {transfer.on:%d/%m/%Y}.", field="on"
        )
    Member.objects.select_for_update().filter(pk=transfer.member_id).first()
    _open_or_refuse(transfer, today)
    if not _in_subtree(cell.pk, transfer.counterpart_org_id, on):
        raise DomainError(
            "Chi bộ tiếp nhận phải là nơi đến ghi trên giấy giới thiệu hoặc trực thuộc nơi đó.", field="cell"
        )
    policy.require(actor, "record", cell, message=services.NO_RIGHT, field="cell")
    member = Member.objects.get(pk=transfer.member_id)
    # the sender as the other side, when it still exists that day (it may have been merged since)
    sender = (
        transfer.org
        if transfer.org_id and OrgVersion.objects.valid_on(on).filter(org_id=transfer.org_id).exists()
        else None
    )
    event = services.member_record_event(
        actor=actor,
        member=member,
        data=services.EventInput(
            type=EventType.OFFICIAL_TRANSFER_IN,
            on=on,
            org=cell,
            counterpart_org=sender,
            decision_number=transfer.decision_number,
            decision_date=transfer.decision_date,
            decision_body=transfer.decision_body,
            note=note,
            payload={"transfer": transfer.pk},
        ),
    )
    transfer_received.send(sender=Transfer, transfer=transfer, actor=actor)
    return event


@transaction.atomic
def transfer_return(*, actor, transfer: Transfer, reason: str) -> MemberEvent:
    """Return (the destination does not receive) or cancel (the sender withdraws) an open letter:
    a correction voids it with the reason; the member stays at the sending organization. The
    destination needs "record" on the destination organization, the sender on the member."""
    reason = nfc(reason)
    if not reason:
        raise DomainError("Phải nêu lý do trả lại / hủy giấy giới thiệu.", field="reason")
    today = timezone.localdate()
    Member.objects.select_for_update().filter(pk=transfer.member_id).first()
    _open_or_refuse(transfer, today)
    member = Member.objects.get(pk=transfer.member_id)
    if policy.may_record_member(actor, member):
        outcome = "cancelled"
    elif policy.allows(actor, "record", transfer.counterpart_org_id):
        outcome = "returned"
    else:
        raise DomainError(services.NO_RIGHT, field="transfer")
    correction = services._void_event(
        actor=actor, event=MemberEvent.objects.get(pk=transfer.pk), reason=reason, extra={"transfer_outcome": outcome}
    )
    transfer_returned.send(sender=Transfer, transfer=transfer, actor=actor, outcome=outcome)
    return correction


def transfer_state(transfer: Transfer, today: date) -> dict:
    """The process state of one letter for the pages and the API: state code and label, the
    reception or correction that closed it, the deadline and whether it is overdue."""
    correction = MemberEvent.objects.filter(corrects_id=transfer.pk).first()
    reception = None
    if correction is None and transfer.type == EventType.OFFICIAL_TRANSFER_OUT and transfer.counterpart_org_id:
        reception = (
            MemberEvent.objects.filter(
                member_id=transfer.member_id,
                type=EventType.OFFICIAL_TRANSFER_IN,
                voided_by__isnull=True,
                on__gte=transfer.on,
            )
            .order_by("on", "pk")
            .first()
        )
    is_open = Transfer.objects.open(today, member_ids=[transfer.member_id]).filter(pk=transfer.pk).exists()
    if correction is not None:
        outcome = (correction.payload or {}).get("transfer_outcome", "cancelled")
        state, label = outcome, ("Nơi đến trả lại" if outcome == "returned" else "Đã hủy")
    elif transfer.type == EventType.TEMPORARY_TRANSFER_OUT:
        back = (
            MemberEvent.objects.filter(
                member_id=transfer.member_id,
                type=EventType.TEMPORARY_TRANSFER_RETURN,
                voided_by__isnull=True,
                on__gte=transfer.on,
            )
            .order_by("on", "pk")
            .first()
        )
        state, label = (
            ("returned_home", "Đã trở về nơi sinh hoạt chính thức")
            if back
            else ("temporary", "Đang sinh hoạt tạm thời")
        )
        reception = back
    elif transfer.counterpart_org_id is None:
        state, label = "left_system", "Đã chuyển ra ngoài hệ thống"
    elif is_open:
        state, label = "in_transit", "Đang chuyển, chờ tiếp nhận"
    elif reception is not None:
        state, label = "received", "Đã tiếp nhận"
    else:
        state, label = "closed", "Đã kết thúc"
    overdue = False
    if state == "in_transit":
        overdue = today > transfer.deadline
    elif state == "temporary" and transfer.until:
        overdue = today > transfer.until
    return {
        "state": state,
        "label": label,
        "correction": correction,
        "reception": reception,
        "deadline": transfer.deadline if transfer.type == EventType.OFFICIAL_TRANSFER_OUT else None,
        "overdue": overdue,
        "open": is_open,
    }


def open_transfer_of(member: Member, today: date) -> Transfer | None:
    """The member's letter in transit today (at most one: a second is refused by the rules)."""
    return (
        Transfer.objects.open(today, member_ids=[member.pk])
        .filter(member_id=member.pk)
        .select_related("counterpart_org")
        .first()
    )


def incoming(*, actor, today: date, action: str = "view"):
    """Open letters addressed to an organization where `actor` may do `action` (the inbox
    «Tiếp nhận sinh hoạt đảng»): the receiving side of the policy, nothing else of the member."""
    allowed = policy.allowed_org_ids(actor, action=action)
    qs = Transfer.objects.open(today)
    if allowed is not None:
        from django.db.models import Subquery

        qs = qs.filter(counterpart_org_id__in=Subquery(allowed))
    return qs.select_related("member").order_by("on", "pk")


def outgoing(*, actor, today: date):
    """Open letters of members in `actor`'s scope (the sending side), oldest first."""
    from django.db.models import Subquery

    members = policy.for_user(Member, actor, "view")
    return (
        Transfer.objects.open(today)
        .filter(member_id__in=Subquery(members.values("pk")))
        .select_related("member")
        .order_by("on", "pk")
    )
