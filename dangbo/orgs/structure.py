"""Which organization types may sit under which (the Party Charter's levels, RULES.md R-001,
R-002, R-006, R-008, R-009; types and levels in core/reference/org_types.csv).

Levels: 0 central, 1 province (and party organizations directly under the Central Committee),
2 directly above grassroots (commune/ward, the provincial umbrella organizations, the former
districts), 3 grassroots (đảng bộ cơ sở, chi bộ cơ sở), 4 below grassroots (đảng bộ bộ phận,
chi bộ trực thuộc), 5 tổ đảng. The services of orgs/services.py call `check_parent` for every
placement (establish, move, merge, split, change of type), so pages, the API and the import all
get the same refusal.
"""

from __future__ import annotations

from datetime import date

from dangbo.core.errors import DomainError
from dangbo.core.reference import items, label

ROOT = None  # the top of a tree (no parent)

# Types that hold members directly (a "cell" in the wording of the rules below).
CELL_TYPES = frozenset({"grassroots_cell", "subordinate_cell", "temporary_cell"})

_PROVINCE = {"provincial_party_org"}
_UPPER = {  # level 2: directly above grassroots organizations
    "provincial_party_agencies_org",
    "provincial_government_party_org",
    "provincial_military_party_org",
    "provincial_police_party_org",
    "provincial_border_guard_party_org",
    "commune_party_org",
    "upper_grassroots_party_org",
    "district_party_org",
    "sector_bloc_party_org",
}
_ABOVE_GRASSROOTS = {"central_party_org", *_PROVINCE, *_UPPER}

# child type -> the parent types it may sit under (ROOT: may be the top of a tree).
ALLOWED_PARENTS: dict[str, frozenset] = {
    "central_committee": frozenset({ROOT}),
    "central_party_org": frozenset({ROOT, "central_committee"}),
    "provincial_party_org": frozenset({ROOT, "central_committee"}),
    "provincial_party_agencies_org": frozenset(_PROVINCE),
    "provincial_government_party_org": frozenset(_PROVINCE),
    "provincial_military_party_org": frozenset(_PROVINCE),
    "provincial_police_party_org": frozenset(_PROVINCE),
    "provincial_border_guard_party_org": frozenset(_PROVINCE),
    "sector_bloc_party_org": frozenset(_PROVINCE),
    "district_party_org": frozenset(_PROVINCE),
    # communes under the province (from 01/7/2025), under a district before.
    "commune_party_org": frozenset({*_PROVINCE, "district_party_org"}),
    "upper_grassroots_party_org": frozenset({"central_party_org", *_PROVINCE, *_UPPER} - {"commune_party_org"}),
    # grassroots organizations sit under a committee of a level above grassroots.
    "grassroots_party_committee_org": frozenset(_ABOVE_GRASSROOTS),
    "grassroots_cell": frozenset(_ABOVE_GRASSROOTS),
    # Đảng bộ bộ phận: inside a large grassroots committee (a commune committee acts as one).
    "sub_committee_org": frozenset({"grassroots_party_committee_org", "commune_party_org"}),
    # a chi bộ trực thuộc sits under a đảng ủy cơ sở or a đảng bộ bộ phận.
    "subordinate_cell": frozenset({"grassroots_party_committee_org", "sub_committee_org", "commune_party_org"}),
    "temporary_cell": frozenset({*_ABOVE_GRASSROOTS, "grassroots_party_committee_org", "sub_committee_org"}),
    # tổ đảng inside a cell.
    "party_group": frozenset(CELL_TYPES),
}

# the district level ends on 30/06/2025; no district organization is placed after it.
HISTORICAL_UNTIL = {"district_party_org": date(2025, 6, 30)}


def type_name(code: str | None) -> str:
    """The short name of a type for messages: the label up to its first parenthesis."""
    return label("org_types", code).split(" (")[0].strip()


def level(code: str) -> int:
    """The Charter level of a type (0 central … 5 tổ đảng; org_types.csv)."""
    for item in items("org_types"):
        if item.code == code:
            return int(item.row.get("level") or 0)
    return 0


def allowed_parent(child_type: str, parent_type: str | None) -> bool:
    allowed = ALLOWED_PARENTS.get(child_type)
    return allowed is None or parent_type in allowed


def check_parent(
    child_type: str, parent_type: str | None, *, child_name: str = "", parent_name: str = "", field: str = "parent"
) -> None:
    """Refuse placing an organization of `child_type` under one of `parent_type` (None: at the top)."""
    if allowed_parent(child_type, parent_type):
        return
    who = f" ({child_name})" if child_name else ""
    if parent_type is None:
        raise DomainError(
            f"«{type_name(child_type)}»{who} phải trực thuộc một tổ chức cấp trên; "
            "không thể là tổ chức cao nhất của cây.",
            field=field,
        )
    under = f" ({parent_name})" if parent_name else ""
    allowed = sorted(type_name(t) for t in ALLOWED_PARENTS[child_type] if t is not None)
    hint = f" Tổ chức cấp trên phù hợp: {', '.join(f'«{a}»' for a in allowed)}." if allowed else ""
    raise DomainError(
        f"Không thể đặt «{type_name(child_type)}»{who} dưới «{type_name(parent_type)}»{under}.{hint}", field=field
    )


def check_period(org_type: str, on: date, *, field: str = "on") -> None:
    """R-001: a historical type (the district level) is not placed after its end."""
    until = HISTORICAL_UNTIL.get(org_type)
    if until is not None and on > until:
        raise DomainError(
            f"«{type_name(org_type)}» chỉ tồn tại đến ngày {until:%d/%m/%Y} (không còn cấp huyện); "
            "không thể thành lập hay chuyển tổ chức loại này sau ngày đó.",
            field=field,
        )
