"""Writes of apparatus and staffing. Every write checks the access policy ("record" on the
managing party organization of the agency concerned; for a quota, of the allocating agency),
runs in one transaction with its audit entry, and raises DomainError with a Vietnamese message
naming the field when a rule refuses it: nothing is written then.

Quota rules (R-110, seed 001): only the competent level allocates (the receiving agency's parent
on the effective date; a root agency records what it received from above); what an agency has
allocated to the agencies under it never exceeds what it received, on the effective date and on
every later date of the year; a later decision supersedes the earlier one from its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import (
    DEFAULT_CATEGORIES,
    Agency,
    AgencyKind,
    AgencyLineage,
    AgencyVersion,
    Baseline,
    Headcount,
    LineageKind,
    ProjectUnit,
    QuotaAllocation,
    RestructuringProject,
    StaffingCategory,
)

MAX_NUMBER = 10_000_000


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_agency(actor, agency: Agency, field: str = "agency_id") -> None:
    policy.require(actor, "record", agency.managing_org_id, message="Không tìm thấy cơ quan, đơn vị", field=field)


def _vn(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def _name(agency_id: int, at: date) -> str:
    v = sel.version_on(agency_id, at) or AgencyVersion.objects.filter(agency_id=agency_id).order_by("-valid_from").first()
    return v.name if v else str(agency_id)


def ensure_categories() -> dict[str, StaffingCategory]:
    """The reference list of staffing categories (after a database flush, e.g. the demo)."""
    out = {}
    for code, name, target, order in DEFAULT_CATEGORIES:
        out[code], _ = StaffingCategory.objects.get_or_create(
            code=code, defaults={"name": name, "target_param": target, "order": order})
    return out


# --- agencies -----------------------------------------------------------------------------------


def agency_create(*, actor, code: str, name: str, managing_org_id: int, on: date, kind: str = AgencyKind.PARTY,
                  parent: Agency | None = None, party_org_id: int | None = None, internal_units: int = 0) -> Agency:
    policy.require(actor, "record", managing_org_id, message="Không tìm thấy cấp ủy quản lý", field="managing_org_id")
    code, name = nfc(code or "").strip(), nfc(name or "").strip()
    if not code or not name:
        raise DomainError("Mã và tên cơ quan không được để trống", field="name")
    if kind not in AgencyKind.values:
        raise DomainError("Loại cơ quan không hợp lệ", field="kind")
    if Agency.objects.filter(code=code).exists():
        raise DomainError(f"Mã cơ quan «{code}» đã có", field="code")
    if parent is not None and sel.version_on(parent.pk, on) is None:
        raise DomainError(f"Cơ quan cấp trên không còn hiệu lực ngày {_vn(on)}", field="parent")
    with transaction.atomic():
        agency = Agency.objects.create(code=code, kind=kind, managing_org_id=managing_org_id, party_org_id=party_org_id)
        AgencyVersion.objects.create(agency=agency, name=name, parent=parent, valid_from=on,
                                     internal_units=internal_units)
        audit_record(actor=actor, action="staffing.agency_create", obj=agency, org_id=managing_org_id,
                     summary=f"Thành lập cơ quan {name} từ {_vn(on)}")
    return agency


def _close(agency: Agency, on: date) -> AgencyVersion:
    v = sel.version_on(agency.pk, on)
    if v is None:
        raise DomainError(f"Cơ quan «{agency}» không còn hiệu lực ngày {_vn(on)}", field="agency_id")
    if v.valid_from == on:
        raise DomainError(f"Cơ quan «{v.name}» vừa thay đổi ngày {_vn(on)}; chọn ngày khác", field="on")
    if AgencyVersion.objects.filter(agency=agency, valid_from__gt=on).exists():
        raise DomainError(f"Cơ quan «{v.name}» đã có thay đổi sau ngày {_vn(on)}", field="on")
    v.valid_to = on - timedelta(days=1)
    v.save(update_fields=["valid_to"])
    return v


def _has_children(agency: Agency, on: date) -> bool:
    return bool(sel.children_on(agency.pk, on))


def agency_dissolve(*, actor, agency: Agency, on: date) -> None:
    """The agency ceases on `on` (its last day is the day before); it must have no agency under it."""
    _require_agency(actor, agency)
    with transaction.atomic():
        if _has_children(agency, on):
            raise DomainError("Còn cơ quan trực thuộc: sắp xếp các cơ quan trực thuộc trước", field="agency_id")
        v = _close(agency, on)
        audit_record(actor=actor, action="staffing.agency_dissolve", obj=agency, org_id=agency.managing_org_id,
                     summary=f"Giải thể cơ quan {v.name} từ {_vn(on)}")


def agency_merge(*, actor, predecessors: list[Agency], into: Agency, on: date,
                 project: RestructuringProject | None = None) -> None:
    """`predecessors` are merged into `into` (an existing agency valid on `on`) from `on`: their
    versions end the day before, lineage carries their baseline (and quota, headcount until
    `into` has its own from `on`)."""
    _require_agency(actor, into, field="into")
    if not predecessors or into in predecessors:
        raise DomainError("Chọn các cơ quan được hợp nhất (khác cơ quan tiếp nhận)", field="predecessors")
    for p in predecessors:
        _require_agency(actor, p, field="predecessors")
    if sel.version_on(into.pk, on) is None:
        raise DomainError(f"Cơ quan tiếp nhận không có hiệu lực ngày {_vn(on)}", field="into")
    with transaction.atomic():
        names = []
        for p in predecessors:
            if _has_children(p, on):
                raise DomainError(f"«{_name(p.pk, on)}» còn cơ quan trực thuộc", field="predecessors")
            names.append(_close(p, on).name)
            AgencyLineage.objects.create(predecessor=p, successor=into, kind=LineageKind.MERGE, on=on, project=project)
        audit_record(actor=actor, action="staffing.agency_merge", obj=into, org_id=into.managing_org_id,
                     summary=f"Hợp nhất {', '.join(names)} vào {_name(into.pk, on)} từ {_vn(on)}",
                     after={"predecessors": [p.pk for p in predecessors], "on": on})


@dataclass
class SplitPart:
    code: str
    name: str
    share_pct: Decimal
    parent: Agency | None = None


def agency_split(*, actor, agency: Agency, parts: list[SplitPart], on: date,
                 project: RestructuringProject | None = None) -> list[Agency]:
    """`agency` is split into new agencies from `on`; the baseline (quota, headcount) is
    apportioned by the explicit `share_pct` of each part, which must total 100%."""
    _require_agency(actor, agency)
    if len(parts) < 2:
        raise DomainError("Chia tách phải có ít nhất hai cơ quan mới", field="parts")
    total = sum(Decimal(p.share_pct) for p in parts)
    if total != 100:
        raise DomainError(f"Tổng tỷ lệ phân bổ biên chế năm gốc phải bằng 100% (đang là {total}%)", field="parts")
    with transaction.atomic():
        old = _close(agency, on)
        new = []
        for part in parts:
            a = agency_create(actor=actor, code=part.code, name=part.name, managing_org_id=agency.managing_org_id,
                              on=on, kind=agency.kind, parent=part.parent if part.parent else old.parent)
            AgencyLineage.objects.create(predecessor=agency, successor=a, kind=LineageKind.SPLIT, on=on,
                                         share_pct=part.share_pct, project=project)
            new.append(a)
        audit_record(actor=actor, action="staffing.agency_split", obj=agency, org_id=agency.managing_org_id,
                     summary=f"Chia tách {old.name} thành {', '.join(p.name for p in parts)} từ {_vn(on)}")
    return new


# --- quotas -------------------------------------------------------------------------------------


@dataclass
class AllocationInput:
    year: int
    receiving_id: int
    category_id: int
    number: int
    decision_number: str
    decision_date: date
    effective_from: date | None = None
    allocating_id: int | None = None
    allocating_label: str = ""


def _check_balance(agency_id: int, category: StaffingCategory, year: int, since: date) -> None:
    """Refuse if, on `since` or any later date of the year when a figure changes, what `agency`
    allocated below exceeds what it received."""
    year_end = date(year, 12, 31)
    kids_ever = set(sel.AgencyVersion.objects.filter(parent_id=agency_id).values_list("agency_id", flat=True))
    dates = {since}
    dates |= set(QuotaAllocation.objects.filter(year=year, category=category, effective_from__gt=since,
                                                receiving_id__in=kids_ever | {agency_id})
                 .values_list("effective_from", flat=True))
    dates |= set(AgencyVersion.objects.filter(parent_id=agency_id, valid_from__gt=since, valid_from__lte=year_end)
                 .values_list("valid_from", flat=True))
    for d in sorted(dates):
        b = sel.balance(agency_id, category.pk, year, d)
        if b.allocated == 0:
            continue
        if b.received is None or b.allocated > b.received:
            received = b.received or 0
            raise DomainError(
                f"Vượt số biên chế được giao: {_name(agency_id, d)} được giao {received:,} biên chế «{category.name}» "
                f"năm {year} (tính đến {_vn(d)}) nhưng đã giao cho các cơ quan trực thuộc {b.allocated:,}, "
                f"thiếu {b.allocated - received:,}. Không ghi quyết định này.".replace(",", "."),
                field="number", rule="R-110")


def quota_allocate(*, actor, data: AllocationInput) -> QuotaAllocation:
    """Record a quota decision (R-110). Refused, nothing written, if the allocating body is not the
    competent one or if the allocation would exceed what it received."""
    receiving = Agency.objects.filter(pk=data.receiving_id).first()
    if receiving is None:
        raise DomainError("Không tìm thấy cơ quan được giao", field="receiving_id")
    category = StaffingCategory.objects.filter(pk=data.category_id).first()
    if category is None:
        raise DomainError("Không tìm thấy loại biên chế", field="category_id")
    if not 2000 <= data.year <= 2100:
        raise DomainError("Năm phải từ 2000 đến 2100", field="year")
    if data.number is not None and data.number > MAX_NUMBER:
        raise DomainError(f"Số biên chế không được quá {MAX_NUMBER:,}".replace(",", "."), field="number")
    if len(data.decision_number or "") > 60:
        raise DomainError("Số quyết định tối đa 60 ký tự", field="decision_number")
    if len(data.allocating_label or "") > 200:
        raise DomainError("Cấp giao tối đa 200 ký tự", field="allocating_label")
    effective = data.effective_from or data.decision_date
    if effective.year != data.year:
        raise DomainError(f"Ngày hiệu lực {_vn(effective)} không thuộc năm {data.year}", field="effective_from")
    if data.number is None or data.number < 0:
        raise DomainError("Số biên chế phải là số không âm", field="number")
    number_text = nfc(data.decision_number or "").strip()
    if not number_text:
        raise DomainError("Số quyết định không được để trống", field="decision_number")
    recv_version = sel.version_on(receiving.pk, effective)
    if recv_version is None:
        raise DomainError(f"Cơ quan được giao không có hiệu lực ngày {_vn(effective)}", field="receiving_id")
    competent = recv_version.parent_id
    if competent is None:
        # A root agency records what the level above (BTCTW, the province) gave it.
        if data.allocating_id is not None:
            raise DomainError("Cơ quan này nhận biên chế từ cấp trên hệ thống: không chọn cơ quan giao",
                              field="allocating_id")
        _require_agency(actor, receiving, field="receiving_id")
        if not nfc(data.allocating_label or "").strip():
            raise DomainError("Ghi cấp đã giao biên chế (ví dụ: Ban Tổ chức Trung ương)", field="allocating_label")
    else:
        allocating = Agency.objects.filter(pk=data.allocating_id).first() if data.allocating_id else None
        if allocating is None:
            allocating = Agency.objects.get(pk=competent) if data.allocating_id is None else None
        if allocating is None:
            raise DomainError("Không tìm thấy cơ quan giao", field="allocating_id")
        _require_agency(actor, allocating, field="allocating_id")
        if allocating.pk != competent:
            raise DomainError(
                f"Không đúng thẩm quyền: biên chế của {recv_version.name} do {_name(competent, effective)} giao "
                f"(cơ quan cấp trên trực tiếp ngày {_vn(effective)})", field="allocating_id", rule="R-110")
    with transaction.atomic():
        alloc = QuotaAllocation.objects.create(
            year=data.year, allocating_id=competent, allocating_label=nfc(data.allocating_label or "").strip(),
            receiving=receiving, category=category, number=data.number, decision_number=number_text,
            decision_date=data.decision_date, effective_from=effective, recorded_by=_user(actor))
        if competent is not None:
            _check_balance(competent, category, data.year, effective)
        _check_balance(receiving.pk, category, data.year, effective)
        audit_record(actor=actor, action="staffing.quota_allocate", obj=alloc, org_id=receiving.managing_org_id,
                     summary=f"Giao {data.number} biên chế «{category.name}» năm {data.year} cho {recv_version.name} "
                             f"(QĐ {number_text} ngày {_vn(data.decision_date)}, hiệu lực {_vn(effective)})")
    return alloc


# --- headcount, baseline --------------------------------------------------------------------------


def headcount_record(*, actor, agency: Agency, category: StaffingCategory, on: date, count: int,
                     source: str) -> Headcount:
    _require_agency(actor, agency)
    if count is None or count < 0 or count > MAX_NUMBER:
        raise DomainError("Số người phải là số không âm, không quá 10.000.000", field="count")
    if len(source or "") > 255:
        raise DomainError("Nguồn số liệu tối đa 255 ký tự", field="source")
    if not nfc(source or "").strip():
        raise DomainError("Ghi nguồn số liệu (báo cáo, danh sách…)", field="source")
    if sel.version_on(agency.pk, on) is None:
        raise DomainError(f"Cơ quan không có hiệu lực ngày {_vn(on)}", field="on")
    if on > policy.today():
        raise DomainError("Ngày số liệu không được sau ngày hôm nay", field="on")
    with transaction.atomic():
        h = Headcount.objects.create(agency=agency, category=category, on=on, count=count,
                                     source=nfc(source).strip(), recorded_by=_user(actor))
        audit_record(actor=actor, action="staffing.headcount_record", obj=h, org_id=agency.managing_org_id,
                     summary=f"{_name(agency.pk, on)}: {count} người «{category.name}» ngày {_vn(on)}")
    return h


def baseline_set(*, actor, agency: Agency, category: StaffingCategory, year: int, number: int, carried: int = 0,
                 source: str = "") -> Baseline:
    """Set the baseline-year staffing of an agency (the previous value goes to the audit trail)."""
    _require_agency(actor, agency)
    if number is None or number < 0:
        raise DomainError("Biên chế năm gốc phải là số không âm", field="number")
    with transaction.atomic():
        old = Baseline.objects.select_for_update().filter(agency=agency, category=category, year=year).first()
        before = {"number": old.number, "carried": old.carried} if old else None
        b, _ = Baseline.objects.update_or_create(agency=agency, category=category, year=year, defaults={
            "number": number, "carried": carried, "source": nfc(source or "")})
        audit_record(actor=actor, action="staffing.baseline_set", obj=b, org_id=agency.managing_org_id,
                     before=before, after={"number": number, "carried": carried},
                     summary=f"Biên chế năm {year} «{category.name}» của {agency}: {number}")
    return b


# --- restructuring projects --------------------------------------------------------------------


@dataclass
class UnitInput:
    label: str
    agency_id: int | None = None
    done_on: date | None = None


def project_create(*, actor, org_id: int, name: str, model: str, units: list[UnitInput], number: str = "",
                   approved_on: date | None = None) -> RestructuringProject:
    policy.require(actor, "record", org_id, message="Không tìm thấy cấp ủy", field="org_id")
    name, model = nfc(name or "").strip(), nfc(model or "").strip()
    if not name or not model:
        raise DomainError("Tên đề án và mô hình không được để trống", field="name")
    if not units:
        raise DomainError("Đề án phải có ít nhất một đơn vị thuộc phạm vi sắp xếp", field="units")
    with transaction.atomic():
        project = RestructuringProject.objects.create(org_id=org_id, name=name, model=model, number=nfc(number),
                                                      approved_on=approved_on)
        for u in units:
            ProjectUnit.objects.create(project=project, label=nfc(u.label).strip(), agency_id=u.agency_id,
                                       done_on=u.done_on)
        audit_record(actor=actor, action="staffing.project_create", obj=project, org_id=org_id,
                     summary=f"Đề án {name}: {len(units)} đơn vị, mô hình {model}")
    return project


def project_unit_done(*, actor, unit: ProjectUnit, on: date) -> ProjectUnit:
    policy.require(actor, "record", unit.project.org_id, message="Không tìm thấy đề án", field="unit")
    with transaction.atomic():
        before = unit.done_on
        unit.done_on = on
        unit.save(update_fields=["done_on"])
        audit_record(actor=actor, action="staffing.project_unit_done", obj=unit, org_id=unit.project.org_id,
                     before={"done_on": before}, after={"done_on": on},
                     summary=f"{unit.label}: hoàn thành sắp xếp ngày {_vn(on)}")
    return unit
