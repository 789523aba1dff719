"""The obligation of a member for a month (R-120, R-121): months, the rates of a month's regime,
`obligation` in Python for one member and `annotate_due`, the same computation as SQL over any
Member queryset; whether a member owes a month (`active_on`) and what is paid (`paid_expression`)."""

from __future__ import annotations

import calendar
from datetime import date

from django.db.models import (
    BigIntegerField,
    Case,
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
from django.db.models.functions import Coalesce

from dangbo.core.rules import param
from dangbo.dues.models import BASE_CATEGORIES, Category, DuesAllocation, DuesDeclaration, DuesRelief, ReliefKind
from dangbo.members.models import ACTIVE_STATUSES, MembershipSpan

BIG = BigIntegerField()
INT = IntegerField()


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
