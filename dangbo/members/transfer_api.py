"""API routes of transfers (chuyển sinh hoạt đảng): the same operations as the pages, through the
same services (members.transfers). A letter is reached through the access policy's rule for
`Transfer`: 404 outside it; the receiving side sees only the open letters addressed to it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as HttpStatus

from dangbo.access import policy
from dangbo.access.policy import get_member_or_404
from dangbo.core.api import (
    READ_ERRORS,
    READ_ONLY,
    WRITE_ERRORS,
    IsoDate,
    OrgRef,
    PageNumber,
    PageSize,
    ReadOnly,
    paginate,
)
from dangbo.core.errors import DomainError
from dangbo.members import transfers
from dangbo.members.models import Transfer
from dangbo.orgs.models import Organization
from dangbo.orgs.selectors import org_names_on

router = Router(tags=["Chuyển sinh hoạt đảng"])


class TransferOut(Schema):
    id: int
    member_id: int
    member_name: str
    kind: Literal["official", "temporary"]
    letter_number: str
    letter_date: date
    issued_by: str
    from_org: OrgRef | None
    to_org: OrgRef | None
    to_text: str
    until: date | None
    deadline: date | None
    state: str
    state_label: str
    overdue: bool
    closed_on: date | None


class TransferPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[TransferOut]


class LetterIn(Schema):
    member_id: int
    letter_number: str
    on: IsoDate
    issued_by: str = ""
    to_org_id: int | None = None
    to_text: str = ""
    temporary: bool = False
    until: IsoDate | None = None
    study: bool = False
    note: str = ""


class ReceptionIn(Schema):
    cell_id: int
    on: IsoDate


class ReturnIn(Schema):
    reason: str


def _out(letters: list[Transfer]) -> list[dict]:
    today = timezone.localdate()
    keys = [(oid, t.on) for t in letters for oid in (t.org_id, t.counterpart_org_id) if oid]
    names = org_names_on(keys=keys)

    def ref(oid, on):
        return {"id": oid, "name": names.get((oid, on), "")} if oid else None

    out = []
    for t in letters:
        st = transfers.transfer_state(t, today)
        closing = st["reception"] or st["correction"]
        out.append(
            {
                "id": t.pk,
                "member_id": t.member_id,
                "member_name": t.member.full_name,
                "kind": t.kind,
                "letter_number": t.decision_number,
                "letter_date": t.on,
                "issued_by": t.decision_body,
                "from_org": ref(t.org_id, t.on),
                "to_org": ref(t.counterpart_org_id, t.on),
                "to_text": t.destination_text,
                "until": t.until,
                "deadline": st["deadline"],
                "state": st["state"],
                "state_label": st["label"],
                "overdue": st["overdue"],
                "closed_on": closing.on if closing else None,
            }
        )
    return out


@router.get("", response={200: TransferPage, **READ_ERRORS}, url_name="transfer_list")
def transfer_list_api(
    request: HttpRequest,
    box: Literal["incoming", "outgoing"] = "incoming",
    overdue: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> dict:
    """Open letters (in transit): `incoming` = addressed to an organization in the user's scope
    (the inbox «Tiếp nhận sinh hoạt đảng»), `outgoing` = of members in the user's scope;
    `overdue=true`: only those past the R-033 deadline (30 working days)."""
    today = timezone.localdate()
    qs = (transfers.incoming if box == "incoming" else transfers.outgoing)(actor=request.user, today=today)
    if overdue:
        qs = qs.overdue(today)
    result = paginate(qs, page=page, page_size=page_size)
    result["items"] = _out(list(result["items"]))
    return result


@router.get("/{int:transfer_id}", response={200: TransferOut, **READ_ERRORS}, url_name="transfer_detail")
def transfer_detail_api(request: HttpRequest, transfer_id: int) -> dict:
    """One letter and its process state, the same record for the sending and the receiving side."""
    letter = policy.get_in_scope_or_404(Transfer.objects.select_related("member"), request.user, transfer_id)
    return _out([letter])[0]


@router.post("", response={201: TransferOut, **WRITE_ERRORS}, url_name="transfer_issue")
def transfer_issue_api(request: HttpRequest, data: LetterIn) -> tuple[int, dict]:
    """Issue a transfer letter (official, or temporary with `until`) for a member in scope;
    `to_org_id` any organization of the system, or `to_text` a place outside it."""
    member = get_member_or_404(request.user, data.member_id)
    if not policy.may_record_member(request.user, member):
        raise ReadOnly(READ_ONLY)
    to_org = None
    if data.to_org_id is not None:
        to_org = Organization.objects.filter(pk=data.to_org_id).first()
        if to_org is None:
            raise DomainError(policy.not_found("tổ chức."), field="to_org")
    letter = transfers.transfer_issue(
        actor=request.user,
        member=member,
        data=transfers.LetterInput(
            on=data.on,
            letter_number=data.letter_number,
            issued_by=data.issued_by,
            to_org=to_org,
            to_text=data.to_text,
            temporary=data.temporary,
            until=data.until,
            study=data.study,
            note=data.note,
        ),
    )
    return HttpStatus(201, _out([Transfer.objects.select_related("member").get(pk=letter.pk)])[0])


@router.post("/{int:transfer_id}/reception", response={201: TransferOut, **WRITE_ERRORS}, url_name="transfer_receive")
def transfer_receive_api(request: HttpRequest, transfer_id: int, data: ReceptionIn) -> tuple[int, dict]:
    """The destination receives the member into `cell_id` (the destination or a cell under it,
    where the user has "record") on `on`."""
    letter = policy.get_in_scope_or_404(Transfer.objects.select_related("member"), request.user, transfer_id)
    cell = Organization.objects.filter(pk=data.cell_id).first()
    if cell is None:
        raise DomainError(policy.not_found("chi bộ tiếp nhận."), field="cell")
    if not policy.allows(request.user, "record", cell):
        raise ReadOnly(READ_ONLY)
    transfers.transfer_receive(actor=request.user, transfer=letter, cell=cell, on=data.on)
    return HttpStatus(201, _out([letter])[0])


@router.post("/{int:transfer_id}/return", response={201: TransferOut, **WRITE_ERRORS}, url_name="transfer_return")
def transfer_return_api(request: HttpRequest, transfer_id: int, data: ReturnIn) -> tuple[int, dict]:
    """Return (destination) or cancel (sender) an open letter, with the reason."""
    letter = policy.get_in_scope_or_404(Transfer.objects.select_related("member"), request.user, transfer_id)
    transfers.transfer_return(actor=request.user, transfer=letter, reason=data.reason)
    return HttpStatus(201, _out([letter])[0])
