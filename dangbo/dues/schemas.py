"""The request and response schemas of the party dues API (dues/api.py). Months are any date in
the month (yyyy-mm-dd) in and the month's first day out; amounts in đồng. Names are prefixed "Dues"
(one OpenAPI namespace for all apps)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Schema

from dangbo.core.api import IsoDate
from dangbo.dues.models import Category, Channel, ReliefKind

CategoryCode = Literal[tuple(Category.values)]  # type: ignore[valid-type]
ChannelCode = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
ReliefCode = Literal[tuple(ReliefKind.values)]  # type: ignore[valid-type]


class DuesMonthOut(Schema):
    month: date
    regime: str
    member: bool
    due: int | None
    paid: int
    outstanding: int
    status: str


class DuesLedgerOut(Schema):
    member_id: int
    year: int
    paid_up_to: date | None
    months: list[DuesMonthOut]


class DuesDeclarationIn(Schema):
    category: CategoryCode
    base: int | None = None
    valid_from: IsoDate
    declared_on: IsoDate
    source: str
    hardship: bool = False


class DuesDeclarationOut(Schema):
    id: int
    member_id: int
    category: str
    base: int | None
    valid_from: date
    declared_on: date
    source: str
    hardship: bool


class DuesPaymentIn(Schema):
    from_month: IsoDate
    to_month: IsoDate
    amount: int
    paid_on: IsoDate
    channel: ChannelCode = Channel.CASH
    receipt_no: str = ""
    org_id: int | None = None


class DuesPaymentOut(Schema):
    id: int
    member_id: int
    org_id: int
    from_month: date
    to_month: date
    amount: int
    paid_on: date
    channel: str
    receipt_no: str
    allocated: dict[str, int]


class DuesReliefIn(Schema):
    kind: ReliefCode
    from_month: IsoDate
    to_month: IsoDate
    reason: str
    decision_no: str
    decided_on: IsoDate


class DuesReliefOut(DuesReliefIn):
    id: int
    member_id: int


class DuesSheetRowOut(Schema):
    member_id: int
    full_name: str
    due: int | None
    paid: int
    outstanding: int


class DuesSheetOut(Schema):
    org_id: int
    month: date
    regime: str
    closed_on: date | None
    rows: list[DuesSheetRowOut]


class DuesCloseIn(Schema):
    org_id: int
    month: IsoDate


class DuesReopenIn(Schema):
    org_id: int
    month: IsoDate
    reason: str


class DuesReopenOut(Schema):
    id: int
    close_id: int
    org_id: int
    month: date
    reopened_on: date
    reason: str


class DuesCloseOut(Schema):
    id: int
    org_id: int
    month: date
    closed_on: date
    collected: int
    received: int
    retained: int
    remitted: int


class DuesClosingRowOut(Schema):
    org_id: int
    name: str
    closed_on: date | None
    remitted: int | None


class DuesClosingStatusOut(Schema):
    org_id: int
    month: date
    closed: int
    total: int
    orgs: list[DuesClosingRowOut]


class DuesEntryOut(Schema):
    id: int
    entry_on: date
    month: date
    kind: str
    amount: int
    counterpart_id: int | None
    adjusting: bool


class DuesOrgLedgerOut(Schema):
    org_id: int
    until: date
    collected: int
    received: int
    remitted: int
    balance: int
    entries: list[DuesEntryOut]


class DuesSummaryOut(Schema):
    org_id: int
    first: date
    last: date
    due: int
    collected: int
    retained: int
    remitted: int
    collection_rate: float | None


class DuesArrearsRowOut(Schema):
    member_id: int
    full_name: str
    org_id: int | None
    org_name: str
    unpaid_months: int
    unpaid_amount: int
    removal_ground: bool


class DuesArrearsOut(Schema):
    year: int
    min_months: int
    org_id: int | None
    total_amount: int
    rows: list[DuesArrearsRowOut]
