"""Reads of party dues, all through the access policy (a declaration or payment is seen by whoever
sees the member's / the collecting organization's subtree; a member sees their own).

- The obligation of a member for a month (R-120): the declaration in force on the month's first
  day, the rates of the month's regime (core.rules `dues_regime` / `dues_rates`, in force on the
  month's first day: a month belongs to exactly one regime), the local hardship reduction (R-121).
  Under 01-QĐ/TW the SI-salary amount is 1 % of the *previous* month's declared SI salary.
  `obligation` computes it in Python for one member; `annotate_due` is the same computation as
  SQL over a Member queryset, used by the figures (no Python loop over members).
- A member owes a month when they are a member (probationary or full, exempt included: exemption
  from activities is not from dues — an open question, MODULES §4.2) on the month's last day.
- Paid: the allocations of payments to the months they cover (services.py), per month covered.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Sign

from dangbo.access import policy
from dangbo.core import stamps
from dangbo.core.rules import param
from dangbo.dues.models import (
    BASE_CATEGORIES,
    Category,
    DuesAllocation,
    DuesDeclaration,
    DuesFactsState,
    DuesLedgerEntry,
    DuesMonthClose,
    DuesMonthFact,
    DuesMonthReopen,
    DuesPayment,
    DuesRelief,
    ReliefKind,
)
from dangbo.members.models import ACTIVE_STATUSES, EventType, Member, MemberEvent, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_version_on

BIG = BigIntegerField()
INT = IntegerField()


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


# --- months and rates ---------------------------------------------------------------------------


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(m: date) -> date:
    return m.replace(day=calendar.monthrange(m.year, m.month)[1])


def add_months(m: date, n: int) -> date:
    y, mo = divmod(m.year * 12 + m.month - 1 + n, 12)
    return date(y, mo + 1, 1)


def months(first: date, last: date) -> list[date]:
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def regime(month: date) -> str:
    """The dues regime the month belongs to (R-120): the one in force on its first day."""
    return param("dues_regime", month_start(month))


def rates(month: date) -> dict:
    """The rate table of the month's regime (R-120)."""
    return param("dues_rates", month_start(month))[regime(month)]


def _rate_key(category: str) -> str:
    return (
        f"{category}_bp"
        if category in BASE_CATEGORIES
        else ("other_fixed" if category == Category.OTHER_FIXED else f"{category}_fixed")
    )


# --- obligation, Python (one member) ------------------------------------------------------------


def declaration_on(member_id: int, month: date) -> DuesDeclaration | None:
    return (
        DuesDeclaration.objects.filter(member_id=member_id, valid_from__lte=month_start(month))
        .order_by("-valid_from", "-id")
        .first()
    )


def obligation(member_id: int, month: date) -> int | None:
    """What the member owes for `month` (đồng), None when nothing is declared for it."""
    month = month_start(month)
    return _amount(
        month,
        lambda m: declaration_on(member_id, m),
        lambda: relief_on(member_id, month, ReliefKind.EXEMPTION),
    )


def _amount(month: date, decl_on, exempt) -> int | None:
    """The obligation of `month` from the member's declaration in force (`decl_on(month)`), the
    month's regime and rates, the hardship reduction and an exemption (`exempt()`)."""
    decl = decl_on(month)
    if decl is None:
        return None
    r = rates(month)
    if decl.category in BASE_CATEGORIES:
        base = decl.base or 0
        lag = r.get("si_base_lag_months", 0)
        if decl.category == Category.SI_SALARY and lag:
            prev = decl_on(add_months(month, -lag))
            if prev is not None and prev.category == Category.SI_SALARY and prev.base is not None:
                base = prev.base
        amount = base * r[_rate_key(decl.category)] // 10000
    else:
        amount = r[_rate_key(decl.category)]
    if decl.hardship:
        amount = amount * param("dues_hardship_pct", month) // 100
    if exempt():
        return 0
    return amount


def relief_on(member_id: int, month: date, kind: str) -> bool:
    """A decided deferral / exemption of `kind` covers the member's `month` (item 3)."""
    m = month_start(month)
    return DuesRelief.objects.filter(member_id=member_id, kind=kind, from_month__lte=m, to_month__gte=m).exists()


def relief_expression(month: date, kind: str, ref: str = "pk"):
    m = month_start(month)
    return Exists(DuesRelief.objects.filter(member_id=OuterRef(ref), kind=kind, from_month__lte=m, to_month__gte=m))


# --- obligation, SQL (any Member queryset) ------------------------------------------------------


def _decls(month: date, ref: str):
    return DuesDeclaration.objects.filter(member_id=OuterRef(ref), valid_from__lte=month).order_by("-valid_from", "-id")


def annotate_due(qs: QuerySet, month: date, name: str, ref: str = "pk") -> QuerySet:
    """`qs` (members, or rows with a member id at `ref`) annotated with `name` = the obligation of
    `month` as SQL (NULL when nothing is declared): the same computation as `obligation`. Its
    helper annotations are prefixed with `name`, so several months can be annotated at once."""
    month = month_start(month)
    r = rates(month)
    decl = _decls(month, ref)
    cat, hard, pbase, pcat, pprev = (f"{name}_cat", f"{name}_hard", f"{name}_base", f"{name}_pcat", f"{name}_pbase")
    helpers = {
        cat: Subquery(decl.values("category")[:1]),
        hard: Subquery(decl.values("hardship")[:1]),
        pbase: Coalesce(Subquery(decl.values("base")[:1]), Value(0, output_field=BIG), output_field=BIG),
    }
    si_base = F(pbase)
    lag = r.get("si_base_lag_months", 0)
    if lag:
        prev = _decls(add_months(month, -lag), ref)
        helpers[pcat] = Subquery(prev.values("category")[:1])
        helpers[pprev] = Subquery(prev.values("base")[:1])
        si_base = Case(
            When(Q(**{pcat: Category.SI_SALARY, f"{pprev}__isnull": False}), then=F(pprev)),
            default=F(pbase),
            output_field=BIG,
        )

    def pct(b, key):
        return ExpressionWrapper(b * Value(r[key], output_field=BIG) / Value(10000, output_field=BIG), output_field=BIG)

    whens = [
        When(**{cat: Category.SI_SALARY, "then": pct(si_base, "si_salary_bp")}),
        When(**{cat: Category.SICKNESS, "then": pct(F(pbase), "sickness_benefit_bp")}),
        When(**{cat: Category.PENSION, "then": pct(F(pbase), "pension_bp")}),
    ]
    whens += [
        When(**{cat: c, "then": Value(r[_rate_key(c)], output_field=BIG)})
        for c in Category.values
        if c not in BASE_CATEGORIES
    ]
    amount = Case(*whens, default=Value(None, output_field=BIG), output_field=BIG)
    hp = param("dues_hardship_pct", month)
    reduced = ExpressionWrapper(amount * Value(hp, output_field=BIG) / Value(100, output_field=BIG), output_field=BIG)
    exempt = f"{name}_exempt"
    helpers[exempt] = relief_expression(month, ReliefKind.EXEMPTION, ref)
    return qs.annotate(**helpers).annotate(
        **{
            name: Case(
                When(Q(**{f"{cat}__isnull": True}), then=Value(None, output_field=BIG)),
                When(**{exempt: True, "then": Value(0, output_field=BIG)}),
                When(**{hard: True, "then": reduced}),
                default=amount,
                output_field=BIG,
            )
        }
    )


def active_on(d: date, ref: str = "pk"):
    return Exists(MembershipSpan.objects.valid_on(d).filter(member_id=OuterRef(ref), status__in=ACTIVE_STATUSES))


def paid_expression(month: date, ref: str = "pk"):
    alloc = (
        DuesAllocation.objects.filter(member_id=OuterRef(ref), month=month_start(month))
        .order_by()
        .values("member_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(alloc, output_field=BIG), Value(0, output_field=BIG), output_field=BIG)


# --- one member's ledger ------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    regime: str
    member: bool  # a member on the month's last day
    due: int | None
    paid: int
    deferred: bool = False

    @property
    def status(self) -> str:
        if not self.member:
            return "not_member"
        if self.due is None:
            return "undeclared"
        if self.paid >= self.due:
            return "paid"
        if self.deferred:
            return "deferred"
        return "partial" if self.paid else "unpaid"

    @property
    def outstanding(self) -> int:
        return max((self.due or 0) - self.paid, 0) if self.member else 0


def _paid_by_month(member_id: int, first: date, last: date) -> dict[date, int]:
    rows = (
        DuesAllocation.objects.filter(member_id=member_id, month__gte=first, month__lte=last)
        .values("month")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {r["month"]: r["s"] for r in rows}


def _member_on(member_id: int, d: date) -> bool:
    return MembershipSpan.objects.valid_on(d).filter(member_id=member_id, status__in=ACTIVE_STATUSES).exists()


def ledger(member_id: int, first: date, last: date) -> list[MonthRow]:
    """Month by month: regime, membership, due, paid (one member; the dues card)."""
    ms = months(first, last)
    paid = _paid_by_month(member_id, ms[0], ms[-1]) if ms else {}
    return [
        MonthRow(
            m,
            regime(m),
            _member_on(member_id, month_end(m)),
            obligation(member_id, m),
            paid.get(m, 0),
            relief_on(member_id, m, ReliefKind.DEFERRAL),
        )
        for m in ms
    ]


def member_ledger(*, actor, member_id: int, year: int) -> list[MonthRow]:
    policy.get_member_or_404(actor, member_id)
    return ledger(member_id, date(year, 1, 1), date(year, 12, 1))


def paid_up_to(member_id: int, *, until: date | None = None) -> date | None:
    """The month dues are paid up to (the transfer letter states it): the last month of the run of
    fully paid months from the first declared month; None when the first month is not paid."""
    return paid_up_to_many([member_id], until=until).get(member_id)


def paid_up_to_many(member_ids, *, until: date | None = None) -> dict[int, date | None]:
    """`paid_up_to` of many members in four queries whatever their number and months (their
    declarations, amounts paid per month, reliefs and membership spans, each read once), the
    months then walked in memory with the same obligation as `obligation` (`_amount`) — not a
    ledger of queries per month. Months with nothing paid beyond the last paid month are not
    looked at: the run cannot go past the last month with a payment (or `until`)."""
    ids = list(member_ids)
    out: dict[int, date | None] = dict.fromkeys(ids)
    if not ids:
        return out
    decls: dict[int, list[DuesDeclaration]] = {}
    for d in DuesDeclaration.objects.filter(member_id__in=ids).order_by("member_id", "valid_from", "id"):
        decls.setdefault(d.member_id, []).append(d)
    paid: dict[int, dict[date, int]] = {}
    alloc = DuesAllocation.objects.filter(member_id__in=ids)
    for mid, m, total in alloc.values("member_id", "month").annotate(s=Sum("amount")).order_by().values_list(
        "member_id", "month", "s"
    ):
        paid.setdefault(mid, {})[m] = total
    reliefs: dict[int, list[tuple[str, date, date]]] = {}
    for mid, kind, f, t in DuesRelief.objects.filter(member_id__in=ids).values_list(
        "member_id", "kind", "from_month", "to_month"
    ):
        reliefs.setdefault(mid, []).append((kind, f, t))
    spans: dict[int, list[tuple[date, date | None]]] = {}
    for mid, f, t in MembershipSpan.objects.filter(member_id__in=ids, status__in=ACTIVE_STATUSES).values_list(
        "member_id", "valid_from", "valid_to"
    ):
        spans.setdefault(mid, []).append((f, t))
    for mid in ids:
        mine, got = decls.get(mid), paid.get(mid)
        if not mine or not got:
            continue

        def decl_on(m, mine=mine):
            found = None
            for d in mine:  # ordered by (valid_from, id): the last one starting by `m`
                if d.valid_from <= m:
                    found = d
            return found

        def relieved(m, kind, mid=mid):
            return any(k == kind and f <= m <= t for k, f, t in reliefs.get(mid, ()))

        def member_on(d, mid=mid):
            return any(f <= d and (t is None or t >= d) for f, t in spans.get(mid, ()))

        upto = None
        last = max(got) if until is None else min(max(got), month_start(until))
        for m in months(mine[0].valid_from, last):
            if member_on(month_end(m)):
                due = _amount(m, decl_on, lambda m=m: relieved(m, ReliefKind.EXEMPTION))
                if due is None or got.get(m, 0) < due:
                    break
            upto = m
        out[mid] = upto
    return out


def back_dues(member_id: int, first: date, last: date) -> tuple[int, list[tuple[date, str, int | None, int]]]:
    """R-123: what a rehabilitated member owes for the months `first`..`last` of the interruption:
    each month at its own regime and declared base, less what was paid for it. Returns (total
    outstanding, [(month, regime, due, paid)])."""
    rows = ledger(member_id, first, last)
    out = [(r.month, r.regime, r.due, r.paid) for r in rows]
    return sum(max((r.due or 0) - r.paid, 0) for r in rows), out


# --- unpaid months per member and year ---------------------------------------------------


_until_cache = stamps.StampedCache(8)


def facts_until() -> date | None:
    """The last month the stored facts (dues.facts) cover; None: no facts yet, compute live. Kept per
    process under the "dues_facts" stamp, so a page asks the database only after a rebuild."""
    stamp = stamps.read("dues_facts")
    boxed = _until_cache.get_or_compute(
        stamp.token, lambda: (DuesFactsState.objects.values_list("until", flat=True).first(),),
        cacheable=stamps.cacheable(stamp))
    return boxed[0]


def _counted_months(year: int, today: date) -> list[date]:
    """The months of `year` that are over on `today` (a month's dues are late once it has ended)."""
    last = min(date(year, 12, 1), add_months(month_start(today), -1))
    return months(date(year, 1, 1), last) if last >= date(year, 1, 1) else []


def with_unpaid_months(members: QuerySet, year: int, today: date, *, live: bool = False) -> QuerySet:
    """`members` annotated with `unpaid_months` and `unpaid_amount` (đồng still owed for them):
    months of `year` over by `today` in which the member was a member, had a declared obligation,
    and the allocations paid less than it, unless a decided deferral covers the month (a reason:
    item 3). One query: over the stored facts (dues.facts) when they cover those months, else live."""
    counted = _counted_months(year, today)
    zero = Value(0, output_field=IntegerField())
    if not counted:
        return members.annotate(unpaid_months=zero, unpaid_amount=Value(0, output_field=BIG))
    until = None if live else facts_until()
    if until is not None and counted[-1] <= until:
        rows = DuesMonthFact.objects.filter(
            member_id=OuterRef("pk"), month__gte=counted[0], month__lte=counted[-1], deferred=False, due__gt=F("paid")
        ).order_by().values("member_id")
        return members.annotate(
            unpaid_months=Coalesce(Subquery(rows.annotate(c=Count("pk")).values("c"), output_field=INT), zero),
            unpaid_amount=Coalesce(
                Subquery(rows.annotate(t=Sum(F("due") - F("paid"))).values("t"), output_field=BIG),
                Value(0, output_field=BIG),
            ),
        )
    # Live: one correlated subquery per month for what is still owed for it, each referenced twice
    # (months, amount). Its obligation (`annotate_due`) is a large expression, so it is evaluated
    # inside the subquery once, never repeated in a condition (that made a 490 KB statement that
    # PostgreSQL took minutes over).
    owed = [Subquery(_owed_rows(m).values("owed")[:1], output_field=BIG) for m in counted]
    members = members.alias(**{f"owed_{i}": Coalesce(o, Value(0, output_field=BIG)) for i, o in enumerate(owed)})
    return members.annotate(
        unpaid_months=ExpressionWrapper(
            sum((Sign(F(f"owed_{i}")) for i in range(len(owed))), start=zero), output_field=IntegerField()),
        unpaid_amount=ExpressionWrapper(
            sum((F(f"owed_{i}") for i in range(len(owed))), start=Value(0, output_field=BIG)), output_field=BIG),
    )


def _owed_rows(m: date) -> QuerySet:
    """The member `OuterRef("pk")` as a one-row queryset annotated with `owed`: what is still owed
    for month `m` (0 unless a member at its end, with a declared obligation, no deferral, and paid
    less than the obligation)."""
    one = annotate_due(Member.objects.filter(pk=OuterRef("pk")), m, "due")
    return one.annotate(
        owed=Case(
            When(Q(active_on(month_end(m))) & ~Q(relief_expression(m, ReliefKind.DEFERRAL)),
                 then=Greatest(Coalesce(F("due"), Value(0, output_field=BIG)) - paid_expression(m),
                               Value(0, output_field=BIG))),
            default=Value(0, output_field=BIG),
            output_field=BIG,
        )
    )


def unpaid_months(*, member_ids=None, year: int, today: date | None = None) -> dict[int, int]:
    """member id → unpaid months in `year` (R-122), members with at least one."""
    today = today or policy.today()
    qs = Member.objects.all() if member_ids is None else Member.objects.filter(pk__in=member_ids)
    qs = with_unpaid_months(qs, year, today).filter(unpaid_months__gt=0)
    return dict(qs.values_list("pk", "unpaid_months"))


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
    (R-121, `dues_retention_keep_pct` in force at the period's end) and the rest remitted upward.
    A few aggregate queries whatever the number of members: the due of the months the stored facts
    cover (`dues.facts`) in one, each other month (or every month with `live=True`) computed live."""
    policy.get_org_or_404(actor, org_id)
    first, last = month_start(first), month_start(last)
    ms = months(first, last)
    subtree = _subtree_ids(org_id, month_end(last))
    s = Summary(first, last)
    until = None if live else facts_until()
    if until is not None and first <= until:
        # The stored facts (dues.facts, one row per member-month): one grouped query for the months
        # they cover.
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
    s.due = sum(s.per_month_due.values())
    keep = param("dues_retention_keep_pct", month_end(last))
    # Collected and kept per collecting organization in one grouped pass over the allocations: the
    # share kept is floored per allocation (as the books do), so each distinct percentage is summed
    # per organization and the one of its type picked here (no subquery per allocation row).
    pcts = sorted(set(keep.values()))
    per_org = (
        DuesAllocation.objects.filter(month__gte=first, month__lte=last, payment__org_id__in=subtree)
        .values("payment__org_id")
        .annotate(
            c=Sum("amount"),
            **{
                f"k{p}": Sum(
                    ExpressionWrapper(
                        F("amount") * Value(p, output_field=BIG) / Value(100, output_field=BIG), output_field=BIG
                    )
                )
                for p in pcts
            },
        )
        .order_by()
    )
    rows = list(per_org)
    types: dict[int, str] = {}
    for oid, otype in (
        OrgVersion.objects.filter(org_id__in=[r["payment__org_id"] for r in rows], valid_from__lte=month_end(last))
        .order_by("org_id", "-valid_from")
        .values_list("org_id", "org_type")
    ):
        types.setdefault(oid, otype)  # the latest version begun by the period's end
    for r in rows:
        pct = keep.get(types.get(r["payment__org_id"], ""), keep.get("*", 0))
        s.collected += r["c"] or 0
        s.retained += r[f"k{pct}"] or 0
    s.remitted = s.collected - s.retained
    return s


# --- closing, remittance and organization ledgers (item 1) --------------------------------------


def month_closed(org_id: int, month: date) -> DuesMonthClose | None:
    """The close of `org_id`'s `month` in force (a reopened close no longer counts)."""
    return DuesMonthClose.objects.filter(org_id=org_id, month=month_start(month), reopened=False).first()


@dataclass
class OrgLedger:
    org_id: int
    until: date
    entries: list
    collected: int
    received: int
    remitted: int

    @property
    def balance(self) -> int:
        """What the organization holds (its retained share) as of `until`."""
        return self.collected + self.received + self.remitted


def org_ledger(*, actor, org_id: int, until: date, since: date | None = None) -> OrgLedger:
    """The dues ledger (sổ quỹ) of one organization up to `until` (entries since `since` listed,
    totals from the beginning): collected from members, received from below, remitted up, balance."""
    policy.get_org_or_404(actor, org_id)
    qs = DuesLedgerEntry.objects.filter(org_id=org_id, entry_on__lte=until)
    agg = {
        k: v or 0
        for k, v in qs.aggregate(
            collected=Sum("amount", filter=Q(kind="collected")),
            received=Sum("amount", filter=Q(kind="received")),
            remitted=Sum("amount", filter=Q(kind="remitted")),
        ).items()
    }
    listed = qs.filter(entry_on__gte=since) if since else qs
    entries = list(listed.order_by("entry_on", "id")[:500])
    return OrgLedger(org_id, until, entries, **agg)


@dataclass
class CloseRow:
    org_id: int
    name: str
    close: DuesMonthClose | None


def closing_status(*, actor, org_id: int, month: date) -> list[CloseRow]:
    """The collecting organizations of the subtree of `org_id` for `month` (those with members
    attending them on the month's last day: they have a sheet) and whether each closed it: the
    superior's "x/y chi bộ đã chốt". Two queries."""
    policy.get_org_or_404(actor, org_id)
    m = month_start(month)
    end = month_end(m)
    root = org_version_on(org_id=org_id, at=end)
    if root is None:
        return []
    attending = (
        MembershipSpan.objects.valid_on(end)
        .filter(status__in=ACTIVE_STATUSES)
        .annotate(attends=Coalesce("temp_org_id", "org_id"))
        .filter(attends=OuterRef("org_id"))
    )
    versions = (
        OrgVersion.objects.valid_on(end)
        .filter(path__startswith=root.path)
        .filter(Exists(attending))
        .order_by("path")
        .values_list("org_id", "name")
    )
    rows = list(versions)
    closes = {
        c.org_id: c for c in DuesMonthClose.objects.filter(org_id__in=[r[0] for r in rows], month=m, reopened=False)
    }
    return [CloseRow(oid, name, closes.get(oid)) for oid, name in rows]


def _attending_exists(end: date):
    return Exists(
        MembershipSpan.objects.valid_on(end)
        .filter(status__in=ACTIVE_STATUSES)
        .annotate(attends=Coalesce("temp_org_id", "org_id"))
        .filter(attends=OuterRef("org_id"))
    )


def units_below(org_id: int, month: date) -> list[CloseRow]:
    """The organizations strictly below `org_id` that close `month` before it does (item 1): every
    collecting organization of its subtree (members attend it on the month's last day) and the
    levels between it and them (a commune closes over its cells, the province over its communes).
    In tree order, each with its close in force (None: still open). Three queries."""
    m = month_start(month)
    end = month_end(m)
    root = org_version_on(org_id=org_id, at=end)
    if root is None:
        return []
    depth = len(root.path.strip("/").split("/"))
    paths = (
        OrgVersion.objects.valid_on(end)
        .filter(path__startswith=root.path)
        .exclude(org_id=org_id)
        .filter(_attending_exists(end))
        .values_list("path", flat=True)
    )
    needed = {int(i) for p in paths for i in p.strip("/").split("/")[depth:]}
    if not needed:
        return []
    rows = list(
        OrgVersion.objects.valid_on(end).filter(org_id__in=needed).order_by("path").values_list("org_id", "name")
    )
    closes = {c.org_id: c for c in DuesMonthClose.objects.filter(org_id__in=needed, month=m, reopened=False)}
    return [CloseRow(oid, name, closes.get(oid)) for oid, name in rows]


@dataclass
class OverviewRow:
    org_id: int
    name: str
    due: int
    collected: int
    close: DuesMonthClose | None
    has_units: bool  # organizations below it: its page is the ledger, else its sheet

    @property
    def collection_rate(self) -> float | None:
        return self.collected / self.due * 100 if self.due else None


def children_overview(*, actor, org_id: int, month: date) -> list[OverviewRow]:
    """For `month`, each organization directly under `org_id`: what its subtree owes (as
    `summary`'s due: the stored facts when they cover the month, else live), what its subtree
    collected for the month, and its own close of the month. A fixed number of queries whatever
    the number of organizations (the subtree's versions, the due grouped by paying organization,
    the collected grouped likewise, the closes)."""
    policy.get_org_or_404(actor, org_id)
    m = month_start(month)
    end = month_end(m)
    root = org_version_on(org_id=org_id, at=end)
    if root is None:
        return []
    versions = list(
        OrgVersion.objects.valid_on(end)
        .filter(path__startswith=root.path)
        .exclude(org_id=org_id)
        .order_by("path")
        .values_list("org_id", "name", "path")
    )
    depth = len(root.path.strip("/").split("/"))
    child_of: dict[int, int] = {}  # every organization of the subtree → the child of the root it lies under
    children: list[tuple[int, str]] = []
    has_units: set[int] = set()
    for oid, name, path in versions:
        parts = path.strip("/").split("/")
        if len(parts) <= depth:
            continue
        child = int(parts[depth])
        child_of[oid] = child
        if len(parts) == depth + 1:
            children.append((oid, name))
        else:
            has_units.add(child)
    if not children:
        return []
    subtree = Subquery(OrgVersion.objects.filter(path__startswith=root.path).values("org_id"))
    until = facts_until()
    if until is not None and m <= until:
        by_org = dict(
            DuesMonthFact.objects.filter(month=m, org_id__in=subtree)
            .values("org_id")
            .annotate(t=Sum("due"))
            .order_by()
            .values_list("org_id", "t")
        )
    else:
        by_org = due_by_org(subtree, m)
    collected_by_org = dict(
        DuesAllocation.objects.filter(month=m, payment__org_id__in=subtree)
        .values("payment__org_id")
        .annotate(c=Sum("amount"))
        .order_by()
        .values_list("payment__org_id", "c")
    )
    due: dict[int, int] = {}
    collected: dict[int, int] = {}
    for oid, t in by_org.items():
        if oid in child_of:
            due[child_of[oid]] = due.get(child_of[oid], 0) + (t or 0)
    for oid, c in collected_by_org.items():
        if oid in child_of:
            collected[child_of[oid]] = collected.get(child_of[oid], 0) + (c or 0)
    ids = [oid for oid, _ in children]
    closes = {c.org_id: c for c in DuesMonthClose.objects.filter(org_id__in=ids, month=m, reopened=False)}
    return [
        OverviewRow(oid, name, due.get(oid, 0), collected.get(oid, 0), closes.get(oid), oid in has_units)
        for oid, name in children
    ]
