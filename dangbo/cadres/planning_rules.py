"""Planning rules (quy hoạch cán bộ).

- R-093 (50-QĐ/TW 2021; re-check against 377-QĐ/TW): a planning list's structure — young cadres
  (under `planning_young_under_age` on the date) at least `planning_min_young_pct`, women at
  least `planning_min_women_pct`, ethnic-minority share shown; a planned cadre must have at least
  one full term (`planning_min_months_to_retirement`) of working time left at the term's start
  (or on the day added, if later); a cadre is removed automatically when over age, disciplined
  at reprimand (khiển trách) or above, or concluded as not meeting the political standard —
  dated on the day of that event, not on the day the sweep runs.
- R-094: at most `planning_max_people_per_title` people in planning for one title at one post
  (title × organization), and at most `planning_max_titles_per_person` titles per person at the
  same level (the title's equivalence group) in one term. A title is counted across its lineage
  (selectors.title_lineage_q): the people planned for an earlier version, or for a title merged
  into it, hold places of the title.

Every number is a versioned rule parameter (core.rules, R-000) read on the date concerned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from dangbo.access import policy
from dangbo.cadres.eligibility import months_between, retirement_date
from dangbo.cadres.models import (
    Cadre,
    PlanningEntry,
    PlanningTerm,
    PoliticalCase,
    PoliticalConclusion,
    PoliticalPurpose,
    RemovalReason,
    Title,
)
from dangbo.cadres.selectors import title_lineage_q
from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.numbers import vn_percent
from dangbo.core.rules import param

# Member events that are discipline at reprimand (khiển trách) or above.
DISCIPLINE_FROM_REPRIMAND = (
    "discipline_reprimand",
    "discipline_warning",
    "discipline_dismissal",
    "discipline_expulsion",
)
MAJORITY_ETHNICITY = "Kinh"


def _age_on(birth: date, at: date) -> int:
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def counted_from(term: PlanningTerm, on: date) -> date:
    """The date a planned cadre's remaining working time is counted from: the term's start, or
    the day added when later."""
    return max(date(term.start_year, 1, 1), on)


def full_term_check(*, cadre: Cadre, term: PlanningTerm, title: Title, on: date) -> None:
    """R-093: refuse a planning entry for a cadre without one full term of working time left."""
    start = counted_from(term, on)
    need = param("planning_min_months_to_retirement", on)
    retires = retirement_date(cadre.birth_date, cadre.sex)
    left = months_between(start, retires)
    if left < need:
        raise DomainError(
            f"{cadre.full_name} không đủ tuổi quy hoạch chức danh «{title.name}»: tính từ "
            f"{start:%d/%m/%Y} còn {max(left, 0)} tháng công tác (nghỉ hưu {retires:%d/%m/%Y}), "
            f"cần ít nhất {need} tháng (một nhiệm kỳ)",
            field="cadre_id",
        )


def _open_on(qs, on: date):
    return qs.filter(added_on__lte=on).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))


def limits_check(*, cadre: Cadre, term: PlanningTerm, title: Title, org_id: int | None, on: date) -> None:
    """R-094: persons per title (at one post, across the title's lineage) and titles per person
    at the same level."""
    max_people = param("planning_max_people_per_title", on)
    same_post = _open_on(PlanningEntry.objects.filter(title_lineage_q("title", of=title), term=term, org_id=org_id), on)
    if same_post.count() >= max_people:
        raise DomainError(
            f"Chức danh «{title.name}» đã có {max_people} người trong quy hoạch, "
            f"tối đa {max_people} người một chức danh",
            field="title_id",
        )
    max_titles = param("planning_max_titles_per_person", on)
    same_level = _open_on(PlanningEntry.objects.filter(term=term, cadre=cadre, title__group=title.group), on)
    if same_level.count() >= max_titles:
        raise DomainError(
            f"{cadre.full_name} đã được quy hoạch {max_titles} chức danh cùng cấp "
            f"«{title.group or 'không phân nhóm'}», tối đa {max_titles} chức danh",
            field="cadre_id",
        )


# --- structure of a planning list --------------------------------------------------------


@dataclass
class Share:
    count: int
    total: int
    minimum: int | None = None  # the target in % (R-093), None when the rule sets none

    @property
    def percent(self) -> str:
        return vn_percent(self.count, self.total)

    @property
    def meets(self) -> bool | None:
        if self.minimum is None:
            return None
        return self.total > 0 and self.count * 100 >= self.minimum * self.total


@dataclass
class Structure:
    people: int
    young: Share
    women: Share
    minority: Share
    young_under: int
    cadre_ids: list[int] = field(default_factory=list)

    def vn(self) -> str:
        return (
            f"{self.people} người; trẻ (dưới {self.young_under} tuổi) {self.young.percent}, "
            f"nữ {self.women.percent}, dân tộc thiểu số {self.minority.percent}"
        )


def planning_structure(*, actor, term_id: int, at: date, org_id: int | None = None) -> Structure:
    """R-093: the distinct people in planning of a term on `at` (optionally for titles at one
    organization), with the shares of young cadres, women and ethnic minorities against the
    targets in force on `at`."""
    term = policy.get_in_scope_or_404(PlanningTerm, actor, term_id)
    entries = _open_on(policy.for_user(PlanningEntry, actor).filter(term=term), at)
    if org_id is not None:
        entries = entries.filter(org_id=org_id)
    people = {
        pk: (birth, sex, eth)
        for pk, birth, sex, eth in entries.values_list(
            "cadre_id", "cadre__birth_date", "cadre__sex", "cadre__ethnicity"
        )
    }
    under = param("planning_young_under_age", at)
    n = len(people)
    young = sum(1 for birth, _, _ in people.values() if _age_on(birth, at) < under)
    women = sum(1 for _, sex, _ in people.values() if sex == "F")
    minority = sum(1 for _, _, eth in people.values() if eth and eth.strip() != MAJORITY_ETHNICITY)
    return Structure(
        people=n,
        young=Share(young, n, param("planning_min_young_pct", at)),
        women=Share(women, n, param("planning_min_women_pct", at)),
        minority=Share(minority, n),
        young_under=under,
        cadre_ids=sorted(people),
    )


# --- automatic removal ---------------------------------------------------------------------


def _discipline_dates(member_id: int | None, start: date, end: date) -> list[date]:
    if member_id is None:
        return []
    from dangbo.members.models import MemberEvent

    return list(
        MemberEvent.objects.effective()
        .filter(member_id=member_id, type__in=DISCIPLINE_FROM_REPRIMAND, on__gte=start, on__lte=end)
        .order_by("on")
        .values_list("on", flat=True)
    )


def _not_meets_dates(cadre_id: int, start: date, end: date) -> list[date]:
    # The conclusion itself stays visible only to the political-protection role: the sweep reads
    # it as the system and records only the removal reason.
    return list(
        PoliticalCase.objects.filter(
            cadre_id=cadre_id,
            conclusion=PoliticalConclusion.NOT_MEETS,
            concluded_on__gte=start,
            concluded_on__lte=end,
            purpose__in=[PoliticalPurpose.PLANNING, PoliticalPurpose.APPOINTMENT],
        )
        .order_by("concluded_on")
        .values_list("concluded_on", flat=True)
    )


def automatic_removal(entry: PlanningEntry, on: date) -> tuple[date, str] | None:
    """The first event on or before `on`, after the entry was added, that removes it (R-093):
    (date, reason), or None. Over age: the day the cadre no longer has one full term left."""
    cadre = entry.cadre
    found: list[tuple[date, str]] = []
    for d in _discipline_dates(cadre.member_id, entry.added_on, on):
        found.append((d, RemovalReason.DISCIPLINE))
    for d in _not_meets_dates(cadre.pk, entry.added_on, on):
        found.append((d, RemovalReason.POLITICAL_STANDARD))
    need = param("planning_min_months_to_retirement", on)
    too_old_from = add_months(retirement_date(cadre.birth_date, cadre.sex), -need) + timedelta(days=1)
    when = max(counted_from(entry.term, entry.added_on), too_old_from)
    if when <= on:
        found.append((when, RemovalReason.OVER_AGE))
    return min(found) if found else None


def planning_sweep(*, actor, on: date, org_id: int | None = None) -> list[PlanningEntry]:
    """Remove automatically (R-093) the open planning entries in scope that an event on or
    before `on` made invalid, each dated on its event (so figures as of an earlier date still
    show the entry). Returns the entries removed."""
    from dangbo.cadres.services import planning_remove

    entries = policy.for_user(PlanningEntry, actor, "record").filter(removed_on__isnull=True, added_on__lte=on)
    if org_id is not None:
        entries = entries.filter(term__org_id=org_id)
    removed = []
    for entry in entries.select_related("cadre", "term", "title"):
        hit = automatic_removal(entry, on)
        if hit is None:
            continue
        when, reason = hit
        planning_remove(
            actor=actor,
            entry=entry,
            on=max(when, entry.added_on + timedelta(days=1)),
            reason=reason,
            decision="Tự động (R-093)",
        )
        removed.append(entry)
    return removed
