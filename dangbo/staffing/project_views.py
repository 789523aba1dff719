"""Pages of restructuring projects (đề án sắp xếp) and job-position catalogues (vị trí việc làm)
under /bien-che/, and the shared reference lists of the staffing services. Thin: access policy →
selector or service → render; a project or catalogue outside the scope is 404; every write goes
through a service (audited, all or nothing) and a refusal is shown on the field it names."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dangbo.access import policy
from dangbo.core.errors import DomainError, not_found
from dangbo.core.forms import apply_domain_error
from dangbo.core.rules import param
from dangbo.staffing import selectors as sel
from dangbo.staffing import services
from dangbo.staffing.forms import (
    CatalogueAdvanceForm,
    CatalogueCreateForm,
    ProjectApproveForm,
    ProjectCreateForm,
    ProjectPlanForm,
    UnitDoneForm,
)
from dangbo.staffing.models import (
    AgencyKind,
    CatalogueStatus,
    DepartureKind,
    JobCatalogue,
    LeaderPosition,
    ProjectSide,
    RestructuringProject,
    StaffingCategory,
)

# --- restructuring projects -----------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = sel.projects(actor=request.user)
    return render(
        request,
        "staffing/project_list.html",
        {
            "projects": projects,
            "at": policy.today(),
            "restructured": sel.restructured_by_model(actor=request.user, at=policy.today()),
            "can_record": policy.can(request.user, "record"),
        },
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền lập đề án.")
    form = ProjectCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_create(
                actor=request.user,
                org_id=d["org"].pk,
                name=d["name"],
                model=d["model"],
                number=d["number"],
                units=d["units"],
            )
        except DomainError as error:
            error.field = {"org_id": "org"}.get(error.field, error.field)
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã lập đề án «{project.name}».")
            return redirect("staffing:project_detail", pk=project.pk)
    return render(request, "staffing/project_form.html", {"form": form, "title": "Lập đề án sắp xếp"})


def _plan_initial(detail: sel.ProjectDetail) -> dict:
    code = {r.agency_id: r.code for r in [*detail.before, *detail.after]}
    code.update({s.agency_id: s.code for s in detail.surplus})

    def side(rows, share):
        return "\n".join(
            f"{r.code}; {r.internal_units}" + (f"; {r.share_pct}" if share and r.share_pct else "") for r in rows
        )

    return {
        "before": side(detail.before, False),
        "after": side(detail.after, True),
        "surplus": "\n".join(
            f"{s.code}; {'trưởng' if s.position == LeaderPosition.HEAD else 'phó'}; {s.norm}; "
            f"{s.actual}; {s.deadline:%d/%m/%Y}"
            for s in detail.surplus
        ),
        "departures": "\n".join(
            f"{d.kind_label}; {d.category_code}; {d.count}" + (f"; {d.policy}" if d.policy else "")
            for d in detail.departures
        ),
    }


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The project with its units, agencies before/after (names as of the day before and the day
    of its application), surplus leaders, departures and lineage; POST `action=approve` records the
    approving decision, `action=apply` applies it, `action=unit_done` marks one unit restructured
    on a date (all need the "record" right; a unit of another project is 404)."""
    project = policy.get_in_scope_or_404(RestructuringProject, request.user, pk)
    can_record = policy.can(request.user, "record", project.org_id)
    approve_form = ProjectApproveForm(
        request.POST if request.POST.get("action") == "approve" else None,
        initial={
            "decision_number": project.decision_number,
            "approved_on": project.approved_on,
            "applied_on": project.applied_on,
        },
    )
    apply_error = ""
    unit_form = UnitDoneForm(request.POST if request.POST.get("action") == "unit_done" else None)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("Bạn không có quyền ghi đề án.")
        action = request.POST.get("action")
        if action == "approve" and approve_form.is_valid():
            d = approve_form.cleaned_data
            try:
                services.project_approve(
                    actor=request.user,
                    project=project,
                    decision_number=d["decision_number"],
                    approved_on=d["approved_on"],
                    applied_on=d["applied_on"],
                )
            except DomainError as error:
                apply_domain_error(approve_form, error)
            else:
                messages.success(request, "Đã ghi quyết định phê duyệt đề án.")
                return redirect("staffing:project_detail", pk=project.pk)
        elif action == "apply":
            try:
                services.project_apply(actor=request.user, project=project)
            except DomainError as error:
                apply_error = error.message
            else:
                messages.success(request, f"Đã thực hiện đề án từ ngày {project.applied_on:%d/%m/%Y}.")
                return redirect("staffing:project_detail", pk=project.pk)
        elif action == "unit_done":
            if unit_form.is_valid():
                unit = project.units.filter(pk=unit_form.cleaned_data["unit"]).first()
                if unit is None:
                    raise Http404(not_found("đơn vị của đề án"))
                unit.project = project
                try:
                    services.project_unit_done(actor=request.user, unit=unit, on=unit_form.cleaned_data["done_on"])
                except DomainError as error:
                    apply_domain_error(unit_form, error)
                else:
                    messages.success(request, f"Đã ghi {unit.label} hoàn thành sắp xếp ngày {unit.done_on:%d/%m/%Y}.")
                    return redirect("staffing:project_detail", pk=project.pk)
        elif action != "approve":
            apply_error = "Thao tác không hợp lệ"
    detail = sel.project_detail(project)
    return render(
        request,
        "staffing/project_detail.html",
        {
            "project": project,
            "detail": detail,
            "can_record": can_record,
            "approve_form": approve_form,
            "apply_error": apply_error,
            "unit_form": unit_form,
            "unit_errors": [e for errors in unit_form.errors.values() for e in errors] if unit_form.is_bound else [],
            "unit_posted": unit_form.data.get("unit", "") if unit_form.is_bound else "",
            "today": policy.today(),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def project_plan(request: HttpRequest, pk: int) -> HttpResponse:
    project = policy.get_in_scope_or_404(RestructuringProject, request.user, pk)
    if not policy.can(request.user, "record", project.org_id):
        raise PermissionDenied("Bạn không có quyền ghi đề án.")
    detail = sel.project_detail(project)
    form = ProjectPlanForm(request.POST or None, actor=request.user, initial=_plan_initial(detail))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.project_plan(
                actor=request.user,
                project=project,
                before=d["before"],
                after=d["after"],
                surplus=d["surplus"],
                departures=d["departures"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Đã ghi phương án sắp xếp.")
            return redirect("staffing:project_detail", pk=project.pk)
    return render(
        request,
        "staffing/project_form.html",
        {"form": form, "project": project, "title": f"Phương án sắp xếp: {project.name}"},
    )


# --- job-position catalogues ----------------------------------------------------------------------


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    at = policy.today()
    qs = (
        policy.for_user(JobCatalogue, request.user)
        .select_related("agency")
        .annotate(n_positions=Count("positions"), n_posts=Sum("positions__number"))
        .order_by("agency__code", "-id")
    )
    raw = request.GET.get("co_quan") or ""
    if raw.isdigit():
        qs = qs.filter(agency_id=int(raw))
    catalogues = list(qs[:500])
    names = sel.names_on([c.agency_id for c in catalogues], at)
    for c in catalogues:
        c.agency_name = names.get(c.agency_id, c.agency.code)
    in_scope = [r.version.agency_id for r in sel.agency_tree(actor=request.user, at=at)]
    return render(
        request,
        "staffing/catalogue_list.html",
        {
            "catalogues": catalogues,
            "at": at,
            "figures": sel.catalogue_figures(agency_ids=in_scope, at=at),
            "can_record": policy.can(request.user, "record"),
        },
    )


@login_required
def catalogue_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền lập danh mục vị trí việc làm.")
    initial = {}
    raw = request.GET.get("co_quan") or ""
    if raw.isdigit():
        initial["agency"] = int(raw)
    form = CatalogueCreateForm(request.POST or None, actor=request.user, initial=initial)
    names = sel.names_on([a.pk for a in form.fields["agency"].queryset], policy.today())
    for a in form.fields["agency"].queryset:
        a.shown_name = names.get(a.pk, a.code)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cat = services.catalogue_create(
                actor=request.user, agency=d["agency"], name=d["name"], positions=d["positions"]
            )
        except DomainError as error:
            error.field = {"agency_id": "agency"}.get(error.field, error.field)
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã lập danh mục «{cat.name}».")
            return redirect("staffing:catalogue_detail", pk=cat.pk)
    return render(request, "staffing/catalogue_form.html", {"form": form})


@login_required
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = policy.get_in_scope_or_404(JobCatalogue.objects.select_related("agency"), request.user, pk)
    can_record = policy.can(request.user, "record", catalogue.agency.managing_org_id)
    form = CatalogueAdvanceForm(request.POST or None, initial={"on": policy.today()})
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("Bạn không có quyền ghi danh mục vị trí việc làm.")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.catalogue_advance(
                    actor=request.user,
                    catalogue=catalogue,
                    to=d["to"],
                    on=d["on"],
                    decision_number=d["decision_number"],
                )
            except DomainError as error:
                error.field = {"status": "to"}.get(error.field, error.field)
                apply_domain_error(form, error)
            else:
                messages.success(request, "Đã cập nhật trạng thái danh mục.")
                return redirect("staffing:catalogue_detail", pk=catalogue.pk)
    positions = catalogue.positions.select_related("category")
    return render(
        request,
        "staffing/catalogue_detail.html",
        {
            "catalogue": catalogue,
            "positions": positions,
            "total": sum(p.number for p in positions),
            "agency_name": sel.names_on([catalogue.agency_id], policy.today()).get(catalogue.agency_id),
            "form": form,
            "can_record": can_record and catalogue.status != CatalogueStatus.APPROVED,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def reference_lists(request: HttpRequest) -> HttpResponse:
    """The reference lists of the staffing services (no data of any organization): agency kinds,
    staffing categories with their reduction target in force today, catalogue statuses, leader
    positions and kinds of departure."""
    today = policy.today()
    categories = [
        {"category": c, "target_pct": param(c.target_param, today) if c.target_param else None}
        for c in StaffingCategory.objects.all()
    ]
    return render(
        request,
        "staffing/reference.html",
        {
            "kinds": AgencyKind.choices,
            "categories": categories,
            "statuses": CatalogueStatus.choices,
            "positions": LeaderPosition.choices,
            "departures": DepartureKind.choices,
            "sides": ProjectSide.choices,
            "today": today,
            "baseline_year": param("staffing_baseline_year", today),
            "target_year": param("staffing_target_year", today),
        },
    )
