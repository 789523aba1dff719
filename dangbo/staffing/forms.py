"""Forms of the staffing pages (Vietnamese labels, dd/mm/yyyy dates)."""

from __future__ import annotations

from django import forms

from dangbo.access import policy
from dangbo.core.forms import VNDateField
from dangbo.staffing.models import Agency, StaffingCategory


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return getattr(obj, "shown_name", None) or str(obj)


def _agencies(actor, action: str):
    return policy.for_user(Agency, actor, action).prefetch_related("versions").order_by("code")


class AllocationForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    receiving = AgencyChoice(label="Cơ quan được giao", queryset=Agency.objects.none())
    category = forms.ModelChoiceField(label="Loại biên chế", queryset=StaffingCategory.objects.all())
    number = forms.IntegerField(label="Số biên chế", min_value=0, max_value=10_000_000)
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = VNDateField(label="Ngày quyết định")
    effective_from = VNDateField(
        label="Hiệu lực từ ngày",
        required=False,
        help_text="Để trống: từ ngày quyết định. Quyết định giữa năm thay thế quyết định trước từ ngày này.",
    )
    allocating_label = forms.CharField(
        label="Cấp giao (chỉ khi cơ quan nhận từ cấp trên hệ thống)", max_length=200, required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving"].queryset = _agencies(actor, "view")


class HeadcountForm(forms.Form):
    category = forms.ModelChoiceField(label="Loại biên chế", queryset=StaffingCategory.objects.all())
    on = VNDateField(label="Tính đến ngày")
    count = forms.IntegerField(label="Số người thực có", min_value=0, max_value=10_000_000)
    source = forms.CharField(label="Nguồn số liệu", max_length=255)


class ExportForm(forms.Form):
    purpose = forms.CharField(label="Mục đích xuất dữ liệu", max_length=255)


class HeadcountImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)")
    on = VNDateField(label="Tính đến ngày (khi dòng không ghi ngày)")
    source = forms.CharField(label="Nguồn số liệu (khi dòng không ghi nguồn)", max_length=255)
    apply = forms.BooleanField(label="Ghi vào cơ sở dữ liệu (bỏ trống: chỉ kiểm tra)", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx")
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError("Tệp không quá 5 MB")
        return f


# --- restructuring projects and job-position catalogues --------------------------------------------
# Rows are typed one per line, fields separated by «;»; a bad row is refused with its line number
# and the form's field, and nothing is written.


def _rows(text: str, field_label: str, min_fields: int, max_fields: int) -> list[tuple[int, list[str]]]:
    out = []
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        while len(parts) > min_fields and parts[-1] == "":
            parts.pop()
        if not min_fields <= len(parts) <= max_fields:
            raise forms.ValidationError(
                f"«{field_label}», dòng {i}: cần {min_fields}"
                + (f" đến {max_fields}" if max_fields != min_fields else "")
                + " phần cách nhau bằng dấu «;»"
            )
        out.append((i, parts))
    return out


def _int(value: str, field_label: str, i: int, what: str, low: int = 0, high: int = 10_000_000) -> int:
    v = (value or "").replace(".", "").strip()
    if not v.isdigit() or not low <= int(v) <= high:
        high_text = f"{high:,}".replace(",", ".")
        raise forms.ValidationError(f"«{field_label}», dòng {i}: {what} phải là số nguyên từ {low} đến {high_text}")
    return int(v)


def _pct(value: str, field_label: str, i: int):
    from decimal import Decimal, InvalidOperation

    try:
        v = Decimal((value or "").replace("%", "").replace(",", ".").strip())
    except InvalidOperation:
        v = None
    if v is None or not v.is_finite() or not 0 < v <= 100 or v != v.quantize(Decimal("0.01")):
        raise forms.ValidationError(
            f"«{field_label}», dòng {i}: tỷ lệ phân bổ phải là số lớn hơn 0, không quá 100 (tối đa 2 chữ số thập phân)"
        )
    return v


def _date(value: str, field_label: str, i: int):
    try:
        return VNDateField(label=field_label).clean(value)
    except forms.ValidationError:
        raise forms.ValidationError(f"«{field_label}», dòng {i}: ngày «{value}» không hợp lệ (dd/mm/yyyy)") from None


class _AgencyCodes:
    """Agency codes of a form resolved among the agencies `actor` may see."""

    def __init__(self, actor):
        self.actor = actor

    def get(self, code: str, field_label: str, i: int) -> Agency:
        a = policy.for_user(Agency, self.actor).filter(code=code).first() if code else None
        if a is None:
            raise forms.ValidationError(f"«{field_label}», dòng {i}: không tìm thấy cơ quan mã «{code}»")
        return a


class ProjectCreateForm(forms.Form):
    org = forms.ModelChoiceField(label="Cấp ủy", queryset=None)
    name = forms.CharField(label="Tên đề án", max_length=255)
    number = forms.CharField(label="Số đề án", max_length=60, required=False)
    model = forms.CharField(label="Mô hình", max_length=120, help_text="Ví dụ: Cơ quan Thanh tra - Kiểm tra")
    units = forms.CharField(
        label="Đơn vị thuộc phạm vi sắp xếp",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Mỗi dòng một đơn vị: tên đơn vị; mã cơ quan (nếu có)",
    )

    def __init__(self, *args, actor, **kwargs):
        from dangbo.orgs.models import Organization

        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["org"].queryset = policy.for_user(Organization, actor, "record").order_by("code")

    def clean_units(self):
        from dangbo.staffing.services import UnitInput

        label = self.fields["units"].label
        codes = _AgencyCodes(self.actor)
        out = []
        for i, parts in _rows(self.cleaned_data["units"], label, 1, 2):
            agency = codes.get(parts[1], label, i) if len(parts) > 1 and parts[1] else None
            out.append(UnitInput(label=parts[0], agency_id=agency.pk if agency else None))
        if not out:
            raise forms.ValidationError("Ghi ít nhất một đơn vị thuộc phạm vi sắp xếp")
        return out


class ProjectPlanForm(forms.Form):
    before = forms.CharField(
        label="Cơ quan trước sắp xếp",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi dòng: mã cơ quan; số đơn vị bên trong",
    )
    after = forms.CharField(
        label="Cơ quan sau sắp xếp",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng: mã cơ quan; số đơn vị bên trong; tỷ lệ phân bổ % (khi chia tách)",
    )
    surplus = forms.CharField(
        label="Cấp trưởng, cấp phó vượt quy định",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mỗi dòng: mã cơ quan; trưởng hoặc phó; số theo quy định; số hiện có; thời hạn (dd/mm/yyyy)",
    )
    departures = forms.CharField(
        label="Nghỉ theo chính sách",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mỗi dòng: hình thức (nghỉ hưu trước tuổi, thôi việc, chuyển công tác "
        "khác, khác); mã loại biên chế; số người; chính sách",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = _AgencyCodes(actor)

    def _sides(self, name: str, with_share: bool):
        from dangbo.staffing.services import SideInput

        label = self.fields[name].label
        out = []
        for i, parts in _rows(self.cleaned_data[name], label, 1, 3 if with_share else 2):
            a = self.codes.get(parts[0], label, i)
            units = _int(parts[1], label, i, "số đơn vị bên trong", 0, 1000) if len(parts) > 1 and parts[1] else 0
            share = _pct(parts[2], label, i) if len(parts) > 2 and parts[2] else None
            out.append(SideInput(a.pk, units, share))
        if not out:
            raise forms.ValidationError(f"Ghi ít nhất một dòng «{label}»")
        return out

    def clean_before(self):
        return self._sides("before", False)

    def clean_after(self):
        return self._sides("after", True)

    def clean_surplus(self):
        from dangbo.staffing.models import LeaderPosition
        from dangbo.staffing.services import SurplusInput

        label = self.fields["surplus"].label
        out = []
        for i, parts in _rows(self.cleaned_data["surplus"], label, 5, 5):
            a = self.codes.get(parts[0], label, i)
            pos = {
                "trưởng": LeaderPosition.HEAD,
                "cấp trưởng": LeaderPosition.HEAD,
                "phó": LeaderPosition.DEPUTY,
                "cấp phó": LeaderPosition.DEPUTY,
            }.get(parts[1].lower())
            if pos is None:
                raise forms.ValidationError(f"«{label}», dòng {i}: chức vụ ghi «trưởng» hoặc «phó»")
            out.append(
                SurplusInput(
                    a.pk,
                    norm=_int(parts[2], label, i, "số theo quy định", 0, 100),
                    actual=_int(parts[3], label, i, "số hiện có", 0, 100),
                    deadline=_date(parts[4], label, i),
                    position=pos,
                )
            )
        return out

    def clean_departures(self):
        from dangbo.staffing.models import DepartureKind
        from dangbo.staffing.services import DepartureInput

        label = self.fields["departures"].label
        kinds = {lbl.lower(): k for k, lbl in DepartureKind.choices}
        out = []
        for i, parts in _rows(self.cleaned_data["departures"], label, 3, 4):
            kind = kinds.get(parts[0].lower())
            if kind is None:
                raise forms.ValidationError(f"«{label}», dòng {i}: hình thức «{parts[0]}» không có trong danh mục")
            cat = StaffingCategory.objects.filter(code=parts[1]).first()
            if cat is None:
                raise forms.ValidationError(f"«{label}», dòng {i}: không có loại biên chế mã «{parts[1]}»")
            out.append(
                DepartureInput(
                    kind, cat.pk, _int(parts[2], label, i, "số người", 1), policy=parts[3] if len(parts) > 3 else ""
                )
            )
        return out


class ProjectApproveForm(forms.Form):
    decision_number = forms.CharField(label="Số quyết định phê duyệt", max_length=60)
    approved_on = VNDateField(label="Ngày phê duyệt")
    applied_on = VNDateField(label="Ngày thực hiện")


class UnitDoneForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    done_on = VNDateField(label="Ngày hoàn thành sắp xếp")


class CatalogueCreateForm(forms.Form):
    agency = AgencyChoice(label="Cơ quan, đơn vị", queryset=Agency.objects.none())
    name = forms.CharField(label="Tên danh mục", max_length=255)
    positions = forms.CharField(
        label="Vị trí việc làm",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Mỗi dòng: tên vị trí; mã loại biên chế (ví dụ cb_cc); số lượng",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies(actor, "record")

    def clean_positions(self):
        from dangbo.staffing.services import PositionInput

        label = self.fields["positions"].label
        cats = {c.code: c for c in StaffingCategory.objects.all()}
        out = []
        for i, parts in _rows(self.cleaned_data["positions"], label, 3, 3):
            if not parts[0] or len(parts[0]) > 255:
                raise forms.ValidationError(f"«{label}», dòng {i}: tên vị trí không được để trống (tối đa 255 ký tự)")
            cat = cats.get(parts[1])
            if cat is None:
                raise forms.ValidationError(f"«{label}», dòng {i}: không có loại biên chế mã «{parts[1]}»")
            out.append(PositionInput(parts[0], cat.pk, _int(parts[2], label, i, "số lượng")))
        if not out:
            raise forms.ValidationError("Ghi ít nhất một vị trí việc làm")
        return out


class CatalogueAdvanceForm(forms.Form):
    to = forms.ChoiceField(label="Chuyển sang", choices=[])
    on = VNDateField(label="Ngày")
    decision_number = forms.CharField(label="Số quyết định phê duyệt (khi phê duyệt)", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        from dangbo.staffing.models import CatalogueStatus

        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [c for c in CatalogueStatus.choices if c[0] != CatalogueStatus.DRAFT]
