"""Pages of party dues: a cell's monthly collection sheet (/dang-phi/): the members who pay there
that month with what they owe, what is paid and what is left, and one tap to record the rest as
paid in cash. Thin: access policy → selector or service → render; an organization outside the
user's scope is 404 "Không tìm thấy"."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangbo.access import policy
from dangbo.core.errors import DomainError
from dangbo.core.form_views import form_page
from dangbo.core.forms import apply_domain_error
from dangbo.core.rules import param
from dangbo.dues import portal, services
from dangbo.dues import selectors as sel
from dangbo.dues.forms import DeclarationForm, MonthCloseForm, MonthReopenForm, ReliefForm
from dangbo.dues.models import DuesDeclaration, DuesImportJob, DuesRelief
from dangbo.dues.tasks import job_enqueue
from dangbo.dues.worklist import members_in_arrears
from dangbo.imports.views import upload_dir
from dangbo.members.models import Member
from dangbo.orgs.selectors import org_choices_on, org_latest_names

MAX_PORTAL_UPLOAD = 50 * 1024 * 1024
MONTH_RE = re.compile(r"^(\d{1,2})/(\d{4})$")


def _month(raw: str) -> date:
    m = MONTH_RE.match((raw or "").strip())
    if m and 1 <= int(m.group(1)) <= 12 and 2000 <= int(m.group(2)) <= 2100:
        return date(int(m.group(2)), int(m.group(1)), 1)
    return sel.month_start(policy.today())


DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _day(raw: str) -> date:
    m = DAY_RE.match((raw or "").strip())
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            pass
    return policy.today()


def _org(request: HttpRequest, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(policy.NOT_FOUND)
    policy.get_org_or_404(request.user, int(raw))
    return int(raw)


def _sheet_url(org_id: int, month: date) -> str:
    return reverse("dues:sheet") + f"?org={org_id}&thang={month:%m/%Y}"


@login_required
def sheet(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("thang", ""))
    org_id = _org(request, request.GET.get("org", ""))
    choices = org_choices_on(actor=request.user, at=sel.month_end(month), action="view")
    if org_id is None and len(choices) == 1:  # a cell secretary's only cell: straight to its sheet
        org_id = choices[0][0]
    rows, totals, overview = [], None, []
    if org_id is None and len(choices) > 1:  # an officer over several organizations: the one above first
        overview = sel.children_overview(actor=request.user, org_id=choices[0][0], month=month)
    if org_id is not None:
        rows = sel.cell_sheet(actor=request.user, org_id=org_id, month=month)
        totals = {
            "due": sum(r.due or 0 for r in rows),
            "paid": sum(r.paid for r in rows),
            "left": sum(r.outstanding for r in rows),
            "unpaid": sum(1 for r in rows if r.due is not None and r.outstanding),
        }
    return render(
        request,
        "dues/sheet.html",
        {
            "month": month,
            "org_id": org_id,
            "choices": choices,
            "rows": rows,
            "totals": totals,
            "overview": overview,
            "overview_root": choices[0][1].strip() if overview else "",
            "org_name": org_latest_names(org_ids={org_id}).get(org_id, "") if org_id else "",
            "regime": sel.regime(month),
            "closed": sel.month_closed(org_id, month) if org_id else None,
            "can_collect": org_id is not None and policy.can(request.user, "meet", org_id),
            "prev": sel.add_months(month, -1),
            "next": sel.add_months(month, 1),
        },
    )


@login_required
@require_POST
def collect(request: HttpRequest) -> HttpResponse:
    """One tap: the rest of the month's dues of one member on the sheet, paid in cash today."""
    month = _month(request.POST.get("thang", ""))
    org_id = _org(request, request.POST.get("org", ""))
    raw = request.POST.get("member", "")
    if org_id is None or not raw.isdigit():
        raise Http404(policy.NOT_FOUND)
    row = next(
        (r for r in sel.cell_sheet(actor=request.user, org_id=org_id, month=month) if r.member_id == int(raw)), None
    )
    if row is None:
        raise Http404(policy.NOT_FOUND)
    try:
        if sel.month_closed(org_id, month):
            raise DomainError(f"Tháng {month:%m/%Y} đã chốt sổ: khoản thu bổ sung ghi thành bút toán điều chỉnh")
        if row.due is None:
            raise DomainError(f"Chưa có kê khai đảng phí của {row.name}")
        if not row.outstanding:
            raise DomainError(f"{row.name} đã nộp đủ tháng {month:%m/%Y}")
        services.payment_record(
            actor=request.user,
            member=Member.objects.get(pk=row.member_id),
            org_id=org_id,
            data=services.PaymentInput(
                from_month=month,
                to_month=month,
                amount=row.outstanding,
                paid_on=policy.today(),
                receipt_no=request.POST.get("bien_lai", ""),
            ),
        )
        messages.success(request, f"Đã ghi {row.name} nộp đảng phí tháng {month:%m/%Y}.")
    except DomainError as e:
        messages.error(request, str(e))
    return redirect(_sheet_url(org_id, month))


@login_required
def arrears(request: HttpRequest) -> HttpResponse:
    """Per-member arrears (R-122): members in scope (or in the subtree of the chosen organization)
    with unpaid months in a year, how many and the amount still owed for them; from `tu` months
    (default 1); a warning from 2, a ground for removal from 3."""
    raw = request.GET.get("nam") or ""
    today = policy.today()
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year
    raw_min = request.GET.get("tu") or ""
    min_months = int(raw_min) if raw_min.isdigit() and 1 <= int(raw_min) <= 12 else 1
    org_id = _org(request, request.GET.get("org") or "")
    removal = param("dues_unpaid_removal_months", today)
    members = (
        list(members_in_arrears(request.user, year, today, min_months=min_months, org_id=org_id)[:500])
        if policy.can(request.user, "view")
        else []
    )
    names = org_latest_names(org_ids={m.current_org_id for m in members})
    rows = [
        {
            "member": m,
            "org": names.get(m.current_org_id, ""),
            "months": m.unpaid_months,
            "amount": m.unpaid_amount,
            "removal": m.unpaid_months >= removal,
        }
        for m in members
    ]
    return render(
        request,
        "dues/arrears.html",
        {
            "rows": rows,
            "year": year,
            "min_months": min_months,
            "org_id": org_id,
            "total": sum(r["amount"] for r in rows),
        },
    )


@login_required
@require_POST
def close(request: HttpRequest) -> HttpResponse:
    """Close the organization's sheet of the month (read-only afterwards, remittance up the tree);
    a refusal is shown on the form (core.form_views.form_page)."""
    org_id = _org(request, request.POST.get("org", ""))
    if org_id is None:
        raise Http404(policy.NOT_FOUND)
    return form_page(
        request,
        MonthCloseForm(request.POST),
        template="dues/month_form.html",
        write=lambda d: services.month_close(actor=request.user, org_id=org_id, month=d["thang"]),
        success=lambda c: f"Đã chốt sổ tháng {c.month:%m/%Y}: nộp cấp trên {c.remitted:,} đ.".replace(",", "."),
        url_of=lambda c: _back_url(request, org_id, c.month),
        context={
            "title": "Chốt sổ đảng phí",
            "back": _back_url(request, org_id, _month(request.POST.get("thang", ""))),
        },
    )


def _back_url(request: HttpRequest, org_id: int, month: date) -> str:
    if request.POST.get("quay_lai") == "so-quy":
        return reverse("dues:ledger") + f"?org={org_id}&thang={month:%m/%Y}"
    return _sheet_url(org_id, month)


@login_required
@require_POST
def reopen(request: HttpRequest) -> HttpResponse:
    """Reopen a closed month (an event with its reason, audited; refused while the superior has
    closed it); a refusal is shown on the form (core.form_views.form_page)."""
    org_id = _org(request, request.POST.get("org", ""))
    if org_id is None:
        raise Http404(policy.NOT_FOUND)
    return form_page(
        request,
        MonthReopenForm(request.POST),
        template="dues/month_form.html",
        write=lambda d: services.month_reopen(
            actor=request.user, org_id=org_id, month=d["thang"], reason=d.get("ly_do") or ""
        ),
        success=lambda e: f"Đã mở lại sổ tháng {e.close.month:%m/%Y}.",
        url_of=lambda e: _back_url(request, org_id, e.close.month),
        context={
            "title": "Mở lại sổ đảng phí",
            "back": _back_url(request, org_id, _month(request.POST.get("thang", ""))),
        },
    )


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """An organization's dues ledger (sổ quỹ) as of a date, and which of its cells closed a month."""
    month = _month(request.GET.get("thang", ""))
    org_id = _org(request, request.GET.get("org", ""))
    until = _day(request.GET.get("ngay", ""))
    choices = org_choices_on(actor=request.user, at=until, action="view")
    book, status, below = None, [], []
    if org_id is not None:
        book = sel.org_ledger(actor=request.user, org_id=org_id, until=until)
        status = sel.closing_status(actor=request.user, org_id=org_id, month=month)
        below = sel.units_below(org_id, month)
        names = org_latest_names(org_ids={e.counterpart_id for e in book.entries if e.counterpart_id})
        for e in book.entries:
            e.counterpart_name = names.get(e.counterpart_id, "")
    return render(
        request,
        "dues/ledger.html",
        {
            "month": month,
            "org_id": org_id,
            "choices": choices,
            "until": until,
            "book": book,
            "status": status,
            "closed_count": sum(1 for r in status if r.close),
            "below_open": [r for r in below if r.close is None],
            "closed": sel.month_closed(org_id, month) if org_id else None,
            "can_close": org_id is not None and policy.can(request.user, "meet", org_id),
            "org_name": org_latest_names(org_ids={org_id}).get(org_id, "") if org_id else "",
        },
    )


# --- portal import (item 2) ---------------------------------------------------------------------


def _require_collector(user) -> None:
    if not policy.can(user, "meet"):
        raise Http404(policy.NOT_FOUND)


@login_required
def portal_upload(request: HttpRequest) -> HttpResponse:
    """Upload an export of the National Public Service Portal: checked by the task worker."""
    _require_collector(request.user)
    error = ""
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None or not f.name.lower().endswith((".xlsx", ".csv")):
            error = "Chọn tệp .xlsx hoặc .csv xuất từ Cổng Dịch vụ công Quốc gia."
        elif f.size > MAX_PORTAL_UPLOAD:
            error = "Tệp quá lớn (tối đa 50 MB)."
        else:
            folder = upload_dir()
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"dues-{uuid.uuid4().hex}{Path(f.name).suffix.lower()}"
            with target.open("wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            job = DuesImportJob.objects.create(
                file_path=str(target), original_name=Path(f.name).name[:255], uploaded_by=request.user
            )
            job_enqueue(job, apply=False)
            return redirect("dues:portal_job", pk=job.pk)
    jobs = DuesImportJob.objects.filter(uploaded_by=request.user)[:10]
    return render(
        request, "dues/portal_upload.html", {"jobs": jobs, "error": error, "headers": portal.LAYOUT.template_headers}
    )


def _job_or_404(request: HttpRequest, pk: int) -> DuesImportJob:
    job = DuesImportJob.objects.filter(pk=pk, uploaded_by=request.user).first()
    if job is None:
        raise Http404(policy.NOT_FOUND)
    return job


@login_required
def portal_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A portal import's page: its progress while the worker runs (polled), then the report; a
    checked file with nothing blocking is applied from here."""
    _require_collector(request.user)
    job = _job_or_404(request, pk)
    if request.method == "POST" and job.status == DuesImportJob.State.CHECKED:
        job_enqueue(job, apply=True)
        return redirect("dues:portal_job", pk=job.pk)
    template = "dues/_portal_job_status.html" if request.htmx else "dues/portal_job.html"
    return render(request, template, {"job": job, "report": job.report or {}})


@login_required
def portal_template(request: HttpRequest) -> HttpResponse:
    _require_collector(request.user)
    response = HttpResponse(
        portal.build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-dang-phi-cong-dvc.xlsx"'
    return response


# --- a member's dues: the officer's card (declarations, reliefs) and the member's own view -----


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam") or ""
    today = policy.today()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


@login_required
def member_dues(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: one member's dues for a year, their declarations and reliefs, and the forms to
    record a new declaration or a deferral / exemption."""
    member = policy.get_member_or_404(request.user, pk)
    year = _year(request)
    can_record = policy.can(request.user, "meet", policy.member_home_org_id(member))
    decl_form, relief_form = DeclarationForm(prefix="kk"), ReliefForm(prefix="mg")
    if request.method == "POST":
        if not can_record:
            raise Http404(policy.NOT_FOUND)
        which = request.POST.get("form")
        try:
            if which == "declaration":
                decl_form = DeclarationForm(request.POST, prefix="kk")
                if decl_form.is_valid():
                    d = decl_form.cleaned_data
                    services.declaration_record(
                        actor=request.user,
                        member=member,
                        data=services.DeclarationInput(
                            category=d["category"],
                            base=d["base"],
                            valid_from=d["valid_from"],
                            declared_on=d["declared_on"],
                            source=d["source"],
                            hardship=d["hardship"],
                        ),
                    )
                    messages.success(request, "Đã ghi kê khai đảng phí.")
                    return redirect(request.path + f"?nam={year}")
            elif which == "relief":
                relief_form = ReliefForm(request.POST, prefix="mg")
                if relief_form.is_valid():
                    services.relief_record(
                        actor=request.user, member=member, data=services.ReliefInput(**relief_form.cleaned_data)
                    )
                    messages.success(request, "Đã ghi quyết định tạm hoãn / miễn đóng đảng phí.")
                    return redirect(request.path + f"?nam={year}")
        except DomainError as error:
            apply_domain_error(decl_form if which == "declaration" else relief_form, error)
    return render(
        request,
        "dues/member.html",
        {
            "member": member,
            "year": year,
            "can_record": can_record,
            **_card(member.pk, year),
            "declarations": DuesDeclaration.objects.filter(member_id=member.pk).order_by("-valid_from", "-id"),
            "reliefs": DuesRelief.objects.filter(member_id=member.pk).order_by("-from_month", "-id"),
            "decl_form": decl_form,
            "relief_form": relief_form,
        },
    )


def _card(member_id: int, year: int) -> dict:
    rows = sel.ledger(member_id, date(year, 1, 1), date(year, 12, 1))
    current = sel.month_start(policy.today())  # months not yet begun are not owed yet
    return {
        "rows": rows,
        "owed": sum(r.outstanding for r in rows if r.month <= current),
        "paid": sum(r.paid for r in rows),
        "paid_up_to": sel.paid_up_to(member_id),
        "prev_year": year - 1,
        "next_year": year + 1,
    }


@login_required
def my_dues(request: HttpRequest) -> HttpResponse:
    """The member's own dues (portal): months paid and owed; only their own profile."""
    year = _year(request)
    own = sorted(policy.own_member_ids(request.user))
    member = Member.objects.filter(pk=own[0]).first() if own else None
    context = {"member": member, "year": year}
    if member is not None:
        context.update(_card(member.pk, year))
    return render(request, "dues/mine.html", context)
