from __future__ import annotations

from django import forms

from dangbo.access.policy import can
from dangbo.imports.models import ImportJob

MAX_UPLOAD = 200 * 1024 * 1024  # a 500,000-row XLSX is ~40 MB; leave room for CSV


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="Dữ liệu nhập", choices=ImportJob.Kind.choices, initial=ImportJob.Kind.MEMBERS,
                             widget=forms.RadioSelect, required=False)
    file = forms.FileField(label="Tệp danh sách (.xlsx hoặc .csv)")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_kind(self):
        kind = self.cleaned_data["kind"] or ImportJob.Kind.MEMBERS
        right = "restructure" if kind == ImportJob.Kind.ORGS else "record"
        if self.user is not None and not can(self.user, right):
            raise forms.ValidationError("Bạn không có quyền nhập loại dữ liệu này.")
        return kind

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("Tệp quá lớn (tối đa 200 MB).")
        return f
