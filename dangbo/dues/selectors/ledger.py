"""One member's dues: the month-by-month ledger, the month paid up to, back dues (R-123) and the
unpaid months of a year (R-122), from the stored facts or live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
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
from dangbo.dues.models import DuesAllocation, DuesDeclaration, DuesFactsState, DuesMonthFact, DuesRelief, ReliefKind
from dangbo.dues.selectors.obligation import (
    BIG,
    INT,
    _amount,
    active_on,
    add_months,
    annotate_due,
    month_end,
    month_start,
    months,
    paid_expression,
    regime,
    relief_expression,
)
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan

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


@dataclass
class _MemberRows:
    """One member's dues rows, each kind read once (see `_read_rows`), and the month-level reads
    over them in memory: the same obligation as `obligation` (`_amount`), the same membership test
    as `active_on`, the same reliefs as `relief_on`."""

    decls: list[DuesDeclaration]
    paid: dict[date, int]
    reliefs: list[tuple[str, date, date]]
    spans: list[tuple[date, date | None]]

    def decl_on(self, m: date) -> DuesDeclaration | None:
        found = None
        for d in self.decls:  # ordered by (valid_from, id): the last one starting by `m`
            if d.valid_from <= m:
                found = d
        return found

    def relieved(self, m: date, kind: str) -> bool:
        return any(k == kind and f <= m <= t for k, f, t in self.reliefs)

    def member_on(self, d: date) -> bool:
        return any(f <= d and (t is None or t >= d) for f, t in self.spans)

    def due(self, m: date) -> int | None:
        return _amount(m, self.decl_on, lambda: self.relieved(m, ReliefKind.EXEMPTION))


def _read_rows(member_ids, *, first: date | None = None, last: date | None = None) -> dict[int, _MemberRows]:
    """The dues rows of `member_ids` in four queries whatever their number and months: their
    declarations, amounts paid per month (of `first`..`last` when given), reliefs and active
    membership spans."""
    ids = list(member_ids)
    out = {mid: _MemberRows([], {}, [], []) for mid in ids}
    if not ids:
        return out
    for d in DuesDeclaration.objects.filter(member_id__in=ids).order_by("member_id", "valid_from", "id"):
        out[d.member_id].decls.append(d)
    alloc = DuesAllocation.objects.filter(member_id__in=ids)
    if first is not None:
        alloc = alloc.filter(month__gte=first)
    if last is not None:
        alloc = alloc.filter(month__lte=last)
    for mid, m, total in (
        alloc.values("member_id", "month").annotate(s=Sum("amount")).order_by().values_list("member_id", "month", "s")
    ):
        out[mid].paid[m] = total
    for mid, kind, f, t in DuesRelief.objects.filter(member_id__in=ids).values_list(
        "member_id", "kind", "from_month", "to_month"
    ):
        out[mid].reliefs.append((kind, f, t))
    for mid, f, t in MembershipSpan.objects.filter(member_id__in=ids, status__in=ACTIVE_STATUSES).values_list(
        "member_id", "valid_from", "valid_to"
    ):
        out[mid].spans.append((f, t))
    return out


def ledger(member_id: int, first: date, last: date) -> list[MonthRow]:
    """Month by month: regime, membership, due, paid (one member; the dues card, back dues). Four
    queries whatever the number of months (`_read_rows`), the months then walked in memory."""
    ms = months(first, last)
    if not ms:
        return []
    rows = _read_rows([member_id], first=ms[0], last=ms[-1])[member_id]
    return [
        MonthRow(
            m,
            regime(m),
            rows.member_on(month_end(m)),
            rows.due(m),
            rows.paid.get(m, 0),
            rows.relieved(m, ReliefKind.DEFERRAL),
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
    """`paid_up_to` of many members in four queries whatever their number and months (`_read_rows`),
    the months then walked in memory with the same obligation as `obligation` (`_amount`) — not a
    ledger of queries per month. Months with nothing paid beyond the last paid month are not
    looked at: the run cannot go past the last month with a payment (or `until`)."""
    ids = list(member_ids)
    out: dict[int, date | None] = dict.fromkeys(ids)
    for mid, rows in _read_rows(ids).items():
        if not rows.decls or not rows.paid:
            continue
        upto = None
        last = max(rows.paid) if until is None else min(max(rows.paid), month_start(until))
        for m in months(rows.decls[0].valid_from, last):
            if rows.member_on(month_end(m)):
                due = rows.due(m)
                if due is None or rows.paid.get(m, 0) < due:
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
        stamp.token,
        lambda: (DuesFactsState.objects.values_list("until", flat=True).first(),),
        cacheable=stamps.cacheable(stamp),
    )
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
        rows = (
            DuesMonthFact.objects.filter(
                member_id=OuterRef("pk"),
                month__gte=counted[0],
                month__lte=counted[-1],
                deferred=False,
                due__gt=F("paid"),
            )
            .order_by()
            .values("member_id")
        )
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
            sum((Sign(F(f"owed_{i}")) for i in range(len(owed))), start=zero), output_field=IntegerField()
        ),
        unpaid_amount=ExpressionWrapper(
            sum((F(f"owed_{i}") for i in range(len(owed))), start=Value(0, output_field=BIG)), output_field=BIG
        ),
    )


def _owed_rows(m: date) -> QuerySet:
    """The member `OuterRef("pk")` as a one-row queryset annotated with `owed`: what is still owed
    for month `m` (0 unless a member at its end, with a declared obligation, no deferral, and paid
    less than the obligation)."""
    one = annotate_due(Member.objects.filter(pk=OuterRef("pk")), m, "due")
    return one.annotate(
        owed=Case(
            When(
                Q(active_on(month_end(m))) & ~Q(relief_expression(m, ReliefKind.DEFERRAL)),
                then=Greatest(
                    Coalesce(F("due"), Value(0, output_field=BIG)) - paid_expression(m), Value(0, output_field=BIG)
                ),
            ),
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
