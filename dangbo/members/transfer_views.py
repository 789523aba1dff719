"""Pages of transfers (chuyển sinh hoạt đảng): issue a letter, the inbox «Tiếp nhận sinh hoạt
đảng» with its reception, one letter's process seen from either side, return or cancel.

A letter is reached through the access policy's rule for `Transfer` (members.models): the
sending side sees its members' letters; the receiving side sees only the open letters addressed
to an organization in its scope (404 otherwise), not the member's dossier.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.policy import can, get_member_or_404
from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error
from dangbo.core.once import AlreadySubmitted, run_once
from dangbo.members import transfers
from dangbo.members.models import Transfer
from dangbo.members.transfer_forms import LetterForm, ReceiveForm, ReturnForm
from dangbo.orgs.selectors import org_names_on


def _names(letters, today) -> dict:
    keys = []
    for t in letters:
        keys += [(t.org_id, t.on), (t.counterpart_org_id, t.on)]
    return org_names_on(keys=keys)


def _rows(letters, today):
    letters = list(letters)
    names = _names(letters, today)
    return [
        {
            "t": t,
            "from": names.get((t.org_id, t.on), ""),
            "to": names.get((t.counterpart_org_id, t.on), ""),
            "deadline": t.deadline,
            "overdue": today > t.deadline,
        }
        for t in letters
    ]


@login_required
def transfer_inbox(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view"):
        raise PermissionDenied("Bạn không có quyền xem trang này.")
    today = timezone.localdate()
    only_overdue = request.GET.get("qua_han") == "1"
    incoming = transfers.incoming(actor=request.user, today=today)
    outgoing = transfers.outgoing(actor=request.user, today=today)
    if only_overdue:
        incoming, outgoing = incoming.overdue(today), outgoing.overdue(today)
    context = {
        "today": today,
        "incoming": _rows(incoming[:500], today),
        "outgoing": _rows(outgoing[:500], today),
        "only_overdue": only_overdue,
        "can_receive": can(request.user, "record"),
    }
    return render(request, "members/transfer_inbox.html", context)


@login_required
def transfer_issue(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, pk)
    if not policy.may_record_member(request.user, member):
        raise PermissionDenied("Bạn không có quyền ghi hồ sơ của đảng viên này.")
    today = timezone.localdate()
    form = LetterForm(request.POST or None, actor=request.user, at=today)
    if request.method == "POST" and form.is_valid():
        try:
            letter = run_once(
                form.cleaned_data.get("form_token"),
                actor=request.user,
                create=lambda: transfers.transfer_issue(actor=request.user, member=member, data=form.letter()),
                url_of=lambda t: reverse("members:member_detail", args=[member.pk]),
            )
        except AlreadySubmitted as sent:
            messages.info(request, "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa.")
            return redirect(sent.url or reverse("members:member_detail", args=[member.pk]))
        except DomainError as error:
            if error.field == "counterpart_org":
                error.field = "to_org"
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã cấp giấy giới thiệu số {letter.decision_number} cho {member.full_name}.")
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/transfer_issue.html", {"form": form, "member": member})


def _detail_context(request, letter: Transfer) -> dict:
    today = timezone.localdate()
    state = transfers.transfer_state(letter, today)
    names = _names([letter], today)
    receiver = bool(state["open"] and transfers.receiving_cells(actor=request.user, transfer=letter, on=today))
    return {
        "t": letter,
        "state": state,
        "today": today,
        "from_name": names.get((letter.org_id, letter.on), ""),
        "to_name": names.get((letter.counterpart_org_id, letter.on), "") or letter.destination_text,
        "member_visible": policy.for_user(type(letter.member), request.user).filter(pk=letter.member_id).exists(),
        "can_receive": receiver,
        "can_return": state["open"] and (receiver or policy.may_record_member(request.user, letter.member)),
    }


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = policy.get_in_scope_or_404(Transfer.objects.select_related("member"), request.user, pk)
    return render(request, "members/transfer_detail.html", _detail_context(request, letter))


@login_required
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """The reception: a confirmation page (GET), then one POST (audited by the service)."""
    letter = policy.get_in_scope_or_404(Transfer.objects.select_related("member"), request.user, pk, action="record")
    today = timezone.localdate()
    cells = transfers.receiving_cells(actor=request.user, transfer=letter, on=today)
    if not cells:
        raise PermissionDenied("Bạn không có quyền tiếp nhận đảng viên vào tổ chức nơi đến.")
    form = ReceiveForm(request.POST or None, cells=cells, actor=request.user, at=today)
    if request.method == "POST" and form.is_valid():
        try:
            transfers.transfer_receive(
                actor=request.user, transfer=letter, cell=form.cleaned_data["cell"], on=form.cleaned_data["on"]
            )
        except DomainError as error:
            if error.field == "org":
                error.field = "cell"
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã tiếp nhận sinh hoạt đảng của {letter.member.full_name}.")
            return redirect("members:member_detail", pk=letter.member_id)
    context = _detail_context(request, letter)
    context["form"] = form
    return render(request, "members/transfer_receive.html", context)


@login_required
def transfer_return(request: HttpRequest, pk: int) -> HttpResponse:
    letter = policy.get_in_scope_or_404(Transfer.objects.select_related("member"), request.user, pk, action="record")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfers.transfer_return(actor=request.user, transfer=letter, reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã trả lại / hủy giấy giới thiệu số {letter.decision_number}.")
            return redirect("members:transfer_inbox")
    context = _detail_context(request, letter)
    context["form"] = form
    return render(request, "members/transfer_return.html", context)
