"""The tree over time, one implementation for every tree of the product: party organizations
(orgs.OrgVersion under orgs.Organization) and agencies of the political system
(staffing.AgencyVersion under staffing.Agency).

An identity (the organization, the agency) never changes; its name, parent and other attributes
are dated versions, `valid_from` to `valid_to` inclusive (None = still open). The tree as of a
date is the set of versions valid that day. Rename and move close the version valid on the date
(its last day is the day before) and open the next one with the change; merge, split and dissolve
close versions and record lineage in the app's own lineage table.

`valid_on_q` is the one "valid on" condition (orgs' `OrgVersion.objects.valid_on` and staffing's
selectors both use it). `TemporalTree(version_model, key, path="path")` gives the reads and the
version writes for a version model whose identity foreign key is `key` and whose parent foreign key
is `parent`. Both trees store on each version the materialized `path` of identity ids from the root
("/1/7/42/") and its `depth`, so a subtree as of any date is one indexed prefix scan (two queries:
the root's path, then the scan), whatever its depth; a move opens new versions for the moved
identity's whole subtree (`reversion` re-paths it). Orgs reads its subtrees here
(`orgs.selectors.TREE`); its services keep their own version writes because an organization's
version also carries the restructuring event and feeds the preview collector.

`Lineage(link_model)` is the one reader of a lineage table: direct links into/out of an
identity and the transitive ancestors/descendants as of a date (orgs: `orgs.selectors.LINEAGE`,
used by the organization history and the reports' merge predecessors; staffing:
`staffing.selectors.LINEAGE`, used by the figures carried from predecessors).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet


def valid_on_q(at: date, prefix: str = "") -> Q:
    """Versions valid on `at` (dates inclusive; an open version has no `valid_to`)."""
    return Q(**{f"{prefix}valid_from__lte": at}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": at})
    )


def path_ids(path: str) -> list[int]:
    """The identity ids on a materialized path ("/1/7/42/" → [1, 7, 42]), the root first."""
    return [int(x) for x in path.strip("/").split("/") if x]


class TemporalTree:
    """Reads and version writes of one tree over time (see the module's docstring). `path` names
    the version's materialized-path field ("" when the model has none: subtree reads then walk
    one query per level) and `depth` its depth field."""

    def __init__(
        self,
        version_model: type[models.Model],
        key: str,
        parent: str = "parent",
        path: str = "",
        depth: str = "depth",
    ):
        self.model = version_model
        self.key = key
        self.key_id = f"{key}_id"
        self.parent = parent
        self.parent_id = f"{parent}_id"
        self.path = path
        self.depth = depth if path else ""

    # --- reads ------------------------------------------------------------------------------------

    def versions_on(self, at: date) -> QuerySet:
        return self.model.objects.filter(valid_on_q(at))

    def version_on(self, identity_id: int, at: date):
        return self.versions_on(at).filter(**{self.key_id: identity_id}).first()

    def children_on(self, identity_id: int, at: date) -> list[int]:
        return list(self.versions_on(at).filter(**{self.parent_id: identity_id}).values_list(self.key_id, flat=True))

    def path_on(self, identity_id: int, at: date) -> str | None:
        """The identity's materialized path on `at` (None: not valid that day)."""
        rows = self.versions_on(at).filter(**{self.key_id: identity_id}).order_by().values_list(self.path, flat=True)
        return next(iter(rows[:1]), None)

    def subtree(self, identity_id: int, at: date) -> QuerySet:
        """The versions valid on `at` of the identity and everything below it: one prefix scan on
        the path (after one read of the root's path), unordered (callers order or aggregate).
        Empty when the identity is not valid on `at`."""
        root = self.path_on(identity_id, at)
        if root is None:
            return self.model.objects.none()
        return self.versions_on(at).filter(**{f"{self.path}__startswith": root})

    def subtree_ids(self, identity_id: int, at: date) -> list[int]:
        """The identity and every identity below it on `at`, the identity first (itself alone
        when not valid that day). With paths: two queries whatever the depth; without: one
        query per level."""
        if self.path:
            ids = list(self.subtree(identity_id, at).values_list(self.key_id, flat=True))
            return [identity_id] + [i for i in ids if i != identity_id]
        out, todo = [identity_id], [identity_id]
        while todo:
            kids = [
                k
                for k in self.versions_on(at)
                .filter(**{f"{self.parent_id}__in": todo})
                .values_list(self.key_id, flat=True)
                if k not in out
            ]
            out.extend(kids)
            todo = kids
        return out

    def ancestor_ids(self, identity_id: int, at: date) -> list[int]:
        """The parents of the identity on `at`, nearest first (with paths: one query)."""
        if self.path:
            path = self.path_on(identity_id, at)
            return [] if path is None else [i for i in reversed(path_ids(path)) if i != identity_id]
        out: list[int] = []
        current = identity_id
        while True:
            v = self.version_on(current, at)
            parent = getattr(v, self.parent_id) if v is not None else None
            if parent is None or parent in out or parent == identity_id:
                return out
            out.append(parent)
            current = parent

    def has_later_change(self, identity_id: int, at: date) -> bool:
        """A change after `at` is already recorded (a later version, or the one valid on `at`
        already closed): history is written in time order."""
        v = self.version_on(identity_id, at)
        if v is not None and v.valid_to is not None:
            return True
        return self.model.objects.filter(**{self.key_id: identity_id, "valid_from__gt": at}).exists()

    def later_change_below(self, identity_id: int, at: date) -> int | None:
        """An identity strictly below this one on `at` with a change recorded after `at` (None:
        none); a move on `at` re-paths the subtree, which needs its history written in order."""
        below = [i for i in self.subtree_ids(identity_id, at) if i != identity_id]
        if not below:
            return None
        closed = self.versions_on(at).filter(**{f"{self.key_id}__in": below, "valid_to__isnull": False})
        later = self.model.objects.filter(**{f"{self.key_id}__in": below, "valid_from__gt": at})
        hit = closed.values_list(self.key_id, flat=True).first() or later.values_list(self.key_id, flat=True).first()
        return hit

    # --- writes (callers check the rules, the scope and write the audit entry) ---------------------

    def placement(self, identity_id: int, parent_id: int | None, at: date) -> dict[str, Any]:
        """The path and depth fields of a version of `identity_id` under `parent_id` on `at`
        (LookupError: the parent is not valid that day)."""
        if not self.path:
            return {}
        if parent_id is None:
            return {self.path: f"/{identity_id}/", self.depth: 0}
        parent_path = self.path_on(parent_id, at)
        if parent_path is None:
            raise LookupError(f"parent {parent_id} not valid on {at}")
        return {self.path: f"{parent_path}{identity_id}/", self.depth: len(path_ids(parent_path))}

    def open(self, identity_id: int, on: date, parent_id: int | None, **fields: Any):
        """A first version of `identity_id` from `on` under `parent_id`, its path computed."""
        return self.model.objects.create(
            **{self.key_id: identity_id, self.parent_id: parent_id},
            valid_from=on,
            valid_to=None,
            **self.placement(identity_id, parent_id, on),
            **fields,
        )

    def close(self, version, on: date) -> None:
        """End `version` the day before `on` (a version starting on `on` itself is replaced:
        deleted, the caller opening its successor)."""
        if version.valid_from >= on:
            self.model.objects.filter(pk=version.pk).delete()
        else:
            self.model.objects.filter(pk=version.pk).update(valid_to=on - timedelta(days=1))
            version.valid_to = on - timedelta(days=1)

    def reversion(self, version, on: date, **changes: Any):
        """Close `version` and open its successor from `on`, the same attributes but `changes`
        (the rename and move primitive). A new parent re-computes the path and re-paths the
        subtree valid on `on` (callers check `later_change_below` first). Returns the new version."""
        skip = {"valid_from", "valid_to", self.path, self.depth}
        fields = {
            f.attname: getattr(version, f.attname)
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.attname not in skip
        }
        for name, value in changes.items():
            attname = f"{name}_id" if isinstance(value, models.Model) or name == self.parent else name
            fields[attname] = value.pk if isinstance(value, models.Model) else value
        old_path = getattr(version, self.path) if self.path else ""
        if self.path:
            fields.update(self.placement(getattr(version, self.key_id), fields[self.parent_id], on))
        self.close(version, on)
        new = self.model.objects.create(valid_from=on, valid_to=None, **fields)
        if self.path and fields[self.path] != old_path:
            self._repath_below(old_path, fields[self.path], on)
        return new

    def _repath_below(self, old_path: str, new_path: str, on: date) -> None:
        """The versions valid on `on` strictly below `old_path` continue from `on` under
        `new_path` (one read, one bulk write)."""
        below = list(
            self.versions_on(on).filter(**{f"{self.path}__startswith": old_path}).exclude(**{self.path: old_path})
        )
        shift = len(path_ids(new_path)) - len(path_ids(old_path))
        self.model.objects.filter(pk__in=[v.pk for v in below]).filter(valid_from__lt=on).update(
            valid_to=on - timedelta(days=1)
        )
        self.model.objects.filter(pk__in=[v.pk for v in below if v.valid_from >= on]).delete()
        for v in below:  # versions opened that very day are replaced too, same attributes
            v.pk = None
            v._state.adding = True
            setattr(v, self.path, new_path + getattr(v, self.path)[len(old_path) :])
            setattr(v, self.depth, getattr(v, self.depth) + shift)
            v.valid_from, v.valid_to = on, None
        self.model.objects.bulk_create(below)


class Lineage:
    """The one reader of a lineage table (predecessor → successor on a date: merge, split), for
    every tree of the product: orgs.OrgLineage and staffing.AgencyLineage. `at` keeps the links
    in force on that date (`on` ≤ `at`; None: every link recorded); `filters` narrow the links
    (e.g. orgs' `event__type=MERGED`: a split source does not belong to any single part)."""

    def __init__(
        self,
        link_model: type[models.Model],
        predecessor: str = "predecessor",
        successor: str = "successor",
        on: str = "on",
    ):
        self.model = link_model
        self.pred_id, self.succ_id, self.on = f"{predecessor}_id", f"{successor}_id", on

    def links(self, at: date | None = None, **filters: Any) -> QuerySet:
        qs = self.model.objects.filter(**filters)
        return qs if at is None else qs.filter(**{f"{self.on}__lte": at})

    def links_into(self, identity_id: int, at: date | None = None, **filters: Any) -> QuerySet:
        """The links whose successor is the identity (its direct predecessors), oldest first."""
        return self.links(at, **filters).filter(**{self.succ_id: identity_id}).order_by(self.on, "id")

    def links_out_of(self, identity_id: int, at: date | None = None, **filters: Any) -> QuerySet:
        """The links whose predecessor is the identity (its direct successors), oldest first."""
        return self.links(at, **filters).filter(**{self.pred_id: identity_id}).order_by(self.on, "id")

    def _walk(self, identity_id: int, at: date | None, frm: str, to: str, filters: dict) -> list[int]:
        seen: list[int] = []
        frontier = [identity_id]
        while frontier:
            rows = self.links(at, **filters).filter(**{f"{frm}__in": frontier}).values_list(to, flat=True)
            frontier = list(dict.fromkeys(x for x in rows if x not in seen and x != identity_id))
            seen.extend(frontier)
        return seen

    def ancestors(self, identity_id: int, at: date | None = None, **filters: Any) -> list[int]:
        """Every identity that went into this one (transitively), nearest generation first; one
        query per generation."""
        return self._walk(identity_id, at, self.succ_id, self.pred_id, filters)

    def descendants(self, identity_id: int, at: date | None = None, **filters: Any) -> list[int]:
        """Every identity this one went into (transitively), nearest generation first."""
        return self._walk(identity_id, at, self.pred_id, self.succ_id, filters)
