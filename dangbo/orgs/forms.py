"""Forms of the organization pages: restructuring operations with their decision.

`VNForm` gives every field Bootstrap classes and Vietnamese error messages that name the field
(«Số quyết định»: ...), so the members forms use it too.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from dangbo.core.forms import FastSelect, MarksInvalid, OrgPicker, OrgPickMultipleField, VNDateField
from dangbo.core.once import OnceForm
from dangbo.core.reference import choices
from dangbo.orgs import membership
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.selectors import org_picker_labels_on, org_version_on
from dangbo.orgs.services import Decision
from dangbo.orgs.visibility import scope_orgs


class VNForm(MarksInvalid, forms.Form):
    """Bootstrap widgets and Vietnamese messages naming the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = field.label or ""
            choosing = isinstance(field, forms.ChoiceField | OrgPickField)
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


class OrgPickField(forms.IntegerField):
    """An organization chosen with the scoped searchable picker (core.forms.OrgPicker, the page
    /tim-kiem/to-chuc/) instead of a select of every organization in scope. Cleaned to the
    Organization when the form's actor may do `action` on it on the form's date (and it is of
    `types`, outside `exclude_path`, or in `allowed` when a form narrows the choice further);
    anything else is refused as not in scope. `everywhere=True`: any organization of the system on
    that date (a transfer's destination), searched and checked without the actor's scope. `bind_pickers(form, actor=, at=)` gives the fields
    their actor and date and the label of the chosen organization."""

    def __init__(
        self,
        *,
        action: str = "view",
        types=(),
        placeholder: str = "Gõ tên tổ chức để tìm…",
        everywhere: bool = False,
        **kwargs,
    ):
        self.action, self.types, self.everywhere = action, tuple(types), everywhere
        kwargs.setdefault(
            "widget",
            OrgPicker(action=action, types=",".join(self.types), placeholder=placeholder, everywhere=everywhere),
        )
        super().__init__(min_value=1, **kwargs)
        self.actor = None
        self.at: date | None = None
        self.exclude_path = ""
        self.allowed: set[int] | None = None

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:
            return None
        qs = OrgVersion.objects.valid_on(self.at or timezone.localdate()).filter(org_id=pk)
        if self.types:
            qs = qs.filter(org_type__in=self.types)
        if self.exclude_path:
            qs = qs.exclude(path__startswith=self.exclude_path)
        if pk > 2**62 or (self.allowed is not None and pk not in self.allowed):
            raise forms.ValidationError(f"«{self.label}»: không có tổ chức này trong phạm vi của bạn.")
        if self.everywhere:
            if not qs.exclude(depth=0).exists():
                raise forms.ValidationError(f"«{self.label}»: không có tổ chức này trong hệ thống.")
        elif not scope_orgs(qs, self.actor, field="org_id", action=self.action).exists():
            raise forms.ValidationError(f"«{self.label}»: không có tổ chức này trong phạm vi của bạn.")
        return Organization.objects.get(pk=pk)


def bind_pickers(form: forms.Form, *, actor, at: date) -> None:
    """Give the form's OrgPickFields their actor and date, and the chosen organizations' labels."""
    names = [n for n, f in form.fields.items() if isinstance(f, OrgPickField)]
    source = form.data if form.is_bound else form.initial
    ids = []
    for n in names:
        raw = str(source.get(form.add_prefix(n)) or "")
        if raw.isdigit() and len(raw) < 19:
            ids.append(int(raw))
    labels = org_picker_labels_on(org_ids=ids, at=at) if ids else {}
    for n in names:
        field = form.fields[n]
        field.actor, field.at = actor, at
        field.widget.labels = labels


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
        return Decision(
            number=d["decision_number"], date=d["decision_date"], body=d["decision_body"], note=d.get("note", "")
        )

    def operation_fields(self):
        return [self[name] for name in self.fields if name not in self.decision_field_names]

    def decision_fields(self):
        return [self[name] for name in self.decision_field_names]


SECTOR_HELP = (
    "Khu vực, loại hình của đơn vị nơi lập tổ chức đảng (R-014); để trống thì tính theo khu vực của tổ chức cấp trên."
)


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
    new_parent = OrgPickField(label="Trực thuộc tổ chức cấp trên mới", action="restructure")

    field_order = ["new_parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, actor=self.actor, at=self.at)
        v = org_version_on(org_id=self.org.pk, at=self.at)
        self.fields["new_parent"].exclude_path = v.path if v else ""  # not under itself

    def clean_new_parent(self) -> Organization:
        new = self.cleaned_data["new_parent"]
        v = org_version_on(org_id=self.org.pk, at=self.at)
        if v is not None and new.pk == v.parent_id:
            raise forms.ValidationError("«Trực thuộc tổ chức cấp trên mới»: tổ chức đã trực thuộc tổ chức này.")
        return new


class OrgMergeForm(DecisionForm):
    sources = OrgPickMultipleField(
        label="Các tổ chức được hợp nhất vào tổ chức này",
        action="restructure",
        help_text="Gõ tên rồi chọn các tổ chức cùng cấp (cùng tổ chức cấp trên) vào ngày đang xem.",
    )

    field_order = ["sources"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sources"]
        source = self.data if self.is_bound else self.initial
        raw = source.getlist("sources") if hasattr(source, "getlist") else (source.get("sources") or [])
        ids = [int(v) for v in raw if str(v).isdigit() and len(str(v)) < 19]
        field.widget.labels = org_picker_labels_on(org_ids=ids, at=self.at) if ids else {}

    def clean_sources(self) -> list[Organization]:
        ids = self.cleaned_data["sources"]
        v = org_version_on(org_id=self.org.pk, at=self.at)
        siblings = OrgVersion.objects.none()
        if v is not None:
            siblings = scope_orgs(
                OrgVersion.objects.valid_on(self.at)
                .filter(parent_id=v.parent_id, org_id__in=ids)
                .exclude(org_id=self.org.pk),
                self.actor,
                field="org_id",
                action="restructure",
            )
        found = set(siblings.values_list("org_id", flat=True))
        if any(pk not in found for pk in ids):
            raise forms.ValidationError(
                f"«{self.fields['sources'].label}»: chỉ chọn được tổ chức cùng cấp (cùng tổ chức cấp trên) "
                "trong phạm vi của bạn."
            )
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
