"""Input forms of the plans pages (validation only; writes go through services)."""

from __future__ import annotations

from datetime import date

from django import forms

from dangbo.access.policy import can
from dangbo.core.forms import MarksInvalid, OrgPicker, OrgPickMultipleField, VNDateField
from dangbo.core.once import OnceForm
from dangbo.orgs.selectors import org_picker_labels_on
from dangbo.plans.models import DocumentType, ReportStatus

YEAR_CHOICES = [("", "Mọi năm")]


class _Styled(MarksInvalid, forms.Form):
    """Bootstrap classes on the widgets, and `is-invalid` on a field with an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue  # a list of labelled boxes: left as rendered
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False)
    co_quan = forms.CharField(label="Cơ quan ban hành", required=False)
    loai = forms.ChoiceField(label="Loại", required=False, choices=[("", "Mọi loại"), *DocumentType.choices])
    nam = forms.IntegerField(label="Năm", required=False, min_value=1930, max_value=2100)


class DocumentForm(OnceForm, _Styled):
    number = forms.CharField(label="Số, ký hiệu", max_length=60, help_text="Ví dụ: 21-NQ/TW")
    issued_on = VNDateField(label="Ngày ban hành")
    doc_type = forms.ChoiceField(label="Loại văn bản", choices=DocumentType.choices)
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255)
    owner_org = forms.TypedChoiceField(label="Thuộc tổ chức", coerce=int, required=False, empty_value=None)
    title = forms.CharField(label="Trích yếu", max_length=500)
    summary = forms.CharField(label="Tóm tắt nội dung", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    implements = forms.TypedChoiceField(label="Thực hiện văn bản", coerce=int, required=False, empty_value=None)
    replaces = forms.TypedChoiceField(label="Thay thế văn bản", coerce=int, required=False, empty_value=None)
    place = forms.CharField(label="Địa danh", required=False, max_length=100)
    recipients = forms.CharField(label="Nơi nhận", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label="Tệp đính kèm", required=False)

    def __init__(self, *args, org_choices=(), doc_choices=(), allow_central=False, **kwargs):
        super().__init__(*args, **kwargs)
        empty = [("", "— Văn bản của Trung ương —")] if allow_central else []
        self.fields["owner_org"].choices = [*empty, *org_choices]
        self.fields["owner_org"].required = not allow_central
        for name in ("implements", "replaces"):
            self.fields[name].choices = [("", "—"), *doc_choices]


class DocumentEditForm(_Styled):
    """Correcting a registered document: everything but its owner organization and file."""

    number = forms.CharField(label="Số, ký hiệu", max_length=60)
    issued_on = VNDateField(label="Ngày ban hành")
    doc_type = forms.ChoiceField(label="Loại văn bản", choices=DocumentType.choices)
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255)
    title = forms.CharField(label="Trích yếu", max_length=500)
    summary = forms.CharField(label="Tóm tắt nội dung", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    implements = forms.TypedChoiceField(label="Thực hiện văn bản", coerce=int, required=False, empty_value=None)
    replaces = forms.TypedChoiceField(label="Thay thế văn bản", coerce=int, required=False, empty_value=None)
    place = forms.CharField(label="Địa danh", required=False, max_length=100)
    recipients = forms.CharField(label="Nơi nhận", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, doc_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("implements", "replaces"):
            self.fields[name].choices = [("", "—"), *doc_choices]


class TaskForm(OnceForm, _Styled):
    number = forms.CharField(label="Mục", max_length=30, required=False)
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    directing_text = forms.CharField(label="Cơ quan chỉ đạo", required=False, max_length=500)
    lead_text = forms.CharField(label="Cơ quan chủ trì", required=False, max_length=500)
    lead_org = forms.IntegerField(label="Tổ chức chủ trì", required=False, min_value=1, widget=OrgPicker())
    cooperating_text = forms.CharField(label="Cơ quan phối hợp", required=False, max_length=1000)
    implementing_orgs = OrgPickMultipleField(
        label="Cơ quan thực hiện", required=False, help_text="Gõ tên tổ chức rồi chọn; chọn được nhiều tổ chức."
    )
    deadline_text = forms.CharField(
        label="Thời gian",
        required=False,
        max_length=300,
        help_text="Ví dụ: 30/06/2023, Quý II/2022, Hằng năm, Thường xuyên, 3 tháng sau khi có hướng dẫn của Trung ương",
    )

    def __init__(self, *args, actor, at: date, keep=(), **kwargs):
        """Organizations are chosen with the scoped picker (core.forms.OrgPicker): any organization
        `actor` may see, plus `keep` (the task's current ones, so saving never drops one)."""
        super().__init__(*args, **kwargs)
        self.actor, self.keep = actor, set(keep)
        source = self.data if self.is_bound else self.initial
        picked = []
        for name in ("lead_org", "implementing_orgs"):
            raw = source.getlist(name) if hasattr(source, "getlist") else source.get(name)
            raw = raw if isinstance(raw, list | tuple) else [raw]
            picked += [int(v) for v in raw if str(v or "").isdigit() and len(str(v)) < 19]
        labels = org_picker_labels_on(org_ids=picked, at=at) if picked else {}
        for name in ("lead_org", "implementing_orgs"):
            self.fields[name].widget.labels = labels

    def _allowed(self, org_id: int) -> bool:
        return org_id in self.keep or (org_id < 2**62 and can(self.actor, "view", org_id))

    def clean_lead_org(self):
        org = self.cleaned_data.get("lead_org")
        if org is not None and not self._allowed(org):
            raise forms.ValidationError("«Tổ chức chủ trì»: không có tổ chức này trong phạm vi của bạn.")
        return org

    def clean_implementing_orgs(self):
        orgs = self.cleaned_data.get("implementing_orgs") or []
        if any(not self._allowed(o) for o in orgs):
            raise forms.ValidationError("«Cơ quan thực hiện»: có tổ chức không thuộc phạm vi của bạn.")
        return orgs


class ProgressForm(_Styled):
    org = forms.TypedChoiceField(label="Cơ quan báo cáo", coerce=int)
    status = forms.ChoiceField(label="Tình trạng", choices=ReportStatus.choices)
    percent = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)
    text = forms.CharField(label="Kết quả thực hiện", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reported_on = VNDateField(label="Ngày báo cáo", required=False)
    evidence = forms.FileField(label="Tệp minh chứng", required=False)

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = list(org_choices)


class ExportForm(forms.Form):
    tu = VNDateField(label="Từ ngày")
    den = VNDateField(label="Đến ngày")
    so = forms.CharField(label="Số báo cáo", max_length=60, initial="   -BC/")
    muc_dich = forms.CharField(label="Mục đích xuất", max_length=200)
    dinh_dang = forms.ChoiceField(label="Định dạng", choices=[("xlsx", "Excel (XLSX)"), ("docx", "Word (DOCX)")])


class ImportForm(forms.Form):
    file = forms.FileField(label="Bảng nhiệm vụ (.xlsx hoặc .docx)")


class TargetForm(_Styled):
    name = forms.CharField(label="Chỉ tiêu", max_length=500)
    indicator = forms.ChoiceField(label="Chỉ số tự tính", required=False)
    measure = forms.ChoiceField(label="Đo bằng", choices=[("value", "Giá trị"), ("percent", "Tỷ lệ %")])
    org = forms.TypedChoiceField(label="Tổ chức", coerce=int, required=False, empty_value=None)
    year = forms.IntegerField(label="Năm", required=False)
    target_min = forms.DecimalField(label="Mức tối thiểu")
    target_max = forms.DecimalField(label="Mức tối đa", required=False)

    def __init__(self, *args, org_choices=(), indicator_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "—"), *org_choices]
        self.fields["indicator"].choices = [("", "— Báo cáo thủ công —"), *indicator_choices]
