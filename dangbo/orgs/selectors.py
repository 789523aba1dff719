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


# --- Reads for the pages (orgs.views) -------------------------------------------------------


def org_roots_on(*, actor, at: date) -> QuerySet:
    """The top of `actor`'s visible tree on `at`: visible orgs whose parent is not visible."""
    from dangbo.orgs.models import Organization

    visible = scope_orgs(Organization.objects.all(), actor).values("pk")
    return org_versions_on(actor=actor, at=at).exclude(parent_id__in=visible).order_by("path")


def org_child_counts_on(*, actor, org_ids: list[int], at: date) -> dict[int, int]:
    """How many visible children each of `org_ids` has on `at` (one grouped query)."""
    from django.db.models import Count

    rows = (
        org_versions_on(actor=actor, at=at)
        .filter(parent_id__in=org_ids)
        .order_by()
        .values("parent_id")
        .annotate(n=Count("id"))
    )
    return {row["parent_id"]: row["n"] for row in rows}


def org_names_on(*, keys) -> dict[tuple[int, date], str]:
    """Names of organizations on given dates, for lists of (org_id, date) in one query.

    An organization that did not exist on the date gets its nearest earlier (else first) name.
    """
    wanted = {(org_id, at) for org_id, at in keys if org_id}
    by_org: dict[int, list] = {}
    rows = (
        OrgVersion.objects.filter(org_id__in={org_id for org_id, _ in wanted})
        .order_by("org_id", "valid_from")
        .values_list("org_id", "name", "valid_from", "valid_to")
    )
    for org_id, name, valid_from, valid_to in rows:
        by_org.setdefault(org_id, []).append((name, valid_from, valid_to))
    result: dict[tuple[int, date], str] = {}
    for org_id, at in wanted:
        versions = by_org.get(org_id, [])
        earlier = [name for name, valid_from, _ in versions if valid_from <= at]
        result[(org_id, at)] = earlier[-1] if earlier else (versions[0][0] if versions else "")
    return result


def org_latest_names(*, org_ids) -> dict[int, str]:
    """The most recent name of each organization (for lineage links), in one query."""
    result: dict[int, str] = {}
    rows = OrgVersion.objects.filter(org_id__in=set(org_ids)).order_by("org_id", "valid_from")
    for org_id, name in rows.values_list("org_id", "name"):
        result[org_id] = name
    return result


def org_choices_on(*, actor, at: date, action: str = "view", types=None, exclude_path: str = "") -> list:
    """(org_id, indented name) of the versions valid on `at` where `actor` may do `action`,
    in tree order; for the selects of the forms. `types` limits the org types; `exclude_path`
    leaves out a subtree (e.g. an organization and its descendants when moving it)."""
    qs = scope_orgs(OrgVersion.objects.valid_on(at), actor, field="org_id", action=action)
    if types:
        qs = qs.filter(org_type__in=types)
    if exclude_path:
        qs = qs.exclude(path__startswith=exclude_path)
    rows = qs.order_by("path").values_list("org_id", "name", "depth")
    rows = list(rows)
    base = min((depth for _, _, depth in rows), default=0)
    return [(org_id, "\u2003" * (depth - base) + name) for org_id, name, depth in rows]
