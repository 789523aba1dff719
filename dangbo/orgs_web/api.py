"""API routes of the organization tree, always as of a date (`?at=YYYY-MM-DD`, default today).

Thin: parse → orgs.selectors (which start from the scope function) → schema. An organization
outside the user's scope is 404 "Không tìm thấy", exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from dangbo.access.policy import get_org_or_404
from dangbo.core.api import READ_ERRORS, OrgRef, as_of
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_history, org_name_on, org_subtree_on, org_version_on, org_versions_on

router = Router(tags=["Tổ chức đảng"])


class TreeNodeOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    org_type: str
    type_label: str
    parent_id: int | None
    depth: int
    path: str
    valid_from: date
    valid_to: date | None


class TreeOut(Schema):
    at: date
    root: int | None
    items: list[TreeNodeOut]


class VersionOut(Schema):
    name: str
    short_name: str
    org_type: str
    type_label: str
    parent: OrgRef | None
    path: str
    depth: int
    valid_from: date
    valid_to: date | None


class OrgEventOut(Schema):
    id: int
    type: str
    type_label: str
    on: date
    decision_number: str
    decision_date: date | None
    decision_body: str
    note: str


class LineageOut(Schema):
    org: OrgRef
    on: date
    event_id: int


class HistoryOut(Schema):
    versions: list[VersionOut]
    events: list[OrgEventOut]
    predecessors: list[LineageOut]
    successors: list[LineageOut]


class OrgDetailOut(Schema):
    id: int
    code: str
    at: date
    version: VersionOut | None  # null when the organization did not exist on `at`
    history: HistoryOut


def _node(v: OrgVersion) -> dict:
    return {
        "id": v.org_id, "code": v.org.code, "name": v.name, "short_name": v.short_name,
        "org_type": v.org_type, "type_label": v.type_label, "parent_id": v.parent_id,
        "depth": v.depth, "path": v.path, "valid_from": v.valid_from, "valid_to": v.valid_to,
    }


def _version(v: OrgVersion, *, parent_on: date) -> dict:
    """A version; its parent is named as it was on `parent_on`."""
    parent = {"id": v.parent_id, "name": org_name_on(v.parent_id, parent_on)} if v.parent_id else None
    return {
        "name": v.name, "short_name": v.short_name, "org_type": v.org_type, "type_label": v.type_label,
        "parent": parent, "path": v.path, "depth": v.depth, "valid_from": v.valid_from, "valid_to": v.valid_to,
    }


@router.get("/tree", response={200: TreeOut, **READ_ERRORS}, url_name="org_tree")
def org_tree(request: HttpRequest, at: date | None = None, root: int | None = None) -> dict:
    """The organizations the user may see on `at`, in tree order (by path), flat with parent ids.

    With `root`, only that organization's subtree on `at` (404 when it is outside the scope). The
    top nodes of the answer are those whose `parent_id` is not in it."""
    day = as_of(at)
    if root is not None:
        get_org_or_404(request.user, root)
        versions = org_subtree_on(actor=request.user, org_id=root, at=day)
    else:
        versions = org_versions_on(actor=request.user, at=day).order_by("path")
    return {"at": day, "root": root, "items": [_node(v) for v in versions]}


@router.get("/{int:org_id}", response={200: OrgDetailOut, **READ_ERRORS}, url_name="org_detail")
def org_detail(request: HttpRequest, org_id: int, at: date | None = None) -> dict:
    """One organization as of `at` (name, type, parent, path, valid range) and its history:
    every version, the restructuring events and the merge/split lineage."""
    org = get_org_or_404(request.user, org_id)
    day = as_of(at)
    history = org_history(org_id=org.pk)
    current = org_version_on(org_id=org.pk, at=day)
    return {
        "id": org.pk,
        "code": org.code,
        "at": day,
        "version": _version(current, parent_on=day) if current else None,
        "history": {
            "versions": [_version(v, parent_on=v.valid_from) for v in history["versions"]],
            "events": [
                {"id": e.pk, "type": e.type, "type_label": e.get_type_display(), "on": e.on,
                 "decision_number": e.decision_number, "decision_date": e.decision_date,
                 "decision_body": e.decision_body, "note": e.note}
                for e in history["events"]
            ],
            "predecessors": [
                {"org": {"id": link.predecessor_id, "name": org_name_on(link.predecessor_id, link.on)},
                 "on": link.on, "event_id": link.event_id}
                for link in history["predecessors"]
            ],
            "successors": [
                {"org": {"id": link.successor_id, "name": org_name_on(link.successor_id, link.on)},
                 "on": link.on, "event_id": link.event_id}
                for link in history["successors"]
            ],
        },
    }

