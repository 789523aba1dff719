"""Pages of political-standard cases (kết luận tiêu chuẩn chính trị): list, record, new, figure.

Only the political-protection role reaches them; every other user gets 404 "Không tìm thấy", and
the attempt is audited (cadres/political.py)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dangbo.cadres import political
from dangbo.cadres.forms import PoliticalCaseForm
from dangbo.cadres.models import PoliticalPurpose
from dangbo.core.errors import DomainError
from dangbo.core.forms import VNDateField, apply_domain_error


def _period(request: HttpRequest) -> tuple[date, date]:
    field = VNDateField(required=False)
    today = political.policy.today()
    try:
        start = field.clean(request.GET.get("tu") or "") or date(today.year, 1, 1)
        end = field.clean(request.GET.get("den") or "") or today
    except Exception:  # noqa: BLE001 - a bad date falls back to this year
        start, end = date(today.year, 1, 1), today
    return start, end


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    purpose = request.GET.get("muc_dich") or ""
    purpose = purpose if purpose in PoliticalPurpose.values else ""
    cases = political.political_cases(actor=request.user, purpose=purpose)
    return render(
        request,
        "cadres/political_list.html",
        {
            "cases": cases,
            "purposes": PoliticalPurpose.choices,
            "purpose": purpose,
            "can_record": political.policy.can(request.user, political.RECORD),
        },
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = political.political_case_read(actor=request.user, pk=pk)
    return render(request, "cadres/political_detail.html", {"case": case})


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    if not political.policy.can(request.user, political.RECORD):
        raise political._denied(request.user, "trang ghi kết luận")
    form = PoliticalCaseForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = political.political_case_record(
                actor=request.user,
                data=political.PoliticalCaseInput(
                    org_id=d["org"].pk,
                    cadre_id=d["cadre"].pk if d.get("cadre") else None,
                    subject_name=d.get("subject_name") or "",
                    subject_birth_date=d.get("subject_birth_date"),
                    purpose=d["purpose"],
                    conclusion=d["conclusion"],
                    concluding_body=d["concluding_body"],
                    concluded_on=d["concluded_on"],
                    relatives_checked=d.get("relatives_checked") or "",
                    conclusion_text=d.get("conclusion_text") or "",
                ),
            )
        except DomainError as error:
            if error.field == "cadre_id":
                error.field = "cadre"
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã ghi kết luận tiêu chuẩn chính trị số {case.pk}.")
            return redirect("cadres:political_case_detail", pk=case.pk)
    return render(request, "cadres/political_form.html", {"form": form})


@login_required
def case_figure(request: HttpRequest) -> HttpResponse:
    political.require_view(request.user, "trang số liệu")
    org_raw = request.GET.get("org") or ""
    if not org_raw.isdigit():
        return render(request, "cadres/political_figure.html", {"figure": None})
    start, end = _period(request)
    figure = political.political_figure(actor=request.user, org_id=int(org_raw), start=start, end=end)
    rows = [(label, figure.by_purpose.get(value, 0)) for value, label in PoliticalPurpose.choices]
    return render(
        request,
        "cadres/political_figure.html",
        {"figure": figure, "rows": rows, "start": start, "end": end, "org_id": int(org_raw)},
    )
