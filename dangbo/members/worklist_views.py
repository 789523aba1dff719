"""The list behind a member item of the worklist (members.worklist)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangbo.access.policy import NOT_FOUND, can
from dangbo.members.worklist import LABELS, item_members, next_award_day
from dangbo.orgs.selectors import org_names_on


@login_required
def worklist_members(request: HttpRequest) -> HttpResponse:
    """The members behind one item (`?muc=<key>`), paginated (`trang`)."""
    key = request.GET.get("muc", "")
    if key not in LABELS:
        raise Http404(NOT_FOUND)
    if not can(request.user, "view"):
        raise PermissionDenied("Bạn không có quyền xem trang này.")
    today = timezone.localdate()
    qs = item_members(key, request.user, today).order_by("name_folded", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    members = list(page.object_list)
    names = org_names_on(keys=[(m.current_org_id, today) for m in members])
    rows = [{"member": m, "org_name": names.get((m.current_org_id, today), "")} for m in members]
    return render(
        request,
        "members/worklist_members.html",
        {
            "title": LABELS[key],
            "key": key,
            "page": page,
            "rows": rows,
            "today": today,
            "award_day": next_award_day(today) if key == "huy_hieu" else None,
        },
    )
