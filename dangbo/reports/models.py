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
    # when the account was last written (bulk loads leave it empty)
    updated_at = models.DateTimeField(auto_now=True, null=True, db_index=True)

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
    # Who issues the document (reports.letterhead.IssuerKind); "" = the usual issuer of the
    # organization's type (the organization commission of a province, the committee, the cell).
    issuer_kind = models.CharField("Cơ quan ban hành", max_length=20, blank=True, default="", db_default="")
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
    stamp (reports.selectors.registry_stamp: any write to what figures are computed from) is
    unchanged; the next read after a change recomputes it."""

    org_id = models.IntegerField()
    at = models.DateField()
    start = models.DateField()
    end = models.DateField()
    stamp = models.CharField(max_length=120)
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org_id", "at", "start", "end"], name="figuresnapshot_key")]


class SummarySnapshot(models.Model):
    """A computed summary other than the indicator set (the dashboard's yearly trend and age
    pyramid, the member counts of the organization tree's nodes, the national rollup), under a
    key naming what and for which organization and date, valid while the registry stamp is the
    one it was computed under (reports.figures.cached); shared by every process."""

    key = models.CharField(max_length=200, unique=True)
    stamp = models.CharField(max_length=120)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)


# --- report fact projections (the fast path of the indicators) ---------------------------------


class ReportSpan(models.Model):
    """One member counted in the đảng số (dự bị or chính thức) over an inclusive date range with
    every fact a headcount breaks down by: a `members.MembershipSpan` of an active status, cut
    where the highest Huy hiệu Đảng held or the e-handbook account changes, with the profile
    fields copied from `Member`. So every headcount of a subtree as of a date is one pass over
    this table (index-only on PostgreSQL), on the tree of that date: `org_id` is the stable
    organization, the subtree is resolved from `orgs.OrgVersion` when asked.

    A projection: rebuilt for a member by `reports.facts.refresh_members` whenever the members
    services project the member's events (and when an e-handbook account changes); rebuilt for
    everyone by `dangbo rebuild-report-facts`. Never edited by hand."""

    member_id = models.IntegerField(db_index=True)
    org_id = models.IntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20)
    exempt = models.BooleanField(default=False)
    temp_org_id = models.IntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1)
    birth_year = models.PositiveSmallIntegerField()
    ethnicity = models.CharField(max_length=4)
    religion = models.CharField(max_length=4)
    theory = models.CharField(max_length=30, blank=True)
    general = models.CharField(max_length=30, blank=True)
    professional = models.CharField(max_length=30, blank=True)
    badge = models.PositiveSmallIntegerField(default=0)  # highest badge (years) held; 0 = none
    handbook = models.BooleanField(default=False)  # open e-handbook account

    class Meta:
        indexes = [
            models.Index(
                fields=["org_id", "valid_from"],
                include=[
                    "valid_to",
                    "status",
                    "exempt",
                    "temp_org_id",
                    "sex",
                    "birth_year",
                    "ethnicity",
                    "religion",
                    "theory",
                    "general",
                    "professional",
                    "badge",
                    "handbook",
                ],
                name="reportspan_org_cover",
            ),
            # the few members attached elsewhere: "who is attached here" without a scan
            models.Index(
                fields=["temp_org_id", "valid_from"], condition=Q(temp_org_id__isnull=False), name="reportspan_temp_org"
            ),
        ]


class ReportFlow(models.Model):
    """One effective (not voided) lifecycle event of the kinds the flow indicators count, with the
    member's home organization on the day of the event (`home_org_id`, from the spans) so that
    the flows of a subtree over a period read only the events of its organizations. A projection
    kept with `ReportSpan`."""

    event_id = models.IntegerField(unique=True)
    member_id = models.IntegerField(db_index=True)
    type = models.CharField(max_length=40)
    on = models.DateField()
    home_org_id = models.IntegerField(null=True, blank=True)
    counterpart_org_id = models.IntegerField(null=True, blank=True)
    years = models.CharField(max_length=10, blank=True)  # badge milestone from the payload

    class Meta:
        indexes = [
            models.Index(fields=["home_org_id", "type", "on"], include=["years"], name="reportflow_home_type_on"),
            models.Index(fields=["counterpart_org_id", "type", "on"], name="reportflow_cp_type_on"),
        ]


# --- per-organization summaries (kept with the report facts) -----------------------------------


class OrgDueSpan(models.Model):
    """A maximal inclusive date range over which the organization had at least one member attending
    it (home cell, or host cell while temporarily attached) who is active, not exempt and not in
    transit: the organization owes its regular monthly meeting on every day of the range (R-012).
    `valid_to` null = still open. A projection of `members.MembershipSpan`, kept by
    `reports.facts.refresh_orgs` in the transaction of the member writers and rebuilt set-based by
    `dangbo rebuild-org-facts` (PERFORMANCE.md lesson 1): the cell-life figures of a province read
    a few rows per organization instead of scanning every span."""

    org_id = models.IntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["org_id", "valid_from"], include=["valid_to"], name="orgduespan_org")]


class OrgCountSpan(models.Model):
    """The number of counted members (đảng số: `ReportSpan` rows) whose home organization is
    `org_id`, and of them the probationary ones (`p`), both constant over an inclusive date range
    (`valid_to` null = still open); ranges with no member are not stored. A projection of `ReportSpan`, kept and rebuilt with `OrgDueSpan`: the
    members of a subtree as of a date, by organization, read one row per organization."""

    org_id = models.IntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    n = models.IntegerField()
    p = models.IntegerField(default=0)  # of them probationary (dự bị)

    class Meta:
        indexes = [
            models.Index(fields=["org_id", "valid_from"], include=["valid_to", "n", "p"], name="orgcountspan_org")
        ]
