"""Reads of the organization tree, always as of a date. Lists start from the scope function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from dangbo.access.scope import scope_orgs
from dangbo.orgs.models import OrgEvent, OrgLineage, OrgVersion


def org_version_on(*, org_id: int, at: date) -> OrgVersion | None:
    return OrgVersion.objects.valid_on(at).filter(org_id=org_id).select_related("org").first()


def org_versions_on(*, actor, at: date) -> QuerySet:
    """Every organization version valid on `at` that `actor` may see."""
    return scope_orgs(OrgVersion.objects.valid_on(at), actor, field="org_id").select_related("org")


def org_children_on(*, actor, org_id: int, at: date) -> QuerySet:
    return org_versions_on(actor=actor, at=at).filter(parent_id=org_id).order_by("name")


def org_subtree_on(*, actor, org_id: int, at: date) -> QuerySet:
    """The organization and everything below it on `at` (one prefix scan on the path)."""
    root = org_version_on(org_id=org_id, at=at)
    if root is None:
        return OrgVersion.objects.none()
    return org_versions_on(actor=actor, at=at).filter(path__startswith=root.path).order_by("path")


@dataclass
class TreeNode:
    version: OrgVersion
    children: list[TreeNode] = field(default_factory=list)


def org_tree_on(*, actor, at: date, max_depth: int | None = None) -> list[TreeNode]:
    """The visible tree on `at` as nested nodes (roots = visible orgs whose parent is not visible)."""
    qs = org_versions_on(actor=actor, at=at)
    if max_depth is not None:
        qs = qs.filter(depth__lte=max_depth)
    nodes = {v.org_id: TreeNode(v) for v in qs.order_by("depth", "name")}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.version.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def org_history(*, org_id: int) -> dict[str, list]:
    """Versions, restructuring events and lineage of one organization, oldest first."""
    return {
        "versions": list(OrgVersion.objects.filter(org_id=org_id).select_related("parent").order_by("valid_from")),
        "events": list(OrgEvent.objects.filter(org_id=org_id).order_by("on", "id")),
        "predecessors": list(OrgLineage.objects.filter(successor_id=org_id).select_related("predecessor")),
        "successors": list(OrgLineage.objects.filter(predecessor_id=org_id).select_related("successor")),
    }


def org_name_on(org_id: int | None, at: date) -> str:
    if org_id is None:
        return ""
    v = OrgVersion.objects.valid_on(at).filter(org_id=org_id).values_list("name", flat=True).first()
    if v:
        return v
    last = OrgVersion.objects.filter(org_id=org_id).order_by("-valid_from").values_list("name", flat=True).first()
    return last or ""
