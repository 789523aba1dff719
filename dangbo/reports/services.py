"""Writes of the reports app: an officer sets a yearly admission quota (R-058); e-handbook
accounts are registered. Atomic and audited."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc, nfc_multiline
from dangbo.members.services import require_record_right
from dangbo.reports.figures import figures_of
from dangbo.reports.indicators import IndicatorContext
from dangbo.reports.letterhead import IssuerKind
from dangbo.reports.models import (
    AdmissionQuota,
    HandbookAccount,
    PeriodKind,
    ReportPeriod,
    ReportSubmission,
    ReportTemplate,
    SubmissionStatus,
)


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
        org=org,
        year=year,
        defaults={
            "quota": int(quota),
            "note": note,
            "set_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        actor=actor,
        action="reports.admission_quota_set",
        obj=obj,
        org_id=org.pk,
        summary=f"Giao chỉ tiêu kết nạp năm {year}: {quota}",
        before={"quota": before} if before is not None else None,
        after={"quota": int(quota)},
    )
    return obj


def _account_dates(obj: HandbookAccount | None) -> dict | None:
    if obj is None:
        return None
    return {
        "registered_on": obj.registered_on.isoformat(),
        "closed_on": obj.closed_on.isoformat() if obj.closed_on else None,
    }


def _check_account_date(on, field: str) -> None:
    if on is None:
        raise DomainError(f"Chưa nhập «{'Ngày đăng ký' if field == 'registered_on' else 'Ngày khóa'}».", field=field)
    if on > timezone.localdate():
        raise DomainError(f"Ngày {on:%d/%m/%Y} ở tương lai.", field=field)


@transaction.atomic
def handbook_account_register(*, actor, member, on: date) -> HandbookAccount:
    """Open the member's e-handbook account (Sổ tay đảng viên điện tử, R-043) from `on`; a closed
    account is opened again (the earlier dates stay in the audit log). Needs "record" on the
    member's organization."""
    require_record_right(actor, [member.current_org_id])
    _check_account_date(on, "registered_on")
    before = HandbookAccount.objects.select_for_update().filter(member=member).first()
    if before is not None and before.closed_on is None:
        raise DomainError(
            f"Đảng viên đã có tài khoản Sổ tay đảng viên điện tử từ ngày {before.registered_on:%d/%m/%Y}.",
            field="registered_on",
            rule="R-043",
        )
    if before is not None and on < before.closed_on:
        raise DomainError(
            f"Tài khoản đã khóa ngày {before.closed_on:%d/%m/%Y}; ngày mở lại không được trước ngày đó.",
            field="registered_on",
            rule="R-043",
        )
    prior = _account_dates(before)
    obj, _ = HandbookAccount.objects.update_or_create(member=member, defaults={"registered_on": on, "closed_on": None})
    audit_record(
        actor=actor,
        action="reports.handbook_registered",
        obj=obj,
        org_id=member.current_org_id,
        summary=f"Đăng ký Sổ tay đảng viên điện tử ({on:%d/%m/%Y})",
        before=prior,
        after=_account_dates(obj),
    )
    return obj


@transaction.atomic
def handbook_account_close(*, actor, member, on: date) -> HandbookAccount:
    """Close the member's open e-handbook account on `on` (no longer counted from that day)."""
    require_record_right(actor, [member.current_org_id])
    _check_account_date(on, "closed_on")
    obj = HandbookAccount.objects.select_for_update().filter(member=member).first()
    if obj is None or obj.closed_on is not None:
        raise DomainError(
            "Đảng viên không có tài khoản Sổ tay đảng viên điện tử đang hoạt động.", field="closed_on", rule="R-043"
        )
    if on <= obj.registered_on:
        raise DomainError(
            f"Ngày khóa phải sau ngày đăng ký {obj.registered_on:%d/%m/%Y}.", field="closed_on", rule="R-043"
        )
    prior = _account_dates(obj)
    obj.closed_on = on
    obj.save(update_fields=["closed_on", "updated_at"])
    audit_record(
        actor=actor,
        action="reports.handbook_closed",
        obj=obj,
        org_id=member.current_org_id,
        summary=f"Khóa tài khoản Sổ tay đảng viên điện tử ({on:%d/%m/%Y})",
        before=prior,
        after=_account_dates(obj),
    )
    return obj


# --- periodic reports up the hierarchy (R-140, R-141) -----------------------------------------

DEFAULT_DUE_DAYS = 15
SECTION_KEYS = {
    "tinh_hinh": "Tình hình chung",
    "ket_qua": "Kết quả thực hiện",
    "han_che": "Hạn chế, nguyên nhân",
    "phuong_huong": "Phương hướng, nhiệm vụ kỳ tới",
}


def period_bounds(kind: str, year: int, number: int = 1) -> tuple[date, date]:
    """Start and default cut-off of a period (R-141): the last day of the quarter, 30/6, 31/12.
    `settings.DANGBO_REPORT_CUTOFFS` may override the 6-month and year cut-offs ({kind: (month, day)})."""
    custom = getattr(settings, "DANGBO_REPORT_CUTOFFS", {}) or {}
    if kind == PeriodKind.QUARTER:
        if not 1 <= number <= 4:
            raise DomainError("Quý phải từ 1 đến 4.", field="number")
        month = 3 * number
        return date(year, month - 2, 1), date(year, month, calendar.monthrange(year, month)[1])
    if kind == PeriodKind.HALF:
        m, d = custom.get(PeriodKind.HALF, (6, 30))
        return date(year, 1, 1), date(year, m, d)
    if kind == PeriodKind.YEAR:
        m, d = custom.get(PeriodKind.YEAR, (12, 31))
        return date(year, 1, 1), date(year, m, d)
    raise DomainError("Loại kỳ báo cáo không hợp lệ.", field="kind")


def report_period_get_or_create(*, kind: str, year: int, number: int = 1) -> ReportPeriod:
    """The period with its default dates (created on first use; no audit: reference data)."""
    number = number if kind == PeriodKind.QUARTER else 1
    start, cutoff = period_bounds(kind, int(year), int(number))
    due = cutoff + timedelta(days=getattr(settings, "DANGBO_REPORT_DUE_DAYS", DEFAULT_DUE_DAYS))
    period, _ = ReportPeriod.objects.get_or_create(
        kind=kind, year=year, number=number, defaults={"start": start, "cutoff": cutoff, "due_on": due}
    )
    return period


def _fill(submission: ReportSubmission) -> None:
    p = submission.period
    ctx = IndicatorContext(org_id=submission.org_id, at=p.cutoff, start=p.start, end=p.cutoff)
    submission.figures = figures_of(ctx)
    submission.org_name = ctx.area.name if ctx.area else submission.org_name


def _clean_sections(sections: dict | None) -> dict[str, str]:
    """NFC, keeping the paragraphs (line breaks) the officer typed."""
    return {k: nfc_multiline(str((sections or {}).get(k) or "")) for k in SECTION_KEYS}


def _clean_recipients(recipients: str) -> str:
    """One recipient per line, NFC, empty lines dropped."""
    return "\n".join(line for line in nfc_multiline(recipients).split("\n") if line)


@transaction.atomic
def report_prepare(
    *,
    actor,
    org,
    period: ReportPeriod,
    sections: dict | None = None,
    number: str = "",
    place: str = "",
    recipients: str = "",
    issuer_kind: str = "",
) -> ReportSubmission:
    """Create or update the draft report of `org` for `period`: figures filled from the registry
    as of the cut-off, free-text sections (paragraphs kept), recipients one per line, the kind of
    issuer of its header (reports.letterhead; "" = the usual one). A submitted report cannot be
    changed."""
    require_record_right(actor, [org.pk])
    if issuer_kind and issuer_kind not in IssuerKind.values:
        raise DomainError("«Cơ quan ban hành»: lựa chọn không hợp lệ.", field="issuer_kind")
    sub, created = ReportSubmission.objects.select_for_update().get_or_create(org=org, period=period)
    if sub.is_submitted:
        raise DomainError(
            "Báo cáo đã gửi cấp trên; số liệu đã được chốt, không sửa được.", field="status", rule="R-141"
        )
    _fill(sub)
    sub.sections = _clean_sections(sections)
    sub.number, sub.place, sub.recipients = nfc(number).strip(), nfc(place).strip(), _clean_recipients(recipients)
    sub.issuer_kind = issuer_kind
    sub.prepared_at = timezone.now()
    sub.save()
    audit_record(
        actor=actor,
        action="reports.report_prepared",
        obj=sub,
        org_id=org.pk,
        summary=f"{'Lập' if created else 'Cập nhật'} báo cáo {period.name}",
        after={"dv_tong": (sub.figures.get("dv_tong") or {}).get("value")},
    )
    return sub


@transaction.atomic
def report_submit(*, actor, submission: ReportSubmission, before_cutoff: bool = False) -> ReportSubmission:
    """Submit to the superior: the figures are recomputed as of the cut-off one last time and
    frozen (snapshot) — later changes to the registry do not alter them (R-141). Before the
    cut-off date the figures are not final: refused unless the user states `before_cutoff`
    (audited)."""
    require_record_right(actor, [submission.org_id])
    sub = ReportSubmission.objects.select_for_update().get(pk=submission.pk)
    if sub.is_submitted:
        raise DomainError("Báo cáo đã được gửi.", field="status")
    early = timezone.localdate() < sub.period.cutoff
    if early and not before_cutoff:
        raise DomainError(
            f"Chưa đến ngày chốt số liệu {sub.period.cutoff:%d/%m/%Y}: số liệu còn có thể thay đổi. "
            "Nếu cấp trên yêu cầu gửi sớm, đánh dấu «Gửi trước ngày chốt» rồi gửi lại.",
            field="before_cutoff",
        )
    _fill(sub)
    sub.status = SubmissionStatus.SUBMITTED
    sub.submitted_at = timezone.now()
    sub.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    sub.save()
    audit_record(
        actor=actor,
        action="reports.report_submitted",
        obj=sub,
        org_id=sub.org_id,
        summary=f"Gửi báo cáo {sub.period.name} lên cấp trên (chốt số liệu)"
        + (f", trước ngày chốt {sub.period.cutoff:%d/%m/%Y}" if early else ""),
        after={"dv_tong": (sub.figures.get("dv_tong") or {}).get("value"), "before_cutoff": early},
    )
    return sub


MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


@transaction.atomic
def report_template_upload(*, actor, org, content: bytes, filename: str = "") -> ReportTemplate:
    """Replace the DOCX template of `org` (it must open as a DOCX document)."""
    import io

    from docx import Document

    require_record_right(actor, [org.pk])
    if not content or len(content) > MAX_TEMPLATE_BYTES:
        raise DomainError("Tệp mẫu phải là tệp DOCX không quá 2 MB.", field="file")
    try:
        Document(io.BytesIO(content))
    except Exception as exc:
        raise DomainError("Tệp mẫu không phải tài liệu DOCX hợp lệ.", field="file") from exc
    obj, _ = ReportTemplate.objects.update_or_create(
        org=org,
        defaults={
            "content": content,
            "filename": filename[:200],
            "uploaded_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        actor=actor,
        action="reports.template_uploaded",
        obj=obj,
        org_id=org.pk,
        summary=f"Tải lên mẫu báo cáo DOCX {filename}",
    )
    return obj
