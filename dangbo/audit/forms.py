"""The search form of the audit log (GET, works without JavaScript)."""

from __future__ import annotations

from django import forms

from dangbo.audit.selectors import EntryFilters
from dangbo.core.forms import VNDateField
from dangbo.core.text import nfc


class EntrySearchForm(forms.Form):
    actor = forms.CharField(label="Người thực hiện", required=False, max_length=150)
    action = forms.CharField(
        label="Hành động",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "vd. member. / read. / org.merged"}),
    )
    object_type = forms.CharField(
        label="Loại đối tượng",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "vd. members.member"}),
    )
    object_id = forms.CharField(label="Mã đối tượng", required=False, max_length=40)
    date_from = VNDateField(label="Từ ngày", required=False)
    date_to = VNDateField(label="Đến ngày", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Đến ngày phải sau hoặc bằng Từ ngày.")
        return data

    def filters(self) -> EntryFilters:
        """The valid filters (an invalid form filters nothing but shows its errors)."""
        if not self.is_valid():
            return EntryFilters()
        d = self.cleaned_data
        return EntryFilters(
            actor=nfc(d["actor"]).strip(),
            action=d["action"].strip(),
            object_type=d["object_type"].strip(),
            object_id=d["object_id"].strip(),
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
