"""Forms of the transfer pages (chuyển sinh hoạt đảng)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from dangbo.core.forms import VNDateField
from dangbo.core.once import OnceForm
from dangbo.members.services import MEMBER_ORG_TYPES
from dangbo.members.transfers import LetterInput
from dangbo.orgs.forms import OrgPickField, VNForm, bind_pickers


class LetterForm(OnceForm, VNForm):
    kind = forms.ChoiceField(
        label="Hình thức",
        choices=[("official", "Chuyển sinh hoạt đảng chính thức"), ("temporary", "Chuyển sinh hoạt đảng tạm thời")],
    )
    letter_number = forms.CharField(label="Số giấy giới thiệu", max_length=60)
    on = VNDateField(label="Ngày cấp giấy giới thiệu")
    issued_by = forms.CharField(label="Cấp ủy cấp giấy", max_length=255, required=False)
    to_org = OrgPickField(
        label="Nơi đến (tổ chức đảng trong hệ thống)",
        required=False,
        everywhere=True,
        placeholder="Gõ tên tổ chức đảng nơi đến (mọi tổ chức trong hệ thống)…",
        help_text="Tìm trong toàn hệ thống, không chỉ trong phạm vi của bạn.",
    )
    to_text = forms.CharField(
        label="Nơi đến ngoài hệ thống",
        max_length=255,
        required=False,
        help_text="Chỉ ghi khi nơi đến không dùng hệ thống này; đảng viên ra khỏi danh sách "
        "của tổ chức từ ngày cấp giấy.",
    )
    until = VNDateField(
        label="Sinh hoạt tạm thời đến ngày",
        required=False,
        help_text="Chỉ với sinh hoạt tạm thời: từ 3 tháng đến dưới 1 năm; đi học tập trung đến 2 năm.",
    )
    study = forms.BooleanField(label="Đi học tập trung (sinh hoạt tạm thời đến 2 năm)", required=False)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor, at: date, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, actor=actor, at=at)
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        on = data.get("on")
        if on and on > timezone.localdate():
            self.add_error("on", "«Ngày cấp giấy giới thiệu» không được sau ngày hôm nay.")
        return data

    def letter(self) -> LetterInput:
        d = self.cleaned_data
        return LetterInput(
            on=d["on"],
            letter_number=d["letter_number"],
            issued_by=d.get("issued_by", ""),
            to_org=d.get("to_org"),
            to_text=d.get("to_text", ""),
            temporary=d["kind"] == "temporary",
            until=d.get("until"),
            study=bool(d.get("study")),
            note=d.get("note", ""),
        )


class ReceiveForm(VNForm):
    cell = OrgPickField(
        label="Chi bộ tiếp nhận", action="record", types=MEMBER_ORG_TYPES, placeholder="Gõ tên chi bộ tiếp nhận để tìm…"
    )
    on = VNDateField(label="Ngày tiếp nhận")

    def __init__(self, *args, cells: list[tuple[int, str]], actor, at: date, **kwargs):
        if len(cells) == 1:
            kwargs.setdefault("initial", {}).setdefault("cell", cells[0][0])
        super().__init__(*args, **kwargs)
        bind_pickers(self, actor=actor, at=at)
        self.fields["cell"].allowed = {int(pk) for pk, _ in cells}  # the cells under the destination
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        on = data.get("on")
        if on and on > timezone.localdate():
            self.add_error("on", "«Ngày tiếp nhận» không được sau ngày hôm nay.")
        return data


class ReturnForm(VNForm):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
