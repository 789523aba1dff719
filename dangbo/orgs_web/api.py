"""API routes of the organization tree, always as of a date (`?at=YYYY-MM-DD`, default today).

Thin: parse → orgs.selectors (which start from the scope function) → schema. An organization
outside the user's scope is 404 "Không tìm thấy", exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from dangbo.access.policy import can, get_org_or_404
from dangbo.core.api import READ_ERRORS, READ_ONLY, WRITE_ERRORS, IsoDate, OrgRef, ReadOnly, as_of
from dangbo.orgs import services
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.selectors import org_history, org_name_on, org_subtree_on, org_version_on, org_versions_on

router = Router(tags=["Tổ chức đảng"])


class TreeNodeOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    org_type: str
    type_label: str
    sector: str  # reference list org_sectors ("" = not recorded: the parent's sector applies)
    sector_label: str
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
    sector: str
    sector_label: str
    parent: OrgRef | None
    path: str
    depth: int
    valid_from: date
    valid_to: date | None


class OrgEventOut(Schema):
    id: int
    type: str
    type_label: str
    on: IsoDate
    decision_number: str
    decision_date: date | None
    decision_body: str
    note: str


class LineageOut(Schema):
    org: OrgRef
    on: IsoDate
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
        "id": v.org_id,
        "code": v.org.code,
        "name": v.name,
        "short_name": v.short_name,
        "org_type": v.org_type,
        "type_label": v.type_label,
        "sector": v.sector,
        "sector_label": v.sector_label,
        "parent_id": v.parent_id,
        "depth": v.depth,
        "path": v.path,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
    }


def _version(v: OrgVersion, *, parent_on: date) -> dict:
    """A version; its parent is named as it was on `parent_on`."""
    parent = {"id": v.parent_id, "name": org_name_on(v.parent_id, parent_on)} if v.parent_id else None
    return {
        "name": v.name,
        "short_name": v.short_name,
        "org_type": v.org_type,
        "type_label": v.type_label,
        "sector": v.sector,
        "sector_label": v.sector_label,
        "parent": parent,
        "path": v.path,
        "depth": v.depth,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
    }


@router.get("/tree", response={200: TreeOut, **READ_ERRORS}, url_name="org_tree")
def org_tree(request: HttpRequest, at: IsoDate | None = None, root: int | None = None) -> dict:
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
def org_detail(request: HttpRequest, org_id: int, at: IsoDate | None = None) -> dict:
    """One organization as of `at` (name, type, parent, path, valid range) and its history:
    every version, the restructuring events and the merge/split lineage."""
    org = get_org_or_404(request.user, org_id)
    return _detail(org, as_of(at))


# --- writes: establishment and the dated sector change (orgs.services, audited) ----------------


def _text(limit: int):
    return Annotated[str, Field(max_length=limit)]


class DecisionIn(Schema):
    on: IsoDate
    decision_number: _text(60) = ""
    decision_date: IsoDate | None = None
    decision_body: _text(255) = ""
    note: _text(2000) = ""


class EstablishIn(DecisionIn):
    code: _text(40)
    name: _text(255)
    org_type: _text(40)
    short_name: _text(120) = ""
    sector: _text(30) = ""  # reference list org_sectors; "" = the parent's sector applies


class SectorIn(DecisionIn):
    sector: _text(30)  # reference list org_sectors; "" clears the recorded sector


def _restructurable(user, org_id: int) -> Organization:
    """The organization, if the user may restructure it: outside the scope 404 (as for reads),
    visible without the right 403."""
    org = get_org_or_404(user, org_id)
    if not can(user, "restructure", org.pk):
        raise ReadOnly(READ_ONLY)
    return org


def _decision(data: DecisionIn) -> services.Decision:
    return services.Decision(
        number=data.decision_number, date=data.decision_date, body=data.decision_body, note=data.note
    )


def _detail(org: Organization, day: date) -> dict:
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
                {
                    "id": e.pk,
                    "type": e.type,
                    "type_label": e.get_type_display(),
                    "on": e.on,
                    "decision_number": e.decision_number,
                    "decision_date": e.decision_date,
                    "decision_body": e.decision_body,
                    "note": e.note,
                }
                for e in history["events"]
            ],
            "predecessors": [
                {
                    "org": {"id": link.predecessor_id, "name": org_name_on(link.predecessor_id, link.on)},
                    "on": link.on,
                    "event_id": link.event_id,
                }
                for link in history["predecessors"]
            ],
            "successors": [
                {
                    "org": {"id": link.successor_id, "name": org_name_on(link.successor_id, link.on)},
                    "on": link.on,
                    "event_id": link.event_id,
                }
                for link in history["successors"]
            ],
        },
    }


@router.post("/{int:org_id}/children", response={201: OrgDetailOut, **WRITE_ERRORS}, url_name="org_establish")
def org_establish_api(request: HttpRequest, org_id: int, data: EstablishIn) -> HttpStatus:
    """Establish an organization directly under `org_id` from `on` (orgs.services.org_establish),
    with its sector if known. Needs the right to restructure `org_id`; a refused input is 422 with
    the Vietnamese message and its field, and nothing is written."""
    parent = _restructurable(request.user, org_id)
    new = services.org_establish(
        actor=request.user,
        code=data.code,
        name=data.name,
        org_type=data.org_type,
        parent=parent,
        on=data.on,
        decision=_decision(data),
        short_name=data.short_name,
        sector=data.sector,
    )
    return HttpStatus(201, _detail(new, data.on))


@router.post("/{int:org_id}/sector", response={200: OrgDetailOut, **WRITE_ERRORS}, url_name="org_sector_change")
def org_sector_change_api(request: HttpRequest, org_id: int, data: SectorIn) -> dict:
    """Record the sector / ownership of the organization's unit from `on` (a dated
    `org.sector_changed` event and a new version; the earlier sector stays in the history).
    Needs the right to restructure the organization."""
    org = _restructurable(request.user, org_id)
    services.org_sector_change(actor=request.user, org=org, sector=data.sector, on=data.on, decision=_decision(data))
    return _detail(org, data.on)
