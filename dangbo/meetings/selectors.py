"""Reads of cell life, all through the access policy (scope = the meeting organization's subtree;
a member also sees the meetings on their own list).

Figures (R-012, R-039, thematic meetings per quarter, attendance rate) are set-based queries over
a subtree and a year: a few aggregate queries, whatever the number of members (bench/meetings.py).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BitOr,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear

from dangbo.access import policy
from dangbo.meetings.models import REGULAR_KINDS, Attendance, Kind, Meeting, Presence
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_version_on
from dangbo.reports.models import OrgDueSpan

WARN_MONTHS = 2  # warn at 2 months absent without reason in a year
REMOVAL_MONTHS = 3  # ground for name removal


policy.scoped_by(Meeting, field="org_id", own="attendances__member_id")
policy.scoped_by(Attendance, field="meeting__org_id", own="member_id")


def meeting_list(*, actor, org_id: int | None = None, year: int | None = None, kind: str = "") -> QuerySet:
    qs = policy.for_user(Meeting, actor)
    if org_id is not None:
        qs = qs.filter(org_id__in=_subtree_ids(org_id, date(year, 12, 31) if year else policy.today()))
    if year:
        qs = qs.filter(planned_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-planned_on", "-id")


def meeting_roster(meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendances.select_related("member").order_by("member__name_folded", "member_id"))


def my_meetings(*, actor) -> list[Attendance]:
    """The meetings on the member's own list (member portal), newest first."""
    own = policy.own_member_ids(actor) if getattr(actor, "is_authenticated", False) else frozenset()
    return list(
        Attendance.objects.filter(member_id__in=own)
        .select_related("meeting", "member")
        .order_by("-meeting__planned_on", "-meeting_id")[:60]
    )


def _subtree_ids(org_id: int, at: date) -> Subquery:
    root = org_version_on(org_id=org_id, at=at)
    path = root.path if root else "\x00none"
    return Subquery(OrgVersion.objects.filter(path__startswith=path).values("org_id"))


def _month_end(year: int, month: int, today: date) -> date:
    return min(date(year, month, calendar.monthrange(year, month)[1]), today)


@dataclass
class Figures:
    year: int
    due: int = 0  # cell-months due
    held: int = 0  # of them, with a regular meeting held
    missing: list[tuple[int, int]] = field(default_factory=list)  # (org id, month) without a meeting
    thematic_quarters_due: int = 0
    thematic_quarters_held: int = 0
    listed: int = 0  # attendance rows of held meetings
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    unmarked: int = 0
    warn_members: dict[int, int] = field(default_factory=dict)  # member id → unexcused months (= 2)
    removal_members: dict[int, int] = field(default_factory=dict)  # member id → unexcused months (≥ 3)

    @property
    def held_rate(self) -> float | None:
        return self.held / self.due * 100 if self.due else None

    @property
    def attendance_rate(self) -> float | None:
        marked = self.present + self.excused + self.unexcused
        return self.present / marked * 100 if marked else None


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


MASK_MONTHS = 30  # months per bitmask column (fits a 32-bit integer on every backend)


def _month_masks(months: list[tuple[int, int]], cond, prefix: str) -> dict:
    """Aggregates `{prefix}{c}`: for each chunk of MASK_MONTHS months starting at index c, a
    bitmask whose bit j is set when `cond(c + j)` (a Q) holds for a row of the group. One column
    per chunk instead of one per month: the figures of a province decode one integer per
    organization, not a flag per organization and month."""
    out = {}
    for c in range(0, len(months), MASK_MONTHS):
        terms = [
            Max(Case(When(cond(c + j), then=Value(1 << j)), default=Value(0), output_field=IntegerField()))
            for j in range(min(MASK_MONTHS, len(months) - c))
        ]
        expr = terms[0]
        for t in terms[1:]:
            expr = expr + t
        out[f"{prefix}{c}"] = ExpressionWrapper(expr, output_field=IntegerField())
    return out


def _mask(row: dict, prefix: str, n: int) -> int:
    return sum((row[f"{prefix}{c}"] or 0) << c for c in range(0, n, MASK_MONTHS))


def _bits(mask: int):
    i = 0
    while mask:
        if mask & 1:
            yield i
        mask >>= 1
        i += 1


def _due_masks(subtree: Subquery, months: list[tuple[int, int]], today: date, *, live: bool = False) -> dict[int, int]:
    """Organization → bitmask of the months (bit i = months[i]) whose members must meet: every
    organization of the subtree where at least one active, non-exempt member attends on the
    month's last day (R-012). One query, grouped by organization, over the stored due ranges
    (reports.OrgDueSpan: a few rows per organization); `live` computes the same from every
    membership span of the subtree (the reference the summary is checked against)."""
    if not months:
        return {}
    ends = [_month_end(y, m, today) for y, m in months]
    masks = _month_masks(
        months, lambda i: Q(valid_from__lte=ends[i]) & (Q(valid_to__isnull=True) | Q(valid_to__gte=ends[i])), "m"
    )
    if not live:
        rows = (
            OrgDueSpan.objects.filter(org_id__in=subtree, valid_from__lte=ends[-1])
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=ends[0]))
            .order_by()
            .values("org_id")
            .annotate(**masks)
        )
        return {r["org_id"]: mask for r in rows if (mask := _mask(r, "m", len(months)))}
    rows = (
        MembershipSpan.objects.filter(
            status__in=ACTIVE_STATUSES, exempt=False, in_transfer=False, valid_from__lte=ends[-1]
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date(*months[0], 1)))
        .annotate(attends=Coalesce("temp_org_id", "org_id"))
        .filter(attends__in=subtree)
        .order_by()
        .values("attends")
        .annotate(**masks)
    )
    return {r["attends"]: mask for r in rows if (mask := _mask(r, "m", len(months)))}


def unexcused_months(*, member_ids=None, year: int, org_id: int | None = None) -> dict[int, int]:
    """Member id → months of `year` in which the member was absent without reason from the
    regular meetings of the cell they attended and present or excused at none (R-039). The count
    follows the member wherever they attended (home cell, host cell, before and after a transfer)."""
    regular = Attendance.objects.filter(meeting__held_on__year=year, meeting__kind__in=REGULAR_KINDS)
    # only members absent without reason at two meetings or more can reach the warning: a small set
    candidates = (
        regular.filter(presence=Presence.UNEXCUSED)
        .values("member_id")
        .annotate(n=Count("meeting_id"))
        .filter(n__gte=WARN_MONTHS)
        .values("member_id")
    )
    rows = (
        regular.filter(member_id__in=candidates)
        .annotate(month=ExtractMonth("meeting__held_on"))
        .values("member_id", "month")
        .annotate(
            u=Count("meeting_id", filter=Q(presence=Presence.UNEXCUSED)),
            ok=Count("meeting_id", filter=Q(presence__in=[Presence.PRESENT, Presence.EXCUSED])),
        )
        .filter(u__gt=0, ok=0)
    )
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    if org_id is not None:
        at = min(date(year, 12, 31), policy.today())
        rows = rows.filter(member__current_org_id__in=_subtree_ids(org_id, at))
    out: dict[int, int] = defaultdict(int)
    for r in rows.values_list("member_id", flat=True):
        out[r] += 1
    return dict(out)


def held_vs_due(
    *, subtree, start: date, end: date, counts: bool = False, live: bool = False, missing: bool = True
) -> Figures:
    """The R-012 and thematic figures of the organizations in `subtree` (a subquery of ids) over
    the months of [start, end] (up to today): two queries (`live`: due months from the spans). With
    `counts`, the attendance counts of the meetings held in those months too (sums in the same query).
    `missing=False` leaves `Figures.missing` empty: the (organization, month) pairs without a meeting
    are a list of ~100.000 for a large province with no meetings recorded, which only the cell-life
    page and API show, not the counts of the reports catalog."""
    return _figures(subtree, start, end, counts=counts, live=live, with_missing=missing)


def _figures(
    subtree, start: date, end: date, *, counts: bool = False, live: bool = False, with_missing: bool = True
) -> Figures:
    """Held/due (and with `counts`, the attendance counts of the meetings held from the first day
    of `start`'s month) read from one row per organization: a bitmask of the months with a
    regular meeting held and one of the months with a thematic meeting held, and the sums of the
    meetings' stored roster counts (Meeting.listed, …) — never the attendance rows (issue 20)."""
    today = policy.today()
    end = min(end, today)
    f = Figures(year=end.year)
    months = _months(start, end) if start <= end else []
    due = _due_masks(subtree, months, today, live=live)
    first = date(start.year, start.month, 1) if counts else (date(*months[0], 1) if months else end)
    bounds = [(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])) for y, m in months]

    def held_in(kinds):
        return lambda i: Q(kind__in=kinds, held_on__gte=bounds[i][0], held_on__lte=bounds[i][1])

    if 0 < len(months) <= MASK_MONTHS:
        # bit_or of 1 << (month index): one expression per mask instead of a CASE per month
        index = Cast(
            ExtractYear("held_on") * 12 + ExtractMonth("held_on") - (months[0][0] * 12 + months[0][1]), IntegerField()
        )
        aggregates = {
            f"{prefix}0": BitOr(
                Case(
                    When(kind__in=kinds, then=Value(1).bitleftshift(index)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            for prefix, kinds in (("h", REGULAR_KINDS), ("t", [Kind.THEMATIC]))
        }
    else:
        aggregates = {
            **_month_masks(months, held_in(REGULAR_KINDS), "h"),
            **_month_masks(months, held_in([Kind.THEMATIC]), "t"),
        }
    if counts:
        aggregates.update({k: Sum(k) for k in ("listed", "present", "excused", "unexcused")})
    held: dict[int, int] = {}
    thematic: dict[int, int] = {}
    if aggregates:
        rows = (
            Meeting.objects.filter(org_id__in=subtree, held_on__gte=first, held_on__lte=end)
            .order_by()
            .values("org_id")
            .annotate(**aggregates)
        )
        for r in rows:
            held[r["org_id"]] = _mask(r, "h", len(months))
            thematic[r["org_id"]] = _mask(r, "t", len(months))
            if counts:
                for k in ("listed", "present", "excused", "unexcused"):
                    setattr(f, k, getattr(f, k) + (r[k] or 0))
        f.unmarked = f.listed - f.present - f.excused - f.unexcused
    # one bitmask per calendar quarter of the period: a quarter is due when one of its months is
    # due, held when one of its months had a thematic meeting (bit tests, no per-month sets)
    quarter_masks: dict[tuple[int, int], int] = defaultdict(int)
    for i, (y, m) in enumerate(months):
        quarter_masks[(y, (m - 1) // 3)] |= 1 << i
    qmasks = list(quarter_masks.values())
    missing, quarters_due, quarters_held = [], 0, 0
    for o, due_mask in due.items():
        held_mask = held.get(o, 0)
        f.due += due_mask.bit_count()
        f.held += (due_mask & held_mask).bit_count()
        if with_missing:
            missing.extend((o, months[i][1]) for i in _bits(due_mask & ~held_mask))
        them = thematic.get(o, 0)
        for qm in qmasks:
            if due_mask & qm:
                quarters_due += 1
                quarters_held += bool(them & qm)
    f.missing = sorted(missing, key=lambda p: (p[1], p[0]))
    f.thematic_quarters_due = quarters_due
    f.thematic_quarters_held = quarters_held
    return f


def figures_between(*, org_id: int, start: date, end: date, member_ids=None) -> Figures:
    """Cell-life figures of the organization's subtree over the months of [start, end] (up to
    today), without access checks (the caller checked the organization): a handful of queries
    whatever the size of the subtree, reading one row per meeting (its stored roster counts), not
    one per attendance. Absences (R-039) are counted over the calendar year of `end`."""
    end = min(end, policy.today())
    subtree = _subtree_ids(org_id, end)
    f = _figures(subtree, start, end, counts=True)
    months_absent = unexcused_months(member_ids=member_ids, year=end.year, org_id=org_id)
    f.warn_members = {m: n for m, n in months_absent.items() if n == WARN_MONTHS}
    f.removal_members = {m: n for m, n in months_absent.items() if n >= REMOVAL_MONTHS}
    return f


def figures(*, actor, org_id: int, year: int) -> Figures:
    """Cell-life figures of the organization's subtree for a calendar year (up to today)."""
    policy.get_org_or_404(actor, org_id)
    return figures_between(
        org_id=org_id,
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        member_ids=policy.for_user(Member, actor).values("pk"),
    )


NOT_LISTED = "not_listed"


def member_months(member_id: int, year: int) -> dict[int, tuple[int, str]]:
    """Month → (organization, status) of one member over `year`: each month the member was active
    in is counted in exactly one organization. The status is the member's month (present if present
    at a regular meeting, else excused, else absent without reason); the organization is the one of
    the last regular meeting on their list that month. A month with no meeting on their list (a
    transfer between the two cells' meeting days) is counted in the organization they attend at
    the month's end, as "not listed" — never absent, never twice."""
    today = policy.today()
    rows = (
        Attendance.objects.filter(member_id=member_id, meeting__held_on__year=year, meeting__kind__in=REGULAR_KINDS)
        .order_by("meeting__held_on", "meeting_id")
        .values_list("meeting__held_on", "meeting__org_id", "presence")
    )
    by_month: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for on, org, presence in rows:
        by_month[on.month].append((org, presence))
    out: dict[int, tuple[int, str]] = {}
    last = 12 if year < today.year else today.month
    for month in range(1, last + 1):
        marks = by_month.get(month)
        if marks:
            got = {p for _, p in marks}
            status = next((p for p in (Presence.PRESENT, Presence.EXCUSED, Presence.UNEXCUSED) if p in got), "")
            out[month] = (marks[-1][0], status)
            continue
        at = _month_end(year, month, today)
        span = (
            MembershipSpan.objects.valid_on(at)
            .filter(member_id=member_id, status__in=ACTIVE_STATUSES, exempt=False)
            .values_list("org_id", "temp_org_id")
            .first()
        )
        if span:
            out[month] = (span[1] or span[0], NOT_LISTED)
    return out


@dataclass(frozen=True)
class OrgAttendance:
    org_id: int
    name: str
    present: int
    marked: int
    direct: bool = False

    @property
    def rate(self) -> float | None:
        return self.present / self.marked * 100 if self.marked else None


def attendance_by_child(*, org_id: int, start: date, end: date) -> list[OrgAttendance]:
    """The attendance of the meetings held in [start, end] per organization directly below
    `org_id` (as the tree stands on `end`), and of its own meetings: three queries, reading the
    meetings' stored roster counts, whatever the size of the subtree. No scope check (the caller's)."""
    end = min(end, policy.today())
    root = org_version_on(org_id=org_id, at=end)
    if root is None:
        return []
    versions = list(
        OrgVersion.objects.valid_on(end)
        .filter(path__startswith=root.path)
        .values_list("org_id", "path", "name", "parent_id")
    )
    child_of, names = {}, {}
    for oid, path, name, parent in versions:
        rest = path[len(root.path) :].strip("/").split("/")
        child_of[oid] = int(rest[0]) if rest and rest[0].isdigit() else org_id
        if parent == org_id or oid == org_id:
            names[oid] = name
    sums: dict[int, list[int]] = {}
    rows = (
        Meeting.objects.filter(org_id__in=[v[0] for v in versions], held_on__gte=start, held_on__lte=end)
        .order_by()
        .values("org_id")
        .annotate(p=Sum("present"), e=Sum("excused"), u=Sum("unexcused"))
    )
    for r in rows:
        acc = sums.setdefault(child_of.get(r["org_id"], org_id), [0, 0])
        acc[0] += r["p"] or 0
        acc[1] += (r["p"] or 0) + (r["e"] or 0) + (r["u"] or 0)
    out = [
        OrgAttendance(o, names[o], *sums.get(o, [0, 0]))
        for o in sorted((o for o in names if o != org_id), key=lambda o: names[o])
    ]
    if org_id in sums:
        out.insert(0, OrgAttendance(org_id, names.get(org_id, ""), *sums[org_id], direct=True))
    return out
