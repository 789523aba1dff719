"""Reads behind the sector indicators (R-014): organizations, establishments and members by the
sector / ownership of the unit (khu vực, loại hình; reference list `org_sectors`), on the tree and
versions of the date asked for.

An organization's sector is a dated attribute of its version (`OrgVersion.sector`); a cell or a
sub-committee without one takes the sector of its nearest ancestor that has one on the same day
(a cell of a private company's grassroots committee is in the private sector). "" = not recorded.

Kept apart from reports.selectors (the hot path of the headcounts): these queries read the
organization versions of a subtree (once per report: `area_versions`) and the stored member
counts of its organizations (reports.OrgCountSpan).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db.models import Count, Q

from dangbo.core.reference import items, label
from dangbo.members.models import ACTIVE_STATUSES, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.reports.models import OrgCountSpan
from dangbo.reports.selectors import Area, Window, _prefix_q

NOT_RECORDED = ""
NOT_RECORDED_LABEL = "Chưa ghi khu vực"


@cache
def grassroots_types() -> frozenset[str]:
    """Organization types of the grassroots level (tổ chức cơ sở đảng: đảng bộ cơ sở, chi bộ cơ sở)."""
    return frozenset(i.code for i in items("org_types") if i.row.get("level") == "3")


@cache
def non_state_sectors() -> tuple[str, ...]:
    """Sectors counted in «khu vực ngoài nhà nước» (column non_state of org_sectors.csv)."""
    return tuple(i.code for i in items("org_sectors") if i.row.get("non_state") == "true")


def sector_order() -> list[str]:
    return [i.code for i in items("org_sectors")] + [NOT_RECORDED]


def sector_label(code: str) -> str:
    return label("org_sectors", code) if code else NOT_RECORDED_LABEL


def _ids_of(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def _sectors_on(org_ids: Iterable[int], at: date) -> dict[int, tuple[str, str]]:
    """(path, own sector) of these organizations on `at`."""
    rows = OrgVersion.objects.valid_on(at).filter(org_id__in=list(set(org_ids))).values_list("org_id", "path", "sector")
    return {oid: (path, sector) for oid, path, sector in rows}


def effective_sectors(own: dict[int, tuple[str, str]], at: date) -> dict[int, str]:
    """Organization -> its sector on `at`: its own, else its nearest ancestor's (read when missing)."""
    known = dict(own)
    missing = {a for path, _ in own.values() for a in _ids_of(path) if a not in known}
    if missing:
        known.update(_sectors_on(missing, at))
    out = {}
    for oid, (path, _) in own.items():
        sector = NOT_RECORDED
        for a in reversed(_ids_of(path)):
            s = known.get(a, ("", ""))[1]
            if s:
                sector = s
                break
        out[oid] = sector
    return out


def area_versions(area: Area) -> dict[int, tuple[str, str, str]]:
    """Organizations below the root on `at` (root excluded): org -> (path, own sector, type)."""
    rows = (
        OrgVersion.objects.valid_on(area.at)
        .filter(_prefix_q(area.paths))
        .exclude(org_id=area.org_id)
        .exclude(path__in=area.paths)
        .values_list("org_id", "path", "sector", "org_type")
    )
    return {oid: (path, sector, t) for oid, path, sector, t in rows}


def grassroots_by_sector(area: Area, versions: dict[int, tuple[str, str, str]] | None = None) -> Counter:
    """Grassroots organizations below the root on `at`, by sector (`versions`: area_versions(area)
    when the caller already read them)."""
    versions = area_versions(area) if versions is None else versions
    grassroots = {oid: (p, s) for oid, (p, s, t) in versions.items() if t in grassroots_types()}
    return Counter(effective_sectors(grassroots, area.at).values())


def members_by_sector(
    area: Area, *, fast: bool = True, versions: dict[int, tuple[str, str, str]] | None = None
) -> Counter:
    """Counted members (đảng số) of the subtree on `at`, by the sector of their home organization.

    Fast: one row per organization from the stored count ranges (reports.OrgCountSpan), the
    sectors from the subtree's versions (`versions`: area_versions(area), shared with
    grassroots_by_sector) and the few organizations on the root's path. Slow (the reference):
    every membership span valid on `at`, the versions read by the ids of the organizations."""
    if fast:
        rows = (
            OrgCountSpan.objects.filter(valid_from__lte=area.at)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=area.at))
            .filter(org_id__in=area.org_ids())
            .values_list("org_id", "n")
        )
        counts: dict[int, int] = {}
        for oid, n in rows:
            counts[oid] = counts.get(oid, 0) + n
        versions = area_versions(area) if versions is None else versions
        own = {oid: versions[oid][:2] for oid in counts if oid in versions}
        if len(own) < len(counts):  # the root (and merge predecessors standing in for it)
            own.update(_sectors_on((oid for oid in counts if oid not in own), area.at))
    else:
        rows = (
            MembershipSpan.objects.valid_on(area.at)
            .filter(status__in=ACTIVE_STATUSES)
            .filter(org_id__in=area.org_ids())
            .order_by()
            .values_list("org_id")
            .annotate(n=Count("id"))
        )
        counts = dict(rows)
        own = _sectors_on(counts, area.at)
    sectors = effective_sectors(own, area.at)
    out: Counter = Counter()
    for oid, n in counts.items():
        out[sectors.get(oid, NOT_RECORDED)] += n
    return out


def org_ids_of_sector(area: Area, sector: str) -> list[int]:
    """Organizations of the subtree (root included) whose sector on `at` is `sector` (drill-down)."""
    rows = OrgVersion.objects.valid_on(area.at).filter(_prefix_q(area.paths)).values_list("org_id", "path", "sector")
    own = {oid: (path, s) for oid, path, s in rows}
    return sorted(oid for oid, s in effective_sectors(own, area.at).items() if s == sector)


@dataclass(frozen=True)
class Establishment:
    org_id: int
    on: date
    name: str
    org_type: str
    sector: str
    unit_id: int  # the organization directly under the root (on that day) it was established in
    unit_name: str


def _valid(versions: list[tuple], day: date) -> tuple | None:
    """The version (valid_from, valid_to, ...) of a list valid on `day`."""
    return next((v for v in versions if v[0] <= day and (v[1] is None or v[1] >= day)), None)


def _versions_of(org_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """(valid_from, valid_to, path, sector, org_type, name) of every version of these organizations."""
    out: dict[int, list[tuple]] = {}
    rows = OrgVersion.objects.filter(org_id__in=list(set(org_ids))).values_list(
        "org_id", "valid_from", "valid_to", "path", "sector", "org_type", "name"
    )
    for oid, *rest in rows:
        out.setdefault(oid, []).append(tuple(rest))
    return out


def establishments(events: list[dict], windows: list[Window]) -> list[Establishment]:
    """The establishments among `events` (reports.selectors.org_events_in rows) with the new
    organization's type and sector on the day, and the unit directly under the root it belongs to.
    Two queries whatever the number of events: the new organizations' versions, then those of
    every organization on their paths."""
    rows = [e for e in events if e["type"] == "org.established"]
    if not rows:
        return []
    own = _versions_of(e["org_id"] for e in rows)
    firsts = {}
    for e in rows:
        v = _valid(own.get(e["org_id"], []), e["on"])
        if v is not None:
            firsts[e["id"]] = v
    above = _versions_of(a for v in firsts.values() for a in _ids_of(v[2]))
    out = []
    for e in rows:
        v = firsts.get(e["id"])
        if v is None:
            continue
        day, (_, _, path, sector, org_type, name) = e["on"], v
        chain = _ids_of(path)
        for a in reversed(chain):
            found = _valid(above.get(a, []), day)
            if found is not None and found[3]:
                sector = found[3]
                break
        else:
            sector = NOT_RECORDED
        window = next((w for w in windows if w.start <= day <= w.end and path.startswith(w.path)), None)
        below = _ids_of(path[len(window.path) :]) if window else []
        unit_id = below[0] if below else e["org_id"]
        unit = _valid(above.get(unit_id, []), day)
        out.append(Establishment(e["org_id"], day, name, org_type, sector, unit_id, unit[5] if unit else name))
    return out
