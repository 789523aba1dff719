"""Pages of the enterprise register (R-014) under /to-chuc/doanh-nghiep/: the list as of a date
with the count of enterprises with and without a party organization (by sector), recording an
enterprise, linking the party organization set up in it. Organizations are chosen with the
scoped picker (core.forms.OrgPicker); everything goes through the access policy."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.policy import can
from dangbo.core.errors import DomainError
from dangbo.core.forms import OrgPicker, VNDateField, apply_domain_error, as_of_date
from dangbo.core.once import AlreadySubmitted, OnceForm, run_once
from dangbo.core.reference import choices, label
from dangbo.orgs import enterprises
from dangbo.orgs.forms import VNForm
from dangbo.orgs.models import Enterprise, Organization
from dangbo.orgs.selectors import org_labels_on, org_picker_labels_on


class _PickerForm(VNForm):
    """Organization fields with the scoped picker: an id the actor may `action`, else refused."""

    picker_fields: tuple[tuple[str, str], ...] = ()  # (field, action)

    def __init__(self, *args, actor, at: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor, self.at = actor, at
        source = self.data if self.is_bound else self.initial
        ids = [
            int(str(source.get(n)))
            for n, _ in self.picker_fields
            if str(source.get(n) or "").isdigit() and len(str(source.get(n))) < 19
        ]
        labels = org_picker_labels_on(org_ids=ids, at=at) if ids else {}
        for name, action in self.picker_fields:
            self.fields[name].widget = OrgPicker(action=action)
            self.fields[name].widget.labels = labels

    def _in_scope(self, name: str, action: str) -> Organization | None:
        pk = self.cleaned_data.get(name)
        if pk is None:
            return None
        if pk > 2**62 or not can(self.actor, action, pk):
            raise forms.ValidationError(f"«{self.fields[name].label}»: không có tổ chức này trong phạm vi của bạn.")
        return Organization.objects.get(pk=pk)


class EnterpriseForm(OnceForm, _PickerForm):
    name = forms.CharField(label="Tên doanh nghiệp", max_length=255)
    tax_code = forms.CharField(label="Mã số thuế", max_length=20, required=False)
    sector = forms.ChoiceField(label="Khu vực, loại hình")
    locality = forms.IntegerField(label="Địa bàn (tổ chức đảng xã, phường quản lý)", min_value=1)
    employees = forms.IntegerField(label="Số lao động", required=False, min_value=0, max_value=10_000_000)
    registered_on = VNDateField(label="Hoạt động từ ngày")

    picker_fields = (("locality", "record"),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "— Chọn khu vực, loại hình —"), *choices("org_sectors")]

    def clean_locality(self):
        return self._in_scope("locality", "record")


class PartyOrgForm(_PickerForm):
    party_org = forms.IntegerField(label="Tổ chức đảng trong doanh nghiệp", min_value=1)
    on = VNDateField(label="Có tổ chức đảng từ ngày")

    picker_fields = (("party_org", "record"),)

    def clean_party_org(self):
        return self._in_scope("party_org", "record")


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view"):
        raise PermissionDenied("Bạn không có quyền xem trang này.")
    at = as_of_date(request)
    qs = enterprises.active_on(policy.for_user(Enterprise, request.user), at)
    which = request.GET.get("co_to_chuc", "")
    counts = enterprises.counts_of(qs, at)
    if which == "1":
        qs = qs.filter(enterprises.with_party_org_q(at))
    elif which == "0":
        qs = qs.exclude(enterprises.with_party_org_q(at))
    page = Paginator(qs.order_by("name", "pk"), 50).get_page(request.GET.get("trang"))
    rows = list(page.object_list)
    names = org_labels_on(
        keys=[(e.locality_id, at) for e in rows] + [(e.party_org_id, at) for e in rows if e.party_org_id]
    )
    sectors = [
        {"label": label("org_sectors", code), "total": n, "linked": k, "without": n - k}
        for code, _ in choices("org_sectors")
        if (n := counts.by_sector.get(code, (0, 0))[0])
        for k in [counts.by_sector[code][1]]
    ]
    return render(
        request,
        "orgs/enterprise_list.html",
        {
            "at": at,
            "counts": counts,
            "sectors": sectors,
            "page": page,
            "which": which,
            "rows": [
                {
                    "e": e,
                    "locality": names.get((e.locality_id, at), ""),
                    "party_org": names.get((e.party_org_id, at), "") if e.has_party_org_on(at) else "",
                }
                for e in rows
            ],
            "can_record": can(request.user, "record"),
        },
    )


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi doanh nghiệp.")
    at = as_of_date(request)
    form = EnterpriseForm(request.POST or None, actor=request.user, at=at)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            e = run_once(
                d.get("form_token"),
                actor=request.user,
                create=lambda: enterprises.enterprise_register(
                    actor=request.user,
                    name=d["name"],
                    sector=d["sector"],
                    locality=d["locality"],
                    registered_on=d["registered_on"],
                    employees=d.get("employees"),
                    tax_code=d.get("tax_code", ""),
                ),
                url_of=lambda e: reverse("orgs:enterprise_party_org", args=[e.pk]),
            )
        except AlreadySubmitted as sent:
            messages.info(request, "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa.")
            return redirect(sent.url or reverse("orgs:enterprise_list"))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã ghi doanh nghiệp {e.name}.")
            return redirect("orgs:enterprise_list")
    return render(request, "orgs/enterprise_form.html", {"form": form, "title": "Ghi doanh nghiệp", "enterprise": None})


@login_required
def enterprise_party_org(request: HttpRequest, pk: int) -> HttpResponse:
    e = policy.get_in_scope_or_404(Enterprise, request.user, pk)
    if not can(request.user, "record", e.locality_id):
        raise PermissionDenied("Bạn không có quyền ghi doanh nghiệp này.")
    at = as_of_date(request)
    form = PartyOrgForm(
        request.POST or None, actor=request.user, at=at, initial={"party_org": e.party_org_id, "on": e.party_org_from}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            enterprises.enterprise_link_party_org(
                actor=request.user, enterprise=e, party_org=d["party_org"], on=d["on"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã gắn tổ chức đảng cho doanh nghiệp {e.name}.")
            return redirect("orgs:enterprise_list")
    return render(
        request,
        "orgs/enterprise_form.html",
        {"form": form, "title": "Tổ chức đảng trong doanh nghiệp", "enterprise": e},
    )


class EnterpriseChangeForm(_PickerForm):
    """A dated change of an enterprise: only the fields filled in (and different) change."""

    on = VNDateField(label="Thay đổi từ ngày")
    name = forms.CharField(label="Tên doanh nghiệp", max_length=255, required=False)
    tax_code = forms.CharField(label="Mã số thuế", max_length=20, required=False)
    sector = forms.ChoiceField(label="Khu vực, loại hình", required=False)
    employees = forms.IntegerField(label="Số lao động", required=False, min_value=0, max_value=10_000_000)
    locality = forms.IntegerField(label="Địa bàn (tổ chức đảng xã, phường quản lý)", min_value=1, required=False)
    reason = forms.CharField(
        label="Lý do, căn cứ thay đổi", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    picker_fields = (("locality", "record"),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "— Giữ nguyên —"), *choices("org_sectors")]

    def clean_locality(self):
        return self._in_scope("locality", "record")


class EnterpriseCloseForm(VNForm):
    on = VNDateField(label="Ngừng hoạt động từ ngày")
    reason = forms.CharField(
        label="Lý do ngừng hoạt động",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ví dụ: giải thể, phá sản, sáp nhập vào doanh nghiệp khác.",
    )


def _recordable(request: HttpRequest, pk: int) -> Enterprise:
    e = policy.get_in_scope_or_404(Enterprise, request.user, pk)
    if not can(request.user, "record", e.locality_id):
        raise PermissionDenied("Bạn không có quyền ghi doanh nghiệp này.")
    return e


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise with its history: registration, every dated change and its closing."""
    e = policy.get_in_scope_or_404(Enterprise, request.user, pk)
    changes = list(e.changes.select_related("created_by").order_by("on", "pk"))
    ids = {e.locality_id} | {c.before.get("locality") for c in changes} | {c.after.get("locality") for c in changes}
    ids.discard(None)
    at = as_of_date(request)
    names = {oid: name for (oid, _), name in org_labels_on(keys=[(oid, at) for oid in ids]).items()}
    sectors = dict(choices("org_sectors"))

    def shown(field: str, value) -> str:
        if value is None or value == "":
            return "—"
        if field == "sector":
            return sectors.get(value, value)
        if field == "locality":
            return names.get(value, str(value))
        if field == "employees":
            return f"{value:,}".replace(",", ".")
        return str(value)

    history = [
        {
            "c": c,
            "fields": [
                (enterprises.EDITABLE.get(k, k), shown(k, c.before.get(k)), shown(k, v))
                for k, v in c.after.items()
                if k in enterprises.EDITABLE
            ],
        }
        for c in changes
    ]
    return render(
        request,
        "orgs/enterprise_detail.html",
        {
            "e": e,
            "history": history,
            "locality": names.get(e.locality_id, ""),
            "can_record": can(request.user, "record", e.locality_id),
        },
    )


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    e = _recordable(request, pk)
    at = as_of_date(request)
    form = EnterpriseChangeForm(request.POST or None, actor=request.user, at=at)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            enterprises.enterprise_change(
                actor=request.user,
                enterprise=e,
                on=d["on"],
                reason=d.get("reason", ""),
                name=d.get("name") or None,
                tax_code=d.get("tax_code") or None,
                sector=d.get("sector") or None,
                employees=d.get("employees"),
                locality=d.get("locality"),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã ghi thay đổi của doanh nghiệp {e.name} từ ngày {d['on']:%d/%m/%Y}.")
            return redirect("orgs:enterprise_detail", pk=e.pk)
    return render(
        request,
        "orgs/enterprise_form.html",
        {"form": form, "title": "Thay đổi thông tin doanh nghiệp", "enterprise": e},
    )


@login_required
def enterprise_close(request: HttpRequest, pk: int) -> HttpResponse:
    e = _recordable(request, pk)
    form = EnterpriseCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            enterprises.enterprise_close(actor=request.user, enterprise=e, on=d["on"], reason=d["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Đã ghi doanh nghiệp {e.name} ngừng hoạt động từ ngày {d['on']:%d/%m/%Y}.")
            return redirect("orgs:enterprise_detail", pk=e.pk)
    return render(
        request, "orgs/enterprise_form.html", {"form": form, "title": "Doanh nghiệp ngừng hoạt động", "enterprise": e}
    )
