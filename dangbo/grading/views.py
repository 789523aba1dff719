"""Grading pages: campaigns and their progress, a cell's bulk entry of each step, one member's or
organization's steps, results with drill-down and XLSX export, import, frameworks, reminders.
Every page goes through access/scope.py (outside scope = 404)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangbo.access.policy import can, get_member_or_404, get_org_or_404, own_member_ids, scope_orgs
from dangbo.audit.services import audit_export
from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.selectors import org_choices_on

from . import exports, importer, selectors, services
from .forms import (
    STEP_SLUGS,
    STEP_TITLES,
    BulkFormSet,
    BulkHeaderForm,
    CampaignForm,
    CapExceptionForm,
    ExportForm,
    FrameworkForm,
    ImportForm,
    SelfAssessmentForm,
    StepForm,
)
from .models import CriteriaFramework, Step

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _step_or_404(slug: str) -> str:
    if slug not in STEP_SLUGS:
        raise Http404("Không tìm thấy")
    return STEP_SLUGS[slug]


# --- campaigns -------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaign_list(actor=request.user).select_related("root_org"))
    names = dict(
        OrgVersion.objects.filter(org_id__in=[c.root_org_id for c in campaigns])
        .order_by("valid_from")
        .values_list("org_id", "name")
    )
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
        raise Http404("Không tìm thấy")
    today = timezone.localdate()
    choices = org_choices_on(actor=request.user, at=today, action="record")
    form = CampaignForm(request.POST or None, org_choices=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        org = get_org_or_404(request.user, int(d["root_org"]), action="record")
        try:
            campaign = services.campaign_open(
                actor=request.user,
                year=d["year"],
                root_org=org,
                opens_on=d["opens_on"],
                self_assessment_due=d["self_assessment_due"],
                cell_meeting_due=d["cell_meeting_due"],
                decision_due=d["decision_due"],
                deadline=d["deadline"],
                note=d["note"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã triển khai đánh giá, xếp loại năm {campaign.year}.")
            return redirect("grading:campaign_detail", pk=campaign.pk)
    return render(request, "grading/campaign_open.html", {"form": form})


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


# --- a cell's bulk entry ---------------------------------------------------------------------


@login_required
def cell_bulk(request: HttpRequest, pk: int, org_id: int, step_slug: str) -> HttpResponse:
    """A whole cell on one page: one row per member (score, grade, comment) for one step."""
    step = _step_or_404(step_slug)
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    cell = selectors.campaign_org_or_404(actor=request.user, campaign=campaign, org_id=org_id)
    if cell.org_type not in selectors.MEMBER_ORG_TYPES:
        raise Http404("Không tìm thấy")
    rows = selectors.cell_member_rows(campaign=campaign, cell_id=org_id)
    previous = {Step.SELF: None, Step.PROPOSAL: Step.SELF, Step.DECISION: Step.PROPOSAL}[step]
    initial = []
    for r in rows:
        src = r[step] or (r[previous] if previous else None)
        initial.append(
            {
                "member": r["member"].pk,
                "total": src.total if src else None,
                "grade": src.grade if src else ("not_graded" if r["not_graded_reason"] else ""),
                "comment": src.comment if src and src.step == step else "",
            }
        )
    header = BulkHeaderForm(
        request.POST or None, request.FILES or None, initial={"on": min(timezone.localdate(), campaign.decision_due)}
    )
    formset = BulkFormSet(request.POST or None, initial=initial, prefix="dv")
    row_errors: dict[int, str] = {}
    if request.method == "POST" and header.is_valid() and formset.is_valid():
        by_id = {r["member"].pk: r for r in rows}
        inputs, index = [], []
        for i, f in enumerate(formset.forms):
            d = f.cleaned_data
            if not d or not d.get("grade") or d["member"] not in by_id:
                continue
            cur = by_id[d["member"]][step]
            if (
                cur
                and cur.grade == d["grade"]
                and cur.total == d.get("total")
                and (cur.comment == d["comment"] or not d["comment"])
            ):
                continue  # unchanged
            inputs.append(
                services.StepInput(
                    member=by_id[d["member"]]["member"], grade=d["grade"], total=d.get("total"), comment=d["comment"]
                )
            )
            index.append(i)
        h = header.cleaned_data
        if not inputs:
            header.add_error(None, "Chưa có dòng nào được nhập hoặc thay đổi.")
        else:
            try:
                services.member_steps_record(
                    actor=request.user,
                    campaign=campaign,
                    step=step,
                    rows=inputs,
                    on=h["on"],
                    decision_number=h["decision_number"],
                    reason=h["reason"],
                    document=h.get("document"),
                )
            except services.GradingRefused as exc:
                for i, _, message in exc.errors:
                    row_errors[index[i]] = message
                header.add_error(None, exc.message)
            except DomainError as exc:
                apply_domain_error(header, exc)
            else:
                messages.success(request, f"Đã ghi «{STEP_TITLES[step]}» cho {len(inputs)} đảng viên.")
                return redirect("grading:cell_bulk", pk=campaign.pk, org_id=org_id, step_slug=step_slug)
    by_member = {}
    for i, f in enumerate(formset.forms):
        key = f.cleaned_data.get("member") if f.is_bound and hasattr(f, "cleaned_data") else f.initial.get("member")
        by_member[key] = (i, f)
    lines = []
    for j, r in enumerate(rows):
        i, f = by_member.get(r["member"].pk, (None, None))
        if f is None:  # a member not in the posted rows: show an empty row with its own prefix
            i, f = len(formset.forms) + j, formset.form(prefix=f"dv-x{j}", initial=initial[j])
        lines.append({"row": r, "form": f, "error": row_errors.get(i)})
    return render(
        request,
        "grading/cell_bulk.html",
        {
            "campaign": campaign,
            "cell": cell,
            "step": step,
            "step_slug": step_slug,
            "title": STEP_TITLES[step],
            "steps": [(slug, STEP_TITLES[s]) for slug, s in STEP_SLUGS.items()],
            "header": header,
            "formset": formset,
            "lines": lines,
        },
    )


# --- one member / one organization -----------------------------------------------------------


def _frameworks(campaign, subject):
    return list(CriteriaFramework.objects.filter(year=campaign.year, subject=subject).prefetch_related("criteria"))


def _handle_step(request, campaign, form, record_fn) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    d = form.cleaned_data
    step = STEP_SLUGS[d["step"]]
    fw = form.frameworks.get(d.get("framework") or "")
    try:
        record_fn(
            step=step,
            grade=d["grade"],
            on=d["on"],
            total=d.get("total"),
            scores=form.scores(),
            framework=fw,
            comment=d["comment"],
            decision_number=d["decision_number"],
            reason=d["reason"],
            document=d.get("document"),
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return False
    messages.success(request, f"Đã ghi «{STEP_TITLES[step]}».")
    return True


@login_required
def member_grading(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    member = get_member_or_404(request.user, member_id)
    form = StepForm(
        request.POST or None,
        request.FILES or None,
        frameworks=_frameworks(campaign, "member"),
        initial={"on": min(timezone.localdate(), campaign.decision_due)},
    )

    def record(**kw):
        return services.member_step_record(actor=request.user, campaign=campaign, member=member, **kw)

    if _handle_step(request, campaign, form, record):
        return redirect("grading:member_grading", pk=pk, member_id=member_id)
    return render(
        request,
        "grading/member_grading.html",
        {
            "campaign": campaign,
            "member": member,
            "form": form,
            "records": selectors.member_records(campaign=campaign, member=member),
        },
    )


@login_required
def org_grading(request: HttpRequest, pk: int, org_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    org_version = selectors.campaign_org_or_404(actor=request.user, campaign=campaign, org_id=org_id)
    form = StepForm(
        request.POST or None,
        request.FILES or None,
        frameworks=_frameworks(campaign, "org"),
        initial={"on": min(timezone.localdate(), campaign.decision_due)},
    )

    def record(**kw):
        return services.org_step_record(actor=request.user, campaign=campaign, org=org_version.org, **kw)

    if _handle_step(request, campaign, form, record):
        return redirect("grading:org_grading", pk=pk, org_id=org_id)
    return render(
        request,
        "grading/org_grading.html",
        {
            "campaign": campaign,
            "org": org_version,
            "form": form,
            "records": selectors.org_records(campaign=campaign, org_id=org_id),
        },
    )


@login_required
def record_document(request: HttpRequest, record_id: int) -> FileResponse:
    record = selectors.record_get_or_404(actor=request.user, pk=record_id)
    if not record.document:
        raise Http404("Không tìm thấy")
    return FileResponse(record.document.open("rb"), as_attachment=True, filename=Path(record.document.name).name)


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
    form = CapExceptionForm(request.POST or None, org_choices=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        org = get_org_or_404(request.user, int(d["grassroots_org"]))
        try:
            services.cap_exception_record(
                actor=request.user,
                campaign=campaign,
                grassroots_org=org,
                max_excellent=d["max_excellent"],
                decision_number=d["decision_number"],
                reason=d["reason"],
                decided_on=d["decided_on"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã ghi quyết định cho phép vượt tỷ lệ xuất sắc.")
            return redirect("grading:campaign_detail", pk=pk)
    return render(request, "grading/cap_exception.html", {"campaign": campaign, "form": form})


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
    children = (
        OrgVersion.objects.valid_on(selectors.grading_date(campaign)).filter(parent_id=org.org_id).order_by("name")
    )
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
        raise Http404("Không tìm thấy")
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"on": min(timezone.localdate(), campaign.decision_due)}
    )
    report, token = None, ""
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        try:
            uuid.UUID(hex=token)
        except ValueError:
            raise Http404("Không tìm thấy") from None
        path = _import_dir() / f"{token}.xlsx"
        form = ImportForm(request.POST, initial={"on": campaign.decision_due})
        form.fields["file"].required = False
        if not path.exists():
            raise Http404("Không tìm thấy")
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
            "headers": [h for h, _ in importer.COLUMNS.values()],
        },
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
            raise Http404("Không tìm thấy")
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


@login_required
def self_assessment(request: HttpRequest) -> HttpResponse:
    """A party member's own self-assessment in the campaigns that grade them (their profile only,
    from the scope function's member ids; anyone else gets 404)."""
    member_ids = own_member_ids(request.user)
    if not member_ids:
        raise Http404("Không tìm thấy")
    own = selectors.own_campaigns(member_ids=member_ids)
    chosen = None
    if request.method == "POST":
        chosen = next((o for o in own if o.key == request.POST.get("dot", "")), None)
        if chosen is None:
            raise Http404("Không tìm thấy")
    rows = []
    for o in own:
        form = SelfAssessmentForm(request.POST if chosen is o else None, frameworks=_frameworks(o.campaign, "member"),
                                  prefix=f"d{o.key}")
        rows.append({"own": o, "key": o.key, "form": form})
        if chosen is o and form.is_valid():
            d = form.cleaned_data
            try:
                services.member_step_record(
                    actor=request.user, campaign=o.campaign, step=Step.SELF, member=o.member, grade=d["grade"],
                    on=timezone.localdate(), total=d.get("total"), scores=form.scores(),
                    framework=form.frameworks.get(d.get("framework") or ""), comment=d["comment"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"Đã ghi bản tự đánh giá, xếp loại năm {o.campaign.year}.")
                return redirect("grading:self_assessment")
    return render(request, "grading/self_assessment.html", {"rows": rows, "today": timezone.localdate()})
