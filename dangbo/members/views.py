"""Pages of the member registry: list, profile with its timeline, admission, events, corrections.

Views are thin: scope check (access/scope.py) → selector or service → render. A member outside
the user's scope is 404 "Không tìm thấy"; a visible member the user may not record for is 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from dangbo.access import policy
from dangbo.access.policy import can, get_member_or_404
from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error, as_of_date
from dangbo.core.once import AlreadySubmitted, run_once
from dangbo.members import services
from dangbo.members.filters import MemberFilterSet
from dangbo.members.forms import AdmitForm, CorrectForm, EventForm, ProfileEditForm, ProfileForm
from dangbo.members.lifecycle import recognition_due
from dangbo.members.models import EventType, Member, MemberEvent, Status, Transfer
from dangbo.members.selectors import (
    member_dossier_read,
    member_events_for_page,
    member_list_rows,
    member_page,
    member_timeline,
)
from dangbo.members.transfers import open_transfer_of
from dangbo.orgs.selectors import org_names_on

MEMBERS_PER_PAGE = 50

# Sections that feature apps add to the member page (registered from their AppConfig.ready, as
# members.selectors.register_derived_check): fn(request, member) -> a dict with "template" and its
# context, or None.
MEMBER_PANELS: list = []


def register_member_panel(fn) -> None:
    if fn not in MEMBER_PANELS:
        MEMBER_PANELS.append(fn)


def _require_record(user, member: Member) -> None:
    """The member is visible (else 404 already); recording needs the `record` right on them
    (access.policy.may_record_member, the rule the services and the API apply)."""
    if not policy.may_record_member(user, member):
        raise PermissionDenied("Bạn không có quyền ghi hồ sơ của đảng viên này.")


def _id_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """«Hồ sơ của tôi»: the signed-in member's own record (the list for a user without one)."""
    own = sorted(policy.own_member_ids(request.user))
    if own:
        return redirect("members:member_detail", pk=own[0])
    return redirect("members:member_list")


_EXEMPT = ' <span class="badge text-bg-secondary">miễn sinh hoạt</span>'
_IN_TRANSFER = (
    ' <span class="badge text-bg-warning" title="Đã cấp giấy giới thiệu; vẫn tính vào đảng số nơi đi '
    'cho đến khi nơi đến tiếp nhận">đang chuyển đi</span>'
)
_ROW = (
    '<tr><td><a href="{href}" class="fw-semibold">{name}</a></td><td>{birth}</td>'
    '<td class="d-none d-sm-table-cell">{sex}</td><td class="d-none d-lg-table-cell">{ethnicity}</td>'
    '<td>{status}</td><td class="d-none d-md-table-cell">{org}</td>'
    '<td class="d-none d-lg-table-cell font-monospace small">{citizen_id}</td></tr>'
)


def member_rows_html(rows: list[dict]) -> SafeString:
    """The member table's rows (members.selectors.member_list_rows) as HTML, every value escaped by
    format_html: one template variable for the 50 rows instead of about 600, which were most of
    the page's rendering time (each variable: lookup, localtime, localize, escape)."""
    out = []
    for r in rows:
        status = (
            format_html(
                '<span class="status status-{}">{}</span>{}{}',
                r["status"],
                r["status_label"],
                mark_safe(_EXEMPT) if r["exempt"] else "",
                mark_safe(_IN_TRANSFER) if r["in_transfer"] else "",
            )
            if r["status"]
            else ""
        )
        out.append(
            format_html(
                _ROW,
                href=r["href"],
                name=r["name"],
                birth=r["birth"],
                sex=r["sex"],
                ethnicity=r["ethnicity"],
                status=status,
                org=r["org"],
                citizen_id=r["citizen_id"],
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every part built by format_html above


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view") and policy.own_member_ids(request.user):
        # a member without an officer role sees no list (and may export none): their own record
        return redirect("members:my_record")
    filterset = MemberFilterSet.from_request(request)
    at, form, filters = filterset.at, filterset.form, filterset.criteria
    # Keyset pages (?sau=<id>, ?truoc=<id>, ?cuoi=1) cost what the first page costs; ?trang=N (old
    # links) still works, by OFFSET.
    page = member_page(
        actor=request.user,
        at=at,
        filters=filters,
        after=_id_param(request, "sau"),
        before=_id_param(request, "truoc"),
        last=request.GET.get("cuoi") == "1",
        page=_id_param(request, "trang"),
        size=MEMBERS_PER_PAGE,
    )
    rows = member_list_rows(members=page.members, at=at)  # plain, preformatted: a cheap loop to render
    context = {
        "form": form,
        "at": at,
        "page": page,
        "rows": rows,
        "rows_html": member_rows_html(rows),
        "hx_target": "#member-table",
        "can_admit": can(request.user, "record"),
    }
    if request.htmx and request.htmx.target == "member-table":
        return render(request, "members/_table.html", context)
    return render(request, "members/member_list.html", context)


def _months_label(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years} năm {rest} tháng"
    if years:
        return f"{years} năm"
    return f"{rest} tháng"


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # the one audited read path (members.selectors.member_dossier_read), as the API's;
    # the full citizen ID only with the right and on request (?show=citizen_id), audited too.
    dossier = member_dossier_read(actor=request.user, pk=pk, show=request.GET.getlist("show"), via="page")
    member = dossier.member
    today = timezone.localdate()
    every_event = member_events_for_page(member)  # read once: the timeline and the table
    timeline = member_timeline(member, every_event)
    events = [e for e in every_event if e.type != EventType.CORRECTION]
    keys = [(e.org_id, e.on) for e in events] + [(e.counterpart_org_id, e.on) for e in events]
    keys += [(member.current_org_id, today), (member.temp_org_id, today)]
    names = org_names_on(keys=keys)
    rows = []
    for e in events:
        voided = getattr(e, "voided_by", None)
        rows.append(
            {
                "event": e,
                "voided": voided,
                "org_name": names.get((e.org_id, e.on), ""),
                "counterpart_name": names.get((e.counterpart_org_id, e.on), ""),
            }
        )
    seniority = timeline.seniority_months(today) if timeline.admitted_on else None
    in_transit = open_transfer_of(member, today)
    transit_to = (
        org_names_on(keys=[(in_transit.counterpart_org_id, in_transit.on)]).get(
            (in_transit.counterpart_org_id, in_transit.on), ""
        )
        if in_transit
        else ""
    )
    temporary = (
        Transfer.objects.temporary_open(today, member_ids=[member.pk]).filter(member_id=member.pk).first()
        if member.temp_org_id
        else None
    )
    status = Status(member.current_status).label if member.current_status in Status.values else ""
    context = {
        "member": member,
        "today": today,
        "show_personal": dossier.personal,
        "dossier": dossier,
        "status": status,
        "org_name": names.get((member.current_org_id, today), ""),
        "temp_org_name": names.get((member.temp_org_id, today), ""),
        "timeline": timeline,
        "seniority": _months_label(seniority) if seniority is not None else "",
        "probation_end": timeline.probation_end(),
        "due": recognition_due(timeline, today),
        "rows": rows,
        "can_record": policy.may_record_member(request.user, member),
        "panels": [panel for fn in MEMBER_PANELS if (panel := fn(request, member))],
        "in_transit": in_transit,
        "transit_to": transit_to,
        "transit_overdue": bool(in_transit and today > in_transit.deadline),
        "temporary": temporary,
        "temporary_overdue": bool(temporary and temporary.until and today > temporary.until),
        "can_transfer": member.current_status in (Status.PROBATIONARY, Status.FULL) and in_transit is None,
    }
    return render(request, "members/member_detail.html", context)


@login_required
def member_admit(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi kết nạp đảng viên.")
    at = as_of_date(request)
    form = AdmitForm(request.POST or None, actor=request.user, at=at)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            member = run_once(
                d.get("form_token"),
                actor=request.user,
                create=lambda: services.member_admit(
                    actor=request.user,
                    profile=form.profile(),
                    cell=d["cell"],
                    decided_on=d["decided_on"],
                    ceremony_on=d.get("ceremony_on"),
                    decision_number=d["decision_number"],
                    decision_body=d["decision_body"],
                    payload=form.payload(),
                    check_duplicates=True,
                    different_person=d.get("different_person", False),
                ),
                url_of=lambda m: reverse("members:member_detail", args=[m.pk]),
            )
        except AlreadySubmitted as sent:
            messages.info(request, "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa.")
            return redirect(sent.url or reverse("members:member_list"))
        except DomainError as error:
            # The decision's date is "on" for the service, the ceremony's too: show it on the
            # ceremony when one was given, as the decision's date is checked by the form.
            if error.field == "on":
                error.field = "ceremony_on" if d.get("ceremony_on") else "decided_on"
            elif error.field == "org":
                error.field = "cell"
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã ghi kết nạp đảng viên {member.full_name}.")
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_admit.html", {"form": form, "at": at})


@login_required
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, pk)
    _require_record(request.user, member)
    at = as_of_date(request)
    form = EventForm(request.POST or None, actor=request.user, at=at)
    if request.method == "POST" and form.is_valid():
        data = form.event_input()
        try:
            event = run_once(
                form.cleaned_data.get("form_token"),
                actor=request.user,
                create=lambda: services.member_record_event(actor=request.user, member=member, data=data),
                url_of=lambda e: reverse("members:member_detail", args=[member.pk]),
            )
        except AlreadySubmitted as sent:
            messages.info(request, "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa.")
            return redirect(sent.url or reverse("members:member_detail", args=[member.pk]))
        except DomainError as error:
            if error.field == "ceremony_on":
                error.field = "ceremony_date"
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã ghi «{event.get_type_display()}» ngày {event.on:%d/%m/%Y}.")
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/event_form.html", {"form": form, "member": member, "at": at})


@login_required
def event_correct(request: HttpRequest, event_id: int) -> HttpResponse:
    event = MemberEvent.objects.select_related("member", "org").filter(pk=event_id).first()
    if event is None:
        raise Http404(policy.NOT_FOUND)
    member = get_member_or_404(request.user, event.member_id)
    _require_record(request.user, member)
    form = CorrectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_correct(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã hủy sự kiện «{event.get_type_display()}» ngày {event.on:%d/%m/%Y}.")
            return redirect("members:member_detail", pk=member.pk)
    org_name = org_names_on(keys=[(event.org_id, event.on)]).get((event.org_id, event.on), "")
    return render(
        request, "members/event_correct.html", {"form": form, "member": member, "event": event, "org_name": org_name}
    )


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, pk)
    _require_record(request.user, member)
    form = ProfileEditForm(request.POST or None, initial=ProfileForm.initial_from(member))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.member_update_profile(
                actor=request.user, member=member, profile=form.profile(), on=d["on"], note=d.get("change_note", "")
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Đã cập nhật hồ sơ.")
            return redirect(reverse("members:member_detail", args=[member.pk]))
    return render(request, "members/member_edit.html", {"form": form, "member": member})
