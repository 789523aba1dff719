"""Pages of the title catalogue (danh mục chức danh): the titles of the user's province(s) in force
on a date, grouped by equivalence group; a title's history (its versions and its lineage); the
forms to add, change (a new version from a date) and abolish a title (with its successor); the
import of a catalogue from a file.

Thin, like views.py: access policy → selector or service → render. A title of a province outside
the user's scope is 404 "Không tìm thấy"; whoever sees cadres reads the catalogue of the province
they work in; only an officer with the "record" right on the province organization sees the forms
(services.title_create / title_change / title_abolish check it again and audit every write).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dangbo.access import policy
from dangbo.cadres import importer, services
from dangbo.cadres.forms import TitleAbolishForm, TitleForm, title_initial
from dangbo.cadres.models import Title
from dangbo.cadres.selectors import catalogue_provinces, title_history, titles_on
from dangbo.core.errors import DomainError
from dangbo.core.form_views import form_page
from dangbo.core.forms import apply_domain_error, as_of_date
from dangbo.core.numbers import vn_int
from dangbo.core.sheets import XLSX_TYPE
from dangbo.imports.register_views import upload_page
from dangbo.orgs.selectors import org_names_on_or_latest

FIELD_NAMES = {"province_id": "province"}


def _apply(form, error: DomainError) -> None:
    error.field = FIELD_NAMES.get(error.field, error.field)
    if error.field not in form.fields:
        error.field = None
    apply_domain_error(form, error)


def _require_view(user) -> None:
    """The catalogue is a page of cadre work: nothing for a user who sees no cadres at all."""
    if not policy.can(user, "view"):
        raise Http404(policy.NOT_FOUND)


def _require_record(user) -> None:
    if not policy.can(user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi danh mục chức danh.")


def _writable_title(request: HttpRequest, pk: int) -> Title:
    """The title (404 outside the catalogues the user sees), if the user may write its province's
    catalogue (else 403: they see it, read-only)."""
    title = policy.get_in_scope_or_404(Title, request.user, pk)
    if not policy.can(request.user, "record", title.province_id):
        raise PermissionDenied(services.NO_CATALOGUE_RIGHT)
    return title


@login_required
def title_list(request: HttpRequest) -> HttpResponse:
    """The titles in force on ?ngay= (dd/mm/yyyy, today by default), by province and equivalence
    group (?nhom=), head before deputy; ?tinh= one province when the user sees several."""
    _require_view(request.user)
    at = as_of_date(request)
    raw = request.GET.get("tinh") or ""
    province_id = int(raw) if raw.isdigit() else None
    group = (request.GET.get("nhom") or "").strip()
    titles = list(titles_on(actor=request.user, at=at, province_id=province_id))
    groups = sorted({t.group for t in titles})
    shown = [t for t in titles if not group or t.group == group]
    names = org_names_on_or_latest(org_ids={t.province_id for t in titles}, at=at)
    writable = set(catalogue_provinces(actor=request.user, action="record"))
    provinces: list[dict] = []
    for t in shown:
        if not provinces or provinces[-1]["id"] != t.province_id:
            provinces.append(
                {
                    "id": t.province_id,
                    "name": names.get(t.province_id, ""),
                    "groups": [],
                    "writable": t.province_id in writable,
                }
            )
        sections = provinces[-1]["groups"]
        if not sections or sections[-1]["name"] != t.group:
            sections.append({"name": t.group, "titles": []})
        sections[-1]["titles"].append(t)
    heads = sum(1 for t in shown if t.is_head)
    return render(
        request,
        "cadres/title_list.html",
        {
            "at": at,
            "provinces": provinces,
            "groups": groups,
            "group": group,
            "province_id": province_id,
            "province_choices": catalogue_provinces(actor=request.user, action="view"),
            "count": len(shown),
            "heads": heads,
            "deputies": len(shown) - heads,
            "may_record": bool(writable),
        },
    )


@login_required
def title_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A title's history: every version of its code (who changed what from when) and its lineage
    (the titles it replaced, the title that replaced it)."""
    history = title_history(actor=request.user, pk=pk)
    title, last = history.title, history.last
    names = org_names_on_or_latest(org_ids={title.province_id}, at=policy.today())
    return render(
        request,
        "cadres/title_detail.html",
        {
            "history": history,
            "title": title,
            "last": last,
            "province_name": names.get(title.province_id, ""),
            "may_record": policy.can(request.user, "record", title.province_id) and last.valid_to is None,
        },
    )


@login_required
def title_create(request: HttpRequest) -> HttpResponse:
    _require_record(request.user)
    provinces = catalogue_provinces(actor=request.user, action="record")
    context = {
        "heading": "Thêm chức danh vào danh mục",
        "submit": "Thêm chức danh",
        "back": reverse("cadres:title_list"),
        "back_label": "Danh mục chức danh",
    }
    if not provinces:
        return render(
            request,
            "cadres/title_form.html",
            {
                **context,
                "form": None,
                "notice": "Bạn chưa được giao ghi danh mục chức danh của tỉnh nào (quyền ghi trên đảng bộ tỉnh).",
            },
        )
    initial = {"province": next(iter(provinces)), "valid_from": policy.today()}
    form = TitleForm(request.POST or None, initial=initial, provinces=provinces)
    return form_page(
        request,
        form,
        template="cadres/title_form.html",
        context=context,
        on_error=_apply,
        once=reverse("cadres:title_list"),
        write=lambda d: services.title_create(
            actor=request.user, province_id=d["province"], data=form.title_input(), valid_from=d["valid_from"]
        ),
        success=lambda t: f"Đã thêm chức danh «{t.name}» ({t.code}) {services.title_period(t)}.",
        url_of=lambda t: reverse("cadres:title_detail", kwargs={"pk": t.pk}),
    )


@login_required
def title_change(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the title from a date; the form starts from the version in force."""
    title = _writable_title(request, pk)
    history = title_history(actor=request.user, pk=pk)
    current = history.last
    if current.valid_to is not None:
        messages.error(request, f"Chức danh «{current.name}» đã bãi bỏ; không sửa đổi được.")
        return redirect("cadres:title_detail", pk=pk)
    form = TitleForm(request.POST or None, initial=title_initial(current))
    return form_page(
        request,
        form,
        template="cadres/title_form.html",
        on_error=_apply,
        context={
            "heading": f"Sửa đổi chức danh «{current.name}» ({current.code})",
            "submit": "Ghi sửa đổi",
            "back": reverse("cadres:title_detail", kwargs={"pk": pk}),
            "back_label": "Lịch sử chức danh",
            "intro": f"Phiên bản đang áp dụng {services.title_period(current)}. Nội dung mới có hiệu lực từ "
            "ngày ghi dưới đây; phiên bản cũ kết thúc vào ngày hôm trước và được giữ lại trong lịch sử.",
        },
        write=lambda d: services.title_change(
            actor=request.user, title=title, data=form.title_input(current.code), valid_from=d["valid_from"]
        ),
        success=lambda t: f"Đã ghi sửa đổi chức danh «{t.name}» từ ngày {t.valid_from:%d/%m/%Y}.",
        url_of=lambda t: reverse("cadres:title_detail", kwargs={"pk": t.pk}),
    )


@login_required
def title_abolish(request: HttpRequest, pk: int) -> HttpResponse:
    """End the title on a date, with the title that takes its place (if any)."""
    title = _writable_title(request, pk)
    current = title_history(actor=request.user, pk=pk).last
    if current.valid_to is not None:
        messages.error(request, f"Chức danh «{current.name}» đã bãi bỏ.")
        return redirect("cadres:title_detail", pk=pk)
    form = TitleAbolishForm(request.POST or None, title=current)
    return form_page(
        request,
        form,
        template="cadres/title_form.html",
        on_error=_apply,
        context={
            "heading": f"Bãi bỏ chức danh «{current.name}» ({current.code})",
            "submit": "Bãi bỏ chức danh",
            "back": reverse("cadres:title_detail", kwargs={"pk": pk}),
            "back_label": "Lịch sử chức danh",
            "intro": f"Phiên bản đang áp dụng {services.title_period(current)}. Chức danh và lịch sử của nó "
            "được giữ lại; người đang giữ chức danh thôi giữ từ ngày hôm sau.",
        },
        write=lambda d: services.title_abolish(
            actor=request.user,
            title=title,
            valid_to=d["valid_to"],
            successor=d.get("successor"),
            source=d.get("source") or "",
        ),
        success=lambda t: f"Đã bãi bỏ chức danh «{t.name}» sau ngày {t.valid_to:%d/%m/%Y}.",
        url_of=lambda t: reverse("cadres:title_detail", kwargs={"pk": t.pk}),
    )


@login_required
def title_import(request: HttpRequest) -> HttpResponse:
    """A catalogue from an XLSX/CSV file: dry run, then all rows or none (cadres.importer)."""
    _require_record(request.user)
    return upload_page(
        request,
        template="cadres/title_import.html",
        title="Nhập danh mục chức danh từ tệp",
        run=lambda path, filename, apply: importer.title_import(
            path, actor=request.user, filename=filename, apply=apply
        ),
        done_url=reverse("cadres:title_list"),
        done_message=lambda r: f"Đã nhập {vn_int(r.created)} chức danh.",
    )


@login_required
def title_import_template(request: HttpRequest) -> HttpResponse:
    _require_record(request.user)
    response = HttpResponse(
        importer.build_title_template(importer.example_province_code(request.user)), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-danh-muc-chuc-danh.xlsx"'
    return response
