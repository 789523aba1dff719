"""Pages of confidence votes: campaigns of the user's scope, and one campaign with its units,
coverage ("42/46 đơn vị" and the reasons for the rest) and the bands per cadre (R-090…R-092)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangbo.cadres import votes


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cadres/vote_campaign_list.html",
                  {"campaigns": votes.campaign_list(actor=request.user)})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = votes.campaign_read(actor=request.user, pk=pk)
    return render(request, "cadres/vote_campaign_detail.html", {"view": view, "campaign": view.campaign})
