"""Forms of the organization pages: restructuring operations with their decision.

`VNForm` gives every field Bootstrap classes and Vietnamese error messages that name the field
(«Số quyết định»: ...), so the members forms use it too.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from dangbo.core.forms import FastSelect, VNDateField
from dangbo.core.once import OnceForm
from dangbo.core.reference import choices
from dangbo.orgs import membership
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.selectors import org_choices_on, org_version_on
from dangbo.orgs.services import Decision
from dangbo.orgs.visibility import scope_orgs


class VNForm(forms.Form):
    """Bootstrap widgets and Vietnamese messages naming the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = field.label or ""
            choosing = isinstance(field, forms.ChoiceField)
            messages = {
                "required": f"Chưa {'chọn' if choosing else 'nhập'} «{label}».",
                "invalid": f"«{label}»: giá trị không hợp lệ.",
                "invalid_choice": f"«{label}»: lựa chọn không hợp lệ.",
                "invalid_list": f"«{label}»: lựa chọn không hợp lệ.",
                "max_length": f"«{label}»: tối đa %(limit_value)d ký tự.",
                "min_value": f"«{label}»: không được nhỏ hơn %(limit_value)s.",
                "max_value": f"«{label}»: không được lớn hơn %(limit_value)s.",
            }
            if isinstance(field, forms.DateField):
                messages["invalid"] = f"«{label}»: ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."
            if isinstance(field, forms.IntegerField):
                messages["invalid"] = f"«{label}»: phải là một số nguyên."
            field.error_messages.update(messages)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
                if type(widget) is forms.Select:  # same HTML, without a template per option
                    widget.__class__ = FastSelect
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(field, forms.DateField):
                widget.attrs.setdefault("inputmode", "numeric")
                widget.attrs.setdefault("autocomplete", "off")

    def add_error(self, field, error):
        super().add_error(field, error)
        if field and field in self.fields:
            widget = self.fields[field].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class DecisionForm(OnceForm, VNForm):
    """The decision that makes a change and the day it takes effect."""

    on = VNDateField(label="Ngày hiệu lực")
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = VNDateField(label="Ngày quyết định")
    decision_body = forms.CharField(label="Cơ quan ban hành", max_length=255)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    decision_field_names = ("on", "decision_number", "decision_date", "decision_body", "note")

    def __init__(self, *args, actor, org: Organization, at: date, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", at)
        super().__init__(*args, **kwargs)
        self.actor, self.org, self.at = actor, org, at

    def clean(self):
        data = super().clean()
        if data.get("decision_date") and data.get("decision_date") > timezone.localdate():
            self.add_error("decision_date", "«Ngày quyết định» không được sau ngày hôm nay.")
        return data

    def decision(self) -> Decision:
        d = self.cleaned_data
        return Decision(number=d["decision_number"], date=d["decision_date"], body=d["decision_body"],
                        note=d.get("note", ""))

    def operation_fields(self):
        return [self[name] for name in self.fields if name not in self.decision_field_names]

    def decision_fields(self):
        return [self[name] for name in self.decision_field_names]


def _org(pk: str) -> Organization:
    return Organization.objects.get(pk=int(pk))


SECTOR_HELP = ("Khu vực, loại hình của đơn vị nơi lập tổ chức đảng (R-014); để trống thì tính theo khu vực "
               "của tổ chức cấp trên.")


class OrgEstablishForm(DecisionForm):
    code = forms.CharField(label="Mã tổ chức", max_length=40)
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=120, required=False)
    org_type = forms.ChoiceField(label="Loại tổ chức")
    sector = forms.ChoiceField(label="Khu vực, loại hình đơn vị", required=False, help_text=SECTOR_HELP)

    field_order = ["code", "name", "short_name", "org_type", "sector"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_type"].choices = [("", "— Chọn loại tổ chức —"), *choices("org_types")]
        self.fields["sector"].choices = [("", "— Theo tổ chức cấp trên —"), *choices("org_sectors")]


class OrgSectorForm(DecisionForm):
    sector = forms.ChoiceField(label="Khu vực, loại hình đơn vị mới", required=False, help_text=SECTOR_HELP)

    field_order = ["sector"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "— Không ghi (theo tổ chức cấp trên) —"), *choices("org_sectors")]
        v = org_version_on(org_id=self.org.pk, at=self.at)
        if v is not None and not self.is_bound:
            self.initial.setdefault("sector", v.sector)


class OrgRenameForm(DecisionForm):
    name = forms.CharField(label="Tên mới", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt mới", max_length=120, required=False)
    org_type = forms.ChoiceField(label="Loại tổ chức mới (nếu thay đổi)", required=False)

    field_order = ["name", "short_name", "org_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_type"].choices = [("", "— Giữ nguyên —"), *choices("org_types")]


class OrgMoveForm(DecisionForm):
    new_parent = forms.ChoiceField(label="Trực thuộc tổ chức cấp trên mới")

    field_order = ["new_parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        v = org_version_on(org_id=self.org.pk, at=self.at)
        options = org_choices_on(actor=self.actor, at=self.at, action="restructure",
                                 exclude_path=v.path if v else "")
        current_parent = v.parent_id if v else None
        self.fields["new_parent"].choices = [("", "— Chọn tổ chức cấp trên —")] + [
            (str(pk), name) for pk, name in options if pk != current_parent
        ]

    def clean_new_parent(self) -> Organization:
        return _org(self.cleaned_data["new_parent"])


class OrgMergeForm(DecisionForm):
    sources = forms.MultipleChoiceField(
        label="Các tổ chức được hợp nhất vào tổ chức này", widget=forms.CheckboxSelectMultiple
    )

    field_order = ["sources"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        v = org_version_on(org_id=self.org.pk, at=self.at)
        siblings = OrgVersion.objects.none()
        if v is not None:
            siblings = scope_orgs(
                OrgVersion.objects.valid_on(self.at).filter(parent_id=v.parent_id).exclude(org_id=self.org.pk),
                self.actor, field="org_id", action="restructure",
            ).order_by("name")
        self.fields["sources"].choices = [(str(s.org_id), s.name) for s in siblings]
        self.fields["sources"].help_text = "Các tổ chức cùng cấp (cùng tổ chức cấp trên) vào ngày đang xem."

    def clean_sources(self) -> list[Organization]:
        ids = [int(pk) for pk in self.cleaned_data["sources"]]
        return list(Organization.objects.filter(pk__in=ids).order_by("pk"))


class OrgSplitForm(DecisionForm):
    code = forms.CharField(label="Mã tổ chức mới", max_length=40)
    name = forms.CharField(label="Tên tổ chức mới", max_length=255)
    member_ids = forms.MultipleChoiceField(
        label="Đảng viên chuyển sang tổ chức mới", widget=forms.CheckboxSelectMultiple, required=False
    )
    end_source = forms.BooleanField(
        label="Kết thúc hoạt động tổ chức cũ (phải phân hết đảng viên sang tổ chức mới)", required=False
    )

    field_order = ["code", "name", "member_ids", "end_source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = membership.member_ids_on(org_id=self.org.pk, at=self.at)
        self.fields["member_ids"].choices = [(str(pk), label) for pk, label in membership.choices(ids)]

    def clean_member_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["member_ids"]]


class OrgDissolveForm(DecisionForm):
    confirm = forms.BooleanField(label="Tôi xác nhận giải thể / kết thúc hoạt động tổ chức này")

    field_order = ["confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].error_messages["required"] = "Hãy đánh dấu «xác nhận» để giải thể tổ chức."


class OrgEventVoidForm(VNForm):
    reason = forms.CharField(label="Lý do hủy", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
