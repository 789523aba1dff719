"""Forms of the member pages: list filters, admission, lifecycle events, corrections, profile."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from dangbo.access.policy import can
from dangbo.core.forms import OrgPicker, VNDateField
from dangbo.core.once import OnceForm
from dangbo.core.reference import choices
from dangbo.members.models import EventType, Member, Sex, Status
from dangbo.members.selectors import AGE_BANDS
from dangbo.members.services import MEMBER_ORG_TYPES, EventInput, ProfileInput
from dangbo.orgs.forms import OrgPickField, VNForm, bind_pickers
from dangbo.orgs.models import Organization
from dangbo.orgs.selectors import org_picker_labels_on

MINORITY = "minority"


def _blank(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class MemberFilterForm(VNForm):
    """GET filters of the member list; every field optional. Read through
    `members.filters.MemberFilterSet` (page, API, export, search); `org_labels=False` skips the
    chosen organization's label (nothing is rendered: the API)."""

    ngay = VNDateField(label="Tính đến ngày", required=False)
    org = forms.IntegerField(
        label="Tổ chức",
        required=False,
        min_value=1,
        widget=OrgPicker(placeholder="Tất cả tổ chức trong phạm vi (gõ tên để chọn một tổ chức)"),
    )
    status = forms.ChoiceField(label="Trạng thái", required=False)
    sex = forms.ChoiceField(label="Giới tính", required=False)
    ethnicity = forms.ChoiceField(label="Dân tộc", required=False)
    age_band = forms.ChoiceField(label="Độ tuổi", required=False)
    q = forms.CharField(label="Họ tên", required=False, max_length=120)

    def __init__(self, *args, actor, at: date, org_labels: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor, self.at = actor, at
        # The organization is chosen with the scoped picker (search.views.org_picker), not a list
        # of every organization in scope: only the chosen one's label is read here.
        picked = str(self.data.get("org") or "")
        if org_labels and picked.isdigit() and len(picked) < 19 and can(actor, "view", int(picked)):
            self.fields["org"].widget.labels = org_picker_labels_on(org_ids=[int(picked)], at=at)
        self.fields["status"].choices = [
            ("", "Đang sinh hoạt"),
            (Status.PROBATIONARY, "Đảng viên dự bị"),
            (Status.FULL, "Đảng viên chính thức"),
            (Status.PENDING, "Chờ lễ kết nạp"),
            ("all", "Tất cả (kể cả đã ra khỏi Đảng)"),
            *[
                (s.value, s.label)
                for s in (Status.NAME_REMOVED, Status.EXPELLED, Status.LEFT, Status.DECEASED, Status.TRANSFERRED_AWAY)
            ],
        ]
        self.fields["sex"].choices = _blank("Nam và nữ") + list(Sex.choices)
        self.fields["ethnicity"].choices = (
            _blank("Tất cả dân tộc") + [(MINORITY, "Dân tộc thiểu số (ngoài Kinh)")] + choices("ethnic_groups")
        )
        self.fields["age_band"].choices = _blank("Mọi độ tuổi") + [(k, v[2]) for k, v in AGE_BANDS.items()]
        self.fields["q"].widget.attrs.update({"placeholder": "Tìm theo tên (gõ không dấu cũng được)", "type": "search"})
        self.fields["ngay"].widget.attrs["class"] += " as-of-input"

    def clean_org(self):
        org = self.cleaned_data.get("org")
        if org is not None and (org > 2**62 or not can(self.actor, "view", org)):
            raise forms.ValidationError("«Tổ chức»: không có tổ chức này trong phạm vi của bạn.")
        return org


class ProfileForm(VNForm):
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    birth_date = VNDateField(
        label="Ngày sinh", required=False, help_text="Nếu không rõ ngày sinh, để trống và nhập năm sinh."
    )
    birth_year = forms.IntegerField(label="Năm sinh", required=False, min_value=1890, max_value=2100)
    sex = forms.ChoiceField(label="Giới tính")
    ethnicity = forms.ChoiceField(label="Dân tộc", initial="01")
    religion = forms.ChoiceField(label="Tôn giáo", initial="00")
    hometown = forms.CharField(label="Quê quán", max_length=255, required=False)
    citizen_id = forms.CharField(label="Số CCCD", max_length=12, required=False)
    party_card_number = forms.CharField(label="Số thẻ đảng viên", max_length=20, required=False)
    general_education = forms.ChoiceField(label="Giáo dục phổ thông", required=False)
    professional_education = forms.ChoiceField(label="Chuyên môn nghiệp vụ", required=False)
    theory_level = forms.ChoiceField(label="Lý luận chính trị", required=False, initial="none")
    occupation = forms.CharField(label="Nghề nghiệp", max_length=120, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)

    profile_field_names = (
        "full_name",
        "birth_date",
        "birth_year",
        "sex",
        "ethnicity",
        "religion",
        "hometown",
        "citizen_id",
        "party_card_number",
        "general_education",
        "professional_education",
        "theory_level",
        "occupation",
        "phone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = _blank("— Chọn —") + list(Sex.choices)
        self.fields["ethnicity"].choices = choices("ethnic_groups")
        self.fields["religion"].choices = choices("religions")
        self.fields["general_education"].choices = _blank("— Chưa rõ —") + choices(
            "education_levels", where={"dimension": "general"}
        )
        self.fields["professional_education"].choices = _blank("— Chưa rõ —") + choices(
            "education_levels", where={"dimension": "professional"}
        )
        self.fields["theory_level"].choices = choices("theory_levels")
        self.fields["citizen_id"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        if not data.get("birth_date") and not data.get("birth_year") and "birth_year" not in self.errors:
            self.add_error("birth_year", "Chưa nhập «Ngày sinh» hoặc «Năm sinh».")
        born = data.get("birth_date")
        if born and born > timezone.localdate():
            self.add_error("birth_date", "«Ngày sinh» không được sau ngày hôm nay.")
        return data

    def profile(self) -> ProfileInput:
        d = self.cleaned_data
        born = d.get("birth_date")
        return ProfileInput(
            full_name=d["full_name"],
            birth_year=born.year if born else d["birth_year"],
            sex=d["sex"],
            birth_date=born,
            ethnicity=d["ethnicity"],
            religion=d["religion"],
            hometown=d.get("hometown", ""),
            citizen_id=d.get("citizen_id") or None,
            party_card_number=d.get("party_card_number") or None,
            general_education=d.get("general_education", ""),
            professional_education=d.get("professional_education", ""),
            theory_level=d.get("theory_level") or "none",
            occupation=d.get("occupation", ""),
            phone=d.get("phone", ""),
        )

    def profile_fields(self):
        return [self[n] for n in self.profile_field_names]

    @staticmethod
    def initial_from(member: Member) -> dict[str, Any]:
        return {n: getattr(member, n) for n in ProfileForm.profile_field_names}


def _not_future(form: forms.Form, name: str, label: str) -> None:
    value = form.cleaned_data.get(name)
    if value and value > timezone.localdate():
        form.add_error(name, f"«{label}» không được sau ngày hôm nay.")


class AdmitForm(OnceForm, ProfileForm):
    """Admission (kết nạp): the person, the cell, the decision and the ceremony."""

    cell = OrgPickField(
        label="Chi bộ kết nạp", action="record", types=MEMBER_ORG_TYPES, placeholder="Gõ tên chi bộ để tìm…"
    )
    decided_on = VNDateField(label="Ngày quyết định kết nạp")
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    decision_body = forms.CharField(label="Cơ quan ban hành", max_length=255)
    cell_resolution_date = VNDateField(
        label="Ngày chi bộ xét kết nạp", required=False, help_text="Tuổi được tính đủ tháng vào ngày này (R-050)."
    )
    ceremony_on = VNDateField(
        label="Ngày lễ kết nạp", required=False, help_text="Để trống nếu chưa tổ chức lễ kết nạp."
    )
    late_ceremony_approved = forms.BooleanField(
        label="Cấp ủy cấp trên đã đồng ý tổ chức lễ kết nạp muộn (quá 30 ngày làm việc)", required=False
    )
    over_age_approved = forms.BooleanField(
        label="Cấp ủy trực thuộc Trung ương đã đồng ý kết nạp người trên 60 tuổi", required=False
    )
    different_person = forms.BooleanField(
        label="Đây là người khác",
        required=False,
        help_text="Chỉ đánh dấu khi hệ thống cảnh báo trùng họ tên và ngày sinh mà đúng là hai người khác nhau "
        "(được ghi nhật ký).",
    )

    admission_field_names = (
        "cell",
        "decided_on",
        "decision_number",
        "decision_body",
        "cell_resolution_date",
        "ceremony_on",
        "late_ceremony_approved",
        "over_age_approved",
    )

    def __init__(self, *args, actor, at: date, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, actor=actor, at=at)

    def clean(self):
        data = super().clean()
        _not_future(self, "decided_on", "Ngày quyết định kết nạp")
        _not_future(self, "ceremony_on", "Ngày lễ kết nạp")
        decided, ceremony = data.get("decided_on"), data.get("ceremony_on")
        if decided and ceremony and ceremony < decided:
            self.add_error("ceremony_on", "«Ngày lễ kết nạp» không được trước ngày quyết định kết nạp.")
        return data

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        payload: dict[str, Any] = {}
        if d.get("cell_resolution_date"):
            payload["cell_resolution_date"] = d["cell_resolution_date"].isoformat()
        if d.get("late_ceremony_approved"):
            payload["late_ceremony_approved"] = True
        if d.get("over_age_approved"):
            payload["over_age_approved"] = True
        return payload

    def admission_fields(self):
        return [self[n] for n in self.admission_field_names]


# Event types recorded through the generic event form (admission has its own page; profile
# updates go through the profile form; reassignment comes with restructuring; corrections void).
EVENT_FORM_TYPES = [
    t
    for t in EventType
    if t not in (EventType.CORRECTION, EventType.PROFILE_UPDATE, EventType.ORG_REASSIGNED, EventType.ADMISSION_DECISION)
]

EARLY_REASONS = [("", "Đúng hạn"), ("ill", "Tặng sớm do ốm nặng"), ("posthumous", "Truy tặng")]


class EventForm(OnceForm, VNForm):
    type = forms.ChoiceField(label="Loại sự kiện")
    on = VNDateField(label="Ngày")
    org = OrgPickField(
        label="Tổ chức (chi bộ)",
        required=False,
        action="record",
        types=MEMBER_ORG_TYPES,
        help_text="Chi bộ kết nạp lại, nơi tiếp nhận, ... nếu sự kiện cần.",
    )
    counterpart_org = OrgPickField(
        label="Tổ chức bên kia (nơi đến / nơi sinh hoạt tạm thời)",
        required=False,
        help_text="Để trống khi chuyển ra ngoài hệ thống.",
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decision_date = VNDateField(label="Ngày quyết định", required=False)
    decision_body = forms.CharField(label="Cơ quan quyết định", max_length=255, required=False)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Payload fields (used by some event types).
    years = forms.IntegerField(label="Huy hiệu (số năm tuổi Đảng)", required=False, min_value=1, max_value=100)
    early_reason = forms.ChoiceField(label="Hình thức tặng huy hiệu", required=False, choices=EARLY_REASONS)
    status = forms.ChoiceField(
        label="Là đảng viên (khi tiếp nhận)",
        required=False,
        choices=[("", "— Chọn —"), (Status.PROBATIONARY, Status.PROBATIONARY.label), (Status.FULL, Status.FULL.label)],
    )
    admitted_on = VNDateField(label="Ngày quyết định kết nạp (khi tiếp nhận)", required=False)
    ceremony_date = VNDateField(label="Ngày lễ kết nạp (khi tiếp nhận)", required=False)
    card_number = forms.CharField(label="Số thẻ đảng viên", max_length=20, required=False)
    grade = forms.ChoiceField(label="Mức xếp loại", required=False)
    late_ceremony_approved = forms.BooleanField(
        label="Cấp ủy cấp trên đã đồng ý tổ chức lễ kết nạp muộn", required=False
    )
    over_age_approved = forms.BooleanField(
        label="Cấp ủy trực thuộc Trung ương đã đồng ý kết nạp người trên 60 tuổi", required=False
    )

    main_field_names = (
        "type",
        "on",
        "org",
        "counterpart_org",
        "decision_number",
        "decision_date",
        "decision_body",
        "note",
    )

    def __init__(self, *args, actor, at: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = _blank("— Chọn loại sự kiện —") + [(t.value, t.label) for t in EVENT_FORM_TYPES]
        bind_pickers(self, actor=actor, at=at)
        self.fields["grade"].choices = _blank("— Chọn —") + choices("grading_levels")

    def clean(self):
        data = super().clean()
        _not_future(self, "on", "Ngày")
        kind = data.get("type")
        if kind == EventType.BADGE_AWARDED and not data.get("years"):
            self.add_error("years", "Chưa nhập «Huy hiệu (số năm tuổi Đảng)».")
        if kind == EventType.YEARLY_GRADING and not data.get("grade"):
            self.add_error("grade", "Chưa chọn «Mức xếp loại».")
        return data

    def _org(self, name: str) -> Organization | None:
        return self.cleaned_data.get(name)

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        kind = d["type"]
        p: dict[str, Any] = {}
        if kind == EventType.BADGE_AWARDED:
            p["years"] = d["years"]
            if d.get("early_reason"):
                p["early_reason"] = d["early_reason"]
        if kind == EventType.OFFICIAL_TRANSFER_IN:
            if d.get("status"):
                p["status"] = d["status"]
            if d.get("admitted_on"):
                p["admitted_on"] = d["admitted_on"].isoformat()
            if d.get("ceremony_date"):
                p["ceremony_on"] = d["ceremony_date"].isoformat()
        if kind == EventType.PARTY_CARD_ISSUED:
            p["card_number"] = d.get("card_number", "")
        if kind == EventType.YEARLY_GRADING:
            p["grade"] = d["grade"]
        if kind == EventType.ADMISSION_CEREMONY and d.get("late_ceremony_approved"):
            p["late_ceremony_approved"] = True
        if kind == EventType.READMISSION and d.get("over_age_approved"):
            p["over_age_approved"] = True
        return p

    def event_input(self) -> EventInput:
        d = self.cleaned_data
        return EventInput(
            type=d["type"],
            on=d["on"],
            org=self._org("org"),
            counterpart_org=self._org("counterpart_org"),
            decision_number=d.get("decision_number", ""),
            decision_date=d.get("decision_date"),
            decision_body=d.get("decision_body", ""),
            note=d.get("note", ""),
            payload=self.payload(),
        )

    def main_fields(self):
        return [self[n] for n in self.main_field_names]

    def payload_fields(self):
        return [self[n] for n in self.fields if n not in self.main_field_names]


class CorrectForm(VNForm):
    reason = forms.CharField(label="Lý do hủy", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ProfileEditForm(ProfileForm):
    on = VNDateField(label="Ngày cập nhật")
    change_note = forms.CharField(label="Ghi chú thay đổi", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        _not_future(self, "on", "Ngày cập nhật")
        return data
