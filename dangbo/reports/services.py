"""Writes of the reports app: an officer sets a yearly admission quota (R-058); e-handbook
accounts are registered. Atomic and audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.members.services import require_record_right
from dangbo.reports.models import AdmissionQuota, HandbookAccount


@transaction.atomic
def admission_quota_set(*, actor, org, year: int, quota: int, note: str = "") -> AdmissionQuota:
    """Set (or change) the admission quota of `org` for `year`; needs the "record" right on it."""
    require_record_right(actor, [org.pk])
    if quota is None or int(quota) < 0:
        raise DomainError("Chỉ tiêu kết nạp phải là số không âm.", field="quota")
    if not 1930 <= int(year) <= 2100:
        raise DomainError("Năm không hợp lệ.", field="year")
    before = AdmissionQuota.objects.filter(org=org, year=year).values_list("quota", flat=True).first()
    obj, _ = AdmissionQuota.objects.update_or_create(
        org=org, year=year,
        defaults={"quota": int(quota), "note": note,
                  "set_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    audit_record(actor=actor, action="reports.admission_quota_set", obj=obj, org_id=org.pk,
                 summary=f"Giao chỉ tiêu kết nạp năm {year}: {quota}",
                 before={"quota": before} if before is not None else None, after={"quota": int(quota)})
    return obj


@transaction.atomic
def handbook_account_register(*, actor, member, on: date) -> HandbookAccount:
    require_record_right(actor, [member.current_org_id])
    obj, _ = HandbookAccount.objects.update_or_create(member=member, defaults={"registered_on": on, "closed_on": None})
    audit_record(actor=actor, action="reports.handbook_registered", obj=obj, org_id=member.current_org_id,
                 summary=f"Đăng ký Sổ tay đảng viên điện tử ({on:%d/%m/%Y})")
    return obj
