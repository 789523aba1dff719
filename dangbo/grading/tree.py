"""The organization tree as grading reads it (through orgs.selectors, the one place that knows
versions and paths): a version on a date, a subtree, the grassroots organization above a cell
(where the R-072 cap applies)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from dangbo.orgs import selectors as org_sel
from dangbo.orgs.models import OrgVersion

GRASSROOTS_TYPES = ("grassroots_cell", "grassroots_party_committee_org")


def version_on(org_id: int, at: date) -> OrgVersion | None:
    return org_sel.org_version_on(org_id=org_id, at=at)


def subtree_versions(org_id: int, at: date) -> QuerySet:
    return org_sel.org_subtree_versions_on(org_id=org_id, at=at)


def in_subtree(org_id: int, root_id: int, at: date) -> bool:
    return org_sel.org_in_subtree_on(org_id=org_id, root_id=root_id, at=at)


def grassroots_of(cell_version: OrgVersion, at: date) -> int:
    """The grassroots organization a member's cell belongs to (where the R-072 cap applies): the
    nearest organization on the path of a grassroots type, else the cell's superior."""
    ids = org_sel.path_ids(cell_version.path)
    types = org_sel.org_types_on(org_ids=ids, at=at)
    for oid in reversed(ids):
        if types.get(oid) in GRASSROOTS_TYPES:
            return oid
    return cell_version.parent_id or cell_version.org_id
