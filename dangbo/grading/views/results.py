"""Grading results: drill-down by organization, the member list, XLSX export with a purpose, import."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangbo.access.policy import NOT_FOUND, can, scope_orgs
from dangbo.audit.services import audit_export
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_child_versions_on

from .. import exports, importer, selectors
from ..forms import (
    ExportForm,
    ImportForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- results ---------------------------------------------------------------------------------


def _results_org(request: HttpRequest, campaign) -> OrgVersion:
    raw = request.GET.get("org") or request.POST.get("org") or ""
    org_id = int(raw) if raw.isdigit() else campaign.root_org_id
    if not raw.isdigit() and not can(request.user, "view", org_id):  # the top of the user's part
        at = selectors.grading_date(campaign)
        top = (
            scope_orgs(selectors.subtree_versions(campaign.root_org_id, at), request.user, field="org_id")
            .order_by("depth", "path")
            .values_list("org_id", flat=True)
            .first()
        )
        org_id = top or org_id
    return selectors.campaign_org_or_404(actor=request.user, campaign=campaign, org_id=org_id)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    org = _results_org(request, campaign)
    res = selectors.grading_results(org_id=org.org_id, year=campaign.year)
    history = selectors.results_year_on_year(org_id=org.org_id, year=campaign.year)
    children = org_child_versions_on(org_id=org.org_id, at=selectors.grading_date(campaign))
    return render(
        request,
        "grading/results.html",
        {
            "campaign": campaign,
            "org": org,
            "res": res,
            "history": history,
            "children": children,
            "export_form": ExportForm(),
            "flags": selectors.removal_review_flags(org_id=org.org_id, year=campaign.year),
            "frameworks_issued": selectors.framework_count_issued(year=campaign.year, org_id=org.org_id),
        },
    )


@login_required
def results_members(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    org = _results_org(request, campaign)
    key = request.GET.get("muc", "")
    qs = selectors.members_behind(actor=request.user, org_id=org.org_id, year=campaign.year, key=key)
    page = Paginator(qs, 100).get_page(request.GET.get("trang"))
    label = next(
        (c.label for c in selectors.grading_results(org_id=org.org_id, year=campaign.year).levels if c.key == key),
        "Hoàn thành tốt nhiệm vụ trở lên",
    )
    return render(
        request,
        "grading/results_members.html",
        {"campaign": campaign, "org": org, "page": page, "label": label, "total": qs.count()},
    )


@login_required
@require_POST
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    org = _results_org(request, campaign)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Phải nêu mục đích xuất dữ liệu.")
        return redirect(f"{reverse('grading:results', args=[pk])}?org={org.org_id}")
    res = selectors.grading_results(org_id=org.org_id, year=campaign.year, keep_ids=True)
    history = selectors.results_year_on_year(org_id=org.org_id, year=campaign.year)
    ids = sorted(
        {
            m
            for key in ("excellent", "good", "satisfactory", "unsatisfactory", "pending")
            for m in res.member_ids.get(key, [])
        }
    )
    allowed = can(request.user, "view_personal", org.org_id)
    data = exports.results_xlsx(results=res, history=history, org_name=org.name, member_ids=ids if allowed else [])
    audit_export(
        actor=request.user,
        what="grading_results",
        purpose=form.cleaned_data["purpose"],
        org_id=org.org_id,
        obj=campaign,
        rows=len(ids) if allowed else len(res.levels),
        filters={"year": campaign.year, "org": org.org_id},
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="xep-loai-{campaign.year}-{org.org_id}.xlsx"'
    return response


# --- import ----------------------------------------------------------------------------------


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "grading" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def results_import(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    if not can(request.user, "record", campaign.root_org_id) and not can(request.user, "record"):
        raise Http404(NOT_FOUND)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"on": min(timezone.localdate(), campaign.decision_due)}
    )
    report, token = None, ""
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        try:
            uuid.UUID(hex=token)
        except ValueError:
            raise Http404(NOT_FOUND) from None
        path = _import_dir() / f"{token}.xlsx"
        form = ImportForm(request.POST, initial={"on": campaign.decision_due})
        form.fields["file"].required = False
        if not path.exists():
            raise Http404(NOT_FOUND)
        if form.is_valid():
            report = importer.grading_import_apply(
                path,
                actor=request.user,
                campaign=campaign,
                on=form.cleaned_data["on"],
                decision_number=form.cleaned_data["decision_number"],
            )
            if report.applied:
                path.unlink(missing_ok=True)
                messages.success(request, f"Đã ghi kết quả xếp loại của {len(report.planned)} đảng viên.")
                return redirect("grading:results", pk=pk)
    elif request.method == "POST" and form.is_valid():
        token = uuid.uuid4().hex
        path = _import_dir() / f"{token}.xlsx"
        with path.open("wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        report = importer.grading_import_dry_run(
            path,
            actor=request.user,
            campaign=campaign,
            on=form.cleaned_data["on"],
            decision_number=form.cleaned_data["decision_number"],
        )
    return render(
        request,
        "grading/results_import.html",
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "token": token if report and report.ok else "",
            "headers": importer.LAYOUT.template_headers,
        },
    )
