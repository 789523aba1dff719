"""Writes of party dues. Every write checks the access policy ("meet" — the cell's own work, as
for its meetings — on the member's attendance organization: the cell secretary, an officer or
administrator above it), runs in one transaction with its audit entry; bad input raises
DomainError with a Vietnamese message naming the field.

- A declaration is what the member declared (category, base, from which month, when, source):
  the product records it, it never infers income.
- A payment covers a run of months; it is allocated to them in order, each month up to what is
  still owed for it (so a late, partial, advance or multi-month payment — a portal transfer for a
  quarter — is counted per month covered); anything above the amounts owed is kept on the last
  month (paying more is voluntary, R-120). Every month covered needs a declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.rules import param
from dangbo.core.text import nfc
from dangbo.dues import facts
from dangbo.dues import selectors as sel
from dangbo.dues.models import (
    BASE_CATEGORIES,
    Category,
    Channel,
    DuesAllocation,
    DuesDeclaration,
    DuesLedgerEntry,
    DuesMonthClose,
    DuesMonthReopen,
    DuesPayment,
    DuesRelief,
    EntryKind,
    ReliefKind,
)
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan
from dangbo.orgs.selectors import org_version_on

MAX_MONTHS = 36


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def attendance_org_id(member: Member, on: date) -> int | None:
    """The organization the member pays at on `on`: the host of a temporary attachment, else home."""
    span = (
        MembershipSpan.objects.valid_on(on)
        .filter(member_id=member.pk, status__in=ACTIVE_STATUSES)
        .order_by("-valid_from")
        .values_list("temp_org_id", "org_id")
        .first()
    )
    if span is None:
        return policy.member_home_org_id(member)
    return span[0] or span[1]


@dataclass
class DeclarationInput:
    category: str
    valid_from: date  # any day of the first month it applies to
    declared_on: date
    source: str
    base: int | None = None
    hardship: bool = False


def declaration_record(*, actor, member: Member, data: DeclarationInput) -> DuesDeclaration:
    """Record the member's declaration of their dues category and base from a month on."""
    org_id = policy.member_home_org_id(member)
    policy.require(actor, "meet", org_id, message=policy.NOT_FOUND, field="member_id")
    if data.category not in Category.values:
        raise DomainError("Đối tượng đóng đảng phí không hợp lệ", field="category")
    source = nfc(data.source or "").strip()
    if not source:
        raise DomainError("Ghi nguồn kê khai (bản kê khai của đảng viên)", field="source")
    if data.category in BASE_CATEGORIES:
        if data.base is None or data.base <= 0:
            raise DomainError("Ghi mức thu nhập đảng viên kê khai làm căn cứ đóng đảng phí", field="base")
    elif data.base is not None:
        raise DomainError("Đối tượng này đóng mức cố định, không ghi thu nhập", field="base")
    if data.declared_on > policy.today():
        raise DomainError("Ngày kê khai không được sau ngày hôm nay", field="declared_on")
    with transaction.atomic():
        decl = DuesDeclaration.objects.create(
            member=member,
            category=data.category,
            base=data.base,
            valid_from=sel.month_start(data.valid_from),
            declared_on=data.declared_on,
            source=source,
            hardship=data.hardship,
            recorded_by=_user(actor),
        )
        facts.refresh_members([member.pk])
        audit_record(
            actor=actor,
            action="dues.declaration",
            obj=decl,
            org_id=org_id,
            subject_member_id=member.pk,
            summary=f"Kê khai đảng phí: {decl.get_category_display()} từ tháng {decl.valid_from:%m/%Y}",
            after={
                "category": decl.category,
                "base": decl.base,
                "valid_from": str(decl.valid_from),
                "hardship": decl.hardship,
                "source": source,
            },
        )
    return decl


@dataclass
class PaymentInput:
    from_month: date
    to_month: date
    amount: int
    paid_on: date
    channel: str = Channel.CASH
    receipt_no: str = ""
    collector_id: int | None = None
    note: str = ""


def payment_record(*, actor, member: Member, data: PaymentInput, org_id: int | None = None) -> DuesPayment:
    """Record a payment of `member` for the months `from_month`..`to_month`, received by `org_id`
    (default: the organization the member pays at on the payment date)."""
    org_id = org_id or attendance_org_id(member, data.paid_on)
    policy.require(actor, "meet", org_id, message=policy.NOT_FOUND, field="member_id")
    if data.channel not in Channel.values:
        raise DomainError("Hình thức nộp không hợp lệ", field="channel")
    if data.amount is None or data.amount <= 0:
        raise DomainError("Số tiền phải lớn hơn 0", field="amount")
    if data.paid_on > policy.today():
        raise DomainError("Ngày nộp không được sau ngày hôm nay", field="paid_on")
    first, last = sel.month_start(data.from_month), sel.month_start(data.to_month)
    if last < first:
        raise DomainError("Tháng cuối phải từ tháng đầu trở đi", field="to_month")
    covered = sel.months(first, last)
    if len(covered) > MAX_MONTHS:
        raise DomainError(f"Một lần nộp không quá {MAX_MONTHS} tháng", field="to_month")
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()  # one allocation at a time
        owed = []
        for row in sel.ledger(member.pk, first, last):  # a few queries whatever the months covered
            if row.due is None:
                raise DomainError(f"Chưa có kê khai đảng phí cho tháng {row.month:%m/%Y}", field="from_month")
            owed.append(max(row.due - row.paid, 0))
        payment = DuesPayment.objects.create(
            member=member,
            org_id=org_id,
            from_month=first,
            to_month=last,
            amount=data.amount,
            paid_on=data.paid_on,
            channel=data.channel,
            receipt_no=nfc(data.receipt_no).strip(),
            collector_id=data.collector_id,
            note=nfc(data.note).strip(),
            recorded_by=_user(actor),
        )
        rest, rows = data.amount, []
        for i, (m, o) in enumerate(zip(covered, owed, strict=True)):
            part = rest if i == len(covered) - 1 else min(o, rest)
            if part:
                rows.append(DuesAllocation(payment=payment, member=member, month=m, amount=part))
            rest -= part
        DuesAllocation.objects.bulk_create(rows)
        facts.refresh_members([member.pk])
        closed = set(
            DuesMonthClose.objects.filter(org_id=org_id, month__in=[a.month for a in rows], reopened=False).values_list(
                "month", flat=True
            )
        )
        for a in rows:
            if a.month in closed:  # a correction after closing: an adjusting entry, the close is not edited
                _post_chain(
                    org_id=org_id,
                    amount=a.amount,
                    month=a.month,
                    on=data.paid_on,
                    payment=payment,
                    note=f"Thu bổ sung sau chốt sổ tháng {a.month:%m/%Y}",
                )
        audit_record(
            actor=actor,
            action="dues.payment",
            obj=payment,
            org_id=org_id,
            subject_member_id=member.pk,
            summary=f"Nộp đảng phí {data.amount:,} đ".replace(",", ".")
            + f" tháng {first:%m/%Y}–{last:%m/%Y} ({payment.get_channel_display()})",
            after={
                "amount": data.amount,
                "from": str(first),
                "to": str(last),
                "channel": data.channel,
                "allocated": {str(a.month): a.amount for a in rows},
            },
        )
    return payment


# --- closing a month, remittance up the tree (item 1, R-121) ------------------------------------


def _vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".") + " đ"


def _entry(org_id, kind, amount, month, on, counterpart_id=None, **kw) -> DuesLedgerEntry:
    return DuesLedgerEntry(
        org_id=org_id, entry_on=on, month=month, kind=kind, amount=amount, counterpart_id=counterpart_id, **kw
    )


def _send_up(
    *,
    org_id: int,
    arrived: int,
    month: date,
    on: date,
    close: DuesMonthClose | None = None,
    payment: DuesPayment | None = None,
    adjusting: bool = False,
) -> tuple[list[DuesLedgerEntry], int, int]:
    """`org_id` (closing `month` now, or already closed) keeps its R-121 share
    (`dues_retention_keep_pct` by its type, in force at the month's end) of `arrived` and remits the
    rest to its superior; while the superior has already closed the month, it forwards in turn (an
    adjusting entry of a closed level); an open superior holds what it received until it closes.
    The top keeps all. Returns (entries, kept, remitted) at `org_id`."""
    keep = param("dues_retention_keep_pct", sel.month_end(month))
    rows: list[DuesLedgerEntry] = []
    first = None
    current = org_id
    while arrived > 0:
        version = org_version_on(org_id=current, at=on)
        parent = version.parent_id if version else None
        kept = arrived if parent is None else arrived * keep.get(version.org_type, keep.get("*", 0)) // 100
        up = arrived - kept
        if first is None:
            first = (kept, up)
        if not up:
            break
        common = {"close": close, "payment": payment, "adjusting": adjusting}
        rows.append(
            _entry(
                current,
                EntryKind.REMITTED,
                -up,
                month,
                on,
                parent,
                note=f"Nộp cấp trên đảng phí tháng {month:%m/%Y}",
                **common,
            )
        )
        rows.append(
            _entry(
                parent,
                EntryKind.RECEIVED,
                up,
                month,
                on,
                current,
                note=f"Nhận đảng phí tháng {month:%m/%Y} từ cấp dưới",
                **common,
            )
        )
        if sel.month_closed(parent, month) is None:
            break
        current, arrived, adjusting = parent, up, True
    kept, up = first or (0, 0)
    return rows, kept, up


def _post_chain(
    *,
    org_id: int,
    amount: int,
    month: date,
    on: date,
    payment: DuesPayment | None = None,
    note: str = "",
) -> None:
    """A payment received by `org_id` for a month it has already closed: collected on its books and
    sent up as an adjusting entry (each closed level keeping its share, see `_send_up`)."""
    rows = [
        _entry(
            org_id, EntryKind.COLLECTED, amount, month, on, payment=payment, adjusting=True, note=note or "Thu đảng phí"
        )
    ]
    up_rows, _, _ = _send_up(org_id=org_id, arrived=amount, month=month, on=on, payment=payment, adjusting=True)
    DuesLedgerEntry.objects.bulk_create(rows + up_rows)


def _names(org_ids, at: date) -> dict[int, str]:
    from dangbo.orgs.models import OrgVersion

    return dict(OrgVersion.objects.valid_on(at).filter(org_id__in=org_ids).values_list("org_id", "name"))


def _list_names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" và {len(names) - limit} tổ chức khác" if len(names) > limit else "")


def month_close(*, actor, org_id: int, month: date, on: date | None = None) -> DuesMonthClose:
    """Close `org_id`'s books of `month` (item 1, R-121). Each level closes on its own: a cell
    closes its sheet, then its grassroots / commune committee over its closed cells, then the levels
    above; refused while an organization below (a collecting one or a level between) is still open,
    naming them. At closing, what the organization collected from its members for the month
    (allocations of payments it received) and what it received from below for the month is posted;
    it keeps its R-121 share and remits the rest to its superior, which holds it until it closes in
    turn. Once closed the sheet is read-only; later payments for the month become adjusting entries."""
    policy.require(actor, "meet", org_id, message=policy.NOT_FOUND, field="org")
    on = on or policy.today()
    month = sel.month_start(month)
    if month > sel.month_start(on):
        raise DomainError(f"Chưa đến tháng {month:%m/%Y}, chưa thể chốt sổ", field="thang")
    with transaction.atomic():
        if DuesMonthClose.objects.select_for_update().filter(org_id=org_id, month=month, reopened=False).exists():
            raise DomainError(f"Tháng {month:%m/%Y} đã chốt sổ", field="thang")
        still_open = [r.name for r in sel.units_below(org_id, month) if r.close is None]
        if still_open:
            raise DomainError(
                f"Chưa thể chốt sổ tháng {month:%m/%Y}: còn {len(still_open)} tổ chức cấp dưới chưa chốt sổ "
                f"({_list_names(still_open)})",
                field="org",
            )
        collected = (
            DuesAllocation.objects.filter(payment__org_id=org_id, month=month).aggregate(s=Sum("amount"))["s"] or 0
        )
        received = (
            DuesLedgerEntry.objects.filter(org_id=org_id, month=month, kind=EntryKind.RECEIVED).aggregate(
                s=Sum("amount")
            )["s"]
            or 0
        )
        close = DuesMonthClose.objects.create(
            org_id=org_id,
            month=month,
            closed_on=on,
            due=sel.due_total([org_id], month),
            collected=collected,
            received=received,
            retained=0,
            remitted=0,
            recorded_by=_user(actor),
        )
        rows = []
        if collected:
            rows.append(_entry(org_id, EntryKind.COLLECTED, collected, month, on, close=close, note="Thu đảng phí"))
        up_rows, kept, up = _send_up(org_id=org_id, arrived=collected + received, month=month, on=on, close=close)
        DuesLedgerEntry.objects.bulk_create(rows + up_rows)
        close.retained, close.remitted = kept, up
        close.save(update_fields=["retained", "remitted"])
        audit_record(
            actor=actor,
            action="dues.month_close",
            obj=close,
            org_id=org_id,
            summary=f"Chốt sổ đảng phí tháng {month:%m/%Y}: thu {_vnd(collected)}, nhận từ cấp dưới {_vnd(received)}, "
            f"để lại {_vnd(close.retained)}, nộp cấp trên {_vnd(close.remitted)}",
            after={
                "month": str(month),
                "due": close.due,
                "collected": collected,
                "received": received,
                "retained": close.retained,
                "remitted": close.remitted,
            },
        )
    return close


def month_reopen(*, actor, org_id: int, month: date, reason: str, on: date | None = None) -> DuesMonthReopen:
    """Reopen `org_id`'s closed `month` (item 1): an event with its reason, audited. Refused while
    the superior has closed the month (it reopens first). What the organization's books carry for
    the month (collected, remitted) is reversed by adjusting entries — the superior's receipt too —
    so that closing again posts it once; the ledger keeps the close and its reversal."""
    policy.require(actor, "meet", org_id, message=policy.NOT_FOUND, field="org")
    on = on or policy.today()
    month = sel.month_start(month)
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError("Ghi lý do mở lại sổ", field="reason")
    if len(reason) > 255:
        raise DomainError("Lý do mở lại sổ không quá 255 ký tự", field="reason")
    with transaction.atomic():
        close = DuesMonthClose.objects.select_for_update().filter(org_id=org_id, month=month, reopened=False).first()
        if close is None:
            raise DomainError(f"Tháng {month:%m/%Y} chưa chốt sổ, không cần mở lại", field="thang")
        entries = DuesLedgerEntry.objects.filter(org_id=org_id, month=month)
        collected = entries.filter(kind=EntryKind.COLLECTED).aggregate(s=Sum("amount"))["s"] or 0
        sent = dict(
            entries.filter(kind=EntryKind.REMITTED)
            .values("counterpart_id")
            .annotate(s=Sum("amount"))
            .order_by()
            .values_list("counterpart_id", "s")
        )
        version = org_version_on(org_id=org_id, at=on)
        superiors = {c for c, s in sent.items() if s} | (
            {version.parent_id} if version and version.parent_id else set()
        )
        closed_above = [c for c in superiors if sel.month_closed(c, month)]
        if closed_above:
            names = _names(closed_above, sel.month_end(month))
            raise DomainError(
                f"Cấp trên ({_list_names([names.get(c, str(c)) for c in closed_above])}) đã chốt sổ tháng "
                f"{month:%m/%Y}: cấp trên phải mở lại sổ trước",
                field="org",
            )
        note = f"Mở lại sổ tháng {month:%m/%Y}: {reason}"[:255]
        rows = []
        if collected:
            rows.append(
                _entry(org_id, EntryKind.COLLECTED, -collected, month, on, close=close, adjusting=True, note=note)
            )
        for counterpart, amount in sent.items():
            if amount:
                rows.append(
                    _entry(
                        org_id,
                        EntryKind.REMITTED,
                        -amount,
                        month,
                        on,
                        counterpart,
                        close=close,
                        adjusting=True,
                        note=note,
                    )
                )
                rows.append(
                    _entry(
                        counterpart,
                        EntryKind.RECEIVED,
                        amount,
                        month,
                        on,
                        org_id,
                        close=close,
                        adjusting=True,
                        note=note,
                    )
                )
        DuesLedgerEntry.objects.bulk_create(rows)
        close.reopened = True
        close.save(update_fields=["reopened"])
        event = DuesMonthReopen.objects.create(close=close, reopened_on=on, reason=reason, recorded_by=_user(actor))
        audit_record(
            actor=actor,
            action="dues.month_reopen",
            obj=event,
            org_id=org_id,
            summary=f"Mở lại sổ đảng phí tháng {month:%m/%Y} (đã chốt ngày {close.closed_on:%d/%m/%Y}): {reason}",
            before={"closed_on": str(close.closed_on), "collected": close.collected, "remitted": close.remitted},
            after={"month": str(month), "reason": reason, "reopened_on": str(on)},
        )
    return event


# --- deferrals and exemptions (item 3) ----------------------------------------------------------


@dataclass
class ReliefInput:
    kind: str
    from_month: date
    to_month: date
    reason: str
    decision_no: str
    decided_on: date


def relief_record(*, actor, member: Member, data: ReliefInput) -> DuesRelief:
    """Record a decided deferral (tạm hoãn) or exemption (miễn) of the member's dues for a run of
    months: an exemption makes those months owe 0; a deferred month still owes its amount but,
    having a reason, is not counted unpaid for R-122."""
    org_id = policy.member_home_org_id(member)
    policy.require(actor, "meet", org_id, message=policy.NOT_FOUND, field="member_id")
    if data.kind not in ReliefKind.values:
        raise DomainError("Loại (tạm hoãn / miễn) không hợp lệ", field="kind")
    first, last = sel.month_start(data.from_month), sel.month_start(data.to_month)
    if last < first:
        raise DomainError("Tháng cuối phải từ tháng đầu trở đi", field="to_month")
    reason, decision = nfc(data.reason or "").strip(), nfc(data.decision_no or "").strip()
    if not reason:
        raise DomainError("Ghi lý do tạm hoãn / miễn đóng đảng phí", field="reason")
    if not decision:
        raise DomainError("Ghi số quyết định hoặc biên bản họp chi bộ", field="decision_no")
    if data.decided_on > policy.today():
        raise DomainError("Ngày quyết định không được sau ngày hôm nay", field="decided_on")
    with transaction.atomic():
        relief = DuesRelief.objects.create(
            member=member,
            kind=data.kind,
            from_month=first,
            to_month=last,
            reason=reason,
            decision_no=decision,
            decided_on=data.decided_on,
            recorded_by=_user(actor),
        )
        facts.refresh_members([member.pk])
        audit_record(
            actor=actor,
            action="dues.relief",
            obj=relief,
            org_id=org_id,
            subject_member_id=member.pk,
            summary=f"{relief.get_kind_display()} tháng {first:%m/%Y}–{last:%m/%Y} ({decision})",
            after={
                "kind": data.kind,
                "from": str(first),
                "to": str(last),
                "reason": reason,
                "decision_no": decision,
                "decided_on": str(data.decided_on),
            },
        )
    return relief
