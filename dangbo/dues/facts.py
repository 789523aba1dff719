"""The stored dues facts (`DuesMonthFact`: per member and month, what is owed and paid, at which
organization), so that a province's yearly figures read one narrow row per member-month instead
of recomputing every obligation from the declarations, reliefs, spans and transfer letters
(issue #21: 14–17 s → well under 300 ms for 60.000 members × 12 months).

Beside them, per organization and month (`DuesOrgMonthFact`): the due of the members paying there and
the allocations of the payments it received, recomputed from those rows for the organizations and
months a refresh touches (`refresh_org_months`), so the yearly summary of a province reads ~12 rows
per organization.

Kept current in the writer's transaction:
- the dues services (declaration, payment, relief) call `refresh_members([member_id])`;
- the members' projections (`members.signals.projections_changed`: every event — admission,
  transfer letter, reception, removal —, correction, merger reassignment, import) and transfer
  letters (`transfer_issued`) refresh the members concerned;
- bulk loaders (demo, bench) and a change of the rate parameters call `rebuild_all()`, which is
  `dangbo rebuild-dues-facts`; `--check` lists the members whose stored rows differ (`stale_members`).

The rows are computed in Python from each member's rows read once (`member_rows`), with the same
obligation as `selectors.obligation` (`selectors._amount`) and the same paying organization as
`selectors.attends_in`. Before the first rebuild (no `DuesFactsState`) nothing is stored and the
figures are computed live; months after `DuesFactsState.until` too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Sum

from dangbo.dues import selectors as sel
from dangbo.dues.models import (
    DuesAllocation,
    DuesDeclaration,
    DuesFactsState,
    DuesMonthFact,
    DuesOrgMonthFact,
    DuesRelief,
    ReliefKind,
)
from dangbo.members.models import ACTIVE_STATUSES, EventType, MemberEvent, MembershipSpan

CHUNK = 2000
Row = tuple[int, date, int, int, int, bool]  # member_id, month, org_id, due, paid, deferred


def facts_until() -> date | None:
    """The last month the stored facts cover (None: no facts, compute live)."""
    return sel.facts_until()


def default_until(today: date) -> date:
    """The facts cover months up to December of next year (a payment in advance, a plan)."""
    return date(today.year + 1, 12, 1)


def compute_rows(member_ids: Iterable[int], until: date) -> list[Row]:
    """The fact rows of `member_ids` for the months up to `until`, in six queries whatever their
    number (declarations, allocations, reliefs, spans, transfer letters)."""
    ids = list(member_ids)
    if not ids:
        return []
    decls: dict[int, list] = {}
    for d in DuesDeclaration.objects.filter(member_id__in=ids).order_by("member_id", "valid_from", "id"):
        decls.setdefault(d.member_id, []).append(d)
    if not decls:
        return []
    ids = list(decls)
    paid: dict[int, dict[date, int]] = {}
    for mid, m, total in (
        DuesAllocation.objects.filter(member_id__in=ids, month__lte=until)
        .values("member_id", "month")
        .annotate(s=Sum("amount"))
        .order_by()
        .values_list("member_id", "month", "s")
    ):
        paid.setdefault(mid, {})[m] = total
    reliefs: dict[int, list[tuple[str, date, date]]] = {}
    for mid, kind, f, t in DuesRelief.objects.filter(member_id__in=ids).values_list(
        "member_id", "kind", "from_month", "to_month"
    ):
        reliefs.setdefault(mid, []).append((kind, f, t))
    spans: dict[int, list[tuple]] = {}
    for row in (
        MembershipSpan.objects.filter(member_id__in=ids, status__in=ACTIVE_STATUSES)
        .order_by("member_id", "valid_from")
        .values_list("member_id", "valid_from", "valid_to", "org_id", "temp_org_id", "in_transfer")
    ):
        spans.setdefault(row[0], []).append(row[1:])
    letters: dict[int, list[tuple[date, int, int]]] = {}
    for mid, on, pk, to in MemberEvent.objects.filter(
        member_id__in=ids, type=EventType.OFFICIAL_TRANSFER_OUT, voided_by__isnull=True, counterpart_org__isnull=False
    ).values_list("member_id", "on", "pk", "counterpart_org_id"):
        letters.setdefault(mid, []).append((on, pk, to))
    out: list[Row] = []
    for mid, mine in decls.items():
        out.extend(
            member_rows(
                mid, mine, paid.get(mid, {}), reliefs.get(mid, []), spans.get(mid, []), letters.get(mid, []), until
            )
        )
    return out


def member_rows(mid, decls, paid, reliefs, spans, letters, until: date) -> list[Row]:
    """The fact rows of one member from their rows (see `compute_rows`)."""
    if not spans:
        return []

    def decl_on(m):
        found = None
        for d in decls:  # ordered by (valid_from, id): the last one begun by `m`
            if d.valid_from <= m:
                found = d
        return found

    def relieved(m, kind):
        return any(k == kind and f <= m <= t for k, f, t in reliefs)

    def pays_at(m: date) -> int | None:
        end = sel.month_end(m)
        for f, t, org, temp, in_transfer in spans:
            if f <= end and (t is None or t >= end):
                if in_transfer:
                    sent = [(on, pk, to) for on, pk, to in letters if on < m]
                    return max(sent)[2] if sent else org
                return temp or org
        return None

    rows: list[Row] = []
    for m in sel.months(decls[0].valid_from, until):
        org = pays_at(m)
        if org is None:
            continue
        due = sel._amount(m, decl_on, lambda m=m: relieved(m, ReliefKind.EXEMPTION))
        if due is None:
            continue
        rows.append((mid, m, org, due, paid.get(m, 0), relieved(m, ReliefKind.DEFERRAL)))
    return rows


def _insert(rows: list[Row]) -> None:
    DuesMonthFact.objects.bulk_create(
        [DuesMonthFact(member_id=a, month=m, org_id=o, due=d, paid=p, deferred=df) for a, m, o, d, p, df in rows],
        batch_size=5000,
    )


Key = tuple[int, date]  # org_id, month


def _member_keys(ids: list[int]) -> set[Key]:
    """The (organization, month) pairs the stored rows of `ids` count in: where they pay (their
    member-month facts) and where their payments were received (their allocations)."""
    keys = set(DuesMonthFact.objects.filter(member_id__in=ids).values_list("org_id", "month").distinct())
    keys |= set(DuesAllocation.objects.filter(member_id__in=ids).values_list("payment__org_id", "month").distinct())
    return keys


def _org_month_sums(orgs, months, keys: set[Key] | None = None) -> dict[Key, list[int]]:
    """{(org, month): [due, collected]} from the member-month facts and the allocations, for the
    organizations `orgs` and months `months` (None: all), restricted to `keys` when given."""
    facts_qs, alloc_qs = DuesMonthFact.objects.all(), DuesAllocation.objects.all()
    if orgs is not None:
        facts_qs, alloc_qs = facts_qs.filter(org_id__in=orgs), alloc_qs.filter(payment__org_id__in=orgs)
    if months is not None:
        facts_qs, alloc_qs = facts_qs.filter(month__in=months), alloc_qs.filter(month__in=months)
    out: dict[Key, list[int]] = {}
    for org, m, due in (
        facts_qs.values("org_id", "month").annotate(t=Sum("due")).order_by().values_list("org_id", "month", "t")
    ):
        if keys is None or (org, m) in keys:
            out.setdefault((org, m), [0, 0])[0] = due or 0
    for org, m, got in (
        alloc_qs.values("payment__org_id", "month")
        .annotate(t=Sum("amount"))
        .order_by()
        .values_list("payment__org_id", "month", "t")
    ):
        if keys is None or (org, m) in keys:
            out.setdefault((org, m), [0, 0])[1] = got or 0
    return out


def refresh_org_months(keys: set[Key]) -> None:
    """Recompute the stored organization-months `keys` from the member-month facts and the
    allocations (in the caller's transaction). Their rows are created if missing and locked first,
    in one order, so two writers touching the same organization-month take turns and the second
    sums what the first committed."""
    if not keys:
        return
    ordered = sorted(keys)
    with transaction.atomic():
        DuesOrgMonthFact.objects.bulk_create(
            [DuesOrgMonthFact(org_id=o, month=m) for o, m in ordered], ignore_conflicts=True, batch_size=5000
        )
        orgs, months = sorted({o for o, _ in keys}), sorted({m for _, m in keys})
        stored = {
            (r.org_id, r.month): r
            for r in DuesOrgMonthFact.objects.select_for_update()
            .filter(org_id__in=orgs, month__in=months)
            .order_by("org_id", "month")
            if (r.org_id, r.month) in keys
        }
        sums = _org_month_sums(orgs, months, keys)
        changed, empty = [], []
        for key, row in stored.items():
            due, collected = sums.get(key, (0, 0))
            if not due and not collected:
                empty.append(row.pk)
            elif (row.due, row.collected) != (due, collected):
                row.due, row.collected = due, collected
                changed.append(row)
        DuesOrgMonthFact.objects.bulk_update(changed, ["due", "collected"], batch_size=2000)
        if empty:
            DuesOrgMonthFact.objects.filter(pk__in=empty).delete()


def refresh_members(member_ids: Iterable[int]) -> None:
    """Recompute the stored rows of `member_ids` (in the caller's transaction), and the organization-
    months they counted in before and count in now. Nothing is stored before the first rebuild."""
    until = facts_until()
    if until is None:
        return
    ids = sorted(set(member_ids))
    if not ids:
        return
    with transaction.atomic():
        keys = _member_keys(ids)
        DuesMonthFact.objects.filter(member_id__in=ids).delete()
        rows = compute_rows(ids, until)
        _insert(rows)
        keys |= {(org, m) for _, m, org, *_ in rows}
        refresh_org_months(keys)


def rebuild_all(*, until: date | None = None, today: date | None = None) -> int:
    """Rebuild every member's rows (after a bulk load or a change of the rate parameters) and the
    organization-months from them; returns the number of member-month rows."""
    from dangbo.access import policy

    until = sel.month_start(until or default_until(today or policy.today()))
    n = 0
    with transaction.atomic():
        DuesMonthFact.objects.all().delete()
        DuesOrgMonthFact.objects.all().delete()
        DuesFactsState.objects.all().delete()
        DuesFactsState.objects.create(until=until)
        ids = list(DuesDeclaration.objects.order_by("member_id").values_list("member_id", flat=True).distinct())
        for i in range(0, len(ids), CHUNK):
            rows = compute_rows(ids[i : i + CHUNK], until)
            _insert(rows)
            n += len(rows)
        rebuild_org_months()
    return n


def rebuild_org_months() -> int:
    """Recompute every organization-month from the stored member-month facts and the allocations
    (the end of `rebuild_all`; also after migration 0009 on a database whose member facts exist)."""
    with transaction.atomic():
        DuesOrgMonthFact.objects.all().delete()
        rows = [
            DuesOrgMonthFact(org_id=o, month=m, due=d, collected=c)
            for (o, m), (d, c) in _org_month_sums(None, None).items()
            if d or c
        ]
        DuesOrgMonthFact.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def stale_org_months(limit: int = 1000) -> list[Key]:
    """The organization-months whose stored sums differ from the member-month facts and the
    allocations (empty before the first rebuild)."""
    if facts_until() is None:
        return []
    expected = {k: tuple(v) for k, v in _org_month_sums(None, None).items() if any(v)}
    stored = {
        (o, m): (d, c) for o, m, d, c in DuesOrgMonthFact.objects.values_list("org_id", "month", "due", "collected")
    }
    return sorted(k for k in expected.keys() | stored.keys() if expected.get(k) != stored.get(k))[:limit]


def ensure_current(*, today: date | None = None) -> int | None:
    """The periodic job `dues.facts`: store the facts when there are none yet, and rebuild them when
    they end before December of next year (each January), so pages never fall back to the slower
    live computation for this year. Returns the number of rows written, None when already current."""
    from dangbo.access import policy

    today = today or policy.today()
    until = facts_until()
    if until is not None and until >= default_until(today):
        return None
    return rebuild_all(today=today)


def stale_members(limit: int = 1000) -> list[int]:
    """The members whose stored rows differ from the rows computed now (empty before the first
    rebuild)."""
    until = facts_until()
    if until is None:
        return []
    ids = set(DuesDeclaration.objects.values_list("member_id", flat=True)) | set(
        DuesMonthFact.objects.values_list("member_id", flat=True)
    )
    ordered = sorted(ids)
    stale: list[int] = []
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        expected: dict[int, set] = {}
        for r in compute_rows(chunk, until):
            expected.setdefault(r[0], set()).add(r)
        stored: dict[int, set] = {}
        for r in DuesMonthFact.objects.filter(member_id__in=chunk).values_list(
            "member_id", "month", "org_id", "due", "paid", "deferred"
        ):
            stored.setdefault(r[0], set()).add(tuple(r))
        stale += [mid for mid in chunk if expected.get(mid, set()) != stored.get(mid, set())]
        if len(stale) >= limit:
            break
    return stale[:limit]


def on_projections_changed(sender, member_ids, created: bool = False, **kwargs) -> None:
    refresh_members(member_ids)


def on_transfer_issued(sender, transfer=None, **kwargs) -> None:
    if transfer is not None:
        refresh_members([transfer.member_id])
