"""The visibility of the dues records in the access policy (one policy): a declaration, relief or
allocation is seen by whoever sees the member; a payment or month fact by the organization paid at
(a member sees their own); closes, reopenings and ledger entries by the organization."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.access import policy
from dangbo.dues.models import (
    DuesAllocation,
    DuesDeclaration,
    DuesLedgerEntry,
    DuesMonthClose,
    DuesMonthFact,
    DuesMonthReopen,
    DuesPayment,
    DuesRelief,
)
from dangbo.members.models import Member


@policy.scoped(DuesDeclaration)
def _declarations_for(qs: QuerySet, user, action: str) -> QuerySet:
    members = policy.for_user(Member, user, action).values("pk")
    return qs.filter(member_id__in=members)


policy.scoped_by(DuesPayment, field="org_id", own="member_id")
policy.scoped_by(DuesMonthFact, field="org_id", own="member_id")  # at the organization paid at


@policy.scoped(DuesRelief)
def _reliefs_for(qs: QuerySet, user, action: str) -> QuerySet:
    members = policy.for_user(Member, user, action).values("pk")
    return qs.filter(member_id__in=members)


@policy.scoped(DuesMonthClose)
def _closes_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="org_id", action=action)


@policy.scoped(DuesMonthReopen)
def _reopens_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="close__org_id", action=action)


@policy.scoped(DuesLedgerEntry)
def _entries_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="org_id", action=action)


@policy.scoped(DuesAllocation)
def _allocations_for(qs: QuerySet, user, action: str) -> QuerySet:
    return qs.filter(payment_id__in=policy.for_user(DuesPayment, user, action).values("pk"))
