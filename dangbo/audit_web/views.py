"""Pages of the audit log: search (administrators), a member's trail, an organization's trail,
and "who viewed my profile" for a member.

Views are thin: scope check (access/scope.py) → selector → render. Outside the user's scope
every page is 404 "Không tìm thấy". Before/after values (which may hold personal data) are
shown only to users with the "view_personal" right there, and to the member about him/herself.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dangbo.access.policy import (
    NOT_FOUND,
    can,
    get_member_or_404,
    get_org_or_404,
    own_member_ids,
    scope_members,
    scope_orgs,
)
from dangbo.audit import selectors
from dangbo.audit.forms import EntrySearchForm
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_read, drain_reads

ENTRIES_PER_PAGE = 50

ACTION_LABELS = {
    "read.member_profile": "Xem hồ sơ đảng viên",
    "read.member_trail": "Xem nhật ký hồ sơ đảng viên",
    "read.member_citizen_id": "Xem số CCCD đầy đủ của đảng viên",
    "member.created": "Tạo hồ sơ đảng viên",
    "member.profile_updated": "Cập nhật hồ sơ đảng viên",
    "member.event_voided": "Hủy sự kiện ghi sai",
}


def _choice_labels(app_label: str, model: str, field: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in apps.get_model(app_label, model)._meta.get_field(field).flatchoices}


def action_label(code: str) -> str:
    """The Vietnamese label of an action code (the code itself when unknown)."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    prefix, _, rest = code.partition(".")
    if prefix == "read":
        return f"Xem dữ liệu ({rest})"
    if prefix == "export":
        return f"Xuất dữ liệu ({rest})"
    if prefix == "member":
        return _choice_labels("members", "MemberEvent", "type").get(rest, code)
    if prefix == "org":
        return _choice_labels("orgs", "OrgEvent", "type").get(code, code)
    return code


def _org_names(org_ids: set[int]) -> dict[int, str]:
    """The latest name of each organization (one query)."""
    if not org_ids:
        return {}
    versions = apps.get_model("orgs", "OrgVersion").objects.filter(org_id__in=org_ids)
    return dict(versions.order_by("org_id", "valid_from").values_list("org_id", "name"))


def _person_name(user) -> str:
    """Vietnamese order: family and middle names (last_name) before the given name."""
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip()


def _page(request: HttpRequest, qs: QuerySet) -> Page:
    drain_reads()  # the reads waiting to join the chain (audit.services.audit_read) are shown too
    return Paginator(qs, ENTRIES_PER_PAGE).get_page(request.GET.get("trang"))


def _rows(page: Page, *, details: bool) -> list[dict[str, Any]]:
    entries: list[AuditEntry] = list(page.object_list)
    names = _org_names({e.org_id for e in entries if e.org_id})
    return [
        {
            "entry": e,
            "actor_name": _person_name(e.actor) or e.actor_label,
            "action_label": action_label(e.action),
            "org_name": names.get(e.org_id, f"#{e.org_id}") if e.org_id else "",
            "diff": selectors.entry_diff(e) if details else None,
        }
        for e in entries
    ]


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    """Search the whole log: administrators only (an administrator of a subtree sees the
    entries of that subtree)."""
    if not can(request.user, "manage_users"):
        raise Http404(NOT_FOUND)
    form = EntrySearchForm(request.GET or None)
    visible = scope_orgs(AuditEntry.objects.all(), request.user, field="org_id", action="manage_users")
    qs = selectors.entry_list(qs=visible, filters=form.filters() if form.is_bound else selectors.EntryFilters())
    page = _page(request, qs)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page, details=True),
            "links": True,
        },
    )


@login_required
def member_trail(request: HttpRequest, member_id: int) -> HttpResponse:
    """Everything the log holds about one member, for whoever may see that member."""
    member = get_member_or_404(request.user, member_id)
    own = member.pk in own_member_ids(request.user)
    details = (
        own or scope_members(type(member).objects.filter(pk=member.pk), request.user, action="view_personal").exists()
    )
    if details and not own:
        # The before/after values are the member's personal data: reading them is logged.
        audit_read(
            actor=request.user,
            obj=member,
            org_id=member.current_org_id,
            what="member_trail",
            summary=f"Xem nhật ký hồ sơ đảng viên {member.full_name}",
        )
    event_ids = member.events.annotate(sid=Cast("pk", CharField())).values("sid")
    qs = selectors.member_trail(member_id=member.pk, event_ids=event_ids).select_related("actor").order_by("-id")
    page = _page(request, qs)
    return render(
        request,
        "audit/member_trail.html",
        {
            "member": member,
            "page": page,
            "rows": _rows(page, details=details),
            "details": details,
        },
    )


@login_required
def org_trail(request: HttpRequest, org_id: int) -> HttpResponse:
    """The entries recorded for one organization."""
    org = get_org_or_404(request.user, org_id)
    details = can(request.user, "view_personal", org.pk)
    qs = selectors.org_trail(org_id=org.pk).select_related("actor").order_by("-id")
    page = _page(request, qs)
    return render(
        request,
        "audit/org_trail.html",
        {
            "org": org,
            "org_name": _org_names({org.pk}).get(org.pk, org.code),
            "page": page,
            "rows": _rows(page, details=details),
            "details": details,
        },
    )


@login_required
def my_views(request: HttpRequest) -> HttpResponse:
    """For a member user: who has viewed my profile, and when."""
    member_ids = own_member_ids(request.user)
    if not member_ids:
        raise Http404(NOT_FOUND)
    qs = selectors.profile_views(member_ids=member_ids).exclude(actor=request.user)
    page = _page(request, qs)
    return render(request, "audit/my_views.html", {"page": page, "rows": _rows(page, details=False)})
