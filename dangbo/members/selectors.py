"""Reads of the member registry. Every list starts from the scope function."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, Subquery

from dangbo.access.scope import scope_members
from dangbo.core.text import fold
from dangbo.members.lifecycle import Profile, Timeline, replay
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MembershipSpan
from dangbo.orgs.models import OrgVersion

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


def member_list(*, actor, at: date, filters: MemberFilters) -> QuerySet:
    """Members visible to `actor`, filtered by their state on `at` (spans), newest names first."""
    spans = MembershipSpan.objects.valid_on(at)
    if filters.org_id:
        spans = spans.filter(org_id__in=Subquery(subtree_org_ids(org_id=filters.org_id, at=at)))
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
    qs = scope_members(Member.objects.all(), actor).filter(pk__in=spans.values("member_id"))
    if filters.q:
        for word in fold(filters.q).split():
            qs = qs.filter(name_folded__contains=word)
    return qs.order_by("name_folded", "id")


def member_timeline(member: Member) -> Timeline:
    events = list(member.events.effective().exclude(type="correction"))
    return replay(events, Profile(member.birth_date, member.birth_year, member.general_education))


def member_events(member: Member) -> QuerySet:
    return member.events.select_related("org", "counterpart_org", "corrects", "recorded_by").order_by("on", "id")


def member_span_on(member: Member, at: date) -> MembershipSpan | None:
    return member.spans.valid_on(at).first()


def event_list(member: Member) -> list[MemberEvent]:
    return list(member_events(member))


# --- Reads for the pages (members.views, orgs.views) -----------------------------------------


def subtree_member_counts_on(*, versions, at: date) -> dict[int, int]:
    """Active members (dự bị + chính thức) on `at` in the subtree of each given org version,
    keyed by org id: three queries whatever the number of versions."""
    from django.db.models import Count, Q

    versions = list(versions)
    if not versions:
        return {}
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


def member_events_for_page(member: Member) -> list[MemberEvent]:
    """The member's events with what the timeline shows (orgs, the correction that voided each)."""
    return list(member_events(member).select_related("voided_by"))
