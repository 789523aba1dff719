from __future__ import annotations

from django import forms

from dangbo.orgs.forms import VNForm


class ExportForm(VNForm):
    muc_dich = forms.CharField(
        label="Mục đích xuất dữ liệu",
        max_length=255,
        error_messages={"required": "Phải nêu mục đích xuất dữ liệu."},
        help_text="Ghi vào nhật ký và vào dòng đầu của tệp (R-165).",
    )
    dinh_dang = forms.ChoiceField(
        label="Định dạng", choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV (Excel tiếng Việt)")], initial="xlsx"
    )
