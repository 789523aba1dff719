"""Forms of the dues pages: a member's declaration (category, base, from which month, date and
source) and a deferral / exemption (months, reason, decision). Months are typed mm/yyyy."""

from __future__ import annotations

import re
from datetime import date

from django import forms

from dangbo.core.forms import VNDateField
from dangbo.dues.models import Category, ReliefKind

_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")


class MonthField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "mm/yyyy", "inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        m = _MONTH.match(text.strip())
        if not m or not 1 <= int(m[1]) <= 12 or not 2000 <= int(m[2]) <= 2100:
            raise forms.ValidationError(f"«{self.label}»: ghi tháng/năm, ví dụ 03/2026.")
        return date(int(m[2]), int(m[1]), 1)


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(f.widget, forms.CheckboxInput)
                else (
                    "form-select form-select-sm"
                    if isinstance(f.widget, forms.Select)
                    else "form-control form-control-sm"
                )
            )
            f.widget.attrs["class"] = css


class DeclarationForm(_Styled):
    category = forms.ChoiceField(label="Đối tượng đóng đảng phí", choices=Category.choices)
    base = forms.IntegerField(
        label="Mức thu nhập kê khai (đồng/tháng)",
        required=False,
        min_value=1,
        help_text="Chỉ với lương đóng BHXH, trợ cấp ốm đau/thai sản, lương hưu.",
    )
    valid_from = MonthField(label="Áp dụng từ tháng")
    declared_on = VNDateField(label="Ngày kê khai")
    source = forms.CharField(label="Nguồn (bản kê khai của đảng viên)", max_length=255)
    hardship = forms.BooleanField(label="Giảm mức đóng do khó khăn", required=False)


class ReliefForm(_Styled):
    kind = forms.ChoiceField(label="Loại", choices=ReliefKind.choices)
    from_month = MonthField(label="Từ tháng")
    to_month = MonthField(label="Đến tháng")
    reason = forms.CharField(label="Lý do", max_length=255)
    decision_no = forms.CharField(label="Số quyết định / biên bản", max_length=60)
    decided_on = VNDateField(label="Ngày quyết định")


class MonthCloseForm(forms.Form):
    """Closing an organization's month (the sheet's and the ledger's button): which month, and
    which page to go back to."""

    org = forms.IntegerField(widget=forms.HiddenInput)
    thang = MonthField(label="Tháng")
    quay_lai = forms.CharField(required=False, widget=forms.HiddenInput)


class MonthReopenForm(MonthCloseForm):
    """Reopening a closed month: its reason (checked by the service, which names the field)."""

    ly_do = forms.CharField(label="Lý do mở lại sổ", required=False, max_length=255)
