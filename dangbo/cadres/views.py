"""Pages of cadre work: cadre list, cadre record (lý lịch) with its timeline, recording a decision,
planning board per term, figures. Thin: access policy → selector or service → render; a record
outside the user's scope is 404 "Không tìm thấy"."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dangbo.access import policy
from dangbo.cadres import importer, services
from dangbo.cadres.eligibility import KINDS
from dangbo.cadres.exports import age_on
from dangbo.cadres.forms import CadreFilterForm, DecisionForm
from dangbo.cadres.models import ActionType, Cadre, PlanningTerm, Title
from dangbo.cadres.selectors import (
    FIGURE_LABELS,
    CadreFilters,
    cadre_record_read,
    eligibility_read,
    planning_on,
    report_figures,
)
from dangbo.cadres.selectors import (
    cadre_list as select_cadres,
)
from dangbo.core.errors import DomainError
from dangbo.core.forms import VNDateField, apply_domain_error, as_of_date
from dangbo.core.numbers import vn_int
from dangbo.core.sheets import XLSX_TYPE
from dangbo.imports.register_views import upload_page

CADRES_PER_PAGE = 50


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    form = CadreFilterForm(request.GET or None, actor=request.user)
    filters = form.filters() if form.is_bound and form.is_valid() else CadreFilters()
    at = filters.at or policy.today()
    page = Paginator(select_cadres(actor=request.user, filters=filters), CADRES_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    rows = [{"cadre": c, "age": age_on(c.birth_date, at)} for c in page.object_list]
    return render(
        request,
        "cadres/cadre_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "at": at,
            "can_record": policy.can(request.user, "record"),
        },
    )


@login_required
def cadre_import(request: HttpRequest) -> HttpResponse:
    """A cadre list from an XLSX/CSV file: dry run, then all rows or none (cadres.importer)."""
    if not policy.can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi hồ sơ cán bộ.")
    return upload_page(
        request,
        template="cadres/cadre_import.html",
        title="Nhập danh sách cán bộ từ tệp",
        run=lambda path, filename, apply: importer.cadre_import(
            path, actor=request.user, filename=filename, apply=apply
        ),
        done_url=reverse("cadres:cadre_list"),
        done_message=lambda r: (
            f"Đã nhập {vn_int(r.new_count)} cán bộ mới, cập nhật {vn_int(r.updated_count)}, "
            f"{vn_int(r.unchanged_count)} không đổi."
        ),
    )


@login_required
def cadre_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        importer.build_cadre_template(importer.example_org_code(request.user)), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-danh-sach-can-bo.xlsx"'
    return response


@login_required
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = cadre_record_read(actor=request.user, pk=pk, via="page")
    at = policy.today()
    rows = [
        {"action": a, "voided": getattr(a, "voided_by", None) if hasattr(a, "voided_by") else None}
        for a in record.actions
        if a.type != ActionType.CORRECTION
    ]
    from dangbo.cadres.training import levels_on, rank_step_on

    cadre = record.cadre
    return render(
        request,
        "cadres/cadre_detail.html",
        {
            "record": record,
            "cadre": cadre,
            "rows": rows,
            "age": age_on(cadre.birth_date, at),
            "at": at,
            "trainings": cadre.trainings.select_related("course").order_by("sent_on", "id"),
            "salary_events": cadre.salary_events.select_related("corrects")
            .prefetch_related("voided_by")
            .order_by("on", "id"),
            "levels": levels_on(cadre, at),
            "rank_step": rank_step_on(cadre.pk, at),
        },
    )


@login_required
def decision_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi quyết định cán bộ.")
    form = DecisionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cadre = d["cadre"]
        try:
            services.decision_record(
                actor=request.user,
                data=services.DecisionInput(
                    number=d["number"],
                    signed_on=d["signed_on"],
                    body=d["body"],
                    org_id=cadre.managing_org_id,
                    idempotency_key=f"page:{request.user.pk}:{d['token']}",
                    actions=[
                        services.ActionInput(
                            cadre_id=cadre.pk,
                            type=d["type"],
                            on=d["on"],
                            title_id=d["title"].pk if d.get("title") else None,
                            planned_months=d.get("planned_months"),
                            note=d.get("note") or "",
                        )
                    ],
                ),
            )
        except DomainError as error:
            if error.field == "title_id":
                error.field = "title"
            elif error.field == "cadre_id":
                error.field = "cadre"
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã ghi quyết định {d['number']} cho cán bộ {cadre.full_name}.")
            return redirect("cadres:cadre_detail", pk=cadre.pk)
    return render(request, "cadres/decision_form.html", {"form": form})


@login_required
def planning_board(request: HttpRequest, pk: int) -> HttpResponse:
    term = policy.get_in_scope_or_404(PlanningTerm, request.user, pk)
    at = as_of_date(request)
    board: dict = {}
    for entry in planning_on(actor=request.user, term_id=term.pk, at=at).order_by("title__code", "cadre__full_name"):
        board.setdefault(entry.title, []).append(entry)
    return render(request, "cadres/planning_board.html", {"term": term, "at": at, "board": board})


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    org_raw = request.GET.get("org") or ""
    if not org_raw.isdigit():
        return render(request, "cadres/figures.html", {"rows": [], "org_id": None})
    field = VNDateField(required=False)
    today = policy.today()
    try:
        start = field.clean(request.GET.get("tu") or "") or date(today.year, 1, 1)
        end = field.clean(request.GET.get("den") or "") or today
    except Exception:  # noqa: BLE001 - a bad date falls back to this year
        start, end = date(today.year, 1, 1), today
    report = report_figures(actor=request.user, org_id=int(org_raw), start=start, end=end)
    figs = report.actions
    names = dict(
        policy.for_user(Cadre, request.user)
        .filter(pk__in={i for s in figs.values() for i in s.cadre_ids})
        .values_list("pk", "full_name")
    )
    rows = [
        {
            "key": k,
            "label": FIGURE_LABELS.get(k, k),
            "split": s,
            "people": sorted({(i, names.get(i, "")) for i in s.cadre_ids}, key=lambda p: p[1]),
        }
        for k, s in figs.items()
    ]
    training, salary = report.training, report.salary
    return render(
        request,
        "cadres/figures.html",
        {"rows": rows, "org_id": int(org_raw), "start": start, "end": end, "training": training, "salary": salary},
    )


@login_required
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """For a proposed appointment / re-appointment / nomination to a title, on the date the
    proposal is received: what holds and what is missing (R-092a, R-095)."""
    cadre = policy.get_in_scope_or_404(Cadre, request.user, pk)
    titles = policy.for_user(Title, request.user).order_by("code", "valid_from")
    kind = request.GET.get("loai") or "appointment"
    title_raw = request.GET.get("chuc_danh") or ""
    received_on = as_of_date(request)
    result, title, error = None, None, ""
    if title_raw.isdigit():
        try:
            _, title, result = eligibility_read(
                actor=request.user, pk=pk, title_id=int(title_raw), kind=kind, received_on=received_on
            )
        except DomainError as e:
            error = e.message
    return render(
        request,
        "cadres/eligibility.html",
        {
            "cadre": cadre,
            "titles": titles,
            "kinds": KINDS.items(),
            "kind": kind,
            "title": title,
            "received_on": received_on,
            "result": result,
            "error": error,
        },
    )
