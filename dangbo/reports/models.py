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
