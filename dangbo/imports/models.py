"""An import job: the uploaded file, who uploaded it, where it stands, and its report."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangbo.core.jobs import CheckApplyState, ProgressJob


class ImportJob(ProgressJob):
    State = CheckApplyState

    class Kind(models.TextChoices):
        MEMBERS = "members", "Đảng viên"
        ORGS = "orgs", "Tổ chức đảng"

    STARTS = {State.CHECK_QUEUED: State.CHECKING, State.APPLY_QUEUED: State.APPLYING}

    file_path = models.CharField(max_length=500)
    original_name = models.CharField("Tệp", max_length=255)
    kind = models.CharField("Dữ liệu", max_length=10, choices=Kind.choices, default=Kind.MEMBERS)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "Trạng thái", max_length=20, choices=State.choices, default=State.CHECK_QUEUED, db_index=True
    )
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    # The officer's choices for this file: the superior organization it is about, new cells allowed,
    # likely duplicates confirmed, and the mapping of unrecognized columns (folded header -> field).
    under = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Tổ chức cấp trên của tệp",
    )
    create_cells = models.BooleanField("Lập chi bộ chưa có", default=False)
    confirm_duplicates = models.BooleanField("Xác nhận nhập dòng có thể trùng", default=False)
    column_map = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Lượt nhập dữ liệu"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class ColumnMapping(models.Model):
    """An officer's mapping of the columns of a header layout that the aliases do not recognize:
    folded header (parse.header_key) -> field of the layout ("" = ignore on purpose). It belongs to
    an organization (the root of the officer's scope; none for a system-wide administrator) and is
    applied to every later file with the same header row (`layout_key`) by the users who see that
    organization (access policy). Written through imports.mappings.mapping_save (audited)."""

    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("Dữ liệu", max_length=10, choices=ImportJob.Kind.choices, default=ImportJob.Kind.MEMBERS)
    layout_key = models.CharField(max_length=64)
    headers = models.JSONField("Tiêu đề cột của tệp", default=list, blank=True)
    mapping = models.JSONField("Ghép cột", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Cách ghép cột của tệp nhập"
        constraints = [models.UniqueConstraint(fields=["org", "kind", "layout_key"], name="imports_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {len(self.mapping)} cột"
