"""The tree over time, one implementation for every tree of the product: party organizations
(orgs.OrgVersion under orgs.Organization) and agencies of the political system
(staffing.AgencyVersion under staffing.Agency).

An identity (the organization, the agency) never changes; its name, parent and other attributes
are dated versions, `valid_from` to `valid_to` inclusive (None = still open). The tree as of a
date is the set of versions valid that day. Rename and move close the version valid on the date
(its last day is the day before) and open the next one with the change; merge, split and dissolve
close versions and record lineage in the app's own lineage table.

`valid_on_q` is the one "valid on" condition (orgs' `OrgVersion.objects.valid_on` and staffing's
selectors both use it). `TemporalTree(version_model, key)` gives the reads and the version writes
for a version model whose identity foreign key is `key` and whose parent foreign key is `parent`;
the orgs services keep their own writes for now because an organization's version also carries a
materialized path that a move re-computes for the subtree (see the staffing report of #19 for the
plan to move them here).

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


class TemporalTree:
    """Reads and version writes of one tree over time (see the module's docstring)."""

    def __init__(self, version_model: type[models.Model], key: str, parent: str = "parent"):
        self.model = version_model
        self.key = key
        self.key_id = f"{key}_id"
        self.parent = parent
        self.parent_id = f"{parent}_id"

    # --- reads ------------------------------------------------------------------------------------

    def versions_on(self, at: date) -> QuerySet:
        return self.model.objects.filter(valid_on_q(at))

    def version_on(self, identity_id: int, at: date):
        return self.versions_on(at).filter(**{self.key_id: identity_id}).first()

    def children_on(self, identity_id: int, at: date) -> list[int]:
        return list(self.versions_on(at).filter(**{self.parent_id: identity_id}).values_list(self.key_id, flat=True))

    def subtree_ids(self, identity_id: int, at: date) -> list[int]:
        """The identity and every identity below it on `at` (one query per level)."""
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
        """The parents of the identity on `at`, nearest first (one query per level)."""
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

    # --- writes (callers check the rules, the scope and write the audit entry) ---------------------

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
        (the rename and move primitive). Returns the new version."""
        fields = {
            f.attname: getattr(version, f.attname)
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.attname not in ("valid_from", "valid_to")
        }
        for name, value in changes.items():
            attname = f"{name}_id" if isinstance(value, models.Model) or name == self.parent else name
            fields[attname] = value.pk if isinstance(value, models.Model) else value
        self.close(version, on)
        return self.model.objects.create(valid_from=on, valid_to=None, **fields)


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
