from __future__ import annotations

from django import forms

from dangbo.access.services import TOKEN_MAX_DAYS


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực (6 chữ số)",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-center",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": "Nhập mã 6 chữ số.",
            "min_length": "Mã gồm 6 chữ số.",
            "max_length": "Mã gồm 6 chữ số.",
        },
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("Mã chỉ gồm chữ số.")
        return code


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "VD: Báo cáo tự động"}),
    )
    days = forms.IntegerField(
        label="Thời hạn (ngày)",
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=90,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
