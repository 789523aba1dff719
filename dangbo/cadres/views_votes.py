"""Pages of confidence votes: campaigns of the user's scope, one campaign with its units,
coverage ("42/46 đơn vị" and the reasons for the rest) and the bands per cadre (R-090…R-092),
and the forms to open a campaign, set a unit's status and enter the results per cadre."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dangbo.access import policy
from dangbo.cadres import votes
from dangbo.cadres.forms import VoteCampaignForm, VoteResultForm, VoteUnitForm
from dangbo.cadres.models import VoteCampaign
from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error

FIELD_NAMES = {"org_id": "org", "cadre_id": "cadre", "title_id": "title"}


def _apply(form, error: DomainError) -> None:
    error.field = FIELD_NAMES.get(error.field, error.field)
    if error.field not in form.fields:
        error.field = None
    apply_domain_error(form, error)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cadres/vote_campaign_list.html",
        {"campaigns": votes.campaign_list(actor=request.user), "may_record": policy.can(request.user, "record")},
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = votes.campaign_read(actor=request.user, pk=pk)
    return render(
        request,
        "cadres/vote_campaign_detail.html",
        {
            "view": view,
            "campaign": view.campaign,
            "may_record": policy.can(request.user, "record", view.campaign.org_id),
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền mở đợt lấy phiếu tín nhiệm.")
    form = VoteCampaignForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = votes.campaign_open(
                actor=request.user, org_id=d["org"].pk, year=d["year"], name=d["name"], regime=d["regime"]
            )
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Đã mở đợt lấy phiếu tín nhiệm «{campaign.name}».")
            return redirect("cadres:vote_campaign_detail", pk=campaign.pk)
    return render(
        request, "cadres/vote_form.html", {"form": form, "heading": "Mở đợt lấy phiếu tín nhiệm", "submit": "Mở đợt"}
    )


def _campaign_to_record(request, pk) -> VoteCampaign:
    campaign = policy.get_in_scope_or_404(VoteCampaign, request.user, pk)
    if not policy.can(request.user, "record", campaign.org_id):
        raise PermissionDenied("Bạn không có quyền ghi kết quả đợt lấy phiếu này.")
    return campaign


@login_required
def unit_set(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_to_record(request, pk)
    form = VoteUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = votes.unit_set(
                actor=request.user,
                campaign=campaign,
                name=d["name"],
                status=d["status"],
                held_on=d.get("held_on"),
                reason=d.get("reason") or "",
                decision=d.get("decision") or "",
            )
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Đã ghi đơn vị {unit.name}: {unit.get_status_display().lower()}.")
            return redirect("cadres:vote_campaign_detail", pk=campaign.pk)
    return render(
        request,
        "cadres/vote_form.html",
        {"form": form, "campaign": campaign, "heading": f"{campaign.name}: đơn vị lấy phiếu", "submit": "Ghi đơn vị"},
    )


@login_required
def result_record(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_to_record(request, pk)
    form = VoteResultForm(request.POST or None, actor=request.user, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = votes.result_record(
                actor=request.user,
                unit=d["unit"],
                data=votes.BallotInput(
                    cadre_id=d["cadre"].pk,
                    title_id=d["title"].pk,
                    voter_group=d["voter_group"],
                    summoned=d["summoned"],
                    attended=d["attended"],
                    valid=d["valid"],
                    high=d["high"],
                    medium=d["medium"],
                    low=d["low"],
                    held_on=d["held_on"],
                ),
            )
        except DomainError as error:
            _apply(form, error)
        else:
            band = votes.result_band(result)
            messages.success(
                request, f"Đã ghi kết quả của {result.cadre.full_name} ({result.title.name}): {band.label}."
            )
            if "tiep" in request.POST:
                return redirect("cadres:vote_result_record", pk=campaign.pk)
            return redirect("cadres:vote_campaign_detail", pk=campaign.pk)
    return render(
        request,
        "cadres/vote_form.html",
        {
            "form": form,
            "campaign": campaign,
            "more": True,
            "heading": f"{campaign.name}: nhập kết quả theo cán bộ",
            "submit": "Ghi kết quả",
        },
    )
