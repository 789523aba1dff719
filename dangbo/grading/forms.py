"""Forms of the grading pages (Vietnamese labels; dates dd/mm/yyyy)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from dangbo.core.forms import VNDateField
from dangbo.core.once import OnceForm
from dangbo.orgs.forms import VNForm

from .models import Grade, Subject

GRADE_CHOICES = [("", "— chọn mức —"), *Grade.choices]
STEP_SLUGS = {"tu-danh-gia": "self", "de-xuat": "proposal", "quyet-dinh": "decision"}
STEP_TITLES = {
    "self": "Tự đánh giá, xếp loại",
    "proposal": "Nhận xét, đề xuất xếp loại của chi bộ",
    "decision": "Quyết định xếp loại của cấp ủy có thẩm quyền",
}
DOC_HELP = "Biên bản, nghị quyết hoặc quyết định (PDF, DOCX, ảnh chụp), không bắt buộc."


class CampaignForm(OnceForm, VNForm):
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    root_org = forms.ChoiceField(label="Tổ chức triển khai")
    opens_on = VNDateField(label="Ngày bắt đầu")
    self_assessment_due = VNDateField(label="Hạn tự đánh giá")
    cell_meeting_due = VNDateField(label="Hạn họp chi bộ")
    decision_due = VNDateField(label="Hạn quyết định xếp loại")
    deadline = VNDateField(label="Hạn hoàn thành")
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, org_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root_org"].choices = [(str(pk), name) for pk, name in org_choices]
        self.fields["year"].initial = timezone.localdate().year


class StepForm(VNForm):
    """One member's or organization's step (with the criteria scores when a framework is used)."""

    step = forms.ChoiceField(label="Bước", choices=[(k, STEP_TITLES[v]) for k, v in STEP_SLUGS.items()])
    grade = forms.ChoiceField(label="Xếp loại", choices=GRADE_CHOICES)
    total = forms.DecimalField(
        label="Tổng điểm (thang 100)", required=False, min_value=Decimal(0), max_value=Decimal(100), decimal_places=2
    )
    framework = forms.ChoiceField(label="Khung tiêu chí", required=False)
    comment = forms.CharField(label="Nhận xét", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = VNDateField(label="Ngày")
    decision_number = forms.CharField(label="Số văn bản", required=False, max_length=60)
    reason = forms.CharField(
        label="Lý do điều chỉnh (khi đã có quyết định)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.FileField(label="Tài liệu kèm theo", required=False, help_text=DOC_HELP)

    def __init__(self, *args, frameworks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [("", "— không dùng khung tiêu chí —")] + [
            (str(f.pk), str(f)) for f in frameworks
        ]
        self.frameworks = {str(f.pk): f for f in frameworks}
        for f in frameworks:
            for c in f.criteria.all():
                self.fields[f"c{c.pk}"] = forms.DecimalField(
                    label=f"{c.text} (tối đa {c.max_points:g})",
                    required=False,
                    min_value=Decimal(0),
                    max_value=c.max_points,
                    decimal_places=2,
                )

    def scores(self) -> dict:
        fw = self.frameworks.get(self.cleaned_data.get("framework") or "")
        if fw is None:
            return {}
        return {
            c.pk: self.cleaned_data[f"c{c.pk}"]
            for c in fw.criteria.all()
            if self.cleaned_data.get(f"c{c.pk}") is not None
        }


class BulkHeaderForm(VNForm):
    on = VNDateField(label="Ngày họp / ngày quyết định")
    decision_number = forms.CharField(
        label="Số văn bản (biên bản, nghị quyết, quyết định)", required=False, max_length=60
    )
    reason = forms.CharField(
        label="Lý do điều chỉnh (chỉ khi sửa kết quả đã quyết định)", required=False, max_length=500
    )
    document = forms.FileField(label="Tài liệu kèm theo", required=False, help_text=DOC_HELP)


class BulkRowForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    total = forms.DecimalField(
        label="Điểm",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        error_messages={
            "max_value": "Điểm phải từ 0 đến %(limit_value)s.",
            "min_value": "Điểm phải từ 0 đến 100.",
            "invalid": "Điểm phải là một số (ví dụ 85 hoặc 85,5).",
        },
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "decimal", "size": 5}),
    )
    grade = forms.ChoiceField(
        label="Xếp loại",
        required=False,
        choices=[("", "—"), *[(g.value, g.label) for g in Grade]],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    comment = forms.CharField(
        label="Nhận xét",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


BulkFormSet = forms.formset_factory(BulkRowForm, extra=0)


class FrameworkForm(VNForm):
    year = forms.IntegerField(label="Năm áp dụng", min_value=2000, max_value=2100)
    name = forms.CharField(label="Tên khung tiêu chí", max_length=255)
    subject = forms.ChoiceField(label="Đối tượng", choices=Subject.choices)
    org_type = forms.CharField(label="Loại tổ chức (mã, để trống = mọi loại)", required=False, max_length=40)
    position = forms.CharField(label="Chức vụ / nhóm đối tượng", required=False, max_length=120)
    owner_org = forms.ChoiceField(label="Cấp ủy ban hành", required=False)
    parent = forms.ChoiceField(label="Cụ thể hóa từ khung của cấp trên", required=False)
    issued_on = VNDateField(label="Ngày ban hành")
    items = forms.CharField(
        label="Các tiêu chí (mỗi dòng: nội dung | điểm tối đa)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Để trống khi cụ thể hóa để chép nguyên các tiêu chí của khung cấp trên.",
    )

    def __init__(self, *args, org_choices, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].choices = [("", "Chung (quản trị hệ thống)")] + [(str(pk), n) for pk, n in org_choices]
        self.fields["parent"].choices = [("", "—")] + [(str(f.pk), str(f)) for f in parents]
        self.fields["year"].initial = timezone.localdate().year

    def clean_items(self):
        out = []
        for n, line in enumerate((self.cleaned_data.get("items") or "").splitlines(), start=1):
            if not line.strip():
                continue
            text, sep, points = line.rpartition("|")
            if not sep:
                raise forms.ValidationError(f"Dòng {n}: ghi theo dạng «nội dung | điểm tối đa».")
            try:
                out.append((text.strip(), Decimal(points.strip().replace(",", "."))))
            except ArithmeticError:
                raise forms.ValidationError(f"Dòng {n}: điểm tối đa không hợp lệ.") from None
        return out


class CapExceptionForm(VNForm):
    grassroots_org = forms.ChoiceField(label="Tổ chức cơ sở đảng")
    max_excellent = forms.IntegerField(label="Số đảng viên hoàn thành xuất sắc nhiệm vụ tối đa được phép", min_value=1)
    decision_number = forms.CharField(label="Số văn bản", max_length=60)
    decided_on = VNDateField(label="Ngày quyết định")
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, org_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grassroots_org"].choices = [(str(pk), n) for pk, n in org_choices]


class ExportForm(VNForm):
    purpose = forms.CharField(label="Mục đích xuất dữ liệu", max_length=300)


class ImportForm(VNForm):
    file = forms.FileField(label="Tệp Excel (.xlsx)")
    on = VNDateField(label="Ngày quyết định xếp loại")
    decision_number = forms.CharField(label="Số quyết định", required=False, max_length=60)


class SelfAssessmentForm(StepForm):
    """A member's own self-assessment: the grade they give themself, their comment and, when the
    committee issued a framework, their scores. The date is today; no decision fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("step", "on", "decision_number", "reason", "document"):
            del self.fields[name]
        self.fields["grade"].label = "Tự xếp loại"
        self.fields["comment"].label = "Tự nhận xét (ưu điểm, hạn chế, phương hướng khắc phục)"
