from __future__ import annotations

from django import forms

from dangbo.core.forms import VNDateField
from dangbo.notifications.models import ChannelKind, NoticeKind


class NoticeForm(forms.Form):
    org = forms.TypedChoiceField(label="Gửi đảng viên thuộc", coerce=int)
    kind = forms.ChoiceField(label="Loại", choices=NoticeKind.choices, initial=NoticeKind.NOTICE)
    title = forms.CharField(label="Tiêu đề", max_length=300)
    document_number = forms.CharField(label="Số, ký hiệu văn bản", max_length=60, required=False)
    body = forms.CharField(label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    study_due = VNDateField(label="Hạn hoàn thành học tập (đợt học tập nghị quyết)", required=False)

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = list(org_choices)
        self.fields["title"].error_messages["required"] = "Phải nhập tiêu đề thông báo."
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm",
            )


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs.setdefault("class", "form-check-input")
        else:
            f.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm",
            )


class ChannelForm(forms.Form):
    """A new delivery channel of an organization (the address is checked by the service)."""

    kind = forms.ChoiceField(label="Loại kênh", choices=ChannelKind.choices)
    label = forms.CharField(label="Tên kênh", max_length=120, required=False)
    target = forms.CharField(
        label="Địa chỉ nhận (thư điện tử hoặc URL webhook)",
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].error_messages["required"] = "Phải nhập địa chỉ nhận (thư điện tử hoặc URL webhook)."
        self.fields["target"].error_messages["max_length"] = "Địa chỉ nhận dài quá 500 ký tự."
        _style(self)


class ChannelEditForm(forms.Form):
    """A channel's name, a new address (empty: kept as it is) and whether it is used."""

    label = forms.CharField(label="Tên kênh", max_length=120, required=False)
    target = forms.CharField(
        label="Địa chỉ nhận mới (để trống: giữ nguyên)",
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    enabled = forms.BooleanField(label="Đang dùng", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].error_messages["max_length"] = "Địa chỉ nhận dài quá 500 ký tự."
        _style(self)


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label="Nhận thông báo qua thư điện tử", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class StudyRecordForm(forms.Form):
    """The officer ticks the members who completed a study campaign, and the day they did."""

    on = VNDateField(label="Ngày hoàn thành")
    members = forms.TypedMultipleChoiceField(
        label="Đảng viên đã hoàn thành", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = list(member_choices)
        self.fields["members"].error_messages["required"] = "Chọn ít nhất một đảng viên đã hoàn thành học tập."
        self.fields["on"].widget.attrs.setdefault("class", "form-control form-control-sm")
