from __future__ import annotations

from django import forms
from django.utils import timezone

from dangbo.access.policy import can
from dangbo.core.once import OnceForm
from dangbo.imports.models import ImportJob
from dangbo.orgs.forms import OrgPickField, bind_pickers

MAX_UPLOAD = 200 * 1024 * 1024  # a 500,000-row XLSX is ~40 MB; leave room for CSV


class UploadForm(OnceForm):
    """The upload of a file to import. One-time token (core.once): a double submit checks the file
    once. «under»: the scoped organization picker (the organizations the user may record in)."""

    kind = forms.ChoiceField(
        label="Dữ liệu nhập",
        choices=ImportJob.Kind.choices,
        initial=ImportJob.Kind.MEMBERS,
        widget=forms.RadioSelect,
        required=False,
    )
    file = forms.FileField(label="Tệp danh sách (.xlsx hoặc .csv)")
    under = OrgPickField(
        label="Tổ chức cấp trên mà tệp nói về",
        required=False,
        action="record",
        placeholder="Gõ tên đảng bộ, chi bộ để tìm…",
        help_text="Ví dụ đảng bộ xã: tên chi bộ trong tệp (như «Chi bộ thôn Đông») chỉ được tìm "
        "trong tổ chức này. Để trống: tìm trong cả phạm vi của bạn.",
    )
    create_cells = forms.BooleanField(
        label="Lập chi bộ chưa có trong hệ thống (theo tên trong tệp) dưới tổ chức này", required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        bind_pickers(self, actor=user, at=timezone.localdate())

    def clean_kind(self):
        kind = self.cleaned_data["kind"] or ImportJob.Kind.MEMBERS
        right = "restructure" if kind == ImportJob.Kind.ORGS else "record"
        if self.user is not None and not can(self.user, right):
            raise forms.ValidationError("Bạn không có quyền nhập loại dữ liệu này.")
        return kind

    def clean(self):
        data = super().clean()
        if data.get("create_cells") and not data.get("under"):
            self.add_error("create_cells", "Hãy ghi tổ chức cấp trên để lập chi bộ mới dưới tổ chức đó.")
        if data.get("kind") == ImportJob.Kind.ORGS and (data.get("under") or data.get("create_cells")):
            self.add_error("under", "Chỉ dùng khi nhập danh sách đảng viên.")
        return data

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("Tệp quá lớn (tối đa 200 MB).")
        return f
