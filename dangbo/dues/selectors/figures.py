"""Figures of a subtree and a period: who pays where (`attends_in`: the temporary host, the receiving
cell of a member in transit), a cell's monthly sheet, the due per organization and the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from dangbo.access import policy
from dangbo.core.rules import param
from dangbo.dues.models import (
    BASE_CATEGORIES,
    Category,
    DuesAllocation,
    DuesDeclaration,
    DuesMonthFact,
    DuesOrgMonthFact,
    DuesRelief,
    ReliefKind,
)
from dangbo.dues.selectors.ledger import facts_until
from dangbo.dues.selectors.obligation import (
    BIG,
    INT,
    _rate_key,
    add_months,
    annotate_due,
    month_end,
    month_start,
    months,
    paid_expression,
    rates,
)
from dangbo.members.models import ACTIVE_STATUSES, EventType, Member, MemberEvent, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_version_on

# --- figures of a subtree and a period ----------------------------------------------------------


def _subtree_ids(org_id: int, at: date) -> Subquery:
    root = org_version_on(org_id=org_id, at=at)
    path = root.path if root else "\x00none"
    return Subquery(OrgVersion.objects.filter(path__startswith=path).values("org_id"))


def attends_in(subtree, d: date, ref: str = "pk"):
    """The member `OuterRef(ref)` is a member on `d` attending (temporary host, else home) an
    organization of `subtree`: temporarily attached members pay at the host cell; a member in
    transit (official transfer letter issued before the month began, not yet received) pays at the
    receiving cell, which collects from the month after the letter's (R-033): the sender collects up
    to the month of the letter, which the letter states paid."""
    return Exists(_attending_spans(d, ref).filter(attends__in=subtree))


@dataclass
class Summary:
    first: date
    last: date
    due: int = 0
    collected: int = 0
    retained: int = 0
    remitted: int = 0
    members: int = 0
    fully_paid: int = 0
    per_month_due: dict[date, int] = field(default_factory=dict)

    @property
    def collection_rate(self) -> float | None:
        return self.collected / self.due * 100 if self.due else None


@dataclass
class SheetRow:
    member_id: int
    name: str
    due: int | None
    paid: int

    @property
    def outstanding(self) -> int:
        return max((self.due or 0) - self.paid, 0)


def cell_sheet(*, actor, org_id: int, month: date) -> list[SheetRow]:
    """The monthly collection sheet of an organization: the members who pay there that month (on
    its last day, temporarily attached members at their host), with what they owe for it and what
    has been paid for it (wherever it was paid: after a transfer a month paid at the old cell is
    not charged again). One query."""
    policy.get_org_or_404(actor, org_id)
    m = month_start(month)
    qs = Member.objects.filter(attends_in([org_id], month_end(m)))
    qs = annotate_due(qs, m, "due").annotate(paid=paid_expression(m)).order_by("name_folded", "pk")
    return [SheetRow(pk, name, due, paid) for pk, name, due, paid in qs.values_list("pk", "full_name", "due", "paid")]


def _due_rows(month: date):
    """The declarations that set `month`'s obligation and its amount as an expression: the same
    obligation as `obligation` / `annotate_due`, computed from the declaration side in one
    aggregate: the declarations in force on the month's first day (no later one of the member by
    then: an anti-join), whose member attends in the subtree, each amount an expression of the
    row's own columns. Every correlated subquery appears once in the SQL (`annotate_due` repeats
    its helper subqueries inside its CASE: fine for a sheet, ~150 s for a province's year)."""
    m = month_start(month)
    r = rates(m)
    later = DuesDeclaration.objects.filter(member_id=OuterRef("member_id"), valid_from__lte=m).filter(
        Q(valid_from__gt=OuterRef("valid_from")) | Q(valid_from=OuterRef("valid_from"), id__gt=OuterRef("id"))
    )
    base = F("base")
    si_base = base
    lag = r.get("si_base_lag_months", 0)
    if lag:
        prev = (
            DuesDeclaration.objects.filter(member_id=OuterRef("member_id"), valid_from__lte=add_months(m, -lag))
            .order_by("-valid_from", "-id")
            .annotate(si=Case(When(category=Category.SI_SALARY, then=F("base")), default=None, output_field=BIG))
            .values("si")[:1]
        )
        # Only a declaration that began after the lagged month can differ from the one in force
        # then (declarations start on a month's first day): the subquery runs for those rows only.
        si_base = Case(
            When(valid_from__gt=add_months(m, -lag), then=Coalesce(Subquery(prev, output_field=BIG), base)),
            default=base,
            output_field=BIG,
        )

    def pct(b, key):
        return ExpressionWrapper(b * Value(r[key], output_field=BIG) / Value(10000, output_field=BIG), output_field=BIG)

    amount = Case(
        When(category=Category.SI_SALARY, then=pct(si_base, "si_salary_bp")),
        When(category=Category.SICKNESS, then=pct(base, "sickness_benefit_bp")),
        When(category=Category.PENSION, then=pct(base, "pension_bp")),
        *[
            When(category=c, then=Value(r[_rate_key(c)], output_field=BIG))
            for c in Category.values
            if c not in BASE_CATEGORIES
        ],
        default=Value(0, output_field=BIG),
        output_field=BIG,
    )
    hp = Case(
        When(hardship=True, then=Value(param("dues_hardship_pct", m), output_field=BIG)),
        default=Value(100, output_field=BIG),
        output_field=BIG,
    )
    exempt = DuesRelief.objects.filter(kind=ReliefKind.EXEMPTION, from_month__lte=m, to_month__gte=m).values(
        "member_id"
    )  # not correlated: read once per statement
    due = Case(
        When(member_id__in=exempt, then=Value(0, output_field=BIG)),
        default=ExpressionWrapper(amount * hp / Value(100, output_field=BIG), output_field=BIG),
        output_field=BIG,
    )
    qs = DuesDeclaration.objects.filter(valid_from__lte=m).exclude(Exists(later)).order_by()
    return qs, due


def due_total(subtree, month: date) -> int:
    """What the members attending in `subtree` on the month's last day owe for `month` (see
    `_due_rows`). One query."""
    qs, due = _due_rows(month)
    qs = qs.filter(attends_in(subtree, month_end(month_start(month)), ref="member_id"))
    return qs.aggregate(t=Coalesce(Sum(due), Value(0, output_field=BIG)))["t"]


def due_by_org(subtree, month: date) -> dict[int, int]:
    """`due_total` split by the organization each member attends on the month's last day (the same
    rule as `attends_in`): {org_id: due}. One grouped query."""
    m = month_start(month)
    qs, due = _due_rows(m)
    rows = (
        qs.annotate(attends=Subquery(_attending_org(month_end(m)), output_field=INT))
        .filter(attends__in=subtree)
        .values("attends")
        .annotate(t=Sum(due))
        .order_by()
        .values_list("attends", "t")
    )
    return {oid: t or 0 for oid, t in rows}


def _transfer_letter_org(d: date) -> Subquery:
    """The receiving organization named by the latest official transfer letter (not voided) of the
    span's member `OuterRef("member_id")` issued before the month of `d` began, else NULL."""
    letter = (
        MemberEvent.objects.filter(
            member_id=OuterRef("member_id"),  # the span's member
            type=EventType.OFFICIAL_TRANSFER_OUT,
            voided_by__isnull=True,
            on__lt=d.replace(day=1),
            counterpart_org__isnull=False,
        )
        .order_by("-on", "-pk")
        .values("counterpart_org_id")[:1]
    )
    return Subquery(letter)


def _attending_spans(d: date, ref: str) -> QuerySet:
    """The active membership spans on `d` of the member `OuterRef(ref)`, each annotated `attends`:
    the receiving organization of its transfer letter when in transit, else the temporary host,
    else the home organization (see `attends_in`)."""
    return (
        MembershipSpan.objects.valid_on(d)
        .filter(member_id=OuterRef(ref), status__in=ACTIVE_STATUSES)
        .annotate(
            attends=Case(
                When(in_transfer=True, then=Coalesce(_transfer_letter_org(d), "org_id", output_field=INT)),
                default=Coalesce("temp_org_id", "org_id", output_field=INT),
                output_field=INT,
            )
        )
    )


def _attending_org(d: date):
    """The organization the member `OuterRef("member_id")` attends on `d` (see `attends_in`)."""
    return _attending_spans(d, "member_id").order_by("-pk").values("attends")[:1]


def summary(*, actor, org_id: int, first: date, last: date, live: bool = False) -> Summary:
    """Dues of the subtree of `org_id` for the months `first`..`last`: due (members attending in the
    subtree on each month's last day), collected (allocations of those months to payments received
    by organizations of the subtree), the share the collecting organizations keep by their type
    (R-121, `dues_retention_keep_pct` in force at the period's end, floored per organization and
    month as a month's closing does) and the rest remitted upward.
    A few aggregate queries whatever the number of members: when the stored facts (`dues.facts`)
    cover the period, over the organization-months (`DuesOrgMonthFact`, ~12 rows per organization);
    else the due of the months they cover from the member-month facts, each other month (or every
    month with `live=True`) computed live, and the collections from the allocations."""
    policy.get_org_or_404(actor, org_id)
    first, last = month_start(first), month_start(last)
    ms = months(first, last)
    subtree = _subtree_ids(org_id, month_end(last))
    s = Summary(first, last)
    until = None if live else facts_until()
    keep = param("dues_retention_keep_pct", month_end(last))
    pcts = sorted(set(keep.values()))

    def kept(column: str) -> dict:
        # The share kept for each distinct percentage, floored per organization-month row.
        return {
            f"k{p}": Sum(
                ExpressionWrapper(
                    F(column) * Value(p, output_field=BIG) / Value(100, output_field=BIG), output_field=BIG
                )
            )
            for p in pcts
        }

    if until is not None and last <= until:
        org_months = DuesOrgMonthFact.objects.filter(month__gte=first, month__lte=last, org_id__in=subtree).order_by()
        s.per_month_due = dict.fromkeys(ms, 0) | {
            m: t or 0 for m, t in org_months.values("month").annotate(t=Sum("due")).values_list("month", "t")
        }
        rows = list(org_months.values("org_id").annotate(c=Sum("collected"), **kept("collected")))
    else:
        if until is not None and first <= until:
            stored = dict(
                DuesMonthFact.objects.filter(month__gte=first, month__lte=min(last, until), org_id__in=subtree)
                .values("month")
                .annotate(t=Sum("due"))
                .order_by()
                .values_list("month", "t")
            )
            for m in ms:
                if m <= until:
                    s.per_month_due[m] = stored.get(m) or 0
        for m in ms:
            if m not in s.per_month_due:
                s.per_month_due[m] = due_total(subtree, m)
        # Collected per collecting organization and month (the grain of the stored rows), then kept.
        per_org_month = (
            DuesAllocation.objects.filter(month__gte=first, month__lte=last, payment__org_id__in=subtree)
            .values("payment__org_id", "month")
            .annotate(c=Sum("amount"))
            .order_by()
            .values_list("payment__org_id", "c")
        )
        by_org: dict[int, dict] = {}
        for oid, c in per_org_month:
            r = by_org.setdefault(oid, {"org_id": oid, "c": 0, **{f"k{p}": 0 for p in pcts}})
            r["c"] += c or 0
            for p in pcts:
                r[f"k{p}"] += (c or 0) * p // 100
        rows = list(by_org.values())
    s.due = sum(s.per_month_due.values())
    types: dict[int, str] = {}
    for oid, otype in (
        OrgVersion.objects.filter(org_id__in=subtree, valid_from__lte=month_end(last))
        .order_by("org_id", "-valid_from")
        .values_list("org_id", "org_type")
    ):
        types.setdefault(oid, otype)  # the latest version begun by the period's end
    for r in rows:
        pct = keep.get(types.get(r["org_id"], ""), keep.get("*", 0))
        s.collected += r["c"] or 0
        s.retained += r[f"k{pct}"] or 0
    s.remitted = s.collected - s.retained
    return s
