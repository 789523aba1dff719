from __future__ import annotations

from django import forms

MAX_UPLOAD = 200 * 1024 * 1024  # a 500,000-row XLSX is ~40 MB; leave room for CSV


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp danh sách đảng viên (.xlsx hoặc .csv)")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("Tệp quá lớn (tối đa 200 MB).")
        return f
