"""Pages of the organization tree: the tree as of a date, one organization, restructuring forms.

Views are thin: scope check (access/scope.py) → selector or service → render. Outside the
user's scope every page is 404 "Không tìm thấy"; inside the scope but without the right to
restructure, the forms are 403.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dangbo.access.policy import NOT_FOUND, can, get_org_or_404
from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error, as_of_date
from dangbo.core.once import AlreadySubmitted, run_once
from dangbo.members.selectors import MemberFilters, member_list, member_spans_on, subtree_member_counts_on
from dangbo.orgs import services
from dangbo.orgs.forms import (
    DecisionForm,
    OrgDissolveForm,
    OrgEstablishForm,
    OrgEventVoidForm,
    OrgMergeForm,
    OrgMoveForm,
    OrgRenameForm,
    OrgSectorForm,
    OrgSplitForm,
)
from dangbo.orgs.models import Organization, OrgEvent, OrgEventType
from dangbo.orgs.selectors import (
    org_child_counts_on,
    org_children_on,
    org_history,
    org_latest_names,
    org_names_on,
    org_roots_on,
    org_version_on,
)

MEMBERS_PER_PAGE = 50
# Roots of the tree are shown with their children already open when there are this few.
OPEN_ROOTS_UP_TO = 3


def _vn(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _with_date(url: str, at: date) -> str:
    return f"{url}?{urlencode({'ngay': _vn(at)})}"


def _nodes(actor, versions, at: date) -> list[dict]:
    """Tree nodes with their child count and active member count (a fixed number of queries)."""
    versions = list(versions)
    ids = [v.org_id for v in versions]
    child_counts = org_child_counts_on(actor=actor, org_ids=ids, at=at)
    member_counts = subtree_member_counts_on(versions=versions, at=at)
    return [
        {
            "version": v,
            "child_count": child_counts.get(v.org_id, 0),
            "member_count": member_counts.get(v.org_id, 0),
            "children": None,
        }
        for v in versions
    ]


@login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    at = as_of_date(request)
    nodes = _nodes(request.user, org_roots_on(actor=request.user, at=at), at)
    if len(nodes) <= OPEN_ROOTS_UP_TO:
        for node in nodes:
            if node["child_count"]:
                node["children"] = _nodes(
                    request.user, org_children_on(actor=request.user, org_id=node["version"].org_id, at=at), at
                )
    return render(request, "orgs/org_tree.html", {"at": at, "nodes": nodes})


@login_required
def org_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of one node (htmx partial; also a plain list without JavaScript)."""
    org = get_org_or_404(request.user, pk)
    at = as_of_date(request)
    nodes = _nodes(request.user, org_children_on(actor=request.user, org_id=org.pk, at=at), at)
    return render(request, "orgs/_nodes.html", {"at": at, "nodes": nodes})


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, pk)
    at = as_of_date(request)
    version = org_version_on(org_id=org.pk, at=at)
    history = org_history(org_id=org.pk)
    latest = history["versions"][-1] if history["versions"] else None
    parent_name = ""
    if version and version.parent_id:
        parent_name = org_names_on(keys=[(version.parent_id, at)]).get((version.parent_id, at), "")
    children = _nodes(request.user, org_children_on(actor=request.user, org_id=org.pk, at=at), at) if version else []

    page = Paginator(
        member_list(actor=request.user, at=at, filters=MemberFilters(org_id=org.pk)), MEMBERS_PER_PAGE
    ).get_page(request.GET.get("trang"))
    spans = member_spans_on(member_ids=[m.pk for m in page.object_list], at=at)
    cell_names = org_names_on(keys=[(s.org_id, at) for s in spans.values()])
    rows = [
        {
            "member": m,
            "span": spans.get(m.pk),
            "cell": cell_names.get((spans[m.pk].org_id, at), "") if m.pk in spans else "",
        }
        for m in page.object_list
    ]

    lineage_ids = [x.predecessor_id for x in history["predecessors"]] + [x.successor_id for x in history["successors"]]
    lineage_names = org_latest_names(org_ids=lineage_ids)
    # Each version shows its parent's name as it was then (on the version's last day, or `at`).
    version_keys = {
        v.pk: (v.parent_id, min(v.valid_to or at, at) if v.valid_from <= at else v.valid_from)
        for v in history["versions"]
        if v.parent_id
    }
    parent_names_then = org_names_on(keys=list(version_keys.values()))
    context = {
        "org": org,
        "at": at,
        "version": version,
        "latest": latest,
        "parent_name": parent_name,
        "children": children,
        "page": page,
        "rows": rows,
        "versions": [
            {"v": v, "parent_name": parent_names_then.get(version_keys.get(v.pk), "")} for v in history["versions"]
        ],
        # A parent outside the user's scope (a cell secretary's commune) is named, not linked (404).
        "parent_in_scope": bool(version and version.parent_id and can(request.user, "view", version.parent_id)),
        "events": history["events"],
        "voided_ids": set(
            OrgEvent.objects.filter(corrects__in=history["events"]).values_list("corrects_id", flat=True)
        ),
        "voidable": services.VOIDABLE,
        "predecessors": [{"link": x, "name": lineage_names.get(x.predecessor_id, "")} for x in history["predecessors"]],
        "successors": [{"link": x, "name": lineage_names.get(x.successor_id, "")} for x in history["successors"]],
        "can_restructure": can(request.user, "restructure", org.pk),
        "can_record": can(request.user, "record", org.pk),
    }
    return render(request, "orgs/org_detail.html", context)


# --- Restructuring --------------------------------------------------------------------------
# Every operation is shown first as a preview computed by the same service in dry-run mode
# (services.preview: run in a savepoint and rolled back); "Xác nhận" then runs it. The preview
# carries a digest of the posted fields, so a form changed after its preview is previewed again.

Call = Callable[..., Any]
Operation = Callable[[DecisionForm, Organization, Call], tuple[str, Organization]]
CONFIRM = "xac_nhan"


class _Previewed(Exception):
    def __init__(self, result: services.Preview):
        self.result = result


def _dry_run(operation: Call, **kwargs: Any) -> Any:
    raise _Previewed(services.preview(operation, **kwargs))


def _run(operation: Call, **kwargs: Any) -> Any:
    return operation(**kwargs)


def _digest(request: HttpRequest) -> str:
    """The posted fields (not the CSRF token nor the confirmation): what the preview showed."""
    items = sorted(
        (k, v)
        for k in request.POST
        if k not in ("csrfmiddlewaretoken", CONFIRM, "xem_truoc")
        for v in request.POST.getlist(k)
    )
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def _restructure(
    request: HttpRequest,
    pk: int,
    form_class: type[DecisionForm],
    *,
    title: str,
    intro: str,
    button: str,
    run: Operation,
    danger: bool = False,
) -> HttpResponse:
    org = get_org_or_404(request.user, pk)
    if not can(request.user, "restructure", org.pk):
        raise PermissionDenied("Bạn không có quyền sắp xếp tổ chức này.")
    at = as_of_date(request)
    version = org_version_on(org_id=org.pk, at=at)
    form = form_class(request.POST or None, actor=request.user, org=org, at=at)
    preview = None
    digest = _digest(request) if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        confirmed = request.POST.get(CONFIRM) == digest
        try:
            if confirmed:  # a confirmation posted twice (double click, resent) runs once
                message, target = run_once(
                    form.cleaned_data.get("form_token"),
                    actor=request.user,
                    create=lambda: run(form, org, _run),
                    url_of=lambda r: _with_date(reverse("orgs:org_detail", args=[r[1].pk]), form.cleaned_data["on"]),
                )
            else:
                message, target = run(form, org, _dry_run)
        except _Previewed as shown:
            preview = shown.result
        except AlreadySubmitted as sent:
            messages.info(request, "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa.")
            return redirect(sent.url or reverse("orgs:org_detail", args=[org.pk]))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, message)
            return redirect(_with_date(reverse("orgs:org_detail", args=[target.pk]), form.cleaned_data["on"]))
    context = {
        "org": org,
        "version": version,
        "at": at,
        "form": form,
        "title": title,
        "intro": intro,
        "button": button,
        "danger": danger,
        "preview": preview,
        "digest": digest,
    }
    return render(request, "orgs/org_restructure.html", context)


@login_required
def org_establish(request: HttpRequest, pk: int) -> HttpResponse:
    def run(form: DecisionForm, parent: Organization, call: Call):
        d = form.cleaned_data
        new = call(
            services.org_establish,
            actor=request.user,
            code=d["code"],
            name=d["name"],
            org_type=d["org_type"],
            parent=parent,
            on=d["on"],
            decision=form.decision(),
            short_name=d.get("short_name", ""),
            sector=d.get("sector", ""),
        )
        return f"Đã thành lập {d['name']} từ ngày {_vn(d['on'])}.", new

    return _restructure(
        request,
        pk,
        OrgEstablishForm,
        title="Thành lập tổ chức trực thuộc",
        intro="Tổ chức mới trực thuộc tổ chức này.",
        button="Thành lập",
        run=run,
    )


@login_required
def org_rename(request: HttpRequest, pk: int) -> HttpResponse:
    def run(form: DecisionForm, org: Organization, call: Call):
        d = form.cleaned_data
        call(
            services.org_rename,
            actor=request.user,
            org=org,
            name=d["name"],
            on=d["on"],
            decision=form.decision(),
            short_name=d.get("short_name") or None,
            org_type=d.get("org_type") or None,
        )
        return f"Đã đổi tên thành {d['name']} từ ngày {_vn(d['on'])}.", org

    return _restructure(
        request,
        pk,
        OrgRenameForm,
        title="Đổi tên tổ chức",
        intro="Tên cũ vẫn được giữ trong lịch sử đến ngày trước ngày hiệu lực.",
        button="Đổi tên",
        run=run,
    )


@login_required
def org_sector(request: HttpRequest, pk: int) -> HttpResponse:
    def run(form: DecisionForm, org: Organization, call: Call):
        d = form.cleaned_data
        call(
            services.org_sector_change,
            actor=request.user,
            org=org,
            sector=d.get("sector", ""),
            on=d["on"],
            decision=form.decision(),
        )
        shown = services.sector_label(d.get("sector", "")) or "không ghi (theo tổ chức cấp trên)"
        return f"Đã ghi khu vực, loại hình đơn vị: {shown} từ ngày {_vn(d['on'])}.", org

    return _restructure(
        request,
        pk,
        OrgSectorForm,
        title="Thay đổi khu vực, loại hình đơn vị",
        intro="Khu vực cũ vẫn được giữ trong lịch sử đến ngày trước ngày hiệu lực (R-014).",
        button="Ghi thay đổi",
        run=run,
    )


@login_required
def org_move(request: HttpRequest, pk: int) -> HttpResponse:
    def run(form: DecisionForm, org: Organization, call: Call):
        d = form.cleaned_data
        get_org_or_404(request.user, d["new_parent"].pk, action="restructure")
        call(
            services.org_move,
            actor=request.user,
            org=org,
            new_parent=d["new_parent"],
            on=d["on"],
            decision=form.decision(),
        )
        return f"Đã chuyển tổ chức về trực thuộc tổ chức cấp trên mới từ ngày {_vn(d['on'])}.", org

    return _restructure(
        request,
        pk,
        OrgMoveForm,
        title="Chuyển giao về tổ chức cấp trên khác",
        intro="Tổ chức và các tổ chức trực thuộc của nó chuyển theo.",
        button="Chuyển giao",
        run=run,
    )


@login_required
def org_merge(request: HttpRequest, pk: int) -> HttpResponse:
    def run(form: DecisionForm, target: Organization, call: Call):
        d = form.cleaned_data
        for source in d["sources"]:
            get_org_or_404(request.user, source.pk, action="restructure")
        call(
            services.org_merge,
            actor=request.user,
            sources=d["sources"],
            target=target,
            on=d["on"],
            decision=form.decision(),
        )
        return f"Đã hợp nhất {len(d['sources'])} tổ chức vào tổ chức này từ ngày {_vn(d['on'])}.", target

    return _restructure(
        request,
        pk,
        OrgMergeForm,
        title="Hợp nhất / sáp nhập vào tổ chức này",
        intro="Tổ chức trực thuộc và đảng viên của các tổ chức được chọn chuyển về tổ chức này; "
        "các tổ chức đó kết thúc hoạt động từ ngày hiệu lực.",
        button="Hợp nhất",
        run=run,
    )


@login_required
def org_split(request: HttpRequest, pk: int) -> HttpResponse:
    def run(form: DecisionForm, org: Organization, call: Call):
        d = form.cleaned_data
        part = {"code": d["code"], "name": d["name"], "member_ids": d["member_ids"]}
        (new,) = call(
            services.org_split,
            actor=request.user,
            org=org,
            parts=[part],
            on=d["on"],
            decision=form.decision(),
            end_source=d["end_source"],
        )
        return (
            f"Đã chia tách, thành lập {d['name']} với {len(d['member_ids'])} đảng viên từ ngày {_vn(d['on'])}.",
            new,
        )

    return _restructure(
        request,
        pk,
        OrgSplitForm,
        title="Chia tách tổ chức",
        intro="Thành lập một tổ chức mới cùng cấp và chuyển các đảng viên được chọn sang.",
        button="Chia tách",
        run=run,
    )


@login_required
def org_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    def run(form: DecisionForm, org: Organization, call: Call):
        d = form.cleaned_data
        call(services.org_dissolve, actor=request.user, org=org, on=d["on"], decision=form.decision())
        return f"Đã giải thể / kết thúc hoạt động tổ chức từ ngày {_vn(d['on'])}.", org

    return _restructure(
        request,
        pk,
        OrgDissolveForm,
        title="Giải thể / kết thúc hoạt động",
        intro="Tổ chức phải không còn đảng viên và tổ chức trực thuộc vào ngày hiệu lực.",
        button="Giải thể",
        run=run,
        danger=True,
    )


@login_required
def org_event_void(request: HttpRequest, event_id: int) -> HttpResponse:
    """Cancel a wrongly recorded restructuring with a reason (services.org_event_void)."""
    event = OrgEvent.objects.filter(pk=event_id).exclude(type=OrgEventType.VOIDED).first()
    if event is None:
        raise Http404(NOT_FOUND)
    org = get_org_or_404(request.user, event.org_id)
    if not can(request.user, "restructure", org.pk):
        raise PermissionDenied("Bạn không có quyền sắp xếp tổ chức này.")
    form = OrgEventVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_event_void(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error if error.field != "event" else DomainError(error.message))
        else:
            messages.success(request, f"Đã hủy thao tác «{event.get_type_display()}» ngày {_vn(event.on)}.")
            return redirect(_with_date(reverse("orgs:org_detail", args=[org.pk]), event.on))
    version = org_version_on(org_id=org.pk, at=event.on) or org_version_on(
        org_id=org.pk, at=event.on - timedelta(days=1)
    )
    return render(request, "orgs/org_event_void.html", {"org": org, "event": event, "version": version, "form": form})
