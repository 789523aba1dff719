"""The page «Thông báo»: every notification of the user (plans, grading...), newest first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangbo.access import policy
from dangbo.core.errors import DomainError
from dangbo.notifications import notices
from dangbo.notifications import selectors as sel
from dangbo.notifications.forms import NoticeForm
from dangbo.notifications.services import mark_all_read, mark_read
from dangbo.orgs.selectors import org_choices_on

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
    return render(request, "notifications/notification_list.html", {
        "page": page, "filters": FILTERS, "kind": kind, "only_unread": bool(request.GET.get("chua_doc")),
    })


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
    return render(
        request,
        "notifications/notice_detail.html",
        {
            "notice": notice,
            "recipients": recipients,
            "receipts": notices.receipts_label(notice.read, notice.recipients_count),
        },
    )


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
