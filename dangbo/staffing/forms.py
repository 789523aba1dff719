"""Forms of the staffing pages (Vietnamese labels, dd/mm/yyyy dates)."""

from __future__ import annotations

from django import forms

from dangbo.access import policy
from dangbo.core.forms import VNDateField
from dangbo.staffing.models import Agency, StaffingCategory


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return getattr(obj, "shown_name", None) or str(obj)


def _agencies(actor, action: str):
    return policy.for_user(Agency, actor, action).prefetch_related("versions").order_by("code")


class AllocationForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    receiving = AgencyChoice(label="Cơ quan được giao", queryset=Agency.objects.none())
    category = forms.ModelChoiceField(label="Loại biên chế", queryset=StaffingCategory.objects.all())
    number = forms.IntegerField(label="Số biên chế", min_value=0, max_value=10_000_000)
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = VNDateField(label="Ngày quyết định")
    effective_from = VNDateField(label="Hiệu lực từ ngày", required=False,
                                 help_text="Để trống: từ ngày quyết định. Quyết định giữa năm thay thế quyết định trước từ ngày này.")
    allocating_label = forms.CharField(label="Cấp giao (chỉ khi cơ quan nhận từ cấp trên hệ thống)", max_length=200,
                                       required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving"].queryset = _agencies(actor, "view")


class HeadcountForm(forms.Form):
    category = forms.ModelChoiceField(label="Loại biên chế", queryset=StaffingCategory.objects.all())
    on = VNDateField(label="Tính đến ngày")
    count = forms.IntegerField(label="Số người thực có", min_value=0, max_value=10_000_000)
    source = forms.CharField(label="Nguồn số liệu", max_length=255)


class ExportForm(forms.Form):
    purpose = forms.CharField(label="Mục đích xuất dữ liệu", max_length=255)


class HeadcountImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)")
    on = VNDateField(label="Tính đến ngày (khi dòng không ghi ngày)")
    source = forms.CharField(label="Nguồn số liệu (khi dòng không ghi nguồn)", max_length=255)
    apply = forms.BooleanField(label="Ghi vào cơ sở dữ liệu (bỏ trống: chỉ kiểm tra)", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx")
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError("Tệp không quá 5 MB")
        return f
