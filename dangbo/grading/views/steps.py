"""Grading pages of the steps: a cell's bulk entry, one member's or organization's steps, a member's own self-assessment. Outside scope = 404."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dangbo.access.policy import NOT_FOUND, get_member_or_404, own_member_ids
from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error

from .. import bulk, selectors, services
from ..forms import (
    STEP_SLUGS,
    STEP_TITLES,
    BulkFormSet,
    BulkHeaderForm,
    SelfAssessmentForm,
    StepForm,
)
from ..models import CriteriaFramework, Step


def _step_or_404(slug: str) -> str:
    if slug not in STEP_SLUGS:
        raise Http404(NOT_FOUND)
    return STEP_SLUGS[slug]


# --- a cell's bulk entry ---------------------------------------------------------------------


@login_required
def cell_bulk(request: HttpRequest, pk: int, org_id: int, step_slug: str) -> HttpResponse:
    """A whole cell on one page: one row per member (score, grade, comment) for one step."""
    step = _step_or_404(step_slug)
    campaign = selectors.campaign_get_or_404(actor=request.user, pk=pk)
    cell = selectors.campaign_org_or_404(actor=request.user, campaign=campaign, org_id=org_id)
    if cell.org_type not in selectors.MEMBER_ORG_TYPES:
        raise Http404(NOT_FOUND)
    rows = selectors.cell_member_rows(campaign=campaign, cell_id=org_id)
    initial = bulk.initial_rows(rows, step)
    editable = bulk.can_enter(request.user, step, cell)  # a read-only role sees the table, no form
    posted = request.method == "POST" and editable
    header = BulkHeaderForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"on": min(timezone.localdate(), campaign.decision_due)},
    )
    formset = BulkFormSet(request.POST if posted else None, initial=initial, prefix="dv")
    row_errors: dict[int, str] = {}
    if posted and not formset.is_valid():
        header.is_valid()
        header.add_error(None, "Có dòng nhập chưa đúng (đánh dấu đỏ bên dưới); chưa ghi dòng nào.")
        for i, f in enumerate(formset.forms):
            if f.errors:
                row_errors[i] = " ".join(m for errs in f.errors.values() for m in errs)
    elif posted and header.is_valid():
        changes = bulk.changed_rows(rows, step, [f.cleaned_data for f in formset.forms])
        inputs, index = changes.inputs, changes.index
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
                messages.success(request, f"Đã ghi «{STEP_TITLES[step]}» {changes.summary()}.")
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
            "editable": editable,
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
        return services.step_record(actor=request.user, campaign=campaign, member=member, **kw)

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
        return services.step_record(actor=request.user, campaign=campaign, org=org_version.org, **kw)

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
        raise Http404(NOT_FOUND)
    return FileResponse(record.document.open("rb"), as_attachment=True, filename=Path(record.document.name).name)


@login_required
def self_assessment(request: HttpRequest) -> HttpResponse:
    """A party member's own self-assessment in the campaigns that grade them (their profile only,
    from the scope function's member ids; anyone else gets 404)."""
    member_ids = own_member_ids(request.user)
    if not member_ids:
        raise Http404(NOT_FOUND)
    own = selectors.own_campaigns(member_ids=member_ids)
    chosen = None
    if request.method == "POST":
        chosen = next((o for o in own if o.key == request.POST.get("dot", "")), None)
        if chosen is None:
            raise Http404(NOT_FOUND)
    rows = []
    for o in own:
        form = SelfAssessmentForm(
            request.POST if chosen is o else None, frameworks=_frameworks(o.campaign, "member"), prefix=f"d{o.key}"
        )
        rows.append({"own": o, "key": o.key, "form": form})
        if chosen is o and form.is_valid():
            d = form.cleaned_data
            try:
                services.step_record(
                    actor=request.user,
                    campaign=o.campaign,
                    step=Step.SELF,
                    member=o.member,
                    grade=d["grade"],
                    on=timezone.localdate(),
                    total=d.get("total"),
                    scores=form.scores(),
                    framework=form.frameworks.get(d.get("framework") or ""),
                    comment=d["comment"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"Đã ghi bản tự đánh giá, xếp loại năm {o.campaign.year}.")
                return redirect("grading:self_assessment")
    return render(request, "grading/self_assessment.html", {"rows": rows, "today": timezone.localdate()})
