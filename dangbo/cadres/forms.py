"""Forms of the cadre pages (Vietnamese labels, dd/mm/yyyy dates)."""

from __future__ import annotations

import uuid

from django import forms

from dangbo.access import policy
from dangbo.cadres.models import ActionType, Cadre, PlanningTerm, Title
from dangbo.cadres.selectors import CadreFilters
from dangbo.core.forms import VNDateField


class CadreFilterForm(forms.Form):
    q = forms.CharField(label="Họ tên", required=False)
    nhom = forms.CharField(label="Nhóm chức danh", required=False)
    dien = forms.CharField(label="Diện quản lý", required=False)
    tuoi_tu = forms.IntegerField(label="Tuổi từ", required=False, min_value=0, max_value=120)
    tuoi_den = forms.IntegerField(label="Tuổi đến", required=False, min_value=0, max_value=120)
    quy_hoach = forms.ModelChoiceField(label="Trong quy hoạch chức danh", required=False,
                                       queryset=Title.objects.none())
    ngay = VNDateField(label="Tính đến ngày", required=False)
    nghi_huu = forms.IntegerField(label="Nghỉ hưu trong (tháng)", required=False, min_value=0, max_value=600)
    het_han = forms.IntegerField(label="Hết thời hạn bổ nhiệm trong (tháng)", required=False, min_value=0,
                                 max_value=600)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quy_hoach"].queryset = Title.objects.filter(planning_applies=True).order_by("code")

    def filters(self) -> CadreFilters:
        d = self.cleaned_data
        return CadreFilters(q=d.get("q") or "", title_group=d.get("nhom") or "", management_class=d.get("dien") or "",
                            age_min=d.get("tuoi_tu"), age_max=d.get("tuoi_den"),
                            planned_title_id=d["quy_hoach"].pk if d.get("quy_hoach") else None, at=d.get("ngay"),
                            retiring_months=d.get("nghi_huu"), term_ending_months=d.get("het_han"))


ACTION_CHOICES = [(v, label) for v, label in ActionType.choices if v != ActionType.CORRECTION]


class DecisionForm(forms.Form):
    """A decision with one action (the common case); `token` makes a double submit harmless."""

    token = forms.CharField(widget=forms.HiddenInput)
    number = forms.CharField(label="Số quyết định", max_length=60)
    signed_on = VNDateField(label="Ngày ký")
    body = forms.CharField(label="Cơ quan quyết định", max_length=255)
    cadre = forms.ModelChoiceField(label="Cán bộ", queryset=Cadre.objects.none())
    type = forms.ChoiceField(label="Nội dung", choices=ACTION_CHOICES)
    title = forms.ModelChoiceField(label="Chức danh", queryset=Title.objects.none(), required=False)
    on = VNDateField(label="Ngày hiệu lực")
    planned_months = forms.IntegerField(label="Thời gian dự kiến (tháng)", required=False, min_value=1,
                                        max_value=240)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = policy.for_user(Cadre, actor, "record").order_by("full_name")
        self.fields["title"].queryset = Title.objects.order_by("code", "valid_from")
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)


class PlanningTermChoice(forms.Form):
    term = forms.ModelChoiceField(label="Nhiệm kỳ", queryset=PlanningTerm.objects.all())


class PoliticalCaseForm(forms.Form):
    """A political-standard conclusion: the subject is a cadre or a person by name and birth date."""

    org = forms.ModelChoiceField(label="Cấp ủy kết luận", queryset=None)
    cadre = forms.ModelChoiceField(label="Cán bộ", required=False, queryset=Cadre.objects.none())
    subject_name = forms.CharField(label="Họ và tên (nếu không phải cán bộ)", required=False, max_length=200)
    subject_birth_date = VNDateField(label="Ngày sinh", required=False)
    purpose = forms.ChoiceField(label="Mục đích")
    relatives_checked = forms.CharField(label="Thân nhân đã thẩm tra (mỗi dòng một người)", required=False,
                                        widget=forms.Textarea(attrs={"rows": 4}))
    conclusion = forms.ChoiceField(label="Kết luận")
    conclusion_text = forms.CharField(label="Nội dung kết luận", required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    concluding_body = forms.CharField(label="Cơ quan kết luận", max_length=255)
    concluded_on = VNDateField(label="Ngày kết luận")

    def __init__(self, *args, actor, **kwargs):
        from dangbo.cadres.models import PoliticalConclusion, PoliticalPurpose
        from dangbo.orgs.models import Organization

        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = policy.for_user(Organization, actor, "record_political").order_by("code")
        self.fields["cadre"].queryset = policy.for_user(Cadre, actor).order_by("full_name")
        self.fields["purpose"].choices = PoliticalPurpose.choices
        self.fields["conclusion"].choices = PoliticalConclusion.choices
