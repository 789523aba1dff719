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

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.dues import selectors as sel
from dangbo.dues.models import BASE_CATEGORIES, Category, Channel, DuesAllocation, DuesDeclaration, DuesPayment
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan

MAX_MONTHS = 36


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def attendance_org_id(member: Member, on: date) -> int | None:
    """The organization the member pays at on `on`: the host of a temporary attachment, else home."""
    span = (MembershipSpan.objects.valid_on(on).filter(member_id=member.pk, status__in=ACTIVE_STATUSES)
            .order_by("-valid_from").values_list("temp_org_id", "org_id").first())
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
            member=member, category=data.category, base=data.base, valid_from=sel.month_start(data.valid_from),
            declared_on=data.declared_on, source=source, hardship=data.hardship, recorded_by=_user(actor))
        audit_record(actor=actor, action="dues.declaration", obj=decl, org_id=org_id, subject_member_id=member.pk,
                     summary=f"Kê khai đảng phí: {decl.get_category_display()} từ tháng {decl.valid_from:%m/%Y}",
                     after={"category": decl.category, "base": decl.base, "valid_from": str(decl.valid_from),
                            "hardship": decl.hardship, "source": source})
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
        paid = sel._paid_by_month(member.pk, first, last)
        for m in covered:
            due = sel.obligation(member.pk, m)
            if due is None:
                raise DomainError(f"Chưa có kê khai đảng phí cho tháng {m:%m/%Y}", field="from_month")
            owed.append(max(due - paid.get(m, 0), 0))
        payment = DuesPayment.objects.create(
            member=member, org_id=org_id, from_month=first, to_month=last, amount=data.amount, paid_on=data.paid_on,
            channel=data.channel, receipt_no=nfc(data.receipt_no).strip(), collector_id=data.collector_id,
            note=nfc(data.note).strip(), recorded_by=_user(actor))
        rest, rows = data.amount, []
        for i, (m, o) in enumerate(zip(covered, owed, strict=True)):
            part = rest if i == len(covered) - 1 else min(o, rest)
            if part:
                rows.append(DuesAllocation(payment=payment, member=member, month=m, amount=part))
            rest -= part
        DuesAllocation.objects.bulk_create(rows)
        audit_record(actor=actor, action="dues.payment", obj=payment, org_id=org_id, subject_member_id=member.pk,
                     summary=f"Nộp đảng phí {data.amount:,} đ".replace(",", ".")
                     + f" tháng {first:%m/%Y}–{last:%m/%Y} ({payment.get_channel_display()})",
                     after={"amount": data.amount, "from": str(first), "to": str(last), "channel": data.channel,
                            "allocated": {str(a.month): a.amount for a in rows}})
    return payment
