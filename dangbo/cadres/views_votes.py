"""Pages of confidence votes: campaigns of the user's scope, one campaign with its units,
coverage ("42/46 đơn vị" and the reasons for the rest) and the bands per cadre (R-090…R-092),
and the forms to open a campaign, set a unit's status and enter the results per cadre."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dangbo.access import policy
from dangbo.cadres import votes
from dangbo.cadres.forms import VoteCampaignForm, VoteResultForm, VoteUnitForm
from dangbo.cadres.models import VoteCampaign
from dangbo.core.errors import DomainError
from dangbo.core.form_views import form_page
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
    return form_page(
        request,
        VoteCampaignForm(request.POST or None, actor=request.user),
        template="cadres/vote_form.html",
        context={"heading": "Mở đợt lấy phiếu tín nhiệm", "submit": "Mở đợt"},
        write=lambda d: votes.campaign_open(
            actor=request.user, org_id=d["org"].pk, year=d["year"], name=d["name"], regime=d["regime"]
        ),
        success=lambda campaign: f"Đã mở đợt lấy phiếu tín nhiệm «{campaign.name}».",
        url_of=_detail_url,
        on_error=_apply,
    )


def _detail_url(campaign: VoteCampaign) -> str:
    return reverse("cadres:vote_campaign_detail", args=[campaign.pk])


def _campaign_to_record(request, pk) -> VoteCampaign:
    campaign = policy.get_in_scope_or_404(VoteCampaign, request.user, pk)
    if not policy.can(request.user, "record", campaign.org_id):
        raise PermissionDenied("Bạn không có quyền ghi kết quả đợt lấy phiếu này.")
    return campaign


@login_required
def unit_set(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_to_record(request, pk)
    return form_page(
        request,
        VoteUnitForm(request.POST or None),
        template="cadres/vote_form.html",
        context={"campaign": campaign, "heading": f"{campaign.name}: đơn vị lấy phiếu", "submit": "Ghi đơn vị"},
        write=lambda d: votes.unit_set(
            actor=request.user,
            campaign=campaign,
            name=d["name"],
            status=d["status"],
            held_on=d.get("held_on"),
            reason=d.get("reason") or "",
            decision=d.get("decision") or "",
        ),
        success=lambda unit: f"Đã ghi đơn vị {unit.name}: {unit.get_status_display().lower()}.",
        url_of=lambda unit: _detail_url(campaign),
        on_error=_apply,
    )


@login_required
def result_record(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_to_record(request, pk)

    def write(d):
        return votes.result_record(
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

    def success(result) -> str:
        band = votes.result_band(result)
        return f"Đã ghi kết quả của {result.cadre.full_name} ({result.title.name}): {band.label}."

    def url_of(result) -> str:  # «Ghi và nhập tiếp»: back to an empty form
        if "tiep" in request.POST:
            return reverse("cadres:vote_result_record", args=[campaign.pk])
        return _detail_url(campaign)

    return form_page(
        request,
        VoteResultForm(request.POST or None, actor=request.user, campaign=campaign),
        template="cadres/vote_form.html",
        context={
            "campaign": campaign,
            "more": True,
            "heading": f"{campaign.name}: nhập kết quả theo cán bộ",
            "submit": "Ghi kết quả",
        },
        write=write,
        success=success,
        url_of=url_of,
        on_error=_apply,
    )
