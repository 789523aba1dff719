"""Dues on a transfer letter (R-033, MODULES §4.5.2): when a letter is issued (members.signals
`transfer_issued`) the month paid up to is recorded with it, and the receiving cell collects from
the next month (months in transit are on the receiving cell's sheet, selectors.attends_in). The
member page shows it (a panel registered by DuesConfig.ready)."""

from __future__ import annotations

from django.db.models import Q

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.dues import selectors as sel
from dangbo.dues.models import DuesDeclaration, DuesTransferNote
from dangbo.members.models import EventType


def on_transfer_issued(sender, *, transfer, actor, **kwargs) -> None:
    """Record what the letter states about dues, in the letter's transaction."""
    upto = sel.paid_up_to(transfer.member_id)
    if upto is not None:
        starts = sel.add_months(upto, 1)
    else:
        starts = (
            DuesDeclaration.objects.filter(member_id=transfer.member_id)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
    note = DuesTransferNote.objects.create(
        transfer_id=transfer.pk, member_id=transfer.member_id, paid_up_to=upto, starts_month=starts
    )
    audit_record(
        actor=actor,
        action="dues.transfer_note",
        obj=note,
        subject_member_id=transfer.member_id,
        summary=("Giấy giới thiệu: đã nộp đảng phí đến tháng " + f"{upto:%m/%Y}")
        if upto
        else "Giấy giới thiệu: chưa nộp đảng phí tháng nào",
        after={"paid_up_to": str(upto) if upto else None, "starts_month": str(starts) if starts else None},
    )


def letter_note(member_id: int) -> DuesTransferNote | None:
    """The dues note of the member's latest transfer letter."""
    # One read of the notes joined to their letters (the member page reads the events once itself).
    return (
        DuesTransferNote.objects.filter(member_id=member_id, transfer__voided_by__isnull=True)
        .filter(Q(transfer__type=EventType.OFFICIAL_TRANSFER_OUT) | Q(transfer__type=EventType.TEMPORARY_TRANSFER_OUT))
        .order_by("-transfer__on", "-transfer_id")
        .first()
    )


def member_panel(request, member) -> dict | None:
    """The member page's dues section: month paid up to, and what the latest letter states."""
    if not policy.can(request.user, "view"):
        return None
    return {
        "template": "dues/_member_panel.html",
        "paid_up_to": sel.paid_up_to(member.pk),
        "note": letter_note(member.pk),
        "member": member,
    }
