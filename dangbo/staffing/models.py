"""Apparatus and staffing (tổ chức bộ máy, biên chế), MODULES.md §2: agencies over time, staffing
categories, quota allocations, headcount snapshots, 2021 baselines and restructuring projects.

An agency is an identity; its name, parent and materialized path are dated versions
(`AgencyVersion`, dates inclusive), so the tree can be read as of any date, a subtree in one
prefix scan. Restructuring (merge, split, rename) closes versions and records lineage
(`AgencyLineage`): the figures of a successor include what its predecessors had (baseline, and
quota/headcount until the successor has its own for the period), a split carrying an explicit
share. Every agency belongs to the access scope of a party organization (`managing_org`). Quota
allocations are never edited: a later decision supersedes from its `effective_from`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models


class AgencyKind(models.TextChoices):
    PARTY = "party", "Cơ quan Đảng"
    FRONT = "front", "Mặt trận Tổ quốc, đoàn thể"
    STATE = "state", "Cơ quan HĐND, UBND"
    JUSTICE = "justice", "Tòa án, Viện kiểm sát"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp công lập"
    OTHER = "other", "Khác"


class Agency(models.Model):
    """A body of the political system (cơ quan, đơn vị): the identity behind its dated versions."""

    code = models.CharField("Mã", max_length=40, unique=True)
    kind = models.CharField("Loại", max_length=20, choices=AgencyKind.choices, default=AgencyKind.PARTY)
    managing_org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Cấp ủy quản lý",
        help_text="Phạm vi truy cập.",
    )
    party_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Tổ chức đảng trong cơ quan",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Cơ quan, đơn vị"
        ordering = ["code"]

    def __str__(self) -> str:
        v = self.versions.order_by("-valid_from").first()
        return v.name if v else self.code

    def version_on(self, at: date) -> AgencyVersion | None:
        return self.versions.filter(valid_from__lte=at).exclude(valid_to__lt=at).first()


class AgencyVersion(models.Model):
    """Name and parent of an agency from `valid_from` to `valid_to` (inclusive; None = open)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField("Tên", max_length=255)
    parent = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_versions",
        verbose_name="Cơ quan cấp trên (có thẩm quyền giao biên chế)",
    )
    internal_units = models.PositiveSmallIntegerField("Số đơn vị bên trong", default=0)
    # The materialized path of agency ids from the root ("/1/7/42/") and the depth, as orgs'
    # OrgVersion: a subtree as of a date is one prefix scan (core.temporal.TemporalTree); a move
    # opens new versions for the moved agency's subtree.
    path = models.CharField(max_length=400, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(default=0)
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Phiên bản cơ quan"
        ordering = ["agency_id", "valid_from"]
        indexes = [models.Index(fields=["parent", "valid_from"]), models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self) -> str:
        return self.name


class LineageKind(models.TextChoices):
    MERGE = "merge", "Hợp nhất, sáp nhập"
    SPLIT = "split", "Chia tách"


class AgencyLineage(models.Model):
    """`predecessor` went (wholly, or `share_pct` of it for a split) into `successor` on `on`."""

    predecessor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="predecessor_links")
    kind = models.CharField(max_length=10, choices=LineageKind.choices)
    on = models.DateField("Ngày hiệu lực")
    share_pct = models.DecimalField("Tỷ lệ phân bổ (%)", max_digits=5, decimal_places=2, default=100)
    project = models.ForeignKey(
        "RestructuringProject", null=True, blank=True, on_delete=models.PROTECT, related_name="lineage"
    )

    class Meta:
        ordering = ["on", "id"]


# The reference list (code, name, reduction-target parameter of core/rules.py, order); migration 0002
# writes the same rows. Categories are not interchangeable.
DEFAULT_CATEGORIES = [
    ("cb_cc", "Biên chế cán bộ, công chức", "staffing_reduction_pct_cadres", 1),
    (
        "vc_nsnn",
        "Số lượng người làm việc (viên chức hưởng lương ngân sách)",
        "staffing_reduction_pct_public_employees",
        2,
    ),
    ("vc_tu_chu", "Viên chức đơn vị tự chủ tài chính", "", 3),
    ("hd_ld", "Hợp đồng lao động", "", 4),
    ("cb_xa", "Cán bộ, công chức cấp xã (trước 01/7/2025)", "", 5),
]


class StaffingCategory(models.Model):
    """A staffing category (loại biên chế): not interchangeable with another."""

    code = models.CharField("Mã", max_length=30, unique=True)
    name = models.CharField("Tên", max_length=200)
    target_param = models.CharField(
        "Tham số chỉ tiêu tinh giản",
        max_length=80,
        blank=True,
        help_text="Tên tham số (core/rules.py) của % tinh giản; trống = không có.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "Loại biên chế"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class QuotaAllocation(models.Model):
    """A quota decision: `allocating` (None = received from above, BTCTW) gives `receiving` `number`
    posts of `category` for `year`, in force from `effective_from` until superseded."""

    year = models.PositiveSmallIntegerField("Năm")
    allocating = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="given", verbose_name="Cơ quan giao"
    )
    allocating_label = models.CharField("Cấp giao (từ trên)", max_length=200, blank=True)
    receiving = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="received", verbose_name="Cơ quan được giao"
    )
    category = models.ForeignKey(
        StaffingCategory, on_delete=models.PROTECT, related_name="+", verbose_name="Loại biên chế"
    )
    number = models.PositiveIntegerField("Số biên chế")
    decision_number = models.CharField("Số quyết định", max_length=60)
    decision_date = models.DateField("Ngày quyết định")
    effective_from = models.DateField("Hiệu lực từ ngày")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Giao biên chế"
        ordering = ["year", "receiving_id", "category_id", "effective_from", "id"]
        indexes = [
            models.Index(fields=["receiving", "category", "year", "effective_from"]),
            models.Index(fields=["allocating", "category", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.number})"


class Headcount(models.Model):
    """People actually employed in `agency` × `category` on `on` (a snapshot with its source)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="headcounts")
    category = models.ForeignKey(StaffingCategory, on_delete=models.PROTECT, related_name="+")
    on = models.DateField("Tính đến ngày")
    count = models.PositiveIntegerField("Số người")
    source = models.CharField("Nguồn", max_length=255)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Số người thực có"
        ordering = ["agency_id", "category_id", "on", "id"]
        indexes = [models.Index(fields=["agency", "category", "on"])]


class Baseline(models.Model):
    """The staffing of `agency` × `category` in the baseline year (2021 for 2022–2026), with the
    shortfall (+) or credit (−) carried from 2016–2021 (R-111), in posts."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="baselines")
    category = models.ForeignKey(StaffingCategory, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("Năm gốc")
    number = models.PositiveIntegerField("Biên chế năm gốc")
    carried = models.IntegerField(
        "Chuyển từ giai đoạn 2016–2021", default=0, help_text="Dương: số còn thiếu phải bù; âm: số vượt được tính."
    )
    source = models.CharField("Nguồn", max_length=255, blank=True)

    class Meta:
        verbose_name = "Biên chế năm gốc"
        constraints = [models.UniqueConstraint(fields=["agency", "category", "year"], name="staffing_baseline_unique")]


class RestructuringProject(models.Model):
    """A restructuring project (đề án sắp xếp) of one model of body (e.g. «Văn phòng cấp huyện»)."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy")
    name = models.CharField("Tên đề án", max_length=255)
    number = models.CharField("Số đề án", max_length=60, blank=True)
    model = models.CharField("Mô hình", max_length=120, help_text="Ví dụ: Cơ quan Thanh tra - Kiểm tra")
    approved_on = models.DateField("Ngày phê duyệt", null=True, blank=True)
    decision_number = models.CharField("Số quyết định phê duyệt", max_length=60, blank=True)
    applied_on = models.DateField(
        "Ngày thực hiện", null=True, blank=True, help_text="Ngày các cơ quan sau sắp xếp bắt đầu hoạt động."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Đề án sắp xếp"
        ordering = ["model", "id"]

    def __str__(self) -> str:
        return self.name


class ProjectUnit(models.Model):
    """A unit in the scope of a project; `done_on` = restructured on that date (None = not yet)."""

    project = models.ForeignKey(RestructuringProject, on_delete=models.CASCADE, related_name="units")
    label = models.CharField("Đơn vị", max_length=255)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField("Hoàn thành sắp xếp ngày", null=True, blank=True)

    class Meta:
        ordering = ["project_id", "id"]


# --- applying restructuring projects ------------------------------------------------------------


class ProjectSide(models.TextChoices):
    BEFORE = "before", "Trước sắp xếp"
    AFTER = "after", "Sau sắp xếp"


class ProjectAgency(models.Model):
    """An agency before or after a project, with its internal units (phòng, ban bên trong) on that
    side; an after-agency of a split carries the share of the predecessor it takes."""

    project = models.ForeignKey(RestructuringProject, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=ProjectSide.choices)
    internal_units = models.PositiveSmallIntegerField("Số đơn vị bên trong", default=0)
    share_pct = models.DecimalField("Tỷ lệ phân bổ (%)", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["project_id", "side", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "agency", "side"], name="staffing_project_agency")]


class LeaderPosition(models.TextChoices):
    HEAD = "head", "Cấp trưởng"
    DEPUTY = "deputy", "Cấp phó"


class SurplusLeaders(models.Model):
    """After a project: `actual` heads/deputies of an agency above the `norm`, to be back to the
    norm by `deadline` (cấp phó vượt quy định)."""

    project = models.ForeignKey(RestructuringProject, on_delete=models.CASCADE, related_name="surplus")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    position = models.CharField("Chức vụ", max_length=10, choices=LeaderPosition.choices, default=LeaderPosition.DEPUTY)
    norm = models.PositiveSmallIntegerField("Số theo quy định")
    actual = models.PositiveSmallIntegerField("Số hiện có")
    deadline = models.DateField("Thời hạn giải quyết")

    class Meta:
        ordering = ["deadline", "id"]

    @property
    def surplus(self) -> int:
        return max(self.actual - self.norm, 0)


class DepartureKind(models.TextChoices):
    EARLY_RETIREMENT = "early_retirement", "Nghỉ hưu trước tuổi"
    RESIGNATION = "resignation", "Thôi việc"
    TRANSFER = "transfer", "Chuyển công tác khác"
    OTHER = "other", "Khác"


class ProjectDeparture(models.Model):
    """People leaving under the policy (chính sách, chế độ): a count per kind and staffing
    category; no personal data beyond an optional link to the member or cadre record."""

    project = models.ForeignKey(RestructuringProject, on_delete=models.CASCADE, related_name="departures")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("Hình thức", max_length=20, choices=DepartureKind.choices)
    category = models.ForeignKey(StaffingCategory, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField("Số người")
    policy = models.CharField(
        "Theo chính sách", max_length=120, blank=True, help_text="Ví dụ: Nghị định 178/2024/NĐ-CP"
    )
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("cadres.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project_id", "kind", "id"]


# --- job-position catalogues (vị trí việc làm) ----------------------------------------------------


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", "Đang xây dựng"
    SUBMITTED = "submitted", "Đã trình"
    APPRAISED = "appraised", "Đã thẩm định"
    APPROVED = "approved", "Đã phê duyệt"


class JobCatalogue(models.Model):
    """The job-position catalogue of an agency (danh mục vị trí việc làm), with the dates of its
    appraisal workflow: submitted → appraised → approved."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="job_catalogues")
    name = models.CharField("Tên danh mục", max_length=255)
    status = models.CharField(
        "Trạng thái", max_length=12, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    submitted_on = models.DateField("Ngày trình", null=True, blank=True)
    appraised_on = models.DateField("Ngày thẩm định", null=True, blank=True)
    approved_on = models.DateField("Ngày phê duyệt", null=True, blank=True)
    decision_number = models.CharField("Số quyết định phê duyệt", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Danh mục vị trí việc làm"
        ordering = ["agency_id", "-id"]

    def status_on(self, at: date) -> str:
        for status, on in (
            (CatalogueStatus.APPROVED, self.approved_on),
            (CatalogueStatus.APPRAISED, self.appraised_on),
            (CatalogueStatus.SUBMITTED, self.submitted_on),
        ):
            if on is not None and on <= at:
                return status
        return CatalogueStatus.DRAFT


class JobPosition(models.Model):
    """A job position of a catalogue, with its staffing category and number of posts."""

    catalogue = models.ForeignKey(JobCatalogue, on_delete=models.CASCADE, related_name="positions")
    name = models.CharField("Vị trí việc làm", max_length=255)
    category = models.ForeignKey(StaffingCategory, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField("Số lượng")

    class Meta:
        ordering = ["catalogue_id", "id"]
