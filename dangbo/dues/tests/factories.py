"""The dues test data, one home for every dues test module: a declaration, a payment, a decided
relief, written through the services as a user would, and the SQL obligation of one member.
Fixtures built on them (`declared`) are in conftest.py."""

from __future__ import annotations

from datetime import date

from dangbo.dues import selectors as sel
from dangbo.dues.services import (
    DeclarationInput,
    PaymentInput,
    ReliefInput,
    declaration_record,
    payment_record,
    relief_record,
)
from dangbo.members.models import Member

SOURCE = "Bản kê khai của đảng viên"


def declare(actor, member, category, base=None, *, on=date(2025, 1, 1), hardship=False, source=SOURCE):
    """Record `member`'s declaration of `category` (with its `base`) valid and declared on `on`."""
    return declaration_record(
        actor=actor,
        member=member,
        data=DeclarationInput(
            category=category, base=base, valid_from=on, declared_on=on, source=source, hardship=hardship
        ),
    )


def declare_each(actor, members, category, base=None, **kwargs) -> None:
    """The same declaration (see `declare`) for each of `members`."""
    for m in members:
        declare(actor, m, category, base, **kwargs)


def pay(actor, member, first, last, amount, *, paid_on=None, channel="cash", org_id=None):
    """Record `member`'s payment of `amount` for the months `first`..`last` (paid on `last` unless told)."""
    return payment_record(
        actor=actor,
        member=member,
        org_id=org_id,
        data=PaymentInput(from_month=first, to_month=last, amount=amount, paid_on=paid_on or last, channel=channel),
    )


def relieve(
    actor,
    member,
    kind,
    first,
    last,
    *,
    reason="Ốm dài ngày, có xác nhận của bệnh viện",
    decision_no="05-BB/CB",
    decided_on=date(2025, 1, 20),
):
    """Record a decided relief (`kind`: deferral or exemption) of `member` for `first`..`last`."""
    return relief_record(
        actor=actor,
        member=member,
        data=ReliefInput(
            kind=kind, from_month=first, to_month=last, reason=reason, decision_no=decision_no, decided_on=decided_on
        ),
    )


def sql_due(member, month):
    """`member`'s obligation for `month` as the SQL expression computes it."""
    return sel.annotate_due(Member.objects.filter(pk=member.pk), month, "d").values_list("d", flat=True).get()
