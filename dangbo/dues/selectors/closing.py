"""Closing, remittance and organization ledgers (item 1): month closes, an organization's ledger,
which units below closed, and the overview of the organizations under an officer's top one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from dangbo.access import policy
from dangbo.dues.models import DuesAllocation, DuesLedgerEntry, DuesMonthClose, DuesMonthFact
from dangbo.dues.selectors.figures import due_by_org
from dangbo.dues.selectors.ledger import facts_until
from dangbo.dues.selectors.obligation import month_end, month_start
from dangbo.members.models import ACTIVE_STATUSES, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_version_on

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


def _month_root(actor, org_id: int, month: date) -> tuple[date, date, OrgVersion | None]:
    """The month of `month`, its last day and the version of `org_id` on that day (None when the
    organization did not exist then); `org_id` outside the actor's scope is not found."""
    policy.get_org_or_404(actor, org_id)
    m = month_start(month)
    end = month_end(m)
    return m, end, org_version_on(org_id=org_id, at=end)


def closing_status(*, actor, org_id: int, month: date) -> list[CloseRow]:
    """The collecting organizations of the subtree of `org_id` for `month` (those with members
    attending them on the month's last day: they have a sheet) and whether each closed it: the
    superior's "x/y chi bộ đã chốt". Two queries."""
    m, end, root = _month_root(actor, org_id, month)
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


def _sum_by(qs: QuerySet, key: str, value: str) -> dict:
    """The sum of `value` over `qs` for each `key` (one GROUP BY query)."""
    return dict(qs.values(key).annotate(t=Sum(value)).order_by().values_list(key, "t"))


def children_overview(*, actor, org_id: int, month: date) -> list[OverviewRow]:
    """For `month`, each organization directly under `org_id`: what its subtree owes (as
    `summary`'s due: the stored facts when they cover the month, else live), what its subtree
    collected for the month, and its own close of the month. A fixed number of queries whatever
    the number of organizations (the subtree's versions, the due grouped by paying organization,
    the collected grouped likewise, the closes)."""
    m, end, root = _month_root(actor, org_id, month)
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
        by_org = _sum_by(DuesMonthFact.objects.filter(month=m, org_id__in=subtree), "org_id", "due")
    else:
        by_org = due_by_org(subtree, m)
    collected_by_org = _sum_by(
        DuesAllocation.objects.filter(month=m, payment__org_id__in=subtree), "payment__org_id", "amount"
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
