"""An export job: a large export (a scope's member list) written by the task worker to a file
under DANGBO_EXPORT_DIR, with its progress; only its requester may see and download it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangbo.core.jobs import ProgressJob


class ExportJob(ProgressJob):
    class State(models.TextChoices):
        QUEUED = "queued", "Chờ xuất"
        RUNNING = "running", "Đang xuất"
        DONE = "done", "Đã xuất xong"
        FAILED = "failed", "Không xuất được"

    class Kind(models.TextChoices):
        MEMBERS = "members.list", "Danh sách đảng viên"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (XLSX)"
        CSV = "csv", "CSV (Excel tiếng Việt)"

    STARTS = {State.QUEUED: State.RUNNING}

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="Người xuất"
    )
    kind = models.CharField("Dữ liệu", max_length=32, choices=Kind.choices, default=Kind.MEMBERS)
    fmt = models.CharField("Định dạng", max_length=8, choices=Format.choices, default=Format.XLSX)
    # What the request stated: the screen's filters (MemberFilters fields and the date "at", ISO),
    # the purpose, the exporter's label and the watermark written in the file.
    filters = models.JSONField(default=dict, blank=True)
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField("Mục đích", max_length=255)
    exporter = models.CharField(max_length=300, blank=True)
    watermark = models.TextField(blank=True)
    title = models.CharField("Tiêu đề", max_length=300, blank=True)
    status = models.CharField("Trạng thái", max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    file_path = models.CharField(max_length=500, blank=True)
    file_name = models.CharField("Tên tệp", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Lượt xuất dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
