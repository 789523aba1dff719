"""GET /tim-kiem/?q=...: one search box, with the member-list filters. Scope: access/scope.py
(an organization filter outside the scope is 404, like every page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangbo.access.policy import can
from dangbo.core.forms import as_of_date
from dangbo.members.filters import MemberFilterSet
from dangbo.search.forms import SearchForm
from dangbo.search.selectors import SearchResult, org_search, search


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    filterset = MemberFilterSet.from_request(request, form_class=SearchForm, org_outside_scope_is_404=True)
    at, form = filterset.at, filterset.form
    result = SearchResult(query="")
    if form.is_valid():
        result = search(actor=request.user, q=form.cleaned_data.get("q") or "", at=at, filters=form.search_filters())
    context = {"form": form, "result": result, "at": at, "searched": bool(request.GET)}
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "search/_results.html", context)
    return render(request, "search/search.html", context)


PICKER_ACTIONS = ("view", "record", "restructure")


@login_required
def org_picker(request: HttpRequest) -> HttpResponse:
    """GET /tim-kiem/to-chuc/?org_q=...: the options of the organization picker (core.forms.OrgPicker),
    an htmx fragment: organizations of the user's scope for `action` (and `types`) whose name
    matches, each with its parent's name, at most 20. `scope=system`: any organization of the
    system (a transfer's destination), still only names and parents."""
    action = request.GET.get("action", "view")
    if action not in PICKER_ACTIONS:
        action = "view"
    types = tuple(t for t in request.GET.get("types", "").split(",") if t)
    q = (request.GET.get("org_q") or "").strip()[:120]
    # The whole system's names only for those who record (the transfer letter's destination).
    everywhere = request.GET.get("scope") == "system" and can(request.user, "record")
    hits = (
        org_search(actor=request.user, q=q, at=as_of_date(request), action=action, types=types, everywhere=everywhere)
        if q
        else []
    )
    return render(
        request,
        "search/_org_picker.html",
        {"hits": hits, "q": q, "box": request.GET.get("box", "")[:60], "everywhere": everywhere},
    )
