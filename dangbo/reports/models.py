"""Data the indicators need that the registry does not hold: yearly admission quotas set by an
officer (R-058) and members' e-handbook accounts (coverage ratio "51.602/57.012, đạt 90,5%")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AdmissionQuota(models.Model):
    """Chỉ tiêu kết nạp đảng viên of one organization for one calendar year (R-058)."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("Năm")
    quota = models.PositiveIntegerField("Chỉ tiêu kết nạp")
    note = models.CharField("Ghi chú", max_length=255, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Chỉ tiêu kết nạp đảng viên"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="admissionquota_org_year")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}: {self.quota}"


class HandbookAccountQuerySet(models.QuerySet):
    def open_on(self, at) -> HandbookAccountQuerySet:
        return self.filter(registered_on__lte=at).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=at))


class HandbookAccount(models.Model):
    """A member's account in the e-handbook (Sổ tay đảng viên điện tử), with its dates."""

    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField("Ngày đăng ký")
    closed_on = models.DateField("Ngày khóa", null=True, blank=True)

    objects = HandbookAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "Tài khoản Sổ tay đảng viên điện tử"
        indexes = [models.Index(fields=["registered_on"])]

    def __str__(self) -> str:
        return f"{self.member_id} từ {self.registered_on:%d/%m/%Y}"


class PeriodKind(models.TextChoices):
    QUARTER = "quy", "Quý"
    HALF = "6_thang", "6 tháng"
    YEAR = "nam", "Năm"


class ReportPeriod(models.Model):
    """A reporting period (R-140) with its statistical cut-off date (R-141: quarter end, 30/6,
    31/12 by default; an officer may change it) and the due date of the reports up the tree."""

    kind = models.CharField("Loại kỳ", max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField("Năm")
    number = models.PositiveSmallIntegerField("Số thứ tự trong năm", default=1)
    start = models.DateField("Từ ngày")
    cutoff = models.DateField("Ngày chốt số liệu")
    due_on = models.DateField("Hạn nộp báo cáo")

    class Meta:
        verbose_name = "Kỳ báo cáo"
        ordering = ["-cutoff", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="reportperiod_kind_year_no")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return f"Quý {('I', 'II', 'III', 'IV')[self.number - 1]} năm {self.year}"
        if self.kind == PeriodKind.HALF:
            return f"6 tháng đầu năm {self.year}"
        return f"Năm {self.year}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã gửi"


class ReportSubmission(models.Model):
    """The periodic report of one organization: figures filled from the registry as of the
    cut-off, free-text sections; frozen (snapshot) once submitted to the superior (R-141)."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    org_name = models.CharField("Tên tổ chức tại ngày chốt", max_length=255, blank=True)
    figures = models.JSONField("Số liệu", default=dict, blank=True)
    sections = models.JSONField("Nội dung", default=dict, blank=True)
    number = models.CharField("Số, ký hiệu", max_length=60, blank=True)
    place = models.CharField("Địa danh", max_length=120, blank=True)
    recipients = models.TextField("Nơi nhận", blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Báo cáo định kỳ"
        constraints = [models.UniqueConstraint(fields=["org", "period"], name="reportsubmission_org_period")]

    def __str__(self) -> str:
        return f"{self.org_name or self.org_id} — {self.period}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED


class ReportTemplate(models.Model):
    """A replacement DOCX template uploaded for one organization (None = the default template
    of reports/templates_docx/ is used)."""

    org = models.OneToOneField("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    content = models.BinaryField()
    filename = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Mẫu báo cáo DOCX"


class FigureSnapshot(models.Model):
    """Fast path: the serialized indicator set of (org, at, start, end), valid while the registry
    stamp (last member event, org event, quota and e-handbook change) is unchanged. Any new event
    changes the stamp, so the next read recomputes it (refreshed by events)."""

    org_id = models.IntegerField()
    at = models.DateField()
    start = models.DateField()
    end = models.DateField()
    stamp = models.CharField(max_length=120)
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org_id", "at", "start", "end"], name="figuresnapshot_key")]
