"""The organization tree as grading reads it: a version on a date, a subtree, the grassroots
organization above a cell (where the R-072 cap applies)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from dangbo.orgs.models import OrgVersion

GRASSROOTS_TYPES = ("grassroots_cell", "grassroots_party_committee_org")


def version_on(org_id: int, at: date) -> OrgVersion | None:
    return OrgVersion.objects.valid_on(at).filter(org_id=org_id).first()


def subtree_versions(org_id: int, at: date) -> QuerySet:
    root = version_on(org_id, at)
    if root is None:
        return OrgVersion.objects.none()
    return OrgVersion.objects.valid_on(at).filter(path__startswith=root.path)


def in_subtree(org_id: int, root_id: int, at: date) -> bool:
    v, root = version_on(org_id, at), version_on(root_id, at)
    return bool(v and root and v.path.startswith(root.path))


def grassroots_of(cell_version: OrgVersion, at: date) -> int:
    """The grassroots organization a member's cell belongs to (where the R-072 cap applies): the
    nearest organization on the path of a grassroots type, else the cell's superior."""
    ids = [int(x) for x in cell_version.path.strip("/").split("/")]
    types = dict(OrgVersion.objects.valid_on(at).filter(org_id__in=ids).values_list("org_id", "org_type"))
    for oid in reversed(ids):
        if types.get(oid) in GRASSROOTS_TYPES:
            return oid
    return cell_version.parent_id or cell_version.org_id
