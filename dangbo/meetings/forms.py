from __future__ import annotations

from django import forms

from dangbo.core.forms import VNDateField
from dangbo.core.once import OnceForm
from dangbo.meetings.models import Kind


class MeetingForm(OnceForm):
    org = forms.TypedChoiceField(label="Chi bộ", coerce=int)
    kind = forms.ChoiceField(label="Loại sinh hoạt", choices=Kind.choices, initial=Kind.MONTHLY)
    held_on = VNDateField(label="Ngày họp")
    agenda = forms.CharField(label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    resolution = forms.CharField(label="Nghị quyết, kết luận", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guests = forms.CharField(label="Khách mời", required=False, max_length=500)

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = list(org_choices)
