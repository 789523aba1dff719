"""Reads of the member registry. Every list starts from the scope function."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.policy import can, covers, get_member_or_404, scope_orgs
from dangbo.audit.services import audit_read
from dangbo.core import stamps
from dangbo.core.db import RowCompare, ViOrder, index_order, parallel_query
from dangbo.core.errors import RuleViolation
from dangbo.core.reference import label
from dangbo.core.rules import param
from dangbo.core.text import fold, mask_citizen_id
from dangbo.members.deadlines import transfer_deadline, transfer_overdue
from dangbo.members.lifecycle import Profile, Timeline, recognition_due, replay
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MembershipSpan, Status
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import LABEL_WITH_PARENT, org_labels_on

AGE_BANDS = {
    "le30": (0, 30, "Đến 30 tuổi"),
    "31_40": (31, 40, "Từ 31 đến 40"),
    "41_50": (41, 50, "Từ 41 đến 50"),
    "51_60": (51, 60, "Từ 51 đến 60"),
    "61_70": (61, 70, "Từ 61 đến 70"),
    "gt70": (71, 200, "Trên 70 tuổi"),
}


def subtree_org_ids(*, org_id: int, at: date) -> QuerySet:
    """Ids of `org_id` and every organization below it as of `at` (one prefix scan)."""
    root = OrgVersion.objects.valid_on(at).filter(org_id=org_id).values_list("path", flat=True).first()
    if root is None:
        return OrgVersion.objects.none().values_list("org_id", flat=True)
    return OrgVersion.objects.valid_on(at).filter(path__startswith=root).values_list("org_id", flat=True)


def member_ids_in_org_on(*, org_id: int, at: date) -> list[int]:
    """Members whose home organization is exactly `org_id` on `at` (active or pending)."""
    return list(
        MembershipSpan.objects.valid_on(at)
        .filter(org_id=org_id, status__in=(*ACTIVE_STATUSES, "cho_ket_nap"))
        .values_list("member_id", flat=True)
    )


@dataclass(frozen=True)
class MemberFilters:
    org_id: int | None = None  # subtree as of `at`
    status: str = ""  # a status code, or "active" (dự bị + chính thức)
    sex: str = ""
    ethnicity: str = ""
    age_band: str = ""
    q: str = ""


def _in_list_orgs(qs: QuerySet, *, actor, at: date, org_id: int | None) -> QuerySet:
    """`qs` (rows with an `org_id` column) narrowed to the organizations a member list shows: the
    subtree of `org_id` on `at` when given, and the organizations `actor` may see (skipped when the
    subtree lies wholly in the actor's scope). The one narrowing of the list and of its count."""
    if not org_id:
        return scope_orgs(qs, actor, field="org_id")
    qs = qs.filter(org_id__in=Subquery(subtree_org_ids(org_id=org_id, at=at)))
    if not covers(actor, list(subtree_org_ids(org_id=org_id, at=at))):
        qs = scope_orgs(qs, actor, field="org_id")
    return qs


def member_list(*, actor, at: date, filters: MemberFilters) -> QuerySet:
    """Members whose state on `at` (spans) is in an organization `actor` may see, by name."""
    spans = MembershipSpan.objects.valid_on(at)
    if filters.status == "active" or not filters.status:
        spans = spans.filter(status__in=ACTIVE_STATUSES)
    elif filters.status != "all":
        spans = spans.filter(status=filters.status)
    if filters.sex:
        spans = spans.filter(sex=filters.sex)
    if filters.ethnicity == "minority":
        spans = spans.exclude(ethnicity="01")
    elif filters.ethnicity:
        spans = spans.filter(ethnicity=filters.ethnicity)
    if filters.age_band in AGE_BANDS:
        low, high, _ = AGE_BANDS[filters.age_band]
        spans = spans.filter(birth_year__lte=at.year - low, birth_year__gte=at.year - high)
    # The scope applies to the state listed: the member's organization on `at` must be in scope
    # (one semi-join on the spans, not a second pass over every member's whole history).
    spans = _in_list_orgs(spans, actor=actor, at=at, org_id=filters.org_id)
    qs = Member.objects.filter(pk__in=spans.values("member_id"))
    if filters.q:
        for word in fold(filters.q).split():
            qs = qs.filter(name_folded__contains=word)
    return qs.order_by(*NAME_ORDER)


# Vietnamese dictionary order of names, then id: the order of every member list, answered by the
# index members_member_name_vi (migration members 0003) on both databases.
NAME_ORDER = (ViOrder("full_name").asc(), "id")
NAME_ORDER_DESC = (ViOrder("full_name").desc(), "-id")

_count_cache = stamps.StampedCache(2_000)


# The count of the default member list (active members, no filter but the organization) from a
# per-organization summary, registered by a higher app (reports: OrgCountSpan); None = count the spans.
_LIST_COUNTER = None


def register_list_counter(counter) -> None:
    """`counter(restrict, at) -> int`: the active members on `at` whose home organization passes
    `restrict` (a function narrowing a queryset with an `org_id` column to the list's organizations
    and scope). A member has one span on a date, so this is the list's count read one row per
    organization (66 ms instead of 1,4 s for a province of 131.000 members, bench/members.py)."""
    global _LIST_COUNTER
    _LIST_COUNTER = counter


def _summary_count(*, actor, at: date, filters: MemberFilters) -> int | None:
    """The default list's count from the registered summary; None when a filter needs the spans."""
    if _LIST_COUNTER is None or filters.status not in ("", "active"):
        return None
    if filters.sex or filters.ethnicity or filters.age_band or filters.q:
        return None
    return _LIST_COUNTER(lambda qs: _in_list_orgs(qs, actor=actor, at=at, org_id=filters.org_id), at)


def member_list_count(*, actor, at: date, filters: MemberFilters) -> int:
    """How many members `member_list` holds, cached per process under the data stamps: "registry"
    (renewed by triggers on any write to members, their spans or the organization versions) and
    "scope" (role assignments, the tree), so a count is never served after a change it depends on.
    A list of 131.000 members counted once, not once per page."""
    read = stamps.read_many("registry", "scope")
    registry, scope = read["registry"], read["scope"]
    cacheable = stamps.cacheable(registry) and stamps.cacheable(scope)
    key = (registry.token, scope.token, getattr(actor, "pk", None), getattr(actor, "is_superuser", False), at, filters)

    def count() -> int:
        summary = _summary_count(actor=actor, at=at, filters=filters)
        if summary is not None:
            return summary
        with parallel_query():  # a filtered list counts its spans: up to a whole province's
            return member_list(actor=actor, at=at, filters=filters).order_by().count()

    return _count_cache.get_or_compute(key, count, cacheable=cacheable)


@dataclass(frozen=True)
class MemberPage:
    """One page of the member list, paged by keyset on (name in Vietnamese order, id): the page
    after a member (`after`), before one (`before`), the last page, or by number (`page`, OFFSET:
    old links). Page N costs what page 1 costs, except by number."""

    members: list[Member]
    count: int
    size: int
    has_previous: bool
    has_next: bool
    number: int | None = None  # known when paged by number (or the first page)

    @property
    def pages(self) -> int:
        return max((self.count + self.size - 1) // self.size, 1)

    @property
    def next_after(self) -> int | None:
        return self.members[-1].pk if self.members and self.has_next else None

    @property
    def previous_before(self) -> int | None:
        return self.members[0].pk if self.members and self.has_previous else None


def _row(op: str, name: str, pk: int) -> RowCompare:
    return RowCompare((ViOrder("full_name"), F("id")), op, (Value(name), Value(pk)))


def member_page(
    *,
    actor,
    at: date,
    filters: MemberFilters,
    after: int | None = None,
    before: int | None = None,
    last: bool = False,
    page: int | None = None,
    size: int = 50,
) -> MemberPage:
    """The page of `member_list` after/before the member with that id (keyset), the last page, or
    page number `page` (1 when nothing is given)."""
    count = member_list_count(actor=actor, at=at, filters=filters)
    # A name filter reads the trigram index, which only bitmap scans use: the planner chooses then.
    with index_order() if not filters.q else nullcontext():
        return _member_page(
            member_list(actor=actor, at=at, filters=filters),
            count=count,
            after=after,
            before=before,
            last=last,
            page=page,
            size=size,
        )


def _member_page(
    qs: QuerySet, *, count: int, after: int | None, before: int | None, last: bool, page: int | None, size: int
) -> MemberPage:
    cursor = after or before
    name = Member.objects.filter(pk=cursor).values_list("full_name", flat=True).first() if cursor else None
    if name is not None and after:
        rows = list(qs.filter(_row(">", name, after))[: size + 1])
        return MemberPage(rows[:size], count, size, has_previous=True, has_next=len(rows) > size)
    if name is not None and before:
        rows = list(qs.filter(_row("<", name, before)).order_by(*NAME_ORDER_DESC)[: size + 1])
        return MemberPage(rows[:size][::-1], count, size, has_previous=len(rows) > size, has_next=True)
    if last:
        rows = list(qs.order_by(*NAME_ORDER_DESC)[: size + 1])
        number = max((count + size - 1) // size, 1)
        return MemberPage(
            rows[: (count - 1) % size + 1 if count else 0][::-1],
            count,
            size,
            has_previous=count > size,
            has_next=False,
            number=number,
        )
    number = max(page or 1, 1)
    pages = max((count + size - 1) // size, 1)
    number = min(number, pages)
    start = (number - 1) * size
    rows = list(qs[start : start + size + 1])
    return MemberPage(rows[:size], count, size, has_previous=number > 1, has_next=len(rows) > size, number=number)


# Labels of the list's cells, computed once per process.
_SEX_LABELS = dict(Member._meta.get_field("sex").flatchoices)
_STATUS_LABELS = dict(Status.choices)


def member_list_rows(*, members: list[Member], at: date) -> list[dict]:
    """The rows of the member list page as plain values, every string already formatted: the page
    renders them in one loop of few variable lookups (no model attribute, method, filter or
    `{% url %}` per cell). Two queries whatever the number of rows: the members' spans on `at`, and
    their organizations' versions on `at` with the parent's name (a cell is labelled
    "Chi bộ thôn Đông — Đảng bộ xã An Hòa", as `orgs.selectors.org_labels_on` does).

    Each row: id, href (the profile), name, birth (year), sex, ethnicity, status (code), status_label,
    exempt, in_transfer, org (label), citizen_id (masked)."""
    ids = [m.pk for m in members]
    spans = {
        row[0]: row[1:]
        for row in MembershipSpan.objects.valid_on(at)
        .filter(member_id__in=ids)
        .order_by()
        .values_list("member_id", "status", "exempt", "in_transfer", "org_id")
    }
    org_ids = {span[3] for span in spans.values() if span[3]}
    parent_name = OrgVersion.objects.valid_on(at).filter(org_id=OuterRef("parent_id")).values("name")[:1]
    labels: dict[int, str] = {}
    for org_id, name, org_type, parent in (
        OrgVersion.objects.valid_on(at)
        .filter(org_id__in=org_ids)
        .order_by()
        .annotate(parent_name=Subquery(parent_name))
        .values_list("org_id", "name", "org_type", "parent_name")
    ):
        labels[org_id] = f"{name} — {parent}" if parent and org_type in LABEL_WITH_PARENT else name
    missing = org_ids - labels.keys()
    if missing:  # an organization not valid on `at`: its nearest name, as org_labels_on gives it
        labels.update({org_id: text for (org_id, _), text in org_labels_on(keys=[(o, at) for o in missing]).items()})
    marker = 987654321987
    href = reverse("members:member_detail", args=[marker]).split(str(marker))
    rows = []
    for m in members:
        status, exempt, in_transfer, org_id = spans.get(m.pk, ("", False, False, None))
        rows.append(
            {
                "id": m.pk,
                "href": f"{href[0]}{m.pk}{href[1]}",
                "name": m.full_name,
                "birth": str(m.birth_year) if m.birth_year else "",
                "sex": _SEX_LABELS.get(m.sex, m.sex or ""),
                "ethnicity": label("ethnic_groups", m.ethnicity),
                "status": status,
                "status_label": _STATUS_LABELS.get(status, status),
                "exempt": exempt,
                "in_transfer": in_transfer,
                "org": labels.get(org_id, "") if org_id else "",
                "citizen_id": mask_citizen_id(m.citizen_id),
            }
        )
    return rows


def member_timeline(member: Member, events: list[MemberEvent] | None = None) -> Timeline:
    """The member's timeline, replayed from the effective events; `events`: all the member's events
    already read with their `voided_by` (member_events_for_page), so a page reads them once."""
    if events is None:
        events = list(member.events.effective().exclude(type="correction"))
    else:
        events = [e for e in events if e.type != "correction" and _voided_by(e) is None]
    return replay(events, Profile(member.birth_date, member.birth_year, member.general_education))


def _voided_by(event: MemberEvent) -> MemberEvent | None:
    try:
        return event.voided_by
    except MemberEvent.DoesNotExist:
        return None


def member_events(member: Member) -> QuerySet:
    return member.events.select_related("org", "counterpart_org", "corrects", "recorded_by").order_by("on", "id")


# --- Reads for the pages (members.views, orgs.views) -----------------------------------------


# A faster counter of the same figure, registered by a higher app (reports: from its fact
# tables, rolled up in SQL); None = the spans below.
_SUBTREE_COUNTER = None


def register_subtree_counter(counter) -> None:
    """`counter(versions, at) -> {org_id: active members in the subtree}`, used by
    `subtree_member_counts_on` instead of the spans (the reports app registers its fact tables)."""
    global _SUBTREE_COUNTER
    _SUBTREE_COUNTER = counter


def subtree_member_counts_on(*, versions, at: date) -> dict[int, int]:
    """Active members (dự bị + chính thức) on `at` in the subtree of each given org version,
    keyed by org id: a fixed number of grouped queries whatever the number of versions or the
    size of their subtrees (rolled up in SQL by the path segment below the versions' parents)."""
    versions = list(versions)
    if not versions:
        return {}
    if _SUBTREE_COUNTER is not None:
        return _SUBTREE_COUNTER(versions, at)
    from django.db.models import Count, Q

    cond = Q()
    for v in versions:
        cond |= Q(path__startswith=v.path)
    in_subtrees = OrgVersion.objects.valid_on(at).filter(cond).values("org_id")
    per_org = dict(
        MembershipSpan.objects.valid_on(at)
        .active()
        .filter(org_id__in=Subquery(in_subtrees))
        .order_by()
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    paths = OrgVersion.objects.valid_on(at).filter(org_id__in=list(per_org)).values_list("org_id", "path")
    result = {v.org_id: 0 for v in versions}
    for org_id, path in paths:
        for v in versions:
            if path.startswith(v.path):
                result[v.org_id] += per_org[org_id]
    return result


def member_spans_on(*, member_ids, at: date) -> dict[int, MembershipSpan]:
    """Each member's span valid on `at` (one query), keyed by member id."""
    return {s.member_id: s for s in MembershipSpan.objects.valid_on(at).filter(member_id__in=list(member_ids))}


def member_last_org_id(member: Member) -> int | None:
    """The organization the member belongs to today, or belonged to last."""
    if member.current_org_id:
        return member.current_org_id
    return member.spans.order_by("-valid_from").values_list("org_id", flat=True).first()


# What a dossier reader may ask to see in full (`?show=citizen_id` on the page and the API).
SHOWABLE = ("citizen_id",)


@dataclass(frozen=True)
class DossierRead:
    """A member's dossier as one reader may see it; produced only by `member_dossier_read`."""

    member: Member
    org_id: int | None  # the organization the member belongs to, or belonged to last
    personal: bool  # the reader has "view_personal" there (full citizen ID on request, phone)
    citizen_id_shown: bool  # the full citizen ID was asked for, allowed, and audited
    citizen_id: str  # full when shown, else masked ("" when none)
    phone: str | None  # None without "view_personal"


def member_dossier_read(*, actor, pk: int, show: tuple[str, ...] | list[str] = (), via: str = "page") -> DossierRead:
    """The one read path of a member's dossier, for the page and the API alike (R-165).

    404 outside the reader's scope (as for a member that does not exist). Every read appends a
    "read.member_profile" audit entry (`via`: "page" or "api"); the citizen ID is masked unless
    the reader has "view_personal" on the member's organization *and* asks for it
    (`show=("citizen_id",)`), and that showing appends its own "read.member_citizen_id" entry,
    so the log answers "who saw this number in full"."""
    member = get_member_or_404(actor, pk)
    org_id = policy.member_home_org_id(member)
    personal = org_id is not None and can(actor, "view_personal", org_id)
    shown = personal and "citizen_id" in show and bool(member.citizen_id)
    audit_read(
        actor=actor,
        obj=member,
        org_id=org_id,
        what="member_profile",
        summary=f"Xem hồ sơ đảng viên {member.full_name}" + (" (API)" if via == "api" else ""),
    )
    if shown:
        audit_read(
            actor=actor,
            obj=member,
            org_id=org_id,
            what="member_citizen_id",
            summary=f"Xem số CCCD đầy đủ của đảng viên {member.full_name}" + (" (API)" if via == "api" else ""),
        )
    return DossierRead(
        member=member,
        org_id=org_id,
        personal=personal,
        citizen_id_shown=shown,
        citizen_id=(member.citizen_id or "") if shown else mask_citizen_id(member.citizen_id),
        phone=member.phone if personal else None,
    )


def member_events_for_page(member: Member) -> list[MemberEvent]:
    """The member's events with what the timeline shows (orgs, the correction that voided each)."""
    return list(member_events(member).select_related("voided_by"))


# -- data integrity (dangbo check-data) ---------------------------------------------------------

ISSUE_KINDS = {
    "replay_failed": "Lịch sử sự kiện không còn hợp lệ",
    "no_org": "Đảng viên đang sinh hoạt nhưng không có tổ chức",
    "probation_overdue": "Quá hạn đề nghị công nhận đảng viên chính thức (R-022)",
    "transfer_overdue": "Chuyển sinh hoạt quá hạn chưa được tiếp nhận (R-033)",
    "spans_mismatch": "Dữ liệu tổng hợp không khớp với các sự kiện",
}


@dataclass(frozen=True)
class DataIssue:
    kind: str  # a key of ISSUE_KINDS
    member_id: int
    member_name: str
    message: str

    @property
    def kind_label(self) -> str:
        return ISSUE_KINDS[self.kind]


def _span_key(org_id, status, exempt, temp_org_id, in_transfer, valid_from, valid_to) -> tuple:
    return (org_id, status, bool(exempt), temp_org_id, bool(in_transfer), valid_from, valid_to)


def _vn(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "…"


def _member_issues(member: Member, today: date) -> list[DataIssue]:
    from collections import Counter

    def issue(kind: str, message: str) -> DataIssue:
        return DataIssue(kind, member.pk, member.full_name, message)

    found: list[DataIssue] = []
    if member.current_status in ACTIVE_STATUSES and member.current_org_id is None:
        found.append(
            issue("no_org", f"Trạng thái «{member.get_current_status_display()}» nhưng không có tổ chức sinh hoạt.")
        )
    profile = Profile(member.birth_date, member.birth_year, member.general_education)
    try:
        timeline = replay(member.effective_events, profile)
    except RuleViolation as exc:
        rule = f" [{exc.rule}]" if exc.rule else ""
        found.append(issue("replay_failed", f"{exc.message}{rule}"))
        return found

    due = recognition_due(timeline, today)
    if due and due["overdue"]:
        found.append(
            issue(
                "probation_overdue",
                f"Hết dự bị ngày {_vn(due['probation_end'])}, hạn đề nghị công nhận chính thức {_vn(due['deadline'])}.",
            )
        )
    if timeline.state.in_transfer and timeline.transfer_out_on:
        days = param("transfer_letter_working_days", timeline.transfer_out_on)
        deadline = transfer_deadline(timeline.transfer_out_on)
        if transfer_overdue(timeline.transfer_out_on, today):
            found.append(
                issue(
                    "transfer_overdue",
                    f"Chuyển sinh hoạt đi ngày {_vn(timeline.transfer_out_on)}, quá {days} ngày làm việc "
                    f"(hạn {_vn(deadline)}) chưa có nơi tiếp nhận.",
                )
            )

    expected = Counter(
        _span_key(
            s.facts.org_id,
            s.facts.status,
            s.facts.exempt,
            s.facts.temp_org_id,
            s.facts.in_transfer,
            s.valid_from,
            s.valid_to,
        )
        for s in timeline.spans
        if s.facts.org_id is not None
    )
    stored = Counter(
        _span_key(s.org_id, s.status, s.exempt, s.temp_org_id, s.in_transfer, s.valid_from, s.valid_to)
        for s in member.spans.all()
    )
    current = next(
        (s for s in timeline.spans if s.valid_from <= today and (s.valid_to is None or s.valid_to >= today)), None
    )
    want_status = current.facts.status if current else ""
    want_org = current.facts.org_id if current else None
    if expected != stored:
        found.append(
            issue(
                "spans_mismatch",
                f"Có {stored.total()} khoảng thời gian đã lưu, tính lại từ sự kiện được {expected.total()} "
                "(hoặc nội dung khác nhau); hãy chạy «dangbo rebuild-projections».",
            )
        )
    elif (member.current_status or "") != (want_status or "") or member.current_org_id != want_org:
        found.append(
            issue(
                "spans_mismatch",
                "Trạng thái hiện tại đã lưu không khớp với các sự kiện; hãy chạy «dangbo rebuild-projections».",
            )
        )
    return found


# Tables that other apps derive from the members' history (the search index, report facts)
# register a check of themselves here from their AppConfig.ready(): check-data reports them too.
_DERIVED_CHECKS: list = []


def register_derived_check(kind: str, label: str, check) -> None:
    """`check(today) -> list[DataIssue]` of kind `kind` (shown under `label`)."""
    ISSUE_KINDS[kind] = label
    if check not in _DERIVED_CHECKS:
        _DERIVED_CHECKS.append(check)


def issues_of(kind: str, member_ids: list[int], message: str) -> list[DataIssue]:
    """One issue of `kind` per member, with the member's name (for the registered derived checks)."""
    names = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "full_name"))
    return [DataIssue(kind, pk, names.get(pk, ""), message) for pk in member_ids]


def data_issues(*, today: date) -> list[DataIssue]:
    """Integrity report over every member (not scoped: an administrator's command): histories that
    no longer replay, active members without an organization, overdue recognitions (R-022) and
    transfers (R-033), projections that differ from a fresh replay of the events, and the
    registered checks of derived tables."""
    from django.db.models import Prefetch

    effective = MemberEvent.objects.filter(voided_by__isnull=True).exclude(type="correction").order_by("on", "id")
    members = Member.objects.order_by("pk").prefetch_related(
        Prefetch("events", queryset=effective, to_attr="effective_events"), "spans"
    )
    issues: list[DataIssue] = []
    for member in members.iterator(chunk_size=500):
        issues.extend(_member_issues(member, today))
    for check in _DERIVED_CHECKS:
        issues.extend(check(today))
    return issues


OVERDUE_KINDS = ("probation_overdue", "transfer_overdue")


def overdue_issues(*, today: date) -> list[DataIssue]:
    """The overdue recognitions (R-022) and transfers (R-033) of `today`: the same rules as
    `data_issues`, replayed only for the members who can be overdue (probationary members and
    members whose span today is in transfer). Read by the periodic overdue check (dangbo.jobs)."""
    from django.db.models import Prefetch, Q

    effective = MemberEvent.objects.filter(voided_by__isnull=True).exclude(type="correction").order_by("on", "id")
    in_transfer = MembershipSpan.objects.valid_on(today).filter(in_transfer=True).values("member_id")
    members = (
        Member.objects.filter(Q(current_status=Status.PROBATIONARY) | Q(pk__in=in_transfer))
        .order_by("pk")
        .prefetch_related(Prefetch("events", queryset=effective, to_attr="effective_events"), "spans")
    )
    return [
        issue
        for member in members.iterator(chunk_size=500)
        for issue in _member_issues(member, today)
        if issue.kind in OVERDUE_KINDS
    ]


def member_counts_by_org_on(*, at: date, org_ids=None) -> dict[int, tuple[int, int]]:
    """(active, full) members per home organization on `at`, one grouped query (the orgs app's
    structure checks, through orgs.membership)."""
    qs = MembershipSpan.objects.valid_on(at).active()
    if org_ids is not None:
        qs = qs.filter(org_id__in=org_ids)
    rows = (
        qs.order_by()
        .values("org_id")
        .annotate(n=Count("id"), full=Count("id", filter=Q(status=Status.FULL)))
        .values_list("org_id", "n", "full")
    )
    return {org_id: (n, full) for org_id, n, full in rows}


def member_names(member_ids: list[int]) -> list[str]:
    return list(Member.objects.filter(pk__in=member_ids).order_by("pk").values_list("full_name", flat=True))


def member_choices(member_ids: list[int]) -> list[tuple[int, str]]:
    people = Member.objects.filter(pk__in=member_ids).order_by(*NAME_ORDER).only("full_name", "birth_year")
    return [(m.pk, f"{m.full_name} ({m.birth_year})") for m in people]
