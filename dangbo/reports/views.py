"""Report pages: the indicator overview of an organization subtree as of a date (and over a
period), and the members behind any number. Scope: access/scope.py (outside = 404)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from dangbo.access.scope import get_org_or_404, scope_members
from dangbo.core.forms import VNDateField, as_of_date
from dangbo.orgs.selectors import org_roots_on
from dangbo.reports.indicators import (
    CATALOG,
    DIMENSIONS,
    IndicatorContext,
    admission_summary,
    compute_all,
    members_behind,
)

MEMBERS_PER_PAGE = 100


def _optional_date(request: HttpRequest, name: str) -> date | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        return VNDateField(required=False).clean(raw)
    except forms.ValidationError:
        return None


def _context_from(request: HttpRequest) -> tuple[IndicatorContext, dict[str, str]]:
    at = as_of_date(request)
    raw_org = request.GET.get("org") or ""
    if raw_org.isdigit():
        org_id = int(raw_org)
    else:
        root = org_roots_on(actor=request.user, at=at).values_list("org_id", flat=True).first()
        if root is None:
            raise Http404("Không tìm thấy")
        org_id = root
    get_org_or_404(request.user, org_id)
    ctx = IndicatorContext(org_id=org_id, at=at, start=_optional_date(request, "tu"), end=_optional_date(request, "den"))
    params = {"org": str(org_id), "ngay": f"{ctx.at:%d/%m/%Y}", "tu": f"{ctx.start:%d/%m/%Y}",
              "den": f"{ctx.end:%d/%m/%Y}"}
    return ctx, params


@login_required
def indicator_overview(request: HttpRequest) -> HttpResponse:
    ctx, params = _context_from(request)
    base = urlencode(params)
    rows = []
    for result in compute_all(ctx):
        ind = result.indicator
        link = f"?{base}&{urlencode({'chi_so': ind.code})}" if ind.drill and result.value else ""
        parts = [
            {"dim": dim, "label": DIMENSIONS.get(dim, dim),
             "cells": [{"cell": c, "link": f"?{base}&{urlencode({'chi_so': ind.code, 'chieu': dim, 'khoa': c.key})}"
                        if ind.drill and c.value else ""} for c in cells if c.value]}
            for dim, cells in result.breakdowns.items()
        ]
        rows.append({"result": result, "link": link, "parts": [p for p in parts if p["cells"]]})
    context = {
        "ctx": ctx, "area": ctx.area, "params": params, "rows": rows,
        "stock": [r for r in rows if r["result"].indicator.kind == "stock"],
        "flow": [r for r in rows if r["result"].indicator.kind == "flow"],
        "ratio": [r for r in rows if r["result"].indicator.kind == "ratio"],
        "admission_summary": admission_summary(ctx),
    }
    return render(request, "reports/indicator_overview.html", context)


@login_required
def indicator_members(request: HttpRequest) -> HttpResponse:
    ctx, params = _context_from(request)
    code = request.GET.get("chi_so", "")
    if code not in CATALOG or not CATALOG[code].drill:
        raise Http404("Không tìm thấy")
    dim, key = request.GET.get("chieu", ""), request.GET.get("khoa", "")
    qs = scope_members(members_behind(code, ctx, dim, key), request.user).order_by("name_folded", "id")
    page = Paginator(qs, MEMBERS_PER_PAGE).get_page(request.GET.get("trang"))
    context = {"ctx": ctx, "area": ctx.area, "indicator": CATALOG[code], "dim_label": DIMENSIONS.get(dim, ""),
               "key": key, "page": page, "back": "?" + urlencode(params), "total": qs.count()}
    return render(request, "reports/indicator_members.html", context)


