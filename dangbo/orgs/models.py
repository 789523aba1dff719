"""Party organizations over time.

- `Organization` is the stable identity (code). It never changes meaning and is never deleted.
- `OrgVersion` is what the organization looked like over a closed date range: name, type, parent
  and the materialized `path` of stable ids from the root ("/1/7/42/"). A rename, move, merge or
  dissolution closes the current version and (except dissolution) opens a new one, so asking for
  the tree "as of" a date reads only the versions valid on that date. Because the path is part of
  the version, moving an organization opens new versions for its whole subtree (the org table is
  small: ~330 000 rows nationally), and a subtree as of any date is one indexed prefix scan.
- `OrgEvent` is the restructuring log (who decided what, when); `OrgLineage` links predecessors to
  successors for merge and split, so reports can map old units onto new ones.

Dates are inclusive: a version is valid on every day from `valid_from` to `valid_to`
(`valid_to` NULL = still valid). District committees end with `valid_to = 2025-06-30` (R-001).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangbo.core.reference import choices, label
from dangbo.core.temporal import valid_on_q


def org_type_choices():
    return choices("org_types")


def org_sector_choices():
    return choices("org_sectors")


class OrgEventType(models.TextChoices):
    ESTABLISHED = "org.established", "Thành lập"
    RENAMED = "org.renamed", "Đổi tên"
    MOVED = "org.moved", "Chuyển giao về tổ chức cấp trên khác"
    RETYPED = "org.retyped", "Thay đổi loại hình tổ chức"
    SECTOR_CHANGED = "org.sector_changed", "Thay đổi khu vực, loại hình đơn vị"
    MERGED = "org.merged", "Hợp nhất / sáp nhập"
    SPLIT = "org.split", "Chia tách"
    DISSOLVED = "org.dissolved", "Giải thể / kết thúc hoạt động"
    VOIDED = "org.voided", "Hủy thao tác ghi sai"


class Organization(models.Model):
    code = models.CharField("Mã tổ chức", max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Tổ chức đảng"

    def __str__(self) -> str:
        return self.code


class OrgVersionQuerySet(models.QuerySet):
    def valid_on(self, at: date) -> OrgVersionQuerySet:
        return self.filter(valid_on_q(at))  # the one "valid on" condition of every tree over time


class OrgVersion(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField("Tên tổ chức", max_length=255)
    short_name = models.CharField("Tên viết tắt", max_length=120, blank=True)
    org_type = models.CharField("Loại tổ chức", max_length=40, choices=org_type_choices)
    # Sector / ownership of the unit the organization is set up in (reference list org_sectors,
    # R-014); "" = not recorded, the organization then takes its parent's sector (see
    # `effective_sectors`). Part of the version: a change is a dated `org.sector_changed` event.
    sector = models.CharField(
        "Khu vực, loại hình đơn vị", max_length=30, blank=True, default="", db_default="", choices=org_sector_choices
    )
    parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="child_versions"
    )
    path = models.CharField(max_length=400, db_index=True)
    depth = models.PositiveSmallIntegerField()
    valid_from = models.DateField("Hiệu lực từ")
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    event = models.ForeignKey("OrgEvent", null=True, on_delete=models.PROTECT, related_name="+")

    objects = OrgVersionQuerySet.as_manager()

    class Meta:
        ordering = ["org_id", "valid_from"]
        indexes = [
            models.Index(fields=["org", "valid_from"]),
            models.Index(fields=["parent", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="orgversion_range_ok",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–{self.valid_to or '…'})"

    @property
    def type_label(self) -> str:
        return label("org_types", self.org_type)

    @property
    def sector_label(self) -> str:
        return label("org_sectors", self.sector)


class OrgEvent(models.Model):
    """One restructuring operation, as decided (number, date, issuing body)."""

    type = models.CharField(max_length=30, choices=OrgEventType.choices)
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="events")
    on = models.DateField("Ngày hiệu lực")
    decision_number = models.CharField("Số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    decision_body = models.CharField("Cơ quan ban hành", max_length=255, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    payload = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A voiding event (type org.voided) names the wrong event it cancels; nothing is deleted
    # from the log, the tree versions are rebuilt as if the wrong event had not been recorded.
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by")

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["org", "on"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.on:%d/%m/%Y}"


class OrgLineage(models.Model):
    """Predecessor → successor on a date (merge, split): how old units map onto new ones."""

    predecessor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="predecessor_links")
    on = models.DateField()
    event = models.ForeignKey(OrgEvent, on_delete=models.PROTECT, related_name="lineage")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor", "on"], name="orglineage_unique")]


class Enterprise(models.Model):
    """The enterprise register (R-014, the other half: enterprises with and without a party
    organization). An enterprise or other unit of the reference list org_sectors (private,
    foreign-invested, cooperative…) in a locality (the party organization of its commune or ward,
    which decides who sees it), with its headcount; `party_org` links the party organization set up
    in it, from `party_org_from`. Dated: counted from `registered_on` to `closed_on` (exclusive);
    every change is audited (orgs.enterprises)."""

    name = models.CharField("Tên doanh nghiệp", max_length=255)
    tax_code = models.CharField("Mã số thuế", max_length=20, blank=True)
    sector = models.CharField("Khu vực, loại hình", max_length=30, choices=org_sector_choices)
    locality = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="Địa bàn (tổ chức đảng quản lý địa bàn)"
    )
    employees = models.PositiveIntegerField("Số lao động", null=True, blank=True)
    registered_on = models.DateField("Hoạt động từ ngày")
    closed_on = models.DateField("Ngừng hoạt động từ ngày", null=True, blank=True)
    party_org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Tổ chức đảng trong doanh nghiệp",
    )
    party_org_from = models.DateField("Có tổ chức đảng từ ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Doanh nghiệp"
        verbose_name_plural = "Doanh nghiệp"
        indexes = [models.Index(fields=["locality", "registered_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def sector_label(self) -> str:
        return label("org_sectors", self.sector)

    def active_on(self, at: date) -> bool:
        return self.registered_on <= at and (self.closed_on is None or self.closed_on > at)

    def has_party_org_on(self, at: date) -> bool:
        return self.party_org_id is not None and self.party_org_from is not None and self.party_org_from <= at


class EnterpriseChange(models.Model):
    """One dated change of an enterprise (the register's history, never lost): a correction of
    its name, tax code, sector, headcount or locality from `on`, or its closing from `on` with the
    reason. `before`/`after` hold the changed fields; the Enterprise row holds the latest state
    and these rows give it on any earlier date (orgs.enterprises.sector_on)."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Thay đổi thông tin"
        CLOSE = "close", "Ngừng hoạt động"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("Loại thay đổi", max_length=10, choices=Kind.choices)
    on = models.DateField("Từ ngày")
    before = models.JSONField("Trước", default=dict)
    after = models.JSONField("Sau", default=dict)
    reason = models.CharField("Lý do", max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Thay đổi của doanh nghiệp"
        verbose_name_plural = "Thay đổi của doanh nghiệp"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["enterprise", "on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.get_kind_display()} từ {self.on:%d/%m/%Y}"
