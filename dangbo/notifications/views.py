"""The page «Thông báo»: every notification of the user (plans, grading...), newest first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangbo.access import policy
from dangbo.core.errors import DomainError
from dangbo.notifications import delivery, notices
from dangbo.notifications import selectors as sel
from dangbo.notifications.forms import ChannelEditForm, ChannelForm, NoticeForm, PreferenceForm, StudyRecordForm
from dangbo.notifications.models import NoticeKind, OrgChannel
from dangbo.notifications.services import mark_all_read, mark_read
from dangbo.orgs.selectors import org_choices_on, org_name_on

FILTERS = {"": "Tất cả", "plans": "Văn bản, kế hoạch", "grading": "Đánh giá, xếp loại"}


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("loai", "")
    if kind not in FILTERS:
        kind = ""
    qs = sel.notification_list(actor=request.user, kind_prefix=f"{kind}." if kind else "")
    if request.GET.get("chua_doc"):
        qs = qs.filter(is_read=False)
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    for note in page.object_list:
        note.link = sel.link(note)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "filters": FILTERS,
            "kind": kind,
            "only_unread": bool(request.GET.get("chua_doc")),
        },
    )


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return "notifications:notification_list"


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = policy.get_in_scope_or_404(sel.notification_list(actor=request.user), request.user, pk)
    try:
        mark_read(actor=request.user, note=note)
    except DomainError as exc:
        raise Http404(policy.NOT_FOUND) from exc
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    n = mark_all_read(actor=request.user)
    messages.success(request, f"Đã đánh dấu {n} thông báo là đã đọc." if n else "Không có thông báo chưa đọc.")
    return redirect(_back(request))


# --- notices and documents sent to members, with read receipts (issue 20) --------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The notices sent by organizations in the officer's scope, each with «x/y đã đọc»."""
    if not policy.can(request.user, "view"):
        return redirect("notifications:my_notices")
    page = Paginator(notices.notice_list(actor=request.user), 50).get_page(request.GET.get("trang"))
    rows = [{"n": n, "receipts": notices.receipts_label(n.read, n.recipients_count)} for n in page.object_list]
    return render(
        request,
        "notifications/notice_list.html",
        {"page": page, "rows": rows, "can_send": policy.can(request.user, "meet")},
    )


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "meet"):
        raise Http404(policy.NOT_FOUND)
    choices = org_choices_on(actor=request.user, at=policy.today(), action="meet")
    form = NoticeForm(request.POST or None, org_choices=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = notices.notice_send(
                actor=request.user,
                data=notices.NoticeInput(
                    org_id=d["org"],
                    audience_org_id=d["org"],
                    title=d["title"],
                    body=d["body"],
                    kind=d["kind"],
                    document_number=d["document_number"],
                    study_due=d["study_due"],
                ),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Đã gửi đến {notice.recipients_count} đảng viên.")
            return redirect("notifications:notice_detail", pk=notice.pk)
    return render(request, "notifications/notice_form.html", {"form": form})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = policy.get_in_scope_or_404(notices.notice_list(actor=request.user), request.user, pk)
    recipients = notices.notice_recipients(actor=request.user, notice=notice)
    context = {
        "notice": notice,
        "recipients": recipients,
        "receipts": notices.receipts_label(notice.read, notice.recipients_count),
    }
    if notice.kind == NoticeKind.STUDY:
        form = StudyRecordForm(
            request.POST if request.method == "POST" else None,
            initial={"on": policy.today()},
            member_choices=[(r.member_id, r.member.full_name) for r in recipients if r.studied_on is None],
        )
        if request.method == "POST" and form.is_valid():
            try:
                n = notices.study_record(
                    actor=request.user,
                    notice=notice,
                    member_ids=form.cleaned_data["members"],
                    on=form.cleaned_data["on"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in ("on",) else None, error.message)
            else:
                messages.success(request, f"Đã ghi nhận {n} đảng viên hoàn thành học tập.")
                return redirect("notifications:notice_detail", pk=notice.pk)
        context.update(
            study=notices.study_progress(actor=request.user, notice=notice),
            study_form=form,
            may_record=policy.can(request.user, "meet"),
        )
    elif request.method == "POST":
        raise Http404(policy.NOT_FOUND)
    return render(request, "notifications/notice_detail.html", context)


@login_required
def my_notices(request: HttpRequest) -> HttpResponse:
    """Member portal: the notices and documents sent to me."""
    return render(request, "notifications/my_notices.html", {"rows": notices.my_notices(actor=request.user)})


@login_required
def my_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Member portal: one notice; opening it records the read receipt."""
    try:
        row = notices.notice_open(actor=request.user, notice_id=pk)
    except DomainError as error:
        raise Http404(policy.NOT_FOUND) from error
    return render(request, "notifications/my_notice.html", {"row": row, "notice": row.notice})


@login_required
@require_POST
def my_notice_studied(request: HttpRequest, pk: int) -> HttpResponse:
    """Member portal: «Tôi đã hoàn thành học tập» on a study campaign sent to me (once, audited)."""
    try:
        notices.study_confirm(actor=request.user, notice_id=pk)
    except DomainError as error:
        raise Http404(policy.NOT_FOUND) from error
    messages.success(request, "Đã ghi nhận đồng chí hoàn thành học tập.")
    return redirect("notifications:my_notice", pk=pk)


# --- delivery channels (issue 20: notifications that reach people) ----------------------------


def _channel_row(channel) -> dict:
    return {"c": channel, "masked": delivery.mask_target(channel.kind, channel.target)}


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    """An organization's delivery channels (e-mail, chat webhooks), for an officer with "record"
    on it: the list with masked addresses and the form to add one. Organization from `?org=`
    (outside the scope: 404); by default the first one the officer manages."""
    choices = org_choices_on(actor=request.user, at=policy.today(), action="record")
    if not choices:
        raise Http404(policy.NOT_FOUND)
    raw = request.POST.get("org") or request.GET.get("org")
    try:
        org_id = int(raw) if raw else choices[0][0]
    except ValueError:
        raise Http404(policy.NOT_FOUND) from None
    if org_id not in {oid for oid, _ in choices}:
        raise Http404(policy.NOT_FOUND)
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            channel = delivery.channel_create(
                actor=request.user, org_id=org_id, kind=d["kind"], target=d["target"], label=d["label"]
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Đã thêm kênh «{channel}».")
            return redirect(f"{reverse('notifications:channel_list')}?org={org_id}")
    rows = [_channel_row(c) for c in delivery.channel_list(actor=request.user, org_id=org_id)]
    return render(
        request, "notifications/channel_list.html", {"form": form, "rows": rows, "choices": choices, "org_id": org_id}
    )


@login_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One channel: change its name, address (masked, never shown in clear) or use; its delivery log."""
    channel = policy.get_in_scope_or_404(OrgChannel, request.user, pk)
    form = ChannelEditForm(
        request.POST if request.method == "POST" else None, initial={"label": channel.label, "enabled": channel.enabled}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            delivery.channel_update(
                actor=request.user, channel=channel, label=d["label"], target=d["target"], enabled=d["enabled"]
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Đã lưu kênh.")
            return redirect("notifications:channel_detail", pk=channel.pk)
    return render(
        request,
        "notifications/channel_detail.html",
        {
            "form": form,
            "row": _channel_row(channel),
            "log": delivery.delivery_log(actor=request.user, channel=channel),
            "org_name": org_name_on(channel.org_id, policy.today()),
        },
    )


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a test message on the channel; the result shows in its log."""
    channel = policy.get_in_scope_or_404(OrgChannel, request.user, pk)
    delivery.channel_test(actor=request.user, channel=channel)
    messages.success(request, "Đã xếp tin thử vào hàng gửi; kết quả hiện trong nhật ký gửi bên dưới.")
    return redirect("notifications:channel_detail", pk=channel.pk)


@login_required
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = policy.get_in_scope_or_404(OrgChannel, request.user, pk)
    org_id = channel.org_id
    delivery.channel_delete(actor=request.user, channel=channel)
    messages.success(request, "Đã xóa kênh.")
    return redirect(f"{reverse('notifications:channel_list')}?org={org_id}")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The user's own choice (e-mail on or off) and the log of their own e-mails."""
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, initial={"email": delivery.preference_get(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        delivery.preference_set(actor=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Đã lưu lựa chọn nhận thông báo.")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "log": delivery.delivery_log(actor=request.user, limit=20),
            "email_on_server": delivery.email_enabled(),
            "address": request.user.email,
            "can_manage": bool(org_choices_on(actor=request.user, at=policy.today(), action="record")[:1]),
        },
    )
