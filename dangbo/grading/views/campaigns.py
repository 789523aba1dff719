"""Grading pages: campaigns and their progress, reminders, R-072 cap exceptions, criteria frameworks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangbo.access.policy import NOT_FOUND, can, get_org_or_404, scope_orgs
from dangbo.core.errors import DomainError
from dangbo.core.form_views import form_page
from dangbo.core.forms import apply_domain_error
from dangbo.orgs.models import Organization
from dangbo.orgs.selectors import org_choices_on, org_latest_names

from .. import selectors, services
from ..forms import (
    CampaignForm,
    CapExceptionForm,
    FrameworkForm,
)

# --- campaigns -------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaign_list(actor=request.user).select_related("root_org"))
    names = org_latest_names(org_ids=[c.root_org_id for c in campaigns])
    for c in campaigns:
        c.root_name = names.get(c.root_org_id, "")
    return render(
        request,
        "grading/campaign_list.html",
        {
            "campaigns": campaigns,
            "can_open": can(request.user, "record"),
            "notifications": selectors.notification_list(actor=request.user)[:10],
        },
    )


@login_required
def campaign_open(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "record"):
        raise Http404(NOT_FOUND)
    today = timezone.localdate()
    choices = org_choices_on(actor=request.user, at=today, action="record")
    return form_page(
        request,
        CampaignForm(request.POST or None, org_choices=choices),
        template="grading/campaign_open.html",
        write=lambda d: services.campaign_open(
            actor=request.user,
            year=d["year"],
            root_org=get_org_or_404(request.user, int(d["root_org"]), action="record"),
            opens_on=d["opens_on"],
            self_assessment_due=d["self_assessment_due"],
            cell_meeting_due=d["cell_meeting_due"],
            decision_due=d["decision_due"],
            deadline=d["deadline"],
            note=d["note"],
        ),
        success=lambda campaign: f"Đã triển khai đánh giá, xếp loại năm {campaign.year}.",
        url_of=lambda campaign: reverse("grading:campaign_detail", args=[campaign.pk]),
        once=reverse("grading:campaign_list"),
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    at = selectors.grading_date(campaign)
    root = selectors.version_on(campaign.root_org_id, at)
    progress = selectors.campaign_progress(campaign=campaign)
    visible = set(
        scope_orgs(Organization.objects.filter(pk__in=[r.org_id for r in progress]), request.user).values_list(
            "pk", flat=True
        )
    )
    cells = (
        scope_orgs(selectors.subtree_versions(campaign.root_org_id, at), request.user, field="org_id")
        .filter(org_type__in=selectors.MEMBER_ORG_TYPES)
        .order_by("path")
    )
    return render(
        request,
        "grading/campaign_detail.html",
        {
            "campaign": campaign,
            "root": root,
            "progress": [r for r in progress if r.org_id in visible],
            "cells": cells[:500],
            "can_record": can(request.user, "record", campaign.root_org_id),
            "frameworks_issued": selectors.framework_count_issued(year=campaign.year, org_id=campaign.root_org_id),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def campaign_remind(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    try:
        sent = services.campaign_remind_late(actor=request.user, campaign=campaign)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã gửi nhắc nhở tới {len(sent)} tổ chức chậm tiến độ.")
    return redirect("grading:campaign_detail", pk=campaign.pk)


@login_required
def cap_exception(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    at = selectors.grading_date(campaign)
    versions = scope_orgs(
        selectors.subtree_versions(campaign.root_org_id, at), request.user, field="org_id", action="record"
    ).order_by("path")
    choices = [
        (v.org_id, v.name)
        for v in versions
        if v.org_type not in selectors.MEMBER_ORG_TYPES or v.org_type == "grassroots_cell"
    ]
    return form_page(
        request,
        CapExceptionForm(request.POST or None, org_choices=choices),
        template="grading/cap_exception.html",
        context={"campaign": campaign},
        write=lambda d: services.cap_exception_record(
            actor=request.user,
            campaign=campaign,
            grassroots_org=get_org_or_404(request.user, int(d["grassroots_org"])),
            max_excellent=d["max_excellent"],
            decision_number=d["decision_number"],
            reason=d["reason"],
            decided_on=d["decided_on"],
        ),
        success=lambda _: "Đã ghi quyết định cho phép vượt tỷ lệ xuất sắc.",
        url_of=lambda _: reverse("grading:campaign_detail", args=[pk]),
    )


# --- frameworks ------------------------------------------------------------------------------


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    frameworks = list(selectors.framework_list(actor=request.user))
    form = FrameworkForm(
        request.POST or None,
        org_choices=org_choices_on(actor=request.user, at=today, action="record"),
        parents=frameworks,
    )
    if request.method == "POST":
        if not can(request.user, "record"):
            raise Http404(NOT_FOUND)
        if form.is_valid():
            d = form.cleaned_data
            owner = get_org_or_404(request.user, int(d["owner_org"]), action="record") if d["owner_org"] else None
            parent = next((f for f in frameworks if str(f.pk) == d["parent"]), None)
            try:
                if parent is not None:
                    if owner is None:
                        raise DomainError("Phải chọn cấp ủy cụ thể hóa khung tiêu chí.", field="owner_org")
                    services.framework_adapt(
                        actor=request.user,
                        parent=parent,
                        owner_org=owner,
                        issued_on=d["issued_on"],
                        items=d["items"] or None,
                        name=d["name"],
                    )
                else:
                    services.framework_issue(
                        actor=request.user,
                        year=d["year"],
                        name=d["name"],
                        subject=d["subject"],
                        items=d["items"],
                        issued_on=d["issued_on"],
                        org_type=d["org_type"],
                        position=d["position"],
                        owner_org=owner,
                    )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, "Đã ban hành khung tiêu chí.")
                return redirect("grading:framework_list")
    years = sorted({f.year for f in frameworks}, reverse=True)
    return render(
        request,
        "grading/framework_list.html",
        {
            "frameworks": frameworks,
            "form": form,
            "can_issue": can(request.user, "record"),
            "counts": [(y, selectors.framework_count_issued(year=y)) for y in years],
        },
    )
