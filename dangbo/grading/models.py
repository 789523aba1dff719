"""Yearly quality grading (đánh giá, xếp loại chất lượng) of party members and organizations.

- `GradingCampaign`: one year's grading of an organization subtree, with its timetable.
- `CriteriaFramework` / `Criterion`: the criteria (khung tiêu chí) per subject, org type and
  position, versioned by year; a committee adapts a parent framework within its subtree.
- `GradingRecord`: one dated step (self-assessment, proposal, decision) for a member or an
  organization. Append-only: a correction after a decision is a new decision that
  `supersedes` the old one.
- `CapException`: the competent level's decision allowing more "xuất sắc" than the cap (R-072).
- reminders to late organizations are notifications.Notification rows (addressed to the organization).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "good", "Hoàn thành tốt nhiệm vụ"
    SATISFACTORY = "satisfactory", "Hoàn thành nhiệm vụ"
    UNSATISFACTORY = "unsatisfactory", "Không hoàn thành nhiệm vụ"
    NOT_GRADED = "not_graded", "Không xếp loại"


GRADE_ABBREV = {
    "excellent": "HTXSNV",
    "good": "HTTNV",
    "satisfactory": "HTNV",
    "unsatisfactory": "KHTNV",
    "not_graded": "KXL",
}
GRADE_RANK = {"excellent": 1, "good": 2, "satisfactory": 3, "unsatisfactory": 4, "not_graded": 9}


class Subject(models.TextChoices):
    MEMBER = "member", "Đảng viên"
    ORG = "org", "Tổ chức đảng"


class Step(models.TextChoices):
    SELF = "self", "Tự đánh giá"
    PROPOSAL = "proposal", "Nhận xét, đề xuất xếp loại"
    DECISION = "decision", "Quyết định xếp loại"


class GradingCampaign(models.Model):
    year = models.PositiveSmallIntegerField("Năm đánh giá")
    root_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Tổ chức triển khai"
    )
    opens_on = models.DateField("Ngày bắt đầu")
    self_assessment_due = models.DateField("Hạn tự đánh giá")
    cell_meeting_due = models.DateField("Hạn họp chi bộ")
    decision_due = models.DateField("Hạn quyết định xếp loại")
    deadline = models.DateField("Hạn hoàn thành")
    note = models.TextField("Ghi chú", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Đợt đánh giá, xếp loại"
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "root_org"], name="grading_campaign_unique")]

    def __str__(self) -> str:
        return f"Đánh giá, xếp loại năm {self.year}"


class CriteriaFramework(models.Model):
    year = models.PositiveSmallIntegerField("Năm áp dụng")
    name = models.CharField("Tên khung tiêu chí", max_length=255)
    subject = models.CharField("Đối tượng", max_length=10, choices=Subject.choices)
    org_type = models.CharField("Loại tổ chức", max_length=40, blank=True)
    position = models.CharField("Chức vụ / nhóm đối tượng", max_length=120, blank=True)
    owner_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Cấp ủy ban hành",
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="adaptations")
    version = models.PositiveSmallIntegerField(default=1)
    issued_on = models.DateField("Ngày ban hành")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Khung tiêu chí"
        ordering = ["-year", "name", "version"]
        indexes = [models.Index(fields=["year", "owner_org"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.year}, lần {self.version})"

    @property
    def max_total(self):
        return sum(c.max_points for c in self.criteria.all())


class Criterion(models.Model):
    framework = models.ForeignKey(CriteriaFramework, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.CharField("Tiêu chí", max_length=500)
    max_points = models.DecimalField("Điểm tối đa", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["framework_id", "order"]

    def __str__(self) -> str:
        return self.text


class GradingRecordQuerySet(models.QuerySet):
    def current(self) -> GradingRecordQuerySet:
        """Steps not superseded by a later one."""
        return self.filter(superseded_by__isnull=True)


def _document_path(instance, filename: str) -> str:
    return f"grading/{instance.campaign.year}/{filename}"


class GradingRecord(models.Model):
    campaign = models.ForeignKey(GradingCampaign, on_delete=models.PROTECT, related_name="records")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    step = models.CharField("Bước", max_length=10, choices=Step.choices)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tổ chức được xếp loại, hoặc chi bộ của đảng viên.",
    )
    grassroots_org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    framework = models.ForeignKey(CriteriaFramework, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict, blank=True)
    total = models.DecimalField("Tổng điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField("Xếp loại", max_length=20, choices=Grade.choices)
    comment = models.TextField("Nhận xét", blank=True)
    on = models.DateField("Ngày")
    decision_number = models.CharField("Số văn bản", max_length=60, blank=True)
    document = models.FileField("Tài liệu kèm theo", upload_to=_document_path, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField("Lý do điều chỉnh", blank=True)
    member_event = models.ForeignKey(
        "members.MemberEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = GradingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "Bước đánh giá, xếp loại"
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["campaign", "subject", "step"]),
            models.Index(fields=["member", "step"]),
            models.Index(fields=["org", "step"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(subject="org") | Q(member__isnull=False), name="grading_member_needed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} — {self.get_grade_display()} ({self.on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("GradingRecord is append-only; record a new (superseding) step instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("GradingRecord is append-only; record a new (superseding) step instead")

    @property
    def grade_abbrev(self) -> str:
        return GRADE_ABBREV.get(self.grade, "")


class CapException(models.Model):
    """The competent level allows more HTXSNV than the cap in one grassroots org (R-072)."""

    campaign = models.ForeignKey(GradingCampaign, on_delete=models.PROTECT, related_name="cap_exceptions")
    grassroots_org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    max_excellent = models.PositiveIntegerField("Số HTXSNV tối đa được phép")
    decision_number = models.CharField("Số văn bản", max_length=60)
    reason = models.TextField("Lý do")
    decided_on = models.DateField("Ngày quyết định")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Ngoại lệ tỷ lệ xuất sắc"

    def __str__(self) -> str:
        return f"{self.decision_number}: tối đa {self.max_excellent}"
