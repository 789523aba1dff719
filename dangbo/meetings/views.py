"""Pages of cell life: the meetings in scope, a meeting with its attendance, the secretary's
one-screen phone form (members pre-listed, tap to mark), figures, the R-039 absence list and the
member's own meetings. Thin: access policy → selector or service → render; a meeting outside
the user's scope is 404 "Không tìm thấy"."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangbo.access import policy
from dangbo.audit.services import audit_read
from dangbo.core.errors import DomainError
from dangbo.core.forms import VNDateField, apply_domain_error
from dangbo.core.once import AlreadySubmitted, new_token, run_once
from dangbo.core.text import nfc
from dangbo.imports.views import upload_dir
from dangbo.meetings import corrections, guests, handbook, services
from dangbo.meetings import selectors as sel
from dangbo.meetings.forms import MeetingForm
from dangbo.meetings.models import CorrectionRequest, HandbookImportJob, Meeting, Presence
from dangbo.meetings.tasks import handbook_job_enqueue
from dangbo.members.models import Member
from dangbo.orgs.selectors import org_choices_on, org_latest_names, org_roots_on

PER_PAGE = 50


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else policy.today().year


def _marks(request: HttpRequest, member_ids) -> dict[int, tuple[str, str]]:
    marks = {}
    for mid in member_ids:
        presence = request.POST.get(f"p{mid}")
        if presence:
            marks[mid] = (presence, request.POST.get(f"r{mid}", ""))
    return marks


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "view"):
        return redirect("meetings:my_meetings")
    org_raw = request.GET.get("org") or ""
    org_id = int(org_raw) if org_raw.isdigit() else None
    if org_id is not None:
        policy.get_org_or_404(request.user, org_id)
    year = _year(request)
    page = Paginator(sel.meeting_list(actor=request.user, org_id=org_id, year=year), PER_PAGE).get_page(
        request.GET.get("trang")
    )
    names = org_latest_names(org_ids={m.org_id for m in page.object_list})
    rows = [{"m": m, "org_name": names.get(m.org_id, "")} for m in page.object_list]
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "org_id": org_id,
            "can_meet": policy.can(request.user, "meet"),
            "can_record": policy.can(request.user, "record"),
        },
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    """The secretary's form: cell, kind, date, then the members pre-listed as of that date with
    "present" pre-selected; one tap marks an absence. One post writes the meeting and attendance."""
    if not policy.can(request.user, "meet"):
        raise PermissionDenied("Bạn không có quyền ghi sinh hoạt chi bộ.")
    today = policy.today()
    choices = org_choices_on(actor=request.user, at=today, action="meet")
    data = request.POST if request.method == "POST" else None
    if data is None and request.GET.get("org"):
        data = request.GET.copy()  # the roster for a chosen cell and date, with a fresh one-time token
        data["form_token"] = new_token()
    form = MeetingForm(data, org_choices=choices, initial={"held_on": today})
    if data is None and len(choices) == 1:
        form.initial["org"] = choices[0][0]
    roster: list[tuple[Member, bool]] = []
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        ids = services.roster_on(d["org"], d["held_on"])
        people = Member.objects.in_bulk([m for m, _, _ in ids])
        roster = [(people[m], t) for m, _, t in ids]
        if request.method == "POST" and request.POST.get("save"):
            try:
                meeting = run_once(
                    d.get("form_token"),
                    actor=request.user,
                    create=lambda: services.meeting_create(
                        actor=request.user,
                        data=services.MeetingInput(
                            org_id=d["org"],
                            kind=d["kind"],
                            planned_on=d["held_on"],
                            held_on=d["held_on"],
                            agenda=d["agenda"],
                            resolution=d["resolution"],
                            guests=d["guests"],
                        ),
                        marks=_marks(request, [m.pk for m, _ in roster]),
                    ),
                    url_of=lambda m: reverse("meetings:meeting_detail", args=[m.pk]),
                )
            except AlreadySubmitted as done:
                return redirect(done.url or "meetings:meeting_list")
            except DomainError as error:
                if error.field == "org_id":
                    error.field = "org"
                if error.field in form.fields:
                    apply_domain_error(form, error)
                else:
                    form.add_error(None, error.message)
            else:
                messages.success(request, f"Đã ghi buổi sinh hoạt ngày {meeting.on:%d/%m/%Y} và điểm danh.")
                return redirect("meetings:meeting_detail", pk=meeting.pk)
    posted = {k: v for k, v in request.POST.items()} if request.method == "POST" else {}
    rows = [
        {"m": m, "temporary": t, "p": posted.get(f"p{m.pk}", Presence.PRESENT), "r": posted.get(f"r{m.pk}", "")}
        for m, t in roster
    ]
    return render(request, "meetings/meeting_form.html", {"form": form, "rows": rows, "Presence": Presence})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_in_scope_or_404(Meeting, request.user, pk)
    can_meet = policy.allows(request.user, "meet", meeting.org_id)
    if not (policy.can(request.user, "view", meeting.org_id) or can_meet):
        # a member on the list sees the meeting from their own page
        return redirect("meetings:my_meetings")
    roster = sel.meeting_roster(meeting)
    if request.method == "POST":
        if not can_meet:
            raise PermissionDenied("Bạn không có quyền ghi sinh hoạt chi bộ.")
        try:
            action = request.POST.get("action")
            if action == "held":
                held_on = VNDateField().clean(request.POST.get("held_on") or "")
                services.meeting_held(actor=request.user, meeting=meeting, held_on=held_on)
            elif action == "guest":
                seat = request.POST.get("seat") or ""
                guests.guest_record(
                    actor=request.user,
                    meeting=meeting,
                    seat_id=int(seat) if seat.isdigit() else 0,
                    attended=request.POST.get("attended", "1") == "1",
                )
            elif action == "not_held":
                services.meeting_not_held(
                    actor=request.user, meeting=meeting, reason=request.POST.get("not_held_reason", "")
                )
            else:
                services.attendance_mark(
                    actor=request.user, meeting=meeting, marks=_marks(request, [a.member_id for a in roster])
                )
        except DomainError as error:
            messages.error(request, error.message)
        except Exception as error:  # noqa: BLE001 - a bad date
            if error.__class__.__name__ != "ValidationError":
                raise
            messages.error(request, "Ngày họp không hợp lệ (dd/mm/yyyy).")
        else:
            messages.success(request, "Đã ghi.")
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    counts = {p: sum(1 for a in roster if a.presence == p) for p in Presence.values}
    org_name = org_latest_names(org_ids=[meeting.org_id]).get(meeting.org_id, "")
    guest_rows = list(meeting.guest_rows.select_related("seat__member").order_by("seat__member__name_folded"))
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "roster": roster,
            "can_meet": can_meet,
            "counts": counts,
            "org_name": org_name,
            "Presence": Presence,
            "guest_rows": guest_rows,
            "seat_choices": guests.seats_for_meeting(meeting) if can_meet and meeting.held_on else [],
        },
    )


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}".replace(".", ",") + "%"


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    org_raw = request.GET.get("org") or ""
    year = _year(request)
    if not org_raw.isdigit():  # the top of the user's scope
        root = org_roots_on(actor=request.user, at=policy.today()).values_list("org_id", flat=True).first()
        if root is None:
            return render(request, "meetings/figures.html", {"f": None, "year": year, "org_id": None})
        org_raw = str(root)
    f = sel.figures(actor=request.user, org_id=int(org_raw), year=year)
    names = org_latest_names(org_ids={o for o, _ in f.missing})
    missing = [{"org": names.get(o, ""), "month": m} for o, m in f.missing[:200]]
    by_org = [
        {"o": o, "rate": _pct(o.rate)}
        for o in sel.attendance_by_child(org_id=int(org_raw), start=date(year, 1, 1), end=date(year, 12, 31))
    ]
    return render(
        request,
        "meetings/figures.html",
        {
            "by_org": by_org,
            "f": f,
            "year": year,
            "org_id": int(org_raw),
            "org_name": org_latest_names(org_ids=[int(org_raw)]).get(int(org_raw), ""),
            "held_rate": _pct(f.held_rate),
            "attendance_rate": _pct(f.attendance_rate),
            "missing": missing,
        },
    )


@login_required
def absences(request: HttpRequest) -> HttpResponse:
    """Members in scope absent without reason 2 months (warning) or 3+ months (R-039) of a year."""
    if not policy.can(request.user, "view"):
        raise Http404(policy.NOT_FOUND)
    year = _year(request)
    members = policy.for_user(Member, request.user).values("pk")
    months = sel.unexcused_months(member_ids=members, year=year)
    months = {m: n for m, n in months.items() if n >= sel.WARN_MONTHS}
    people = Member.objects.in_bulk(list(months))
    names = org_latest_names(org_ids={p.current_org_id for p in people.values() if p.current_org_id})
    rows = sorted(
        (
            {
                "member": people[m],
                "months": n,
                "removal": n >= sel.REMOVAL_MONTHS,
                "org": names.get(people[m].current_org_id, ""),
            }
            for m, n in months.items()
        ),
        key=lambda r: (-r["months"], r["member"].name_folded),
    )
    return render(request, "meetings/absences.html", {"rows": rows, "year": year})


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """The member portal: the meetings on the member's own list; confirm or give a reason."""
    rows = sel.my_meetings(actor=request.user)
    names = org_latest_names(org_ids={a.meeting.org_id for a in rows})
    return render(
        request,
        "meetings/my_meetings.html",
        {"rows": [{"a": a, "org": names.get(a.meeting.org_id, "")} for a in rows], "today": policy.today()},
    )


@login_required
@require_POST
def my_reply(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        a = services.member_reply(
            actor=request.user,
            attendance_id=pk,
            will_attend=request.POST.get("reply") == "will_attend",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if error.message == policy.NOT_FOUND:
            raise Http404(policy.NOT_FOUND) from None
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ghi trả lời: {a.get_reply_display()}.")
    return redirect("meetings:my_meetings")


# --- the member's own record and correction requests (R-161) ---------------------------------


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """Member portal: my record as the registry holds it; ask for a correction of one field."""
    member = corrections.my_record(actor=request.user)
    if member is None:
        raise Http404(policy.NOT_FOUND)
    form_error, posted = "", {}
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in ("field", "requested_value", "reason")}
        try:
            corrections.correction_request(actor=request.user, **posted)
        except DomainError as error:
            form_error = error.message
        else:
            messages.success(request, "Đã gửi yêu cầu đính chính; cấp ủy sẽ xem xét và trả lời.")
            return redirect("meetings:my_record")
    audit_read(actor=request.user, obj=member, org_id=member.current_org_id, summary="Đảng viên xem hồ sơ của mình")
    return render(
        request,
        "meetings/my_record.html",
        {
            "member": member,
            "rows": corrections.record_rows(member),
            "fields": corrections.FIELDS,
            "requests": CorrectionRequest.objects.filter(member=member).order_by("-requested_at", "-id")[:20],
            "form_error": form_error,
            "posted": posted,
        },
    )


@login_required
def correction_list(request: HttpRequest) -> HttpResponse:
    """Officer: the members' correction requests waiting in scope."""
    if not policy.can(request.user, "record"):
        raise Http404(policy.NOT_FOUND)
    return render(
        request,
        "meetings/correction_list.html",
        {"rows": corrections.pending_list(actor=request.user)[:200], "fields": corrections.FIELDS},
    )


@login_required
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = policy.get_in_scope_or_404(CorrectionRequest, request.user, pk, action="record")
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                corrections.correction_accept(actor=request.user, request_id=req.pk)
                messages.success(request, "Đã chấp nhận và ghi đính chính vào hồ sơ.")
            else:
                corrections.correction_refuse(
                    actor=request.user, request_id=req.pk, reason=request.POST.get("refusal_reason", "")
                )
                messages.success(request, "Đã từ chối yêu cầu đính chính.")
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("meetings:correction_list")
    return render(
        request,
        "meetings/correction_decide.html",
        {"req": req, "label": corrections.FIELDS.get(req.field, req.field), "error": error},
    )


# --- the e-handbook: coverage by organization, and the national export's upload -------


def _date_param(request: HttpRequest, name: str, label: str) -> tuple[date, str]:
    """An "as of" date from ?name=dd/mm/yyyy (today when empty); a bad one is named, not guessed."""
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return policy.today(), ""
    try:
        return VNDateField().clean(raw), ""
    except ValidationError as exc:
        return policy.today(), f"{label}: {' '.join(exc.messages)}"


def _org_param(request: HttpRequest, at: date) -> int | None:
    """The organization of a figures page (?org=id, scoped: 404 outside); the top of the scope by default."""
    raw = request.GET.get("org") or ""
    if raw.isdigit():
        policy.get_org_or_404(request.user, int(raw))
        return int(raw)
    if raw:
        raise Http404(policy.NOT_FOUND)
    return org_roots_on(actor=request.user, at=at).values_list("org_id", flat=True).first()


@login_required
def handbook_coverage(request: HttpRequest) -> HttpResponse:
    """R-043: members registered in the e-handbook AND having accessed it, as of a date, for an
    organization and each organization directly below it; the base is stated (all members, or
    without the members exempt from activities)."""
    if not policy.can(request.user, "view"):
        raise Http404(policy.NOT_FOUND)
    on, error = _date_param(request, "ngay", "Ngày tính")
    org_id = _org_param(request, on)
    exclude = request.GET.get("mien") == "1"
    total, rows = (
        handbook.coverage_by_org(actor=request.user, org_id=org_id, on=on, exclude_exempt=exclude)
        if org_id is not None
        else (None, [])
    )
    return render(
        request,
        "meetings/handbook_coverage.html",
        {
            "on": on,
            "org_id": org_id,
            "exclude": exclude,
            "total": total,
            "rows": rows,
            "date_error": error,
            "org_name": org_latest_names(org_ids=[org_id]).get(org_id, "") if org_id else "",
            "can_import": policy.can(request.user, "record"),
        },
    )


def _handbook_dir() -> Path:
    folder = upload_dir() / "handbook"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


MAX_HANDBOOK_BYTES = 50 * 1024 * 1024


@login_required
def handbook_upload(request: HttpRequest) -> HttpResponse:
    """Upload the national app's account/usage export: checked in the background, then applied on
    confirmation (all rows or none)."""
    if not policy.can(request.user, "record"):
        raise Http404(policy.NOT_FOUND)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        ext = Path(upload.name).suffix.lower() if upload else ""
        if upload is None:
            error = "Tệp: chưa chọn tệp."
        elif ext not in (".xlsx", ".csv"):
            error = "Tệp: chỉ nhận tệp .xlsx hoặc .csv."
        elif upload.size > MAX_HANDBOOK_BYTES:
            error = "Tệp: lớn hơn 50 MB."
        else:
            target = _handbook_dir() / f"{uuid.uuid4().hex}{ext}"
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            job = HandbookImportJob.objects.create(
                file_path=str(target), original_name=Path(upload.name).name[:255], uploaded_by=request.user
            )
            handbook_job_enqueue(job, apply=False)
            return redirect("meetings:handbook_job", pk=job.pk)
    jobs = policy.for_user(HandbookImportJob, request.user)[:10]
    return render(
        request,
        "meetings/handbook_upload.html",
        {"jobs": jobs, "error": error, "headers": handbook.HEADERS},
        status=422 if error else 200,
    )


@login_required
def handbook_template(request: HttpRequest) -> HttpResponse:
    """The national export's layout as a template (the pipeline's writer: headers and a guide)."""
    if not policy.can(request.user, "record"):
        raise Http404(policy.NOT_FOUND)
    response = HttpResponse(
        handbook.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-so-tay-dang-vien-dien-tu.xlsx"'
    return response


@login_required
def handbook_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_in_scope_or_404(HandbookImportJob, request.user, pk)
    template = "meetings/_handbook_job_status.html" if request.htmx else "meetings/handbook_job.html"
    return render(request, template, {"job": job, "report": job.report or {}})


@login_required
@require_POST
def handbook_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_in_scope_or_404(HandbookImportJob, request.user, pk)
    if not policy.can(request.user, "record"):
        raise Http404(policy.NOT_FOUND)
    report = job.report or {}
    if job.status == HandbookImportJob.State.CHECKED and not report.get("refused") and report.get("matched"):
        handbook_job_enqueue(job, apply=True)
    else:
        messages.error(request, "Tệp: chỉ nhập được tệp đã kiểm tra xong và không có dòng bị từ chối.")
    return redirect("meetings:handbook_job", pk=job.pk)


# --- upper-level committee members at grassroots meetings (twice a year) ----------------------


@login_required
def committee_seats(request: HttpRequest) -> HttpResponse:
    """The seats of a committee in scope with their visits to grassroots meetings in a year,
    against twice a year; an officer with the "record" right adds a seat or ends one."""
    if not policy.can(request.user, "view"):
        raise Http404(policy.NOT_FOUND)
    year = _year(request)
    org_id = _org_param(request, policy.today())
    if org_id is None:
        raise Http404(policy.NOT_FOUND)
    can_record = policy.can(request.user, "record", org_id)
    errors: dict[str, str] = defaultdict(str)  # field -> message; the template reads any field
    posted = {k: request.POST.get(k, "") for k in ("card", "valid_from", "seat", "valid_to")}
    if request.method == "POST":
        if not can_record:
            raise Http404(policy.NOT_FOUND)
        try:
            if request.POST.get("action") == "end":
                seat_id = int(posted["seat"]) if posted["seat"].isdigit() else 0
                valid_to = _post_date(posted["valid_to"], "valid_to", "Ngày thôi")
                guests.seat_end(actor=request.user, seat_id=seat_id, valid_to=valid_to)
                messages.success(request, "Đã ghi ngày thôi là cấp ủy viên.")
            else:
                picked = request.POST.get("member_id", "")
                card = posted["card"].strip().replace(" ", "").upper()
                if picked:  # chosen in the picker (members in scope only)
                    member = (
                        policy.for_user(Member, request.user).filter(pk=picked).first() if picked.isdigit() else None
                    )
                    if member is None:
                        raise DomainError(f"{policy.not_found('đảng viên')}.", field="member_id")
                else:
                    if not card:
                        raise DomainError("Chọn đảng viên (tìm theo tên) hoặc nhập số thẻ đảng viên.", field="card")
                    member = policy.for_user(Member, request.user).filter(party_card_number=card).first()
                    if member is None:
                        raise DomainError(f"Số thẻ đảng viên: không tìm thấy đảng viên có số thẻ {card}.", field="card")
                valid_from = _post_date(posted["valid_from"], "valid_from", "Từ ngày")
                guests.seat_add(actor=request.user, committee_id=org_id, member_id=member.pk, valid_from=valid_from)
                messages.success(request, f"Đã thêm {member.full_name} vào danh sách cấp ủy viên dự sinh hoạt cơ sở.")
        except DomainError as exc:
            shown = {"card", "member_id", "valid_from", "valid_to", "seat_id"}
            errors[exc.field if exc.field in shown else "form"] = exc.message
        else:
            return redirect(f"{reverse('meetings:committee_seats')}?org={org_id}&nam={year}")
    rows = guests.figures(actor=request.user, committee_id=org_id, year=year)
    query = nfc(request.GET.get("tim", "")).strip()[:80]
    candidates = guests.seat_candidates(actor=request.user, query=query) if can_record and len(query) >= 2 else []
    return render(
        request,
        "meetings/committee_seats.html",
        {
            "query": query,
            "candidates": candidates,
            "rows": rows,
            "year": year,
            "org_id": org_id,
            "org_name": org_latest_names(org_ids=[org_id]).get(org_id, ""),
            "can_record": can_record,
            "errors": errors,
            "posted": posted,
            "per_year": guests.VISITS_PER_YEAR,
            "short": sum(1 for r in rows if r.short),
        },
        status=422 if errors else 200,
    )


def _post_date(raw: str, field: str, label: str) -> date:
    try:
        return VNDateField().clean(raw or "")
    except ValidationError as exc:
        raise DomainError(f"{label}: {' '.join(exc.messages)}", field=field) from None
