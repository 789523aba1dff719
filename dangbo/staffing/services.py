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
from datetime import date
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
    CatalogueStatus,
    DepartureKind,
    Headcount,
    JobCatalogue,
    JobPosition,
    LeaderPosition,
    LineageKind,
    ProjectAgency,
    ProjectDeparture,
    ProjectSide,
    ProjectUnit,
    QuotaAllocation,
    RestructuringProject,
    StaffingCategory,
    SurplusLeaders,
)

MAX_NUMBER = 10_000_000


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_agency(actor, agency: Agency, field: str = "agency_id") -> None:
    policy.require(actor, "record", agency.managing_org_id, message=policy.not_found("cơ quan, đơn vị"), field=field)


def _vn(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def _name(agency_id: int, at: date) -> str:
    v = (
        sel.version_on(agency_id, at)
        or AgencyVersion.objects.filter(agency_id=agency_id).order_by("-valid_from").first()
    )
    return v.name if v else str(agency_id)


def ensure_categories() -> dict[str, StaffingCategory]:
    """The reference list of staffing categories (after a database flush, e.g. the demo)."""
    out = {}
    for code, name, target, order in DEFAULT_CATEGORIES:
        out[code], _ = StaffingCategory.objects.get_or_create(
            code=code, defaults={"name": name, "target_param": target, "order": order}
        )
    return out


# --- agencies -----------------------------------------------------------------------------------


def agency_create(
    *,
    actor,
    code: str,
    name: str,
    managing_org_id: int,
    on: date,
    kind: str = AgencyKind.PARTY,
    parent: Agency | None = None,
    party_org_id: int | None = None,
    internal_units: int = 0,
) -> Agency:
    policy.require(
        actor, "record", managing_org_id, message=policy.not_found("cấp ủy quản lý"), field="managing_org_id"
    )
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
        sel.TREE.open(agency.pk, on, parent.pk if parent else None, name=name, internal_units=internal_units)
        audit_record(
            actor=actor,
            action="staffing.agency_create",
            obj=agency,
            org_id=managing_org_id,
            summary=f"Thành lập cơ quan {name} từ {_vn(on)}",
        )
    return agency


def _close(agency: Agency, on: date) -> AgencyVersion:
    v = sel.version_on(agency.pk, on)
    if v is None:
        raise DomainError(f"Cơ quan «{agency}» không còn hiệu lực ngày {_vn(on)}", field="agency_id")
    if v.valid_from == on:
        raise DomainError(f"Cơ quan «{v.name}» vừa thay đổi ngày {_vn(on)}; chọn ngày khác", field="on")
    if sel.TREE.has_later_change(agency.pk, on):
        raise DomainError(f"Cơ quan «{v.name}» đã có thay đổi sau ngày {_vn(on)}", field="on")
    sel.TREE.close(v, on)
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
        audit_record(
            actor=actor,
            action="staffing.agency_dissolve",
            obj=agency,
            org_id=agency.managing_org_id,
            summary=f"Giải thể cơ quan {v.name} từ {_vn(on)}",
        )


def agency_merge(
    *, actor, predecessors: list[Agency], into: Agency, on: date, project: RestructuringProject | None = None
) -> None:
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
        audit_record(
            actor=actor,
            action="staffing.agency_merge",
            obj=into,
            org_id=into.managing_org_id,
            summary=f"Hợp nhất {', '.join(names)} vào {_name(into.pk, on)} từ {_vn(on)}",
            after={"predecessors": [p.pk for p in predecessors], "on": on},
        )


def _require_in_order(agency: Agency, on: date) -> AgencyVersion:
    v = sel.version_on(agency.pk, on)
    if v is None:
        raise DomainError(f"Cơ quan «{agency}» không có hiệu lực ngày {_vn(on)}", field="agency_id")
    if sel.TREE.has_later_change(agency.pk, on):
        raise DomainError(
            f"Cơ quan «{v.name}» đã có thay đổi sau ngày {_vn(on)}; ghi các thay đổi theo đúng thứ tự thời gian",
            field="on",
        )
    return v


def agency_rename(*, actor, agency: Agency, name: str, on: date) -> AgencyVersion:
    """The agency is called `name` from `on` (a new version; the old name stays in its history)."""
    _require_agency(actor, agency)
    name = nfc(name or "").strip()
    if not name or len(name) > 255:
        raise DomainError("Tên mới không được để trống (tối đa 255 ký tự)", field="name")
    with transaction.atomic():
        v = _require_in_order(agency, on)
        if v.name == name:
            raise DomainError("Tên mới trùng tên hiện tại", field="name")
        old = v.name
        new = sel.TREE.reversion(v, on, name=name)
        audit_record(
            actor=actor,
            action="staffing.agency_rename",
            obj=agency,
            org_id=agency.managing_org_id,
            before={"name": old},
            after={"name": name, "on": on},
            summary=f"Đổi tên {old} → {name} từ {_vn(on)}",
        )
    return new


def agency_move(*, actor, agency: Agency, new_parent: Agency | None, on: date) -> AgencyVersion:
    """The agency is under `new_parent` (None: a root, receiving its quota from above) from `on`;
    its subtree moves with it. Never under itself or one of its own agencies."""
    _require_agency(actor, agency)
    if new_parent is not None:
        _require_agency(actor, new_parent, field="new_parent")
    with transaction.atomic():
        v = _require_in_order(agency, on)
        target = new_parent.pk if new_parent is not None else None
        if v.parent_id == target:
            raise DomainError("Cơ quan đã trực thuộc cơ quan cấp trên này", field="new_parent")
        if new_parent is not None:
            pv = sel.version_on(new_parent.pk, on)
            if pv is None:
                raise DomainError(f"Cơ quan cấp trên mới không có hiệu lực ngày {_vn(on)}", field="new_parent")
            if new_parent.pk == agency.pk or agency.pk in sel.TREE.ancestor_ids(new_parent.pk, on):
                raise DomainError(
                    "Không thể đặt một cơ quan dưới chính nó hoặc cơ quan trực thuộc nó", field="new_parent"
                )
        later = sel.TREE.later_change_below(agency.pk, on)
        if later is not None:  # the move re-paths the subtree from `on`: its history must be in order
            raise DomainError(
                f"Cơ quan trực thuộc «{_name(later, on)}» đã có thay đổi sau ngày {_vn(on)}; "
                "ghi các thay đổi theo đúng thứ tự thời gian",
                field="on",
            )
        before = v.parent_id
        new = sel.TREE.reversion(v, on, parent=new_parent)
        audit_record(
            actor=actor,
            action="staffing.agency_move",
            obj=agency,
            org_id=agency.managing_org_id,
            before={"parent": before},
            after={"parent": target, "on": on},
            summary=f"Chuyển {v.name} về trực thuộc "
            f"{_name(target, on) if target else 'cấp trên hệ thống'} từ {_vn(on)}",
        )
    return new


@dataclass
class SplitPart:
    code: str
    name: str
    share_pct: Decimal
    parent: Agency | None = None


def agency_split(
    *, actor, agency: Agency, parts: list[SplitPart], on: date, project: RestructuringProject | None = None
) -> list[Agency]:
    """`agency` is split into new agencies from `on`; the baseline (quota, headcount) is
    apportioned by the explicit `share_pct` of each part, which must total 100%."""
    _require_agency(actor, agency)
    if len(parts) < 2:
        raise DomainError("Chia tách phải có ít nhất hai cơ quan mới", field="parts")
    total = sum(Decimal(p.share_pct) for p in parts)
    if total != 100:
        raise DomainError(f"Tổng tỷ lệ phân bổ biên chế năm gốc phải bằng 100% (đang là {total}%)", field="parts")
    with transaction.atomic():
        if _has_children(agency, on):
            raise DomainError(f"«{_name(agency.pk, on)}» còn cơ quan trực thuộc", field="agency_id")
        old = _close(agency, on)
        new = []
        for part in parts:
            a = agency_create(
                actor=actor,
                code=part.code,
                name=part.name,
                managing_org_id=agency.managing_org_id,
                on=on,
                kind=agency.kind,
                parent=part.parent if part.parent else old.parent,
            )
            AgencyLineage.objects.create(
                predecessor=agency,
                successor=a,
                kind=LineageKind.SPLIT,
                on=on,
                share_pct=part.share_pct,
                project=project,
            )
            new.append(a)
        audit_record(
            actor=actor,
            action="staffing.agency_split",
            obj=agency,
            org_id=agency.managing_org_id,
            summary=f"Chia tách {old.name} thành {', '.join(p.name for p in parts)} từ {_vn(on)}",
        )
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
    dates |= set(
        QuotaAllocation.objects.filter(
            year=year, category=category, effective_from__gt=since, receiving_id__in=kids_ever | {agency_id}
        ).values_list("effective_from", flat=True)
    )
    dates |= set(
        AgencyVersion.objects.filter(parent_id=agency_id, valid_from__gt=since, valid_from__lte=year_end).values_list(
            "valid_from", flat=True
        )
    )
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
                field="number",
                rule="R-110",
            )


def quota_allocate(*, actor, data: AllocationInput) -> QuotaAllocation:
    """Record a quota decision (R-110). Refused, nothing written, if the allocating body is not the
    competent one or if the allocation would exceed what it received."""
    receiving = Agency.objects.filter(pk=data.receiving_id).first()
    if receiving is None:
        raise DomainError(policy.not_found("cơ quan được giao"), field="receiving_id")
    category = StaffingCategory.objects.filter(pk=data.category_id).first()
    if category is None:
        raise DomainError(policy.not_found("loại biên chế"), field="category_id")
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
            raise DomainError(
                "Cơ quan này nhận biên chế từ cấp trên hệ thống: không chọn cơ quan giao", field="allocating_id"
            )
        _require_agency(actor, receiving, field="receiving_id")
        if not nfc(data.allocating_label or "").strip():
            raise DomainError("Ghi cấp đã giao biên chế (ví dụ: Ban Tổ chức Trung ương)", field="allocating_label")
    else:
        allocating = Agency.objects.filter(pk=data.allocating_id).first() if data.allocating_id else None
        if allocating is None:
            allocating = Agency.objects.get(pk=competent) if data.allocating_id is None else None
        if allocating is None:
            raise DomainError(policy.not_found("cơ quan giao"), field="allocating_id")
        _require_agency(actor, allocating, field="allocating_id")
        if allocating.pk != competent:
            raise DomainError(
                f"Không đúng thẩm quyền: biên chế của {recv_version.name} do {_name(competent, effective)} giao "
                f"(cơ quan cấp trên trực tiếp ngày {_vn(effective)})",
                field="allocating_id",
                rule="R-110",
            )
    with transaction.atomic():
        alloc = QuotaAllocation.objects.create(
            year=data.year,
            allocating_id=competent,
            allocating_label=nfc(data.allocating_label or "").strip(),
            receiving=receiving,
            category=category,
            number=data.number,
            decision_number=number_text,
            decision_date=data.decision_date,
            effective_from=effective,
            recorded_by=_user(actor),
        )
        if competent is not None:
            _check_balance(competent, category, data.year, effective)
        _check_balance(receiving.pk, category, data.year, effective)
        audit_record(
            actor=actor,
            action="staffing.quota_allocate",
            obj=alloc,
            org_id=receiving.managing_org_id,
            summary=f"Giao {data.number} biên chế «{category.name}» năm {data.year} cho {recv_version.name} "
            f"(QĐ {number_text} ngày {_vn(data.decision_date)}, hiệu lực {_vn(effective)})",
        )
    return alloc


# --- headcount, baseline --------------------------------------------------------------------------


def headcount_record(
    *, actor, agency: Agency, category: StaffingCategory, on: date, count: int, source: str
) -> Headcount:
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
        h = Headcount.objects.create(
            agency=agency, category=category, on=on, count=count, source=nfc(source).strip(), recorded_by=_user(actor)
        )
        audit_record(
            actor=actor,
            action="staffing.headcount_record",
            obj=h,
            org_id=agency.managing_org_id,
            summary=f"{_name(agency.pk, on)}: {count} người «{category.name}» ngày {_vn(on)}",
        )
    return h


def baseline_set(
    *, actor, agency: Agency, category: StaffingCategory, year: int, number: int, carried: int = 0, source: str = ""
) -> Baseline:
    """Set the baseline-year staffing of an agency (the previous value goes to the audit trail)."""
    _require_agency(actor, agency)
    if number is None or number < 0:
        raise DomainError("Biên chế năm gốc phải là số không âm", field="number")
    with transaction.atomic():
        old = Baseline.objects.select_for_update().filter(agency=agency, category=category, year=year).first()
        before = {"number": old.number, "carried": old.carried} if old else None
        b, _ = Baseline.objects.update_or_create(
            agency=agency,
            category=category,
            year=year,
            defaults={"number": number, "carried": carried, "source": nfc(source or "")},
        )
        audit_record(
            actor=actor,
            action="staffing.baseline_set",
            obj=b,
            org_id=agency.managing_org_id,
            before=before,
            after={"number": number, "carried": carried},
            summary=f"Biên chế năm {year} «{category.name}» của {agency}: {number}",
        )
    return b


# --- restructuring projects --------------------------------------------------------------------


@dataclass
class UnitInput:
    label: str
    agency_id: int | None = None
    done_on: date | None = None


def project_create(
    *,
    actor,
    org_id: int,
    name: str,
    model: str,
    units: list[UnitInput],
    number: str = "",
    approved_on: date | None = None,
) -> RestructuringProject:
    policy.require(actor, "record", org_id, message=policy.not_found("cấp ủy"), field="org_id")
    name, model, number = nfc(name or "").strip(), nfc(model or "").strip(), nfc(number or "").strip()
    if not name or len(name) > 255:
        raise DomainError("Tên đề án không được để trống (tối đa 255 ký tự)", field="name")
    if not model or len(model) > 120:
        raise DomainError("Mô hình không được để trống (tối đa 120 ký tự)", field="model")
    if len(number) > 60:
        raise DomainError("Số đề án tối đa 60 ký tự", field="number")
    if not units:
        raise DomainError("Đề án phải có ít nhất một đơn vị thuộc phạm vi sắp xếp", field="units")
    agencies = Agency.objects.in_bulk([u.agency_id for u in units if u.agency_id is not None])
    for i, u in enumerate(units, start=1):
        label = nfc(u.label or "").strip()
        if not label or len(label) > 255:
            raise DomainError(f"Đơn vị dòng {i}: tên không được để trống (tối đa 255 ký tự)", field="units")
        if u.agency_id is not None:
            a = agencies.get(u.agency_id)
            if a is None or not policy.can(actor, "record", a.managing_org_id):
                raise DomainError(f"Đơn vị dòng {i}: không tìm thấy cơ quan", field="units")
    with transaction.atomic():
        project = RestructuringProject.objects.create(
            org_id=org_id, name=name, model=model, number=number, approved_on=approved_on
        )
        for u in units:
            ProjectUnit.objects.create(
                project=project, label=nfc(u.label).strip(), agency_id=u.agency_id, done_on=u.done_on
            )
        audit_record(
            actor=actor,
            action="staffing.project_create",
            obj=project,
            org_id=org_id,
            summary=f"Đề án {name}: {len(units)} đơn vị, mô hình {model}",
        )
    return project


def project_unit_done(*, actor, unit: ProjectUnit, on: date | None) -> ProjectUnit:
    """Record that one unit in the scope of a project was restructured on `on` (a later call
    corrects the date); the "x/y" figures of the project's model count it from that day."""
    policy.require(actor, "record", unit.project.org_id, message=policy.not_found("đề án"), field="unit")
    if on is None:
        raise DomainError(f"{unit.label}: ghi ngày hoàn thành sắp xếp", field="done_on")
    if on > policy.today():
        raise DomainError(f"{unit.label}: ngày hoàn thành sắp xếp không được sau ngày hôm nay", field="done_on")
    with transaction.atomic():
        before = unit.done_on
        unit.done_on = on
        unit.save(update_fields=["done_on"])
        audit_record(
            actor=actor,
            action="staffing.project_unit_done",
            obj=unit,
            org_id=unit.project.org_id,
            before={"done_on": before},
            after={"done_on": on},
            summary=f"{unit.label}: hoàn thành sắp xếp ngày {_vn(on)}",
        )
    return unit


# --- applying a restructuring project -----------------------------------------------------------


@dataclass
class SideInput:
    agency_id: int
    internal_units: int = 0
    share_pct: Decimal | None = None


@dataclass
class SurplusInput:
    agency_id: int
    norm: int
    actual: int
    deadline: date
    position: str = LeaderPosition.DEPUTY


@dataclass
class DepartureInput:
    kind: str
    category_id: int
    count: int
    policy: str = ""
    agency_id: int | None = None
    member_id: int | None = None
    cadre_id: int | None = None


def _require_project(actor, project: RestructuringProject) -> None:
    policy.require(actor, "record", project.org_id, message=policy.not_found("đề án"), field="project")


def project_approve(
    *, actor, project: RestructuringProject, decision_number: str, approved_on: date, applied_on: date
) -> RestructuringProject:
    """Record the approving decision of a project and the date it is to be applied."""
    _require_project(actor, project)
    number = nfc(decision_number or "").strip()
    if not number or len(number) > 60:
        raise DomainError("Ghi số quyết định phê duyệt đề án (tối đa 60 ký tự)", field="decision_number")
    if approved_on is None or applied_on is None:
        raise DomainError("Ghi ngày phê duyệt và ngày thực hiện đề án", field="approved_on")
    if applied_on < approved_on:
        raise DomainError(
            f"Ngày thực hiện {_vn(applied_on)} không được trước ngày phê duyệt {_vn(approved_on)}", field="applied_on"
        )
    with transaction.atomic():
        project = RestructuringProject.objects.select_for_update().get(pk=project.pk)
        if project.lineage.exists():
            raise DomainError("Đề án đã được thực hiện; không sửa quyết định phê duyệt", field="project")
        before = {
            "decision_number": project.decision_number,
            "approved_on": project.approved_on,
            "applied_on": project.applied_on,
        }
        project.decision_number, project.approved_on, project.applied_on = number, approved_on, applied_on
        project.save(update_fields=["decision_number", "approved_on", "applied_on"])
        audit_record(
            actor=actor,
            action="staffing.project_approve",
            obj=project,
            org_id=project.org_id,
            before=before,
            after={"decision_number": number, "approved_on": approved_on, "applied_on": applied_on},
            summary=f"Phê duyệt đề án {project.name} (QĐ {number} ngày {_vn(approved_on)}), "
            f"thực hiện từ {_vn(applied_on)}",
        )
    return project


def project_plan(
    *,
    actor,
    project: RestructuringProject,
    before: list[SideInput],
    after: list[SideInput],
    surplus: list[SurplusInput] = (),
    departures: list[DepartureInput] = (),
) -> RestructuringProject:
    """Set the agencies before and after a project, the surplus leaders and the people leaving
    under the policy (replacing what was planned; refused once the project is applied)."""
    _require_project(actor, project)
    if not before or not after:
        raise DomainError("Đề án phải có cơ quan trước và sau sắp xếp", field="before")
    agencies = Agency.objects.in_bulk(
        [s.agency_id for s in [*before, *after]]
        + [s.agency_id for s in surplus]
        + [d.agency_id for d in departures if d.agency_id]
    )
    for side, rows in (("before", before), ("after", after)):
        seen = set()
        for i, s in enumerate(rows, start=1):
            a = agencies.get(s.agency_id)
            if a is None:
                raise DomainError(f"Dòng {i}: không tìm thấy cơ quan", field=side)
            _require_agency(actor, a, field=side)
            if s.agency_id in seen:
                raise DomainError(f"Dòng {i}: cơ quan «{a}» ghi hai lần", field=side)
            seen.add(s.agency_id)
            if s.internal_units is None or not 0 <= s.internal_units <= 1000:
                raise DomainError(f"Dòng {i}: số đơn vị bên trong phải từ 0 đến 1000", field=side)
    if len(before) == 1 and len(after) >= 2 and before[0].agency_id not in {s.agency_id for s in after}:
        shares = [s.share_pct for s in after]
        if any(x is None for x in shares) or sum(Decimal(x) for x in shares) != 100:
            raise DomainError(
                "Chia tách: ghi tỷ lệ phân bổ cho từng cơ quan sau sắp xếp, tổng bằng 100%", field="after"
            )
    for i, s in enumerate(surplus, start=1):
        if s.agency_id not in agencies:
            raise DomainError(f"Cấp phó vượt quy định, dòng {i}: không tìm thấy cơ quan", field="surplus")
        if s.position not in LeaderPosition.values:
            raise DomainError(f"Cấp phó vượt quy định, dòng {i}: chức vụ không hợp lệ", field="surplus")
        if s.actual is None or s.norm is None or s.actual <= s.norm:
            raise DomainError(
                f"Cấp phó vượt quy định, dòng {i}: số hiện có phải lớn hơn số theo quy định", field="surplus"
            )
        if s.deadline is None:
            raise DomainError(f"Cấp phó vượt quy định, dòng {i}: ghi thời hạn giải quyết", field="surplus")
    cats = StaffingCategory.objects.in_bulk([d.category_id for d in departures])
    for i, d in enumerate(departures, start=1):
        if d.kind not in DepartureKind.values:
            raise DomainError(f"Nghỉ theo chính sách, dòng {i}: hình thức không hợp lệ", field="departures")
        if d.category_id not in cats:
            raise DomainError(f"Nghỉ theo chính sách, dòng {i}: không tìm thấy loại biên chế", field="departures")
        if d.count is None or d.count < 1 or d.count > MAX_NUMBER:
            raise DomainError(f"Nghỉ theo chính sách, dòng {i}: số người phải từ 1", field="departures")
        if (d.member_id or d.cadre_id) and d.count != 1:
            raise DomainError(
                f"Nghỉ theo chính sách, dòng {i}: dòng gắn với một hồ sơ chỉ tính 1 người", field="departures"
            )
        if len(d.policy or "") > 120:
            raise DomainError(f"Nghỉ theo chính sách, dòng {i}: chính sách tối đa 120 ký tự", field="departures")
    with transaction.atomic():
        project = RestructuringProject.objects.select_for_update().get(pk=project.pk)
        if project.lineage.exists():
            raise DomainError("Đề án đã được thực hiện; không sửa phương án", field="project")
        project.agencies.all().delete()
        project.surplus.all().delete()
        project.departures.all().delete()
        ProjectAgency.objects.bulk_create(
            [
                ProjectAgency(
                    project=project, agency_id=s.agency_id, side=ProjectSide.BEFORE, internal_units=s.internal_units
                )
                for s in before
            ]
            + [
                ProjectAgency(
                    project=project,
                    agency_id=s.agency_id,
                    side=ProjectSide.AFTER,
                    internal_units=s.internal_units,
                    share_pct=s.share_pct,
                )
                for s in after
            ]
        )
        SurplusLeaders.objects.bulk_create(
            [
                SurplusLeaders(
                    project=project,
                    agency_id=s.agency_id,
                    position=s.position,
                    norm=s.norm,
                    actual=s.actual,
                    deadline=s.deadline,
                )
                for s in surplus
            ]
        )
        ProjectDeparture.objects.bulk_create(
            [
                ProjectDeparture(
                    project=project,
                    agency_id=d.agency_id,
                    kind=d.kind,
                    category_id=d.category_id,
                    count=d.count,
                    policy=nfc(d.policy or "").strip(),
                    member_id=d.member_id,
                    cadre_id=d.cadre_id,
                )
                for d in departures
            ]
        )
        audit_record(
            actor=actor,
            action="staffing.project_plan",
            obj=project,
            org_id=project.org_id,
            after={
                "before": [s.agency_id for s in before],
                "after": [s.agency_id for s in after],
                "surplus": sum(s.actual - s.norm for s in surplus),
                "departures": sum(d.count for d in departures),
            },
            summary=f"Phương án đề án {project.name}: {len(before)} cơ quan trước, {len(after)} sau sắp xếp",
        )
    return project


def _set_internal_units(agency: Agency, on: date, units: int) -> None:
    """The agency has `units` internal units from `on` (a new version, or the version opened that day)."""
    v = sel.version_on(agency.pk, on)
    if v is None or v.internal_units == units:
        return
    if v.valid_from == on:
        v.internal_units = units
        v.save(update_fields=["internal_units"])
        return
    sel.TREE.reversion(_require_in_order(agency, on), on, internal_units=units)


def project_apply(*, actor, project: RestructuringProject) -> RestructuringProject:
    """Apply an approved project on its date: the before-agencies that are not kept end the day
    before and go into the after-agencies (merge: several into one; split: one into several with
    the planned shares), carrying baseline, quota and headcount by lineage; the after-agencies get
    their internal units; the project's units are done that day. All or nothing."""
    _require_project(actor, project)
    with transaction.atomic():
        project = RestructuringProject.objects.select_for_update().get(pk=project.pk)
        if not project.decision_number or project.applied_on is None:
            raise DomainError("Đề án chưa có quyết định phê duyệt và ngày thực hiện", field="project")
        if project.lineage.exists():
            raise DomainError("Đề án đã được thực hiện", field="project")
        on = project.applied_on
        rows = list(project.agencies.select_related("agency"))
        before = [r for r in rows if r.side == ProjectSide.BEFORE]
        after = [r for r in rows if r.side == ProjectSide.AFTER]
        if not before or not after:
            raise DomainError("Đề án chưa có phương án cơ quan trước và sau sắp xếp", field="project")
        kept = {r.agency_id for r in after}
        gone = [r.agency for r in before if r.agency_id not in kept]
        for r in after:
            if sel.version_on(r.agency_id, on) is None:
                raise DomainError(f"Cơ quan sau sắp xếp «{r.agency}» chưa có hiệu lực ngày {_vn(on)}", field="after")
        if len(after) == 1:
            if gone:
                agency_merge(actor=actor, predecessors=gone, into=after[0].agency, on=on, project=project)
        elif len(before) == 1 and gone:
            old = gone[0]
            if _has_children(old, on):
                raise DomainError(f"«{_name(old.pk, on)}» còn cơ quan trực thuộc", field="before")
            _close(old, on)
            for r in after:
                AgencyLineage.objects.create(
                    predecessor=old,
                    successor=r.agency,
                    kind=LineageKind.SPLIT,
                    on=on,
                    share_pct=r.share_pct,
                    project=project,
                )
        elif gone:
            raise DomainError(
                "Đề án chỉ thực hiện được hợp nhất (nhiều cơ quan thành một) hoặc chia tách (một cơ quan thành nhiều)",
                field="after",
            )
        for r in after:
            _set_internal_units(r.agency, on, r.internal_units)
        ids = {r.agency_id for r in rows}
        project.units.filter(done_on__isnull=True, agency_id__in=ids).update(done_on=on)
        audit_record(
            actor=actor,
            action="staffing.project_apply",
            obj=project,
            org_id=project.org_id,
            after={"on": on, "gone": [a.pk for a in gone], "after": sorted(kept)},
            summary=f"Thực hiện đề án {project.name} từ {_vn(on)}: {len(before)} cơ quan → {len(after)}",
        )
    return project


# --- job-position catalogues ---------------------------------------------------------------------


@dataclass
class PositionInput:
    name: str
    category_id: int
    number: int


def catalogue_create(*, actor, agency: Agency, name: str, positions: list[PositionInput]) -> JobCatalogue:
    _require_agency(actor, agency)
    name = nfc(name or "").strip()
    if not name or len(name) > 255:
        raise DomainError("Tên danh mục vị trí việc làm không được để trống (tối đa 255 ký tự)", field="name")
    if not positions:
        raise DomainError("Danh mục phải có ít nhất một vị trí việc làm", field="positions")
    cats = StaffingCategory.objects.in_bulk([p.category_id for p in positions])
    for i, p in enumerate(positions, start=1):
        if not nfc(p.name or "").strip():
            raise DomainError(f"Vị trí dòng {i}: tên không được để trống", field="positions")
        if p.category_id not in cats:
            raise DomainError(f"Vị trí dòng {i}: không tìm thấy loại biên chế", field="positions")
        if p.number is None or not 0 <= p.number <= MAX_NUMBER:
            raise DomainError(f"Vị trí dòng {i}: số lượng phải là số không âm", field="positions")
    with transaction.atomic():
        cat = JobCatalogue.objects.create(agency=agency, name=name)
        JobPosition.objects.bulk_create(
            [
                JobPosition(catalogue=cat, name=nfc(p.name).strip(), category_id=p.category_id, number=p.number)
                for p in positions
            ]
        )
        audit_record(
            actor=actor,
            action="staffing.catalogue_create",
            obj=cat,
            org_id=agency.managing_org_id,
            summary=f"Danh mục vị trí việc làm {name} của {agency}: {len(positions)} vị trí",
        )
    return cat


_NEXT = {
    CatalogueStatus.DRAFT: CatalogueStatus.SUBMITTED,
    CatalogueStatus.SUBMITTED: CatalogueStatus.APPRAISED,
    CatalogueStatus.APPRAISED: CatalogueStatus.APPROVED,
}
_DATE_FIELD = {
    CatalogueStatus.SUBMITTED: "submitted_on",
    CatalogueStatus.APPRAISED: "appraised_on",
    CatalogueStatus.APPROVED: "approved_on",
}


def catalogue_advance(*, actor, catalogue: JobCatalogue, to: str, on: date, decision_number: str = "") -> JobCatalogue:
    """Move a catalogue one step: submitted → appraised → approved (each with its date, never before
    the previous step's; approval names its decision)."""
    _require_agency(actor, catalogue.agency, field="catalogue")
    with transaction.atomic():
        catalogue = JobCatalogue.objects.select_for_update().select_related("agency").get(pk=catalogue.pk)
        expected = _NEXT.get(catalogue.status)
        if to != expected:
            now = CatalogueStatus(catalogue.status).label
            raise DomainError(
                f"Danh mục đang ở trạng thái «{now}»: không chuyển được sang "
                f"«{CatalogueStatus(to).label if to in CatalogueStatus.values else to}»",
                field="status",
            )
        prev = {
            CatalogueStatus.APPRAISED: catalogue.submitted_on,
            CatalogueStatus.APPROVED: catalogue.appraised_on,
        }.get(to)
        if on is None or (prev is not None and on < prev):
            raise DomainError(
                f"Ngày {CatalogueStatus(to).label.lower()} không được trước bước trước"
                + (f" ({_vn(prev)})" if prev else ""),
                field="on",
            )
        number = nfc(decision_number or "").strip()
        if to == CatalogueStatus.APPROVED:
            if not number or len(number) > 60:
                raise DomainError("Ghi số quyết định phê duyệt (tối đa 60 ký tự)", field="decision_number")
            catalogue.decision_number = number
        before = catalogue.status
        catalogue.status = to
        setattr(catalogue, _DATE_FIELD[to], on)
        catalogue.save()
        audit_record(
            actor=actor,
            action="staffing.catalogue_advance",
            obj=catalogue,
            org_id=catalogue.agency.managing_org_id,
            before={"status": before},
            after={"status": to, "on": on},
            summary=f"Danh mục vị trí việc làm {catalogue.name}: {CatalogueStatus(to).label.lower()} ngày {_vn(on)}",
        )
    return catalogue
