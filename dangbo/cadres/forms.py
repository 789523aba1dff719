"""Forms of the cadre pages (Vietnamese labels, dd/mm/yyyy dates)."""

from __future__ import annotations

import uuid

from django import forms

from dangbo.access import policy
from dangbo.cadres.models import ActionType, Cadre, FilledBy, PlanningTerm, TermCalendar, Title
from dangbo.cadres.selectors import CadreFilters
from dangbo.cadres.services import TitleInput, title_period
from dangbo.core.forms import VNDateField
from dangbo.core.once import OnceForm


class CadreFilterForm(forms.Form):
    q = forms.CharField(label="Họ tên", required=False)
    nhom = forms.CharField(label="Nhóm chức danh", required=False)
    dien = forms.CharField(label="Diện quản lý", required=False)
    tuoi_tu = forms.IntegerField(label="Tuổi từ", required=False, min_value=0, max_value=120)
    tuoi_den = forms.IntegerField(label="Tuổi đến", required=False, min_value=0, max_value=120)
    quy_hoach = forms.ModelChoiceField(label="Trong quy hoạch chức danh", required=False, queryset=Title.objects.none())
    ngay = VNDateField(label="Tính đến ngày", required=False)
    nghi_huu = forms.IntegerField(label="Nghỉ hưu trong (tháng)", required=False, min_value=0, max_value=600)
    het_han = forms.IntegerField(
        label="Hết thời hạn bổ nhiệm trong (tháng)", required=False, min_value=0, max_value=600
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quy_hoach"].queryset = (
            policy.for_user(Title, actor).filter(planning_applies=True).order_by("code", "valid_from")
        )

    def filters(self) -> CadreFilters:
        d = self.cleaned_data
        return CadreFilters(
            q=d.get("q") or "",
            title_group=d.get("nhom") or "",
            management_class=d.get("dien") or "",
            age_min=d.get("tuoi_tu"),
            age_max=d.get("tuoi_den"),
            planned_title_id=d["quy_hoach"].pk if d.get("quy_hoach") else None,
            at=d.get("ngay"),
            retiring_months=d.get("nghi_huu"),
            term_ending_months=d.get("het_han"),
        )


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
    planned_months = forms.IntegerField(label="Thời gian dự kiến (tháng)", required=False, min_value=1, max_value=240)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = policy.for_user(Cadre, actor, "record").order_by("full_name")
        self.fields["title"].queryset = policy.for_user(Title, actor).order_by("code", "valid_from")
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
    relatives_checked = forms.CharField(
        label="Thân nhân đã thẩm tra (mỗi dòng một người)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    conclusion = forms.ChoiceField(label="Kết luận")
    conclusion_text = forms.CharField(
        label="Nội dung kết luận", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
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


# --- confidence-vote campaigns (lấy phiếu tín nhiệm) -------------------------------------------------


class VoteCampaignForm(forms.Form):
    org = forms.ModelChoiceField(label="Cấp ủy tổ chức", queryset=None)
    name = forms.CharField(label="Tên đợt", max_length=255)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    regime = forms.ChoiceField(label="Chế độ")

    def __init__(self, *args, actor, **kwargs):
        from dangbo.cadres.models import VoteRegime
        from dangbo.orgs.models import Organization

        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = policy.for_user(Organization, actor, "record").order_by("code")
        self.fields["regime"].choices = VoteRegime.choices


class VoteUnitForm(forms.Form):
    """Add a unit to the campaign's list or change its status."""

    name = forms.CharField(label="Đơn vị", max_length=255)
    status = forms.ChoiceField(label="Tình trạng")
    held_on = VNDateField(label="Ngày lấy phiếu", required=False)
    reason = forms.CharField(label="Lý do (không thuộc diện)", max_length=255, required=False)
    decision = forms.CharField(label="Quyết định (lùi thời gian)", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        from dangbo.cadres.models import UnitStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = UnitStatus.choices


class VoteResultForm(forms.Form):
    """The ballots of one voter group for one cadre in one title (R-090)."""

    unit = forms.ModelChoiceField(label="Đơn vị", queryset=None)
    cadre = forms.ModelChoiceField(label="Cán bộ", queryset=None)
    title = forms.ModelChoiceField(label="Chức danh", queryset=None)
    voter_group = forms.ChoiceField(label="Thành phần lấy phiếu")
    summoned = forms.IntegerField(label="Số được triệu tập", min_value=0)
    attended = forms.IntegerField(label="Số có mặt", min_value=0)
    valid = forms.IntegerField(label="Số phiếu hợp lệ", min_value=0)
    high = forms.IntegerField(label="Tín nhiệm cao", min_value=0)
    medium = forms.IntegerField(label="Tín nhiệm", min_value=0)
    low = forms.IntegerField(label="Tín nhiệm thấp", min_value=0)
    held_on = VNDateField(label="Ngày lấy phiếu")

    def __init__(self, *args, actor, campaign, **kwargs):
        from dangbo.cadres.models import VoterGroup

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = campaign.units.order_by("name")
        self.fields["cadre"].queryset = policy.for_user(Cadre, actor).order_by("full_name")
        self.fields["title"].queryset = (
            policy.for_user(Title, actor).filter(confidence_vote_applies=True).order_by("code", "valid_from")
        )
        self.fields["voter_group"].choices = VoterGroup.choices


# --- training, ranks and salary steps, delegation, family relations ---------------------------------


class CourseForm(forms.Form):
    org = forms.ModelChoiceField(label="Cấp ủy cử đi học", queryset=None)
    name = forms.CharField(label="Tên lớp", max_length=255)
    kind = forms.ChoiceField(label="Loại")
    level = forms.CharField(
        label="Trình độ được cấp",
        max_length=50,
        required=False,
        help_text="Lý luận chính trị: so_cap, trung_cap, cao_cap, cu_nhan; quản lý nhà nước: "
        "chuyen_vien, chuyen_vien_chinh, chuyen_vien_cao_cap.",
    )
    mode = forms.ChoiceField(label="Hình thức")
    institution = forms.CharField(label="Cơ sở đào tạo", max_length=255, required=False)
    starts_on = VNDateField(label="Ngày khai giảng")
    ends_on = VNDateField(label="Ngày kết thúc", required=False)

    def __init__(self, *args, actor, **kwargs):
        from dangbo.cadres.models import CourseKind, CourseMode
        from dangbo.orgs.models import Organization

        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = policy.for_user(Organization, actor, "record").order_by("code")
        self.fields["kind"].choices = CourseKind.choices
        self.fields["mode"].choices = CourseMode.choices


class TrainingNeedForm(forms.Form):
    """A unit's yearly training-needs registration (one kind × level × mode)."""

    org = forms.ModelChoiceField(label="Đơn vị đăng ký", queryset=None)
    year = forms.IntegerField(label="Năm")
    kind = forms.ChoiceField(label="Loại")
    level = forms.CharField(
        label="Trình độ",
        max_length=50,
        required=False,
        help_text="Lý luận chính trị: so_cap, trung_cap, cao_cap, cu_nhan; quản lý nhà nước: "
        "chuyen_vien, chuyen_vien_chinh, chuyen_vien_cao_cap.",
    )
    mode = forms.ChoiceField(label="Hình thức")
    count = forms.IntegerField(label="Số người")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, actor, **kwargs):
        from dangbo.cadres.models import CourseKind, CourseMode
        from dangbo.orgs.models import Organization

        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = policy.for_user(Organization, actor, "record").order_by("code")
        self.fields["kind"].choices = CourseKind.choices
        self.fields["mode"].choices = CourseMode.choices


class EnrolForm(forms.Form):
    cadre = forms.ModelChoiceField(label="Cán bộ", queryset=None)
    sent_on = VNDateField(label="Ngày cử đi học")
    decision = forms.CharField(label="Quyết định cử đi học", max_length=60, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = policy.for_user(Cadre, actor, "record").order_by("full_name")


class EnrolmentResultForm(forms.Form):
    result = forms.ChoiceField(label="Kết quả")
    completed_on = VNDateField(label="Ngày hoàn thành")
    certificate = forms.CharField(label="Số bằng, chứng chỉ", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        from dangbo.cadres.models import EnrolmentResult

        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(v, lb) for v, lb in EnrolmentResult.choices if v != EnrolmentResult.STUDYING]


class SalaryEventForm(forms.Form):
    """A rank or salary-step event of one cadre (the cadre is the page's)."""

    type = forms.ChoiceField(label="Loại")
    on = VNDateField(label="Ngày hưởng")
    rank_code = forms.CharField(label="Mã ngạch", max_length=20, required=False)
    rank_name = forms.CharField(label="Ngạch, hạng", max_length=100, required=False)
    step = forms.IntegerField(label="Bậc", required=False)
    coefficient = forms.DecimalField(label="Hệ số", max_digits=5, decimal_places=2, required=False)
    allowance = forms.CharField(label="Phụ cấp", max_length=100, required=False)
    decision = forms.CharField(label="Quyết định", max_length=60, required=False)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from dangbo.cadres.models import SalaryEventType

        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(v, lb) for v, lb in SalaryEventType.choices if v != SalaryEventType.CORRECTION]


class SalaryVoidForm(forms.Form):
    """Void (hủy) a rank or salary event: the reason is required."""

    reason = forms.CharField(label="Lý do hủy", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RaisesDueForm(forms.Form):
    ngay = VNDateField(label="Tính đến ngày", required=False)
    thang = forms.IntegerField(label="Trong (tháng) tới", required=False, min_value=0, max_value=36)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control form-control-sm")


class DelegationForm(forms.Form):
    province = forms.ModelChoiceField(label="Tỉnh (cấp ủy)", queryset=None)
    title_group = forms.CharField(label="Nhóm chức danh", max_length=100)
    action = forms.ChoiceField(label="Nội dung", choices=ACTION_CHOICES)
    decides = forms.CharField(label="Cấp quyết định", max_length=255)
    appraises = forms.CharField(label="Cơ quan thẩm định", max_length=255, required=False)
    agrees = forms.CharField(label="Cơ quan thỏa thuận, hiệp y", max_length=255, required=False)
    consulted = forms.CharField(label="Cơ quan được hỏi ý kiến", max_length=255, required=False)
    valid_from = VNDateField(label="Từ ngày")
    source = forms.CharField(label="Văn bản", max_length=255, required=False)

    def __init__(self, *args, actor, **kwargs):
        from dangbo.orgs.models import Organization

        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = policy.for_user(Organization, actor, "record").order_by("code")


class RelationForm(forms.Form):
    relationship = forms.ChoiceField(label="Quan hệ")
    relative_name = forms.CharField(label="Họ và tên người thân", max_length=200)
    relative_birth_year = forms.IntegerField(label="Năm sinh", required=False, min_value=1900, max_value=2100)
    occupation = forms.CharField(label="Nghề nghiệp, chức vụ", max_length=255, required=False)
    relative_cadre = forms.ModelChoiceField(label="Là cán bộ (nếu có)", queryset=None, required=False)

    def __init__(self, *args, actor, **kwargs):
        from dangbo.cadres.models import Relationship

        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = Relationship.choices
        self.fields["relative_cadre"].queryset = policy.for_user(Cadre, actor).order_by("full_name")


# --- the title catalogue (danh mục chức danh) ------------------------------------------------------

HEAD_CHOICES = [("1", "Cấp trưởng"), ("0", "Cấp phó")]


class TitleForm(OnceForm):
    """The content of a title version. To add a title: with the province (among those whose
    catalogue the user may write) and the code; to change one: neither (the code stays)."""

    province = forms.TypedChoiceField(label="Tỉnh", coerce=int)
    code = forms.CharField(label="Mã chức danh", max_length=40, help_text="Ví dụ: PGD-SO. Lưu bằng chữ in hoa.")
    name = forms.CharField(label="Tên chức danh", max_length=255)
    group = forms.CharField(label="Nhóm chức danh tương đương", max_length=100, required=False)
    is_head = forms.TypedChoiceField(label="Cấp trưởng/Cấp phó", choices=HEAD_CHOICES, coerce=lambda v: v == "1")
    sits_in = forms.CharField(label="Vị trí (loại tổ chức, cơ quan)", max_length=100, required=False)
    filled_by = forms.ChoiceField(label="Hình thức", choices=FilledBy.choices)
    term_calendar = forms.ChoiceField(label="Nhiệm kỳ", choices=TermCalendar.choices)
    planning_applies = forms.BooleanField(label="Thuộc diện quy hoạch", required=False, initial=True)
    confidence_vote_applies = forms.BooleanField(label="Thuộc diện lấy phiếu tín nhiệm", required=False, initial=True)
    valid_from = VNDateField(label="Có hiệu lực từ ngày")
    source = forms.CharField(
        label="Văn bản",
        max_length=255,
        required=False,
        help_text="Số, ngày văn bản quy định danh mục hoặc sửa đổi chức danh.",
    )

    def __init__(self, *args, provinces: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is None:
            del self.fields["province"], self.fields["code"]
            self.fields["valid_from"].label = "Nội dung mới có hiệu lực từ ngày"
        else:
            self.fields["province"].choices = list(provinces.items())

    def title_input(self, code: str = "") -> TitleInput:
        d = self.cleaned_data
        return TitleInput(
            code=d.get("code") or code,
            name=d["name"],
            is_head=d["is_head"],
            group=d.get("group") or "",
            sits_in=d.get("sits_in") or "",
            filled_by=d["filled_by"],
            term_calendar=d["term_calendar"],
            planning_applies=d.get("planning_applies", False),
            confidence_vote_applies=d.get("confidence_vote_applies", False),
            source=d.get("source") or "",
        )


def title_initial(title: Title) -> dict:
    """A change form starts from the version in force."""
    return {
        "name": title.name,
        "group": title.group,
        "is_head": "1" if title.is_head else "0",
        "sits_in": title.sits_in,
        "filled_by": title.filled_by,
        "term_calendar": title.term_calendar,
        "planning_applies": title.planning_applies,
        "confidence_vote_applies": title.confidence_vote_applies,
        "source": title.source,
    }


class SuccessorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Title) -> str:
        return f"{obj.code} — {obj.name} ({title_period(obj)})"


class TitleAbolishForm(forms.Form):
    valid_to = VNDateField(
        label="Còn hiệu lực đến hết ngày", help_text="Ví dụ 30/06/2025: chức danh không còn từ ngày 01/07/2025."
    )
    successor = SuccessorChoice(
        label="Chức danh kế thừa",
        queryset=Title.objects.none(),
        required=False,
        help_text="Chức danh của cùng tỉnh có hiệu lực từ ngày hôm sau, thay cho chức danh này "
        "(khi sáp nhập, hợp nhất). Để trống nếu không có.",
    )
    source = forms.CharField(label="Văn bản bãi bỏ", max_length=120, required=False)

    def __init__(self, *args, title: Title, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            Title.objects.filter(province_id=title.province_id).exclude(code=title.code).order_by("code", "valid_from")
        )
