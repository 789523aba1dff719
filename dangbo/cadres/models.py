"""Cadre work (công tác cán bộ): cadres, the title catalogue, decisions and their append-only
cadre actions, position holdings derived from them, and planning (quy hoạch).

History is kept as in the member registry: a cadre action is never edited or deleted; a wrong
action is voided by a correction action (`corrects`). Position holdings are a projection rebuilt
from the effective actions in the same transaction as every write (services.py).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class FilledBy(models.TextChoices):
    APPOINTED = "appointed", "Bổ nhiệm"
    ELECTED = "elected", "Bầu cử"
    DESIGNATED = "designated", "Chỉ định"


class TermCalendar(models.TextChoices):
    PARTY = "party", "Nhiệm kỳ Đảng (2025–2030)"
    STATE = "state", "Nhiệm kỳ chính quyền (2026–2031)"
    APPOINTMENT = "appointment", "Thời hạn bổ nhiệm 5 năm"


# The organizations that keep a title catalogue: provinces (đảng bộ tỉnh, thành phố).
PROVINCE_ORG_TYPE = "provincial_party_org"


class Title(models.Model):
    """One version of a title of the province's catalogue (danh mục chức danh). A title abolished or
    merged (e.g. the district titles on 01/07/2025) keeps its row with `valid_to`; `successor`
    is its lineage."""

    province = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tỉnh (đảng bộ tỉnh) có danh mục này.",
    )
    code = models.CharField("Mã chức danh", max_length=40)
    name = models.CharField("Tên chức danh", max_length=255)
    group = models.CharField("Nhóm chức danh tương đương", max_length=100, blank=True)
    is_head = models.BooleanField("Cấp trưởng", default=False, help_text="Sai = cấp phó.")
    sits_in = models.CharField("Vị trí (loại tổ chức, cơ quan)", max_length=100, blank=True)
    filled_by = models.CharField("Hình thức", max_length=20, choices=FilledBy.choices, default=FilledBy.APPOINTED)
    term_calendar = models.CharField(
        "Nhiệm kỳ", max_length=20, choices=TermCalendar.choices, default=TermCalendar.APPOINTMENT
    )
    planning_applies = models.BooleanField("Quy hoạch", default=True)
    confidence_vote_applies = models.BooleanField("Lấy phiếu tín nhiệm", default=True)
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="Chức danh kế thừa sau sắp xếp.",
    )
    source = models.CharField("Văn bản", max_length=255, blank=True)

    class Meta:
        verbose_name = "Chức danh"
        ordering = ["province_id", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code", "valid_from"], name="cadres_title_version_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def valid_on(self, at: date) -> bool:
        return self.valid_from <= at and (self.valid_to is None or at <= self.valid_to)


class TitleAncestor(models.Model):
    """The stored lineage closure of a province's catalogue, by code: `ancestor` is the code of a
    title merged into `code`, directly or through a chain of mergers (A merged into B, B into C:
    C has the ancestors A and B). A title has no row for itself nor for its own versions (they
    share its code). A projection of `Title.successor`, rebuilt for the province by every write
    that sets a successor (services.title_abolish); SQL reads a title's whole lineage in one join
    (selectors.title_lineage_q)."""

    province = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    ancestor = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "code", "ancestor"], name="cadres_title_ancestor_unique"),
        ]


def title_ancestors(successors: dict[str, set[str]]) -> dict[str, set[str]]:
    """The closure of one province's lineage: `successors` maps a code to the codes its versions
    were merged into; returns code -> every code merged into it, directly or through a chain."""
    preds: dict[str, set[str]] = {}
    for code, succs in successors.items():
        for s in succs:
            if s != code:
                preds.setdefault(s, set()).add(code)
    out: dict[str, set[str]] = {}
    for code in preds:
        seen, frontier = set(), set(preds[code])
        while frontier:
            seen |= frontier
            frontier = {p for f in frontier for p in preds.get(f, ())} - seen - {code}
        out[code] = seen - {code}
    return out


class Cadre(models.Model):
    """A person under a party committee's management (`managing_org`: the access scope)."""

    full_name = models.CharField("Họ và tên", max_length=200)
    birth_date = models.DateField("Ngày sinh")
    sex = models.CharField("Giới tính", max_length=1, choices=Sex.choices)
    citizen_id = models.CharField(
        "Số CCCD",
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        help_text="12 chữ số; nhận diện cán bộ khi nhập danh sách từ tệp (cán bộ không phải đảng viên cũng có).",
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Hồ sơ đảng viên (nếu là đảng viên).",
    )
    managing_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy quản lý"
    )
    education = models.CharField("Trình độ giáo dục phổ thông", max_length=50, blank=True)
    qualification = models.CharField("Trình độ chuyên môn", max_length=200, blank=True)
    theory_level = models.CharField("Lý luận chính trị", max_length=50, blank=True)
    state_management_level = models.CharField("Quản lý nhà nước", max_length=50, blank=True)
    management_class = models.CharField("Diện quản lý", max_length=100, blank=True)
    management_class_from = models.DateField("Diện quản lý từ ngày", null=True, blank=True)
    ethnicity = models.CharField(
        "Dân tộc", max_length=50, blank=True, help_text="Để trống khi chưa có; khác «Kinh» là dân tộc thiểu số (R-093)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Cán bộ"
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["managing_org", "full_name"])]

    def __str__(self) -> str:
        return self.full_name


# The fields of a cadre's record that hold from a date (a report as of an earlier date reads the
# value then): each change is a CadreProfileChange. The management class's date is its own
# `management_class_from`; the others change on the date given with the change.
DATED_PROFILE_FIELDS = (
    "managing_org_id",
    "education",
    "qualification",
    "theory_level",
    "state_management_level",
    "management_class",
)


class CadreProfileChange(models.Model):
    """A dated change of one field of a cadre's record (DATED_PROFILE_FIELDS): the value before,
    the value after and the day the new value holds from. Append-only, written by
    services.cadre_update in the transaction of the change; the record keeps the current value.
    The value as of a date: selectors.profile_on (the `after` of the last change on or before the
    date, else the `before` of the first change after it, else the record's value)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="profile_changes")
    field = models.CharField(max_length=40)
    on = models.DateField("Từ ngày")
    before = models.CharField(max_length=255, blank=True)
    after = models.CharField(max_length=255, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Thay đổi hồ sơ cán bộ"
        ordering = ["cadre_id", "field", "on", "id"]
        indexes = [models.Index(fields=["field", "on"]), models.Index(fields=["cadre", "field", "on"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("CadreProfileChange is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("CadreProfileChange is append-only")


class Decision(models.Model):
    """A personnel decision (quyết định): one decision can carry several cadre actions."""

    number = models.CharField("Số quyết định", max_length=60)
    signed_on = models.DateField("Ngày ký")
    body = models.CharField("Cơ quan quyết định", max_length=255)
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy ra quyết định"
    )
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Quyết định cán bộ"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="cadres_decision_idempotency_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.signed_on:%d/%m/%Y}"


class ActionType(models.TextChoices):
    APPOINTMENT = "appointment", "Bổ nhiệm"
    REAPPOINTMENT = "reappointment", "Bổ nhiệm lại"
    NOMINATION = "nomination", "Giới thiệu ứng cử"
    DESIGNATION = "designation", "Chỉ định"
    AGREEMENT = "agreement", "Thỏa thuận"
    CONCURRENCE = "concurrence", "Hiệp y"
    TRANSFER = "transfer", "Điều động"
    ROTATION = "rotation", "Luân chuyển"
    EXTENSION = "extension", "Kéo dài thời gian giữ chức vụ"
    RESIGNATION = "resignation", "Từ chức"
    DISMISSAL = "dismissal", "Miễn nhiệm"
    RELIEF = "relief", "Cho thôi giữ chức vụ"
    CORRECTION = "correction", "Hủy (đính chính)"


# Actions that put the cadre in the title (open a holding) and that end a holding.
OPENS_HOLDING = {
    ActionType.APPOINTMENT,
    ActionType.REAPPOINTMENT,
    ActionType.DESIGNATION,
    ActionType.TRANSFER,
    ActionType.ROTATION,
    ActionType.EXTENSION,
}
ENDS_HOLDING = {ActionType.RESIGNATION, ActionType.DISMISSAL, ActionType.RELIEF}
# Agreement to another body's decision: counted, no holding of ours.
AGREEMENTS = {ActionType.AGREEMENT, ActionType.CONCURRENCE}


class CadreActionQuerySet(models.QuerySet):
    def effective(self) -> CadreActionQuerySet:
        """Actions neither voided by a correction nor corrections themselves. NOT EXISTS on the
        corrections (an index-only scan of the few non-null `corrects_id`), not a LEFT JOIN of the
        whole table: the planner misestimated that anti-join as one row and nested-looped the rest."""
        return self.exclude(type=ActionType.CORRECTION).filter(
            ~Exists(CadreAction.objects.filter(corrects_id=OuterRef("pk"), corrects__isnull=False))
        )


class CadreAction(models.Model):
    """One dated cadre action of a decision. Append-only (a database trigger refuses UPDATE and, on
    PostgreSQL, DELETE): a wrong action is voided by a correction action (`corrects`)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="actions")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="actions")
    type = models.CharField("Loại", max_length=20, choices=ActionType.choices)
    on = models.DateField("Ngày hiệu lực", db_index=True)
    title = models.ForeignKey(Title, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tổ chức, cơ quan nơi có chức danh.",
    )
    planned_months = models.PositiveSmallIntegerField("Thời gian dự kiến (tháng)", null=True, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CadreActionQuerySet.as_manager()

    class Meta:
        verbose_name = "Sự kiện công tác cán bộ"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["cadre", "on"]), models.Index(fields=["type", "on"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("CadreAction is append-only; record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("CadreAction is append-only; record a correction instead")


class PositionHolding(models.Model):
    """Who held which title where, from/to (inclusive): a projection of the effective actions."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="holdings")
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    obtained_by = models.CharField(max_length=20, choices=ActionType.choices)
    action = models.ForeignKey(CadreAction, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["title", "valid_from"])]


class PlanningTerm(models.Model):
    """A planning term (nhiệm kỳ quy hoạch) of a committee, e.g. 2025–2030."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy")
    name = models.CharField("Nhiệm kỳ", max_length=40)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "Nhiệm kỳ quy hoạch"
        ordering = ["-start_year", "id"]

    def __str__(self) -> str:
        return self.name


class RemovalReason(models.TextChoices):
    OVER_AGE = "over_age", "Quá tuổi"
    DISCIPLINE = "discipline", "Bị kỷ luật"
    # Neutral wording: the political-standard conclusion itself is visible only to the
    # political-protection role (cadres.political); the planning list shows only that the cadre
    # no longer meets the criteria.
    POLITICAL_STANDARD = "political_standard", "Không còn đủ tiêu chuẩn, điều kiện"
    LOW_CONFIDENCE = "low_confidence", "Tín nhiệm thấp"
    FAILED_DUTIES = "failed_duties", "Không hoàn thành nhiệm vụ"
    OWN_REQUEST = "own_request", "Theo nguyện vọng"
    APPOINTED = "appointed", "Đã được bổ nhiệm vào chức danh"
    MOVED = "moved", "Chuyển công tác"
    TITLE_ABOLISHED = "title_abolished", "Chức danh không còn (sắp xếp tổ chức bộ máy)"


class PlanningEntry(models.Model):
    """Cadre × title × term, added with a decision and removed with a reason (dates inclusive:
    in planning from `added_on` to the day before `removed_on`)."""

    term = models.ForeignKey(PlanningTerm, on_delete=models.PROTECT, related_name="entries")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="planning")
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tổ chức, cơ quan nơi có chức danh được quy hoạch (R-094: số người mỗi chức danh).",
    )
    round = models.CharField("Đợt", max_length=60, blank=True)
    added_on = models.DateField("Ngày đưa vào")
    added_decision = models.CharField("Quyết định đưa vào", max_length=60, blank=True)
    removed_on = models.DateField("Ngày đưa ra", null=True, blank=True)
    removal_reason = models.CharField("Lý do đưa ra", max_length=30, choices=RemovalReason.choices, blank=True)
    removal_decision = models.CharField("Quyết định đưa ra", max_length=60, blank=True)

    class Meta:
        verbose_name = "Quy hoạch cán bộ"
        ordering = ["term_id", "title_id", "added_on", "id"]

    def in_planning_on(self, at: date) -> bool:
        return self.added_on <= at and (self.removed_on is None or at < self.removed_on)


# --- political-standard cases (kết luận tiêu chuẩn chính trị) ------------------------------------


class PoliticalPurpose(models.TextChoices):
    """Why a political standard is concluded (58-QĐ/TW): the reference list of purposes."""

    PLANNING = "planning", "Quy hoạch"
    APPOINTMENT = "appointment", "Bổ nhiệm, giới thiệu ứng cử"
    ADMISSION = "admission", "Kết nạp Đảng"
    ABROAD = "abroad", "Đi nước ngoài (học tập, công tác)"
    KEY_POST = "key_post", "Bố trí vị trí trọng yếu, cơ mật"
    RECRUITMENT = "recruitment", "Tuyển dụng, tiếp nhận"
    OTHER = "other", "Mục đích khác"


class PoliticalConclusion(models.TextChoices):
    MEETS = "meets", "Đủ tiêu chuẩn chính trị"
    NOT_MEETS = "not_meets", "Không đủ tiêu chuẩn chính trị"


class PoliticalCase(models.Model):
    """A political-standard conclusion (R-097) for one purpose. Visible ONLY to the
    internal-political-protection role ("view_political") in the concluding committee's subtree
    (`org`); every other user, an administrator included, gets "not found". Every read is audited
    (selectors.political_case_*), with summaries that do not name the person."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy kết luận"
    )
    cadre = models.ForeignKey(
        Cadre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Cán bộ (nếu người được kết luận là cán bộ).",
    )
    subject_name = models.CharField("Họ và tên người được kết luận", max_length=200)
    subject_birth_date = models.DateField("Ngày sinh")
    purpose = models.CharField("Mục đích", max_length=20, choices=PoliticalPurpose.choices)
    relatives_checked = models.TextField(
        "Thân nhân đã thẩm tra", blank=True, help_text="Mỗi dòng một người: quan hệ, họ tên, kết quả."
    )
    relatives_count = models.PositiveSmallIntegerField("Số thân nhân đã thẩm tra", default=0)
    conclusion = models.CharField("Kết luận", max_length=20, choices=PoliticalConclusion.choices)
    conclusion_text = models.TextField("Nội dung kết luận", blank=True)
    concluding_body = models.CharField("Cơ quan kết luận", max_length=255)
    concluded_on = models.DateField("Ngày kết luận", db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Kết luận tiêu chuẩn chính trị"
        ordering = ["-concluded_on", "-id"]
        indexes = [models.Index(fields=["org", "concluded_on"])]

    def __str__(self) -> str:
        return f"Kết luận tiêu chuẩn chính trị số {self.pk}"


# --- confidence votes (lấy phiếu tín nhiệm, R-090…R-092) -------------------------------------------


class VoteRegime(models.TextChoices):
    PARTY = "party", "Theo Quy định 96-QĐ/TW (tổ chức đảng, cơ quan)"
    STATE = "state", "Chức danh do Hội đồng nhân dân bầu"


class VoteCampaign(models.Model):
    """A confidence-vote campaign of a committee (`org`: the access scope) for a year."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy tổ chức"
    )
    name = models.CharField("Tên đợt", max_length=255)
    regime = models.CharField("Chế độ", max_length=10, choices=VoteRegime.choices, default=VoteRegime.PARTY)
    year = models.PositiveSmallIntegerField("Năm")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Đợt lấy phiếu tín nhiệm"
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.name


class UnitStatus(models.TextChoices):
    PENDING = "pending", "Chưa thực hiện"
    DONE = "done", "Đã thực hiện"
    POSTPONED = "postponed", "Lùi thời gian theo quyết định"
    NOT_SUBJECT = "not_subject", "Không thuộc diện lấy phiếu"


class VoteUnit(models.Model):
    """A unit (organization, agency) on the campaign's list, with its status: done (with the date),
    postponed by a decision, or not subject (newly appointed, no head yet…) with the reason."""

    campaign = models.ForeignKey(VoteCampaign, on_delete=models.CASCADE, related_name="units")
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("Đơn vị", max_length=255)
    status = models.CharField("Tình trạng", max_length=20, choices=UnitStatus.choices, default=UnitStatus.PENDING)
    held_on = models.DateField("Ngày lấy phiếu", null=True, blank=True)
    reason = models.CharField("Lý do", max_length=255, blank=True)
    decision = models.CharField("Quyết định", max_length=60, blank=True)

    class Meta:
        verbose_name = "Đơn vị lấy phiếu tín nhiệm"
        ordering = ["campaign_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="cadres_voteunit_name_unique")]

    def __str__(self) -> str:
        return self.name


class VoterGroup(models.TextChoices):
    COMMITTEE = "committee", "Ban chấp hành đảng bộ"
    STANDING = "standing", "Ban thường vụ"
    COUNCIL = "council", "Đại biểu Hội đồng nhân dân"
    LEADERSHIP = "leadership", "Lãnh đạo cơ quan, đơn vị"
    OTHER = "other", "Thành phần khác"


class VoteResult(models.Model):
    """The ballots of one voter group for one cadre in one title (R-090): summoned, attending,
    valid ballots and the three levels. The band and its consequence (R-091) are derived."""

    unit = models.ForeignKey(VoteUnit, on_delete=models.CASCADE, related_name="results")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="vote_results")
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")
    voter_group = models.CharField("Thành phần lấy phiếu", max_length=20, choices=VoterGroup.choices)
    summoned = models.PositiveIntegerField("Số được triệu tập")
    attended = models.PositiveIntegerField("Số có mặt")
    valid = models.PositiveIntegerField("Số phiếu hợp lệ")
    high = models.PositiveIntegerField("Tín nhiệm cao")
    medium = models.PositiveIntegerField("Tín nhiệm")
    low = models.PositiveIntegerField("Tín nhiệm thấp")
    held_on = models.DateField("Ngày lấy phiếu")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Kết quả lấy phiếu tín nhiệm"
        ordering = ["unit_id", "cadre_id", "title_id", "voter_group"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "cadre", "title", "voter_group"], name="cadres_voteresult_unique")
        ]


# --- training (đào tạo, bồi dưỡng) and ranks/salary steps (ngạch, bậc lương) ----------------------


class CourseKind(models.TextChoices):
    THEORY = "theory", "Lý luận chính trị"
    STATE_MANAGEMENT = "state_management", "Quản lý nhà nước"
    PROFESSIONAL = "professional", "Chuyên môn, nghiệp vụ"
    REFRESHER = "refresher", "Bồi dưỡng theo chức danh"
    DEFENCE = "defence", "Quốc phòng và an ninh"
    ABROAD = "abroad", "Đào tạo, bồi dưỡng ở nước ngoài"


class CourseMode(models.TextChoices):
    FULL_TIME = "full_time", "Tập trung"
    PART_TIME = "part_time", "Không tập trung"


class TrainingCourse(models.Model):
    """A course (lớp đào tạo, bồi dưỡng) a committee (`org`: the access scope) sends cadres to.
    `level` is the level it confers: for political theory a key of THEORY_LEVELS (R-098), for state
    management a key of STATE_MANAGEMENT_LEVELS, for the other kinds free text (e.g. "Tiến sĩ")."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy cử đi học"
    )
    name = models.CharField("Tên lớp", max_length=255)
    kind = models.CharField("Loại", max_length=20, choices=CourseKind.choices)
    level = models.CharField("Trình độ được cấp", max_length=50, blank=True)
    mode = models.CharField("Hình thức", max_length=10, choices=CourseMode.choices, default=CourseMode.FULL_TIME)
    institution = models.CharField("Cơ sở đào tạo", max_length=255, blank=True)
    starts_on = models.DateField("Ngày khai giảng")
    ends_on = models.DateField("Ngày kết thúc", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Lớp đào tạo, bồi dưỡng"
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["org", "starts_on"])]

    def __str__(self) -> str:
        return self.name


class TrainingNeed(models.Model):
    """A unit's yearly training-needs registration (đăng ký nhu cầu đào tạo, bồi dưỡng năm): how
    many of its cadres it asks to send to a kind of course (level, mode) in `year`. One row per
    unit × year × kind × level × mode; registering again replaces the number (audited, the old
    number in the audit summary). `org` is the registering unit: the access scope."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị đăng ký"
    )
    year = models.PositiveSmallIntegerField("Năm")
    kind = models.CharField("Loại", max_length=20, choices=CourseKind.choices)
    level = models.CharField("Trình độ", max_length=50, blank=True)
    mode = models.CharField("Hình thức", max_length=10, choices=CourseMode.choices, default=CourseMode.FULL_TIME)
    count = models.PositiveIntegerField("Số người")
    note = models.CharField("Ghi chú", max_length=255, blank=True)
    registered_at = models.DateTimeField(auto_now=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Nhu cầu đào tạo, bồi dưỡng"
        ordering = ["year", "org_id", "kind", "level", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "kind", "level", "mode"], name="training_need_unique"),
        ]
        indexes = [models.Index(fields=["year", "org"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.count}"


class EnrolmentResult(models.TextChoices):
    STUDYING = "studying", "Đang học"
    PASSED = "passed", "Hoàn thành, được cấp bằng/chứng chỉ"
    FAILED = "failed", "Không hoàn thành"
    WITHDRAWN = "withdrawn", "Thôi học"


class TrainingEnrolment(models.Model):
    """A cadre sent to a course by a decision (`sent_on`), and the result. A passed course
    confers its level from `completed_on` (selectors: the cadre's levels as of a date)."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="enrolments")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="trainings")
    sent_on = models.DateField("Ngày cử đi học", db_index=True)
    decision = models.CharField("Quyết định cử đi học", max_length=60, blank=True)
    result = models.CharField(
        "Kết quả", max_length=10, choices=EnrolmentResult.choices, default=EnrolmentResult.STUDYING
    )
    completed_on = models.DateField("Ngày hoàn thành", null=True, blank=True)
    certificate = models.CharField("Số bằng, chứng chỉ", max_length=60, blank=True)
    level_before = models.CharField(
        "Trình độ trước khi hoàn thành",
        max_length=50,
        null=True,
        blank=True,
        help_text="Trình độ ghi trên hồ sơ trước khi lớp này nâng lên (để xem theo ngày); trống: không nâng.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Cán bộ được cử đi học"
        ordering = ["sent_on", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "cadre"], name="cadres_enrolment_unique")]


class SalaryEventType(models.TextChoices):
    RECRUITMENT = "recruitment", "Tiếp nhận vào làm công chức, viên chức"
    TRANSFER_IN = "transfer_in", "Thuyên chuyển, tiếp nhận"
    RANK_APPOINTMENT = "rank_appointment", "Bổ nhiệm ngạch"
    RANK_TRANSFER = "rank_transfer", "Chuyển ngạch"
    STEP_REGULAR = "step_regular", "Nâng bậc lương thường xuyên"
    STEP_EARLY = "step_early", "Nâng bậc lương trước thời hạn"
    ALLOWANCE = "allowance", "Phụ cấp"
    CORRECTION = "correction", "Hủy (đính chính)"


STEP_RAISES = {SalaryEventType.STEP_REGULAR, SalaryEventType.STEP_EARLY}
RANK_EVENTS = {
    SalaryEventType.RECRUITMENT,
    SalaryEventType.TRANSFER_IN,
    SalaryEventType.RANK_APPOINTMENT,
    SalaryEventType.RANK_TRANSFER,
}


class SalaryEventQuerySet(models.QuerySet):
    def effective(self) -> SalaryEventQuerySet:
        """Events neither voided nor corrections (NOT EXISTS, as CadreActionQuerySet.effective)."""
        return self.exclude(type=SalaryEventType.CORRECTION).filter(
            ~Exists(SalaryEvent.objects.filter(corrects_id=OuterRef("pk"), corrects__isnull=False))
        )


class SalaryEvent(models.Model):
    """A dated rank (ngạch/hạng) or salary-step (bậc lương) event of a cadre. Append-only like
    cadre actions: a wrong event is voided by a correction (`corrects`). The rank and step as of
    a date are those of the latest effective event on or before it."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="salary_events")
    type = models.CharField("Loại", max_length=20, choices=SalaryEventType.choices)
    on = models.DateField("Ngày hưởng", db_index=True)
    rank_code = models.CharField("Mã ngạch", max_length=20, blank=True)
    rank_name = models.CharField("Ngạch, hạng", max_length=100, blank=True)
    step = models.PositiveSmallIntegerField("Bậc", null=True, blank=True)
    coefficient = models.DecimalField("Hệ số", max_digits=5, decimal_places=2, null=True, blank=True)
    allowance = models.CharField("Phụ cấp", max_length=100, blank=True)
    decision = models.CharField("Quyết định", max_length=60, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SalaryEventQuerySet.as_manager()

    class Meta:
        verbose_name = "Ngạch, bậc lương"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["cadre", "on"]), models.Index(fields=["type", "on"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("SalaryEvent is append-only; record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("SalaryEvent is append-only; record a correction instead")


# --- delegation (phân cấp quản lý cán bộ) and family relations (114-QĐ/TW) -----------------------


class Delegation(models.Model):
    """One dated version of the delegation matrix of a province (`province`: the access scope):
    for a title group and an action, who decides, who appraises, who must agree (thỏa thuận /
    hiệp y) and who is consulted. A new version for the same group and action closes the previous
    one the day before (services); nothing is edited."""

    province = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Tỉnh")
    title_group = models.CharField("Nhóm chức danh", max_length=100)
    action = models.CharField("Nội dung", max_length=20, choices=ActionType.choices)
    decides = models.CharField("Cấp quyết định", max_length=255)
    appraises = models.CharField("Cơ quan thẩm định", max_length=255, blank=True)
    agrees = models.CharField("Cơ quan thỏa thuận, hiệp y", max_length=255, blank=True)
    consulted = models.CharField("Cơ quan được hỏi ý kiến", max_length=255, blank=True)
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)
    source = models.CharField("Văn bản", max_length=255, blank=True)

    class Meta:
        verbose_name = "Phân cấp quản lý cán bộ"
        ordering = ["province_id", "title_group", "action", "valid_from"]


class Relationship(models.TextChoices):
    FATHER = "father", "Bố đẻ"
    MOTHER = "mother", "Mẹ đẻ"
    SPOUSE = "spouse", "Vợ, chồng"
    CHILD = "child", "Con đẻ"
    SIBLING = "sibling", "Anh, chị, em ruột"
    PARENT_IN_LAW = "parent_in_law", "Bố, mẹ vợ (chồng)"
    SIBLING_IN_LAW = "sibling_in_law", "Anh, chị, em ruột của vợ (chồng)"
    CHILD_IN_LAW = "child_in_law", "Con dâu, con rể"


class FamilyRelation(models.Model):
    """A relative of a cadre (political standard, 58-QĐ/TW; kinship in leadership, 114-QĐ/TW).
    `relative_cadre` links the relative when they are a cadre too (the 114 check)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="relatives")
    relationship = models.CharField("Quan hệ", max_length=20, choices=Relationship.choices)
    relative_name = models.CharField("Họ và tên", max_length=200)
    relative_birth_year = models.PositiveSmallIntegerField("Năm sinh", null=True, blank=True)
    relative_cadre = models.ForeignKey(
        Cadre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="Là cán bộ"
    )
    occupation = models.CharField("Nghề nghiệp, chức vụ", max_length=255, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Quan hệ gia đình"
        ordering = ["cadre_id", "id"]
