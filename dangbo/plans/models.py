"""Documents (directives, resolutions, plans...), plan tasks, their implementing bodies, progress
reports, plan targets and in-app notifications (R-130, R-131).

Scope: a document belongs to an owning organization (`owner_org`; NULL = a central document,
visible to everyone). Users see the documents of organizations in their scope and of the
ancestors of those organizations (selectors.document_list).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangbo.plans import deadlines as dl


class DocumentType(models.TextChoices):
    NGHI_QUYET = "nghi_quyet", "Nghị quyết"
    CHI_THI = "chi_thi", "Chỉ thị"
    KET_LUAN = "ket_luan", "Kết luận"
    QUY_DINH = "quy_dinh", "Quy định"
    KE_HOACH = "ke_hoach", "Kế hoạch"
    HUONG_DAN = "huong_dan", "Hướng dẫn"
    THONG_BAO = "thong_bao", "Thông báo"


class Document(models.Model):
    number = models.CharField("Số, ký hiệu", max_length=60)
    issued_on = models.DateField("Ngày ban hành")
    issuer = models.CharField("Cơ quan ban hành", max_length=255)
    issuer_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Tổ chức ban hành",
    )
    owner_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Thuộc tổ chức",
        help_text="Trống = văn bản của Trung ương (mọi người đều xem được).",
    )
    doc_type = models.CharField("Loại văn bản", max_length=20, choices=DocumentType.choices)
    title = models.CharField("Trích yếu", max_length=500)
    summary = models.TextField("Tóm tắt nội dung", blank=True)
    file = models.FileField("Tệp đính kèm", upload_to="plans/documents/%Y/", blank=True)
    implements = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementations",
        verbose_name="Thực hiện văn bản",
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name="Thay thế văn bản",
    )
    place = models.CharField("Địa danh", max_length=100, blank=True)
    recipients = models.TextField("Nơi nhận", blank=True)
    search_key = models.TextField(editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Văn bản"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["doc_type", "issued_on"]), models.Index(fields=["owner_org"])]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} số {self.number}"

    @property
    def is_plan(self) -> bool:
        return self.doc_type == DocumentType.KE_HOACH


class Task(models.Model):
    plan = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks")
    number = models.CharField("Mục", max_length=30, blank=True)
    position = models.PositiveIntegerField(default=0)
    content = models.TextField("Nội dung")
    directing_text = models.CharField("Cơ quan chỉ đạo", max_length=500, blank=True)
    lead_text = models.CharField("Cơ quan chủ trì", max_length=500, blank=True)
    lead_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Tổ chức chủ trì",
    )
    cooperating_text = models.CharField("Cơ quan phối hợp", max_length=1000, blank=True)
    cooperating_orgs = models.ManyToManyField("orgs.Organization", blank=True, related_name="+")
    implementing_text = models.CharField("Cơ quan thực hiện (chưa khớp tổ chức)", max_length=1000, blank=True)
    implementing_orgs = models.ManyToManyField("orgs.Organization", through="TaskAssignment", related_name="+")
    deadline_text = models.CharField("Thời gian", max_length=300, blank=True)
    deadline_kind = models.CharField(
        max_length=12, default=dl.NONE, choices=[(k, v) for k, v in dl.KIND_LABELS.items()]
    )
    due_on = models.DateField(null=True, blank=True)  # date / quarter end
    recurrence = models.CharField(max_length=12, blank=True)
    relative_months = models.PositiveSmallIntegerField(default=0)
    relative_days = models.PositiveSmallIntegerField(default=0)
    relative_doc_type = models.CharField(max_length=20, blank=True)
    relative_issuer = models.CharField(max_length=60, blank=True)
    relative_document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="triggered_tasks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Nhiệm vụ"
        ordering = ["plan_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:60]}".strip()

    @property
    def spec(self) -> dl.DeadlineSpec:
        return dl.DeadlineSpec(
            kind=self.deadline_kind,
            due=self.due_on,
            recurrence=self.recurrence,
            months=self.relative_months,
            days=self.relative_days,
            anchor=self.relative_document.issued_on if self.relative_document_id else None,
            anchor_type=self.relative_doc_type,
            anchor_issuer=self.relative_issuer,
            text=self.deadline_text,
        )


class TaskAssignment(models.Model):
    """An implementing body of a task: the unit that reports and can be late."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "org"], name="plans_assignment_unique")]


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    BLOCKED = "blocked", "Vướng mắc"


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cơ quan báo cáo"
    )
    reported_on = models.DateField("Ngày báo cáo")
    status = models.CharField("Tình trạng", max_length=20, choices=ReportStatus.choices)
    percent = models.PositiveSmallIntegerField("Tiến độ (%)")
    text = models.TextField("Kết quả thực hiện", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Báo cáo tiến độ"
        ordering = ["task_id", "org_id", "reported_on", "id"]
        indexes = [models.Index(fields=["task", "org", "reported_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(percent__lte=100), name="plans_report_percent_le_100")]


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("Tệp minh chứng", upload_to="plans/evidence/%Y/")
    name = models.CharField(max_length=255)


class PlanTarget(models.Model):
    """A measurable target of a plan: computed from an indicator of reports/indicators.py, or
    reported by hand (manual_value)."""

    plan = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="targets")
    name = models.CharField("Chỉ tiêu", max_length=500)
    indicator = models.CharField(
        "Chỉ số", max_length=40, blank=True, help_text="Mã chỉ số trong danh mục báo cáo; trống = báo cáo thủ công."
    )
    measure = models.CharField(max_length=10, default="value", choices=[("value", "Giá trị"), ("percent", "Tỷ lệ %")])
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("Năm", null=True, blank=True)
    target_min = models.DecimalField("Mức tối thiểu", max_digits=12, decimal_places=2)
    target_max = models.DecimalField("Mức tối đa", max_digits=12, decimal_places=2, null=True, blank=True)
    manual_value = models.DecimalField("Kết quả (thủ công)", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "Chỉ tiêu của kế hoạch"


class PlanImport(models.Model):
    """An uploaded task table waiting for confirmation (dry run → confirm)."""

    plan = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="plans/imports/%Y/")
    file_name = models.CharField(max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    tasks_created = models.PositiveIntegerField(default=0)
