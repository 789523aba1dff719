from __future__ import annotations

from django import forms

from dangbo.notifications.models import NoticeKind


class NoticeForm(forms.Form):
    org = forms.TypedChoiceField(label="Gửi đảng viên thuộc", coerce=int)
    kind = forms.ChoiceField(label="Loại", choices=NoticeKind.choices, initial=NoticeKind.NOTICE)
    title = forms.CharField(label="Tiêu đề", max_length=300)
    document_number = forms.CharField(label="Số, ký hiệu văn bản", max_length=60, required=False)
    body = forms.CharField(label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = list(org_choices)
        self.fields["title"].error_messages["required"] = "Phải nhập tiêu đề thông báo."
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm",
            )
