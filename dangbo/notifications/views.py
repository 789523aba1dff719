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
from dangbo.notifications import selectors as sel
from dangbo.notifications.services import mark_all_read, mark_read

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
        raise Http404("Không tìm thấy") from exc
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    n = mark_all_read(actor=request.user)
    messages.success(request, f"Đã đánh dấu {n} thông báo là đã đọc." if n else "Không có thông báo chưa đọc.")
    return redirect(_back(request))
