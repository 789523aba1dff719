"""An import job: the uploaded file, who uploaded it, where it stands, and its report."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    class State(models.TextChoices):
        CHECK_QUEUED = "check_queued", "Chờ kiểm tra"
        CHECKING = "checking", "Đang kiểm tra"
        CHECKED = "checked", "Đã kiểm tra (chưa ghi)"
        APPLY_QUEUED = "apply_queued", "Chờ nhập"
        APPLYING = "applying", "Đang nhập"
        DONE = "done", "Đã nhập xong"
        FAILED = "failed", "Không nhập được"

    class Kind(models.TextChoices):
        MEMBERS = "members", "Đảng viên"
        ORGS = "orgs", "Tổ chức đảng"

    RUNNING = (State.CHECKING, State.APPLYING)
    QUEUED = (State.CHECK_QUEUED, State.APPLY_QUEUED)

    file_path = models.CharField(max_length=500)
    original_name = models.CharField("Tệp", max_length=255)
    kind = models.CharField("Dữ liệu", max_length=10, choices=Kind.choices, default=Kind.MEMBERS)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("Trạng thái", max_length=20, choices=State.choices, default=State.CHECK_QUEUED,
                              db_index=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Lượt nhập dữ liệu"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (*self.QUEUED, *self.RUNNING)

    @property
    def progress_pct(self) -> float:
        if not self.total_rows:
            return 0.0
        return min(100.0, 100.0 * self.processed_rows / self.total_rows)
