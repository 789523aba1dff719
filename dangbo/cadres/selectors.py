"""Reads of cadre work, all through the access policy (scope = the managing committee's subtree).

Registers the visibility of Cadre, Decision, PlanningTerm, PlanningEntry and Title (the title
catalogue of a province) with `access.policy.scoped`.
Reading a cadre's record (lý lịch) is audited (`cadre_record_read`), as a member's dossier is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery

from dangbo.access import policy
from dangbo.audit.services import audit_read
from dangbo.cadres.eligibility import KINDS, birth_dates_retiring_between, eligibility_check
from dangbo.cadres.models import (
    AGREEMENTS,
    DATED_PROFILE_FIELDS,
    PROVINCE_ORG_TYPE,
    ActionType,
    Cadre,
    CadreAction,
    CadreProfileChange,
    Decision,
    PlanningEntry,
    PlanningTerm,
    PositionHolding,
    TermCalendar,
    Title,
    TitleAncestor,
)
from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.numbers import vn_int
from dangbo.core.rules import param
from dangbo.core.text import nfc
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.selectors import org_names_on_or_latest, org_subtree_on

policy.scoped_by(Cadre, field="managing_org_id")
policy.scoped_by(Decision, field="org_id")
policy.scoped_by(PlanningTerm, field="org_id")
policy.scoped_by(PlanningEntry, field="term__org_id")


@policy.scoped(Title)
def _titles_for(qs: QuerySet, user, action: str) -> QuerySet:
    """A province's title catalogue: written by those who may do `action` on the province
    organization itself; seen also by everyone who works below it (the province is above their
    scope: a commune officer reads the catalogue of the province the commune is in), not by the
    officers of another province."""
    in_scope = policy.scope_orgs(qs, user, field="province_id", action=action)
    if action != "view" or policy.is_system(user) or policy.everywhere(user, action):
        return in_scope
    above = policy.above_org_ids(user)
    if not above:
        return in_scope
    return qs.filter(Q(pk__in=in_scope.values("pk")) | Q(province_id__in=above))


def _years_before(at: date, years: int) -> date:
    try:
        return at.replace(year=at.year - years)
    except ValueError:  # 29/02
        return at.replace(year=at.year - years, day=28)


def title_lineage_q(field: str = "title", *, of: Title | str) -> Q:
    """The condition "`field` is a title of the lineage of `of`": every version of its code in the
    province's catalogue (a title changed from a date, title_change, is the same title), and every
    title merged into it (abolished with one of its versions as successor, title_abolish — the
    01/07/2025 mergers), directly or through a chain of mergers (A into B, B into C: C's lineage
    is A, B and C), with all their versions — read from the stored closure (TitleAncestor). A
    cadre appointed, planned or holding an earlier version, or a merged predecessor, matches the
    title. The one way cadre work matches a title: term-ending alerts, the planning filter and the
    R-094 limits, eligibility.

    `of` is a Title, or the path of a title field of the outer query (an OuterRef inside a
    subquery, as terms_ending). `field` "" is the Title itself."""
    f = f"{field}__" if field else ""
    if isinstance(of, str):
        province, code = OuterRef(f"{of}__province_id"), OuterRef(f"{of}__code")
        ancestors = TitleAncestor.objects.filter(
            province_id=OuterRef(OuterRef(f"{of}__province_id")), code=OuterRef(OuterRef(f"{of}__code"))
        ).values("ancestor")
        return Q(**{f"{f}province_id": province}) & (
            Q(**{f"{f}code": code}) | Q(**{f"{f}code__in": Subquery(ancestors)})
        )
    codes = {of.code} | set(
        TitleAncestor.objects.filter(province_id=of.province_id, code=of.code).values_list("ancestor", flat=True)
    )
    return Q(**{f"{f}province_id": of.province_id, f"{f}code__in": sorted(codes)})


def value_on(changes, at: date, current):
    """The value as of `at` of a field with dated changes [(on, before, after)] in time order:
    the `after` of the last change on or before `at`, else the `before` of the first change after
    it, else the value recorded now (`current`)."""
    done = [after for on, _, after in changes if on <= at]
    if done:
        return done[-1]
    later = [before for on, before, _ in changes if on > at]
    return later[0] if later else current


def profile_on(cadre: Cadre, at: date, fields=DATED_PROFILE_FIELDS) -> dict[str, str]:
    """The cadre's dated record fields (managing committee id as text, education, qualification,
    theory and state-management levels, management class) as they were on `at`
    (CadreProfileChange; one query)."""
    changes: dict[str, list] = {f: [] for f in fields}
    for f, on, before, after in (
        CadreProfileChange.objects.filter(cadre=cadre, field__in=fields)
        .order_by("on", "id")
        .values_list("field", "on", "before", "after")
    ):
        changes[f].append((on, before, after))
    return {f: value_on(changes[f], at, str(getattr(cadre, f) or "")) for f in fields}


def management_class_on_q(management_class: str, at: date) -> Q:
    """Cadres whose management class on `at` is `management_class`: the record's class for those
    without a change after `at`, else the class before their first change after `at`."""
    later = (
        CadreProfileChange.objects.filter(field="management_class", on__gt=at)
        .order_by("cadre_id", "on", "id")
        .values_list("cadre_id", "before")
    )
    first_after: dict[int, str] = {}
    for cadre_id, before in later:
        first_after.setdefault(cadre_id, before)
    was = [c for c, before in first_after.items() if before == management_class]
    return (Q(management_class=management_class) & ~Q(pk__in=list(first_after))) | Q(pk__in=was)


@dataclass
class CadreFilters:
    q: str = ""
    title_group: str = ""
    management_class: str = ""
    age_min: int | None = None
    age_max: int | None = None
    planned_title_id: int | None = None
    at: date | None = None
    retiring_months: int | None = None  # retirement date within this many months from `at`
    term_ending_months: int | None = None  # appointment term ending within this many months from `at`


def cadre_list(*, actor, filters: CadreFilters | None = None) -> QuerySet:
    """The cadres `actor` may see, filtered (title group held on `at`, management class on `at`, age band
    on `at`, in planning on `at` for a title — any title of its lineage, title_lineage_q)."""
    f = filters or CadreFilters()
    at = f.at or policy.today()
    qs = policy.for_user(Cadre, actor).select_related("managing_org")
    if f.q:
        qs = qs.filter(full_name__icontains=nfc(f.q).strip())
    if f.management_class:
        qs = qs.filter(management_class_on_q(f.management_class, at))
    if f.title_group:
        holders = (
            PositionHolding.objects.filter(title__group=f.title_group, valid_from__lte=at)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
            .values("cadre_id")
        )
        qs = qs.filter(pk__in=holders)
    if f.age_min is not None:
        qs = qs.filter(birth_date__lte=_years_before(at, f.age_min))
    if f.age_max is not None:
        qs = qs.filter(birth_date__gt=_years_before(at, f.age_max + 1))
    if f.planned_title_id:
        title = policy.for_user(Title, actor).filter(pk=f.planned_title_id).first()
        if title is None:
            return qs.none()
        planned = (
            PlanningEntry.objects.filter(title_lineage_q("title", of=title), added_on__lte=at)
            .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=at))
            .values("cadre_id")
        )
        qs = qs.filter(pk__in=planned)
    if f.retiring_months is not None:
        qs = qs.filter(retiring_between(at, add_months(at, f.retiring_months)))
    if f.term_ending_months is not None:
        qs = qs.filter(pk__in=terms_ending(at, add_months(at, f.term_ending_months), cadres=qs).values("cadre_id"))
    return qs.order_by("full_name", "id")


def retiring_between(start: date, end: date) -> Q:
    """Cadres whose statutory retirement date falls in [start, end] (R-095 schedule by sex and
    year), as a condition on the birth date."""
    cond = Q(pk__in=[])
    for sex in ("M", "F"):
        bounds = birth_dates_retiring_between(sex, start, end)
        if bounds:
            cond |= Q(sex=sex, birth_date__gte=bounds[0], birth_date__lte=bounds[1])
    return cond


def terms_ending(start: date, end: date, *, cadres: QuerySet | None = None) -> QuerySet:
    """Open holdings of appointed titles (5-year term, `appointment_term_months`) whose term,
    counted from the last appointment or re-appointment to the title — to any title of its
    lineage (title_lineage_q: an earlier version, a title merged into it) —, ends in [start, end];
    a holding extended to retirement has no term end. `cadres`: only the holdings of these
    (e.g. the cadres an actor may see)."""
    last = (
        CadreAction.objects.effective()
        .filter(title_lineage_q("title", of="title"))
        .filter(
            cadre_id=OuterRef("cadre_id"),
            type__in=[ActionType.APPOINTMENT, ActionType.REAPPOINTMENT, ActionType.EXTENSION],
            on__lte=start,
        )
        .order_by("-on", "-id")
    )
    months = param("appointment_term_months", start)
    first, last_day = add_months(start, -months), add_months(end, -months)
    # A necessary condition, read first (one query): the cadre has an appointment or
    # re-appointment in the window at all. It spares the per-holding subqueries below for the
    # holdings of every other cadre (most of them); as a subquery, PostgreSQL applied it only
    # after running them on every open holding.
    appointed = CadreAction.objects.effective().filter(
        type__in=[ActionType.APPOINTMENT, ActionType.REAPPOINTMENT], on__gte=first, on__lte=last_day
    )
    if cadres is not None:
        appointed = appointed.filter(cadre_id__in=cadres.order_by().values("pk"))
    in_window = sorted(set(appointed.values_list("cadre_id", flat=True)))
    return (
        PositionHolding.objects.filter(
            valid_to__isnull=True, title__term_calendar=TermCalendar.APPOINTMENT, cadre_id__in=in_window
        )
        .annotate(last_on=Subquery(last.values("on")[:1]), last_type=Subquery(last.values("type")[:1]))
        .filter(
            last_type__in=[ActionType.APPOINTMENT, ActionType.REAPPOINTMENT],
            last_on__gte=first,
            last_on__lte=last_day,
        )
    )


@dataclass
class CadreRecord:
    cadre: Cadre
    actions: list[CadreAction]
    holdings: list[PositionHolding]
    planning: list[PlanningEntry]


def cadre_record_read(*, actor, pk, via: str = "page") -> CadreRecord:
    """The cadre's record (lý lịch) with the timeline of actions; 404 outside scope; audited."""
    cadre = policy.get_in_scope_or_404(Cadre, actor, pk)
    audit_read(
        actor=actor,
        obj=cadre,
        org_id=cadre.managing_org_id,
        what="cadre_record",
        summary=f"Xem lý lịch cán bộ {cadre.full_name}" + (" (API)" if via == "api" else ""),
    )
    actions = list(
        CadreAction.objects.filter(cadre=cadre)
        .select_related("decision", "title", "corrects")
        .prefetch_related("voided_by")
        .order_by("on", "id")
    )
    holdings = list(cadre.holdings.select_related("title").order_by("valid_from", "id"))
    planning = list(cadre.planning.select_related("title", "term").order_by("added_on", "id"))
    return CadreRecord(cadre=cadre, actions=actions, holdings=holdings, planning=planning)


def planning_on(*, actor, term_id: int, at: date) -> QuerySet:
    """Planning entries of a term in force on `at` (in planning from added_on to the day before removed_on)."""
    return (
        policy.for_user(PlanningEntry, actor)
        .filter(term_id=term_id, added_on__lte=at)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=at))
        .select_related("cadre", "title")
    )


# --- figures -----------------------------------------------------------------------------------


def vn_count(n: int) -> str:
    """A count in the reports' wording: two digits below 10 ("02"), thousands separated ("1.625")."""
    return f"{n:02d}" if n < 1000 else vn_int(n)


@dataclass
class Split:
    """A count split head (cấp trưởng) / deputy (cấp phó), with the people behind it."""

    head: int = 0
    deputy: int = 0
    cadre_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.head + self.deputy

    def vn(self) -> str:
        """Vietnamese report wording: "02 cấp trưởng, 08 cấp phó"."""
        return f"{vn_count(self.head)} cấp trưởng, {vn_count(self.deputy)} cấp phó"


FIGURE_GROUPS: dict[str, set[str]] = {
    "appointed": {ActionType.APPOINTMENT},
    "reappointed": {ActionType.REAPPOINTMENT},
    "nominated": {ActionType.NOMINATION},
    "appointed_or_nominated": {ActionType.APPOINTMENT, ActionType.NOMINATION},
    "agreed": set(AGREEMENTS),
    "concurrence": {ActionType.CONCURRENCE},
    "designated": {ActionType.DESIGNATION},
    "transferred_or_appointed": {ActionType.TRANSFER, ActionType.APPOINTMENT},
    "rotated": {ActionType.TRANSFER, ActionType.ROTATION},
    "resigned": {ActionType.RESIGNATION},
}

FIGURE_LABELS = {
    "appointed": "Bổ nhiệm",
    "reappointed": "Bổ nhiệm lại",
    "nominated": "Giới thiệu ứng cử",
    "appointed_or_nominated": "Bổ nhiệm, giới thiệu ứng cử",
    "agreed": "Thỏa thuận, hiệp y",
    "concurrence": "Hiệp y",
    "designated": "Chỉ định",
    "transferred_or_appointed": "Điều động, bổ nhiệm",
    "rotated": "Điều động, luân chuyển",
    "resigned": "Từ chức",
    "planning_added": "Bổ sung quy hoạch",
    "planning_removed": "Đưa ra khỏi quy hoạch",
    "planned": "Cán bộ trong quy hoạch",
}


def _subtree_ids(actor, org_id: int, at: date) -> list[int]:
    """The organization's subtree on `at` as the user may see it (404 outside scope): the ids a
    figure filters the managing committee on (policy.get_org_or_404 + the scoped subtree)."""
    policy.get_org_or_404(actor, org_id)
    return list(org_subtree_on(actor=actor, org_id=org_id, at=at).order_by().values_list("org_id", flat=True))


def _split(rows) -> Split:
    s = Split()
    for cadre_id, is_head in rows:
        if is_head:
            s.head += 1
        else:
            s.deputy += 1
        s.cadre_ids.append(cadre_id)
    return s


# Each action type -> the figure keys it counts in (one pass over the actions).
_GROUPS_OF_TYPE: dict[str, list[str]] = {}
for _key, _types in FIGURE_GROUPS.items():
    for _t in _types:
        _GROUPS_OF_TYPE.setdefault(_t, []).append(_key)


def cadre_figures(
    *, actor, org_id: int, start: date, end: date, term_id: int | None = None, org_ids: list[int] | None = None
) -> dict[str, Split]:
    """Cadre-work figures for the period [start, end] (inclusive) over the cadres managed in the
    organization's subtree (as of `end`), each split head/deputy with the people: the action
    counts (effective actions only, one per action), planning added/removed in the period and
    planned people on `end` (of `term_id`, or every term). `org_ids`: the subtree already read
    by the caller (`_subtree_ids`, i.e. through the access policy).

    Two queries besides the subtree (actions, planning entries), each joining the cadre on its
    managing committee, and one pass over each in Python."""
    if org_ids is None:
        org_ids = _subtree_ids(actor, org_id, end)
    actions = (
        CadreAction.objects.effective()
        .filter(cadre__managing_org_id__in=org_ids, on__gte=start, on__lte=end)
        .order_by()
        .values_list("type", "cadre_id", "title__is_head")
    )
    out: dict[str, Split] = {key: Split() for key in FIGURE_GROUPS}
    for t, cadre_id, is_head in actions:
        for key in _GROUPS_OF_TYPE.get(t, ()):
            s = out[key]
            if is_head:
                s.head += 1
            else:
                s.deputy += 1
            s.cadre_ids.append(cadre_id)
    entries = PlanningEntry.objects.filter(cadre__managing_org_id__in=org_ids)
    if term_id is not None:
        entries = entries.filter(term_id=term_id)
    # One read of the entries touching the period (added by its end, not removed before it).
    rows = (
        entries.filter(added_on__lte=end)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=start))
        .order_by()
        .values_list("cadre_id", "title__is_head", "added_on", "removed_on")
    )
    added, removed, planned = Split(), Split(), Split()
    for c, h, a, r in rows:
        for s, hit in ((added, a >= start), (removed, r is not None and r <= end), (planned, r is None or r > end)):
            if hit:
                if h:
                    s.head += 1
                else:
                    s.deputy += 1
                s.cadre_ids.append(c)
    out["planning_added"], out["planning_removed"], out["planned"] = added, removed, planned
    return out


@dataclass
class ReportFigures:
    actions: dict[str, Split]
    training: object
    salary: object


def report_figures(*, actor, org_id: int, start: date, end: date) -> ReportFigures:
    """The cadre-work figures of a report (actions and planning, training, ranks and salary
    steps) for the subtree over [start, end]: the subtree is read once for the three."""
    from dangbo.cadres.training import salary_figures, training_figures

    org_ids = _subtree_ids(actor, org_id, end)
    kw = {"actor": actor, "org_id": org_id, "start": start, "end": end, "org_ids": org_ids}
    return ReportFigures(actions=cadre_figures(**kw), training=training_figures(**kw), salary=salary_figures(**kw))


def planned_people(*, actor, org_id: int, at: date, term_id: int | None = None) -> int:
    """Distinct people in planning on `at` (one person planned for several titles counts once)."""
    org_ids = _subtree_ids(actor, org_id, at)
    entries = (
        policy.for_user(PlanningEntry, actor)
        .filter(cadre__managing_org_id__in=org_ids, added_on__lte=at)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=at))
    )
    if term_id is not None:
        entries = entries.filter(term_id=term_id)
    return entries.values("cadre_id").distinct().count()


def removal_reasons(*, actor, org_id: int, start: date, end: date) -> Counter:
    org_ids = _subtree_ids(actor, org_id, end)
    return Counter(
        policy.for_user(PlanningEntry, actor)
        .filter(cadre__managing_org_id__in=org_ids, removed_on__gte=start, removed_on__lte=end)
        .values_list("removal_reason", flat=True)
    )


def eligibility_read(*, actor, pk, title_id: int, kind: str, received_on: date, via: str = "page"):
    """The eligibility check (R-095) of a cadre in scope (404 outside) for a proposed action on
    `title_id` on the date the proposal is received; audited as a read of the cadre's record."""
    cadre = policy.get_in_scope_or_404(Cadre, actor, pk)
    if kind not in KINDS:
        raise DomainError("Loại đề xuất phải là bổ nhiệm, bổ nhiệm lại hoặc giới thiệu ứng cử", field="kind")
    title = policy.for_user(Title, actor).filter(pk=title_id).first()
    if title is None:
        raise DomainError(policy.not_found("chức danh"), field="title_id")
    audit_read(
        actor=actor,
        obj=cadre,
        org_id=cadre.managing_org_id,
        what="cadre_eligibility",
        summary=f"Kiểm tra điều kiện {KINDS[kind].lower()} «{title.name}» của cán bộ {cadre.full_name}"
        + (" (API)" if via == "api" else ""),
    )
    return cadre, title, eligibility_check(cadre=cadre, title=title, kind=kind, received_on=received_on, actor=actor)


# --- the title catalogue (danh mục chức danh) ------------------------------------------------------


def titles_on(*, actor, at: date, province_id: int | None = None, group: str = "") -> QuerySet:
    """The titles of the catalogues `actor` may see, in force on `at` (one version per code), by
    province, equivalence group, head before deputy, code."""
    qs = (
        policy.for_user(Title, actor)
        .filter(valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .select_related("successor")
    )
    if province_id is not None:
        qs = qs.filter(province_id=province_id)
    if group:
        qs = qs.filter(group=group)
    return qs.order_by("province_id", "group", "-is_head", "code", "id")


@dataclass
class TitleHistory:
    title: Title  # the version asked for
    versions: list[Title]  # every version of its code in the province's catalogue, oldest first
    predecessors: list[Title]  # titles abolished with one of these versions as their successor

    @property
    def last(self) -> Title:
        """The latest version: open-ended while the title is in force, closed once abolished."""
        return self.versions[-1]


def title_history(*, actor, pk) -> TitleHistory:
    """A title with all its versions and its lineage (predecessors, successor); 404 outside the
    catalogues `actor` may see."""
    title = policy.get_in_scope_or_404(Title, actor, pk)
    versions = list(
        Title.objects.filter(province_id=title.province_id, code=title.code)
        .select_related("successor")
        .order_by("valid_from", "id")
    )
    predecessors = list(
        Title.objects.filter(successor__in=[v.pk for v in versions])
        .exclude(code=title.code)
        .order_by("valid_to", "code")
    )
    return TitleHistory(title=title, versions=versions, predecessors=predecessors)


def catalogue_provinces(*, actor, action: str = "record") -> dict[int, str]:
    """The provinces (id -> name) whose catalogue `actor` may `action` ("record": write; "view":
    read, the province being in scope or above it)."""
    provinces = OrgVersion.objects.filter(org_type=PROVINCE_ORG_TYPE).values("org_id")
    ids = set(policy.for_user(Organization, actor, action).filter(pk__in=provinces).values_list("pk", flat=True))
    if action == "view" and not policy.everywhere(actor, action):
        ids |= set(
            Organization.objects.filter(pk__in=policy.above_org_ids(actor))
            .filter(pk__in=provinces)
            .values_list("pk", flat=True)
        )
    names = org_names_on_or_latest(org_ids=ids, at=policy.today())
    return dict(sorted(((i, names.get(i, "")) for i in ids), key=lambda kv: kv[1]))
