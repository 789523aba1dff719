"""Pages of training (courses, enrolments, a cadre's levels as of a date), ranks and salary steps
(a cadre's history with the form to record an event, the raises due), the delegation matrix
(phân cấp quản lý cán bộ) and a cadre's family relations (kê khai quan hệ gia đình).

Thin, like views.py: access policy → service or selector → render. A record outside the user's
scope is 404 "Không tìm thấy"; a refused write shows the service's Vietnamese message on the
field it names and writes nothing; every write is audited by the service.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dangbo.access import policy
from dangbo.audit.services import audit_read
from dangbo.cadres import kinship, training
from dangbo.cadres.forms import (
    CourseForm,
    DelegationForm,
    EnrolForm,
    EnrolmentResultForm,
    RaisesDueForm,
    RelationForm,
    SalaryEventForm,
    SalaryVoidForm,
    TrainingNeedForm,
)
from dangbo.cadres.models import Cadre, Delegation, FamilyRelation, SalaryEvent, TrainingCourse, TrainingEnrolment
from dangbo.cadres.selectors import _subtree_ids
from dangbo.core.errors import DomainError
from dangbo.core.form_views import form_page
from dangbo.core.forms import apply_domain_error, as_of_date
from dangbo.orgs.models import Organization

FIELD_NAMES = {"org_id": "org", "cadre_id": "cadre", "province_id": "province", "relative_cadre_id": "relative_cadre"}


def _apply(form, error: DomainError) -> None:
    error.field = FIELD_NAMES.get(error.field, error.field)
    if error.field not in form.fields:
        error.field = None
    apply_domain_error(form, error)


def _require_record(user, org_id: int | None = None) -> None:
    if not policy.can(user, "record", org_id):
        raise PermissionDenied("Bạn không có quyền ghi nội dung này.")


# --- training ------------------------------------------------------------------------------------


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cadres/course_list.html",
        {"courses": training.courses(actor=request.user)[:200], "may_record": policy.can(request.user, "record")},
    )


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    _require_record(request.user)
    return form_page(
        request,
        CourseForm(request.POST or None, actor=request.user),
        template="cadres/simple_form.html",
        context={
            "heading": "Mở lớp đào tạo, bồi dưỡng",
            "submit": "Mở lớp",
            "back": ("cadres:course_list", None, "Lớp đào tạo, bồi dưỡng"),
        },
        write=lambda d: training.course_create(
            actor=request.user,
            org_id=d["org"].pk,
            name=d["name"],
            kind=d["kind"],
            starts_on=d["starts_on"],
            mode=d["mode"],
            level=d.get("level") or "",
            institution=d.get("institution") or "",
            ends_on=d.get("ends_on"),
        ),
        success=lambda course: f"Đã mở lớp «{course.name}».",
        url_of=lambda course: reverse("cadres:course_detail", kwargs={"pk": course.pk}),
        on_error=_apply,
    )


@login_required
def training_needs(request: HttpRequest) -> HttpResponse:
    """Yearly training-needs registration per unit (?nam=, default next year; ?org= the subtree
    whose figure "registered vs sent" is shown); an officer who may record registers (POST)."""
    year_raw = request.GET.get("nam") or ""
    year = int(year_raw) if year_raw.isdigit() and 2000 <= int(year_raw) <= 2100 else policy.today().year + 1
    org_raw = request.GET.get("org") or ""
    org_id = int(org_raw) if org_raw.isdigit() else None
    figures, org_ids = None, None
    if org_id is not None:
        org_ids = _subtree_ids(request.user, org_id, date(year, 12, 31))
        figures = training.needs_figures(actor=request.user, org_id=org_id, year=year, org_ids=org_ids)
    rows = training.needs_list(actor=request.user, year=year, org_id=org_id, org_ids=org_ids)
    may_record = policy.can(request.user, "record")
    form = None
    if may_record:
        form = TrainingNeedForm(request.POST or None, actor=request.user, initial={"year": year})
    elif request.method == "POST":
        raise PermissionDenied("Bạn không có quyền đăng ký nhu cầu đào tạo.")
    context = {
        "rows": rows,
        "figures": figures,
        "year": year,
        "org_id": org_id,
        "may_record": may_record,
        "orgs": policy.for_user(Organization, request.user).order_by("code")[:500],
    }
    if form is None:
        return render(request, "cadres/training_needs.html", context)
    return form_page(
        request,
        form,
        template="cadres/training_needs.html",
        context=context,
        write=lambda d: training.need_register(
            actor=request.user,
            org_id=d["org"].pk,
            year=d["year"],
            kind=d["kind"],
            count=d["count"],
            mode=d["mode"],
            level=d.get("level") or "",
            note=d.get("note") or "",
        ),
        success=lambda n: f"Đã đăng ký nhu cầu đào tạo năm {n.year}: {n.count} người.",
        url_of=lambda n: reverse("cadres:training_needs") + f"?nam={n.year}",
        on_error=_apply,
    )


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A course with its enrolments; an officer who may record sends cadres to it (POST)."""
    course = policy.get_in_scope_or_404(TrainingCourse, request.user, pk)
    may_record = policy.can(request.user, "record", course.org_id)
    form = EnrolForm(request.POST or None, actor=request.user) if may_record else None
    if request.method == "POST" and form is None:
        raise PermissionDenied("Bạn không có quyền cử cán bộ đi học lớp này.")
    enrolments = (
        policy.for_user(TrainingEnrolment, request.user)
        .filter(course=course)
        .select_related("cadre")
        .order_by("cadre__full_name", "id")
    )
    context = {"course": course, "enrolments": enrolments, "may_record": may_record}
    if form is None:
        return render(request, "cadres/course_detail.html", {**context, "form": None})
    return form_page(
        request,
        form,
        template="cadres/course_detail.html",
        context=context,
        write=lambda d: training.enrol(
            actor=request.user,
            course=course,
            cadre_id=d["cadre"].pk,
            sent_on=d["sent_on"],
            decision=d.get("decision") or "",
        ),
        success=lambda e: f"Đã cử {e.cadre.full_name} đi học lớp «{course.name}».",
        url_of=lambda e: reverse("cadres:course_detail", kwargs={"pk": course.pk}),
        on_error=_apply,
    )


@login_required
def enrolment_result(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = policy.get_in_scope_or_404(
        TrainingEnrolment.objects.select_related("course", "cadre"), request.user, pk
    )
    _require_record(request.user, enrolment.cadre.managing_org_id)
    return form_page(
        request,
        EnrolmentResultForm(request.POST or None),
        template="cadres/simple_form.html",
        context={
            "heading": f"Kết quả lớp «{enrolment.course.name}» — {enrolment.cadre.full_name}",
            "submit": "Ghi kết quả",
            "back": ("cadres:course_detail", enrolment.course_id, enrolment.course.name),
        },
        write=lambda d: training.enrolment_result(
            actor=request.user,
            enrolment=enrolment,
            result=d["result"],
            completed_on=d["completed_on"],
            certificate=d.get("certificate") or "",
        ),
        success=lambda e: f"Đã ghi kết quả học tập của {enrolment.cadre.full_name}.",
        url_of=lambda e: reverse("cadres:course_detail", kwargs={"pk": enrolment.course_id}),
        on_error=_apply,
    )


@login_required
def cadre_training(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre's political-theory and state-management levels as of a date (?ngay=), and the
    courses behind them."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, pk)
    at = as_of_date(request)
    enrolments = cadre.trainings.select_related("course").order_by("sent_on", "id")
    return render(
        request,
        "cadres/cadre_training.html",
        {"cadre": cadre, "at": at, "levels": training.levels_on(cadre, at), "enrolments": enrolments},
    )


# --- ranks and salary steps ----------------------------------------------------------------------


@login_required
def cadre_salary(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre's rank and salary-step history (voided events struck through), the rank and step as
    of today, and (for an officer who may record) the form to record an event such as a raise."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, pk)
    may_record = policy.can(request.user, "record", cadre.managing_org_id)
    form = SalaryEventForm(request.POST or None) if may_record else None
    if request.method == "POST" and form is None:
        raise PermissionDenied("Bạn không có quyền ghi ngạch, bậc lương của cán bộ này.")
    at = policy.today()
    events = (
        SalaryEvent.objects.filter(cadre=cadre)
        .exclude(type="correction")
        .select_related("voided_by")
        .order_by("on", "id")
    )
    context = {
        "cadre": cadre,
        "events": events,
        "at": at,
        "may_record": may_record,
        "rank_step": lambda: training.rank_step_on(cadre.pk, at),
    }
    if form is None:
        return render(request, "cadres/cadre_salary.html", {**context, "form": None})
    return form_page(
        request,
        form,
        template="cadres/cadre_salary.html",
        context=context,
        write=lambda d: training.salary_record(
            actor=request.user,
            data=training.SalaryInput(
                cadre_id=cadre.pk,
                type=d["type"],
                on=d["on"],
                rank_code=d.get("rank_code") or "",
                rank_name=d.get("rank_name") or "",
                step=d.get("step"),
                coefficient=d.get("coefficient"),
                allowance=d.get("allowance") or "",
                decision=d.get("decision") or "",
                note=d.get("note") or "",
            ),
        ),
        success=lambda e: f"Đã ghi «{e.get_type_display()}» từ {e.on:%d/%m/%Y}.",
        url_of=lambda e: reverse("cadres:cadre_salary", kwargs={"pk": cadre.pk}),
        on_error=_apply,
    )


@login_required
def salary_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void (hủy) a wrongly recorded rank or salary event with a reason: a correction is appended,
    the event stays struck through in the history (training.salary_void, audited)."""
    event = policy.get_in_scope_or_404(SalaryEvent.objects.select_related("cadre"), request.user, pk)
    cadre = event.cadre
    _require_record(request.user, cadre.managing_org_id)
    what = f"{event.get_type_display()} từ {event.on:%d/%m/%Y}"
    return form_page(
        request,
        SalaryVoidForm(request.POST or None),
        template="cadres/simple_form.html",
        context={
            "heading": f"Hủy «{what}» — {cadre.full_name}",
            "submit": "Hủy nội dung này",
            "back": ("cadres:cadre_salary", cadre.pk, "Ngạch, bậc lương"),
        },
        write=lambda d: training.salary_void(actor=request.user, event=event, reason=d["reason"]),
        success=lambda c: f"Đã hủy «{what}».",
        url_of=lambda c: reverse("cadres:cadre_salary", kwargs={"pk": cadre.pk}),
        on_error=_apply,
    )


@login_required
def raises_due(request: HttpRequest) -> HttpResponse:
    """Cadres in scope whose regular step raise is due by the date (+ months), and those who may be
    raised early by then."""
    form = RaisesDueForm(request.GET or None)
    at, months = policy.today(), 0
    if form.is_bound and form.is_valid():
        at = form.cleaned_data.get("ngay") or at
        months = form.cleaned_data.get("thang") or 0
    rows = training.raises_due(actor=request.user, at=at, months=months)
    return render(
        request,
        "cadres/raises_due.html",
        {
            "form": form,
            "rows": rows,
            "at": at,
            "months": months,
            "regular": sum(1 for r in rows if r.kind == "regular"),
            "early": sum(1 for r in rows if r.kind == "early"),
        },
    )


# --- delegation (phân cấp quản lý cán bộ) -----------------------------------------------------------


@login_required
def delegation_list(request: HttpRequest) -> HttpResponse:
    """The delegation matrix in force on a date (?ngay=), of the provinces in scope."""
    at = as_of_date(request)
    rows = (
        policy.for_user(Delegation, request.user)
        .filter(valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .order_by("title_group", "action", "id")
    )
    return render(
        request,
        "cadres/delegation_list.html",
        {"rows": rows, "at": at, "may_record": policy.can(request.user, "record")},
    )


@login_required
def delegation_create(request: HttpRequest) -> HttpResponse:
    _require_record(request.user)
    return form_page(
        request,
        DelegationForm(request.POST or None, actor=request.user),
        template="cadres/simple_form.html",
        context={
            "heading": "Ghi phân cấp quản lý cán bộ",
            "submit": "Ghi phân cấp",
            "back": ("cadres:delegation_list", None, "Phân cấp quản lý cán bộ"),
        },
        write=lambda d: kinship.delegation_set(
            actor=request.user,
            province_id=d["province"].pk,
            title_group=d["title_group"],
            action=d["action"],
            decides=d["decides"],
            valid_from=d["valid_from"],
            appraises=d.get("appraises") or "",
            agrees=d.get("agrees") or "",
            consulted=d.get("consulted") or "",
            source=d.get("source") or "",
        ),
        success=lambda dl: f"Đã ghi phân cấp cho nhóm «{dl.title_group}».",
        url_of=lambda dl: reverse("cadres:delegation_list"),
        on_error=_apply,
    )


# --- family relations (kê khai quan hệ gia đình) ------------------------------------------------------


@login_required
def cadre_relations(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre's declared relatives (the read is audited) and the form to add one."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, pk)
    may_record = policy.can(request.user, "record", cadre.managing_org_id)
    form = RelationForm(request.POST or None, actor=request.user) if may_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Bạn không có quyền ghi quan hệ gia đình của cán bộ này.")
        if form.is_valid():
            d = form.cleaned_data
            try:
                kinship.relation_add(
                    actor=request.user,
                    cadre_id=cadre.pk,
                    relationship=d["relationship"],
                    relative_name=d["relative_name"],
                    relative_cadre_id=d["relative_cadre"].pk if d.get("relative_cadre") else None,
                    relative_birth_year=d.get("relative_birth_year"),
                    occupation=d.get("occupation") or "",
                )
            except DomainError as error:
                _apply(form, error)
            else:
                messages.success(request, f"Đã ghi quan hệ gia đình của {cadre.full_name}.")
                return redirect("cadres:cadre_relations", pk=cadre.pk)
    relations = (
        policy.for_user(FamilyRelation, request.user)
        .filter(cadre=cadre)
        .select_related("relative_cadre")
        .order_by("id")
    )
    audit_read(
        actor=request.user,
        obj=cadre,
        org_id=cadre.managing_org_id,
        what="cadre_relations",
        summary=f"Xem quan hệ gia đình của cán bộ {cadre.full_name}",
    )
    return render(request, "cadres/cadre_relations.html", {"cadre": cadre, "relations": relations, "form": form})


@login_required
def kinship_check(request: HttpRequest) -> HttpResponse:
    """114-QĐ/TW: relatives both holding a title in the same organization on a date (audited)."""
    org_raw = request.GET.get("org") or ""
    at = as_of_date(request)
    cases = None
    if org_raw.isdigit():
        cases = kinship.kinship_conflicts(actor=request.user, org_id=int(org_raw), at=at)
    return render(
        request,
        "cadres/kinship_check.html",
        {
            "cases": cases,
            "at": at,
            "org_id": int(org_raw) if org_raw.isdigit() else None,
            "orgs": policy.for_user(Organization, request.user).order_by("code")[:500],
        },
    )
