"""The enterprise register (R-014): record an enterprise, link the party organization set up in
it, and count enterprises with and without a party organization as of a date. Writes check the
actor's "record" right on the locality through orgs.visibility (the access policy), in one
transaction, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangbo.audit.services import audit_record
from dangbo.core.actors import require_actor
from dangbo.core.errors import DomainError
from dangbo.core.reference import exists
from dangbo.core.text import nfc
from dangbo.orgs.models import Enterprise, EnterpriseChange, Organization, OrgVersion
from dangbo.orgs.visibility import scope_orgs


def _require_record(actor, org_id: int, field: str) -> None:
    if not scope_orgs(Organization.objects.filter(pk=org_id), actor, action="record").exists():
        raise DomainError("Không có tổ chức này trong phạm vi ghi của bạn.", field=field)


def _snapshot(e: Enterprise) -> dict:
    return {
        "name": e.name,
        "sector": e.sector,
        "locality": e.locality_id,
        "employees": e.employees,
        "registered_on": e.registered_on.isoformat(),
        "closed_on": e.closed_on.isoformat() if e.closed_on else None,
        "party_org": e.party_org_id,
        "party_org_from": e.party_org_from.isoformat() if e.party_org_from else None,
    }


def _check_date(on: date | None, label: str, field: str) -> None:
    if on is None:
        raise DomainError(f"Chưa nhập «{label}».", field=field)
    if on > timezone.localdate():
        raise DomainError(f"«{label}» {on:%d/%m/%Y} ở tương lai.", field=field)


@transaction.atomic
def enterprise_register(
    *,
    actor,
    name: str,
    sector: str,
    locality: Organization,
    registered_on: date,
    employees: int | None = None,
    tax_code: str = "",
) -> Enterprise:
    require_actor(actor)
    name = nfc(name or "").strip()
    if not name:
        raise DomainError("Chưa nhập «Tên doanh nghiệp».", field="name")
    if not exists("org_sectors", sector):
        raise DomainError("«Khu vực, loại hình» không có trong danh mục.", field="sector")
    _check_date(registered_on, "Hoạt động từ ngày", "registered_on")
    _require_record(actor, locality.pk, "locality")
    if (
        not OrgVersion.objects.valid_on(registered_on).filter(org_id=locality.pk).exists()
        and not OrgVersion.objects.valid_on(timezone.localdate()).filter(org_id=locality.pk).exists()
    ):
        raise DomainError("Tổ chức quản lý địa bàn không còn hoạt động.", field="locality")
    e = Enterprise.objects.create(
        name=name,
        sector=sector,
        locality=locality,
        registered_on=registered_on,
        employees=employees,
        tax_code=nfc(tax_code or "").strip(),
    )
    audit_record(
        actor=actor,
        action="orgs.enterprise_registered",
        obj=e,
        org_id=locality.pk,
        summary=f"Ghi doanh nghiệp {name}",
        after=_snapshot(e),
    )
    return e


@transaction.atomic
def enterprise_link_party_org(*, actor, enterprise: Enterprise, party_org: Organization, on: date) -> Enterprise:
    """The party organization set up in the enterprise, from `on` (R-014)."""
    require_actor(actor)
    e = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_record(actor, e.locality_id, "locality")
    _require_record(actor, party_org.pk, "party_org")
    _check_date(on, "Có tổ chức đảng từ ngày", "on")
    if on < e.registered_on:
        raise DomainError("Ngày có tổ chức đảng trước ngày doanh nghiệp hoạt động.", field="on")
    if not OrgVersion.objects.valid_on(on).filter(org_id=party_org.pk).exists():
        raise DomainError(
            f"Tổ chức đảng được chọn chưa có (hoặc đã giải thể) vào ngày {on:%d/%m/%Y}.", field="party_org"
        )
    before = _snapshot(e)
    e.party_org, e.party_org_from = party_org, on
    e.save(update_fields=["party_org", "party_org_from"])
    audit_record(
        actor=actor,
        action="orgs.enterprise_party_org_linked",
        obj=e,
        org_id=e.locality_id,
        summary=f"Gắn tổ chức đảng cho doanh nghiệp {e.name} từ {on:%d/%m/%Y}",
        before=before,
        after=_snapshot(e),
    )
    return e


EDITABLE = {
    "name": "Tên doanh nghiệp",
    "tax_code": "Mã số thuế",
    "sector": "Khu vực, loại hình",
    "employees": "Số lao động",
    "locality": "Địa bàn",
}


def _field_value(e: Enterprise, name: str):
    return e.locality_id if name == "locality" else getattr(e, name)


def _last_change_on(e: Enterprise) -> date | None:
    return e.changes.order_by("-on").values_list("on", flat=True).first()


@transaction.atomic
def enterprise_change(
    *,
    actor,
    enterprise: Enterprise,
    on: date,
    reason: str = "",
    name: str | None = None,
    tax_code: str | None = None,
    sector: str | None = None,
    employees: int | None = None,
    locality: Organization | None = None,
    clear_employees: bool = False,
) -> EnterpriseChange:
    """Change an enterprise's name, tax code, sector, headcount or locality from `on` (a dated
    change, kept in its history: counts as of an earlier date still use the earlier values).
    Only what differs is recorded; nothing that differs is refused with a message."""
    require_actor(actor)
    e = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_record(actor, e.locality_id, "locality")
    _check_date(on, "Thay đổi từ ngày", "on")
    if on < e.registered_on:
        raise DomainError(
            f"«Thay đổi từ ngày» {on:%d/%m/%Y} trước ngày doanh nghiệp hoạt động ({e.registered_on:%d/%m/%Y}).",
            field="on",
        )
    if e.closed_on is not None:
        raise DomainError(f"Doanh nghiệp đã ngừng hoạt động từ {e.closed_on:%d/%m/%Y}; không sửa được.", field="on")
    last = _last_change_on(e)
    if last is not None and on < last:
        raise DomainError(
            f"«Thay đổi từ ngày» {on:%d/%m/%Y} trước lần thay đổi gần nhất ({last:%d/%m/%Y}).", field="on"
        )
    wanted: dict = {}
    if name is not None:
        name = nfc(name).strip()
        if not name:
            raise DomainError("Chưa nhập «Tên doanh nghiệp».", field="name")
        wanted["name"] = name
    if tax_code is not None:
        wanted["tax_code"] = nfc(tax_code).strip()
    if sector is not None:
        if not exists("org_sectors", sector):
            raise DomainError("«Khu vực, loại hình» không có trong danh mục.", field="sector")
        wanted["sector"] = sector
    if employees is not None or clear_employees:
        wanted["employees"] = employees
    if locality is not None:
        _require_record(actor, locality.pk, "locality")
        if not OrgVersion.objects.valid_on(on).filter(org_id=locality.pk).exists():
            raise DomainError(f"Địa bàn được chọn không hoạt động vào ngày {on:%d/%m/%Y}.", field="locality")
        wanted["locality"] = locality.pk
    before = {k: _field_value(e, k) for k, v in wanted.items() if _field_value(e, k) != v}
    after = {k: wanted[k] for k in before}
    if not after:
        raise DomainError("Không có thông tin nào thay đổi.", field="name")
    for k, v in after.items():
        setattr(e, "locality_id" if k == "locality" else k, v)
    e.save()
    change = EnterpriseChange.objects.create(
        enterprise=e,
        kind=EnterpriseChange.Kind.EDIT,
        on=on,
        before=before,
        after=after,
        reason=nfc(reason or "").strip()[:1000],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="orgs.enterprise_changed",
        obj=e,
        org_id=e.locality_id,
        summary=f"Thay đổi doanh nghiệp {e.name} từ {on:%d/%m/%Y}: " + ", ".join(EDITABLE[k].lower() for k in after),
        before=before,
        after=after,
    )
    return change


@transaction.atomic
def enterprise_close(*, actor, enterprise: Enterprise, on: date, reason: str) -> EnterpriseChange:
    """The enterprise stops operating from `on` (dissolved, bankrupt, merged…): it is no longer
    counted from that day; the register keeps it and its history."""
    require_actor(actor)
    e = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_record(actor, e.locality_id, "locality")
    _check_date(on, "Ngừng hoạt động từ ngày", "on")
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError("Chưa nhập «Lý do ngừng hoạt động».", field="reason")
    if e.closed_on is not None:
        raise DomainError(f"Doanh nghiệp đã ngừng hoạt động từ {e.closed_on:%d/%m/%Y}.", field="on")
    if on <= e.registered_on:
        raise DomainError(
            f"«Ngừng hoạt động từ ngày» phải sau ngày doanh nghiệp hoạt động ({e.registered_on:%d/%m/%Y}).", field="on"
        )
    last = _last_change_on(e)
    if last is not None and on < last:
        raise DomainError(f"«Ngừng hoạt động từ ngày» trước lần thay đổi gần nhất ({last:%d/%m/%Y}).", field="on")
    before = _snapshot(e)
    e.closed_on = on
    e.save(update_fields=["closed_on"])
    change = EnterpriseChange.objects.create(
        enterprise=e,
        kind=EnterpriseChange.Kind.CLOSE,
        on=on,
        before={"closed_on": None},
        after={"closed_on": on.isoformat()},
        reason=reason[:1000],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="orgs.enterprise_closed",
        obj=e,
        org_id=e.locality_id,
        summary=f"Doanh nghiệp {e.name} ngừng hoạt động từ {on:%d/%m/%Y}: {reason[:200]}",
        before=before,
        after=_snapshot(e),
    )
    return change


def values_on(e: Enterprise, at: date, changes=None) -> dict:
    """The enterprise's name, tax code, sector, headcount and locality as they were on `at`: the
    latest values with every later change undone (newest first)."""
    values = {k: _field_value(e, k) for k in EDITABLE}
    later = [c for c in (changes if changes is not None else e.changes.all()) if c.kind == "edit" and c.on > at]
    for c in sorted(later, key=lambda c: (c.on, c.pk), reverse=True):
        values.update(c.before)
    return values


def enterprises_under_on(*, paths: tuple[str, ...] | list[str], at: date) -> QuerySet:
    """The enterprises active on `at` whose locality lies in the subtrees `paths` on that date."""
    prefix = Q()
    for p in paths:
        prefix |= Q(path__startswith=p)
    localities = OrgVersion.objects.valid_on(at).filter(prefix).values("org_id")
    return Enterprise.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=at), registered_on__lte=at, locality_id__in=localities
    )


def with_party_org_q(at: date) -> Q:
    return Q(party_org__isnull=False, party_org_from__lte=at)


@dataclass(frozen=True)
class EnterpriseCounts:
    total: int
    with_party_org: int
    by_sector: dict[str, tuple[int, int]]  # sector -> (total, with a party organization)

    @property
    def without_party_org(self) -> int:
        return self.total - self.with_party_org


def enterprise_counts_on(*, paths, at: date) -> EnterpriseCounts:
    """Enterprises with and without a party organization on `at` in the subtrees `paths` (R-014)."""
    return counts_of(enterprises_under_on(paths=paths, at=at), at)


def active_on(qs: QuerySet, at: date) -> QuerySet:
    return qs.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=at), registered_on__lte=at)


def counts_of(qs: QuerySet, at: date) -> EnterpriseCounts:
    """`qs` (enterprises active on `at`) counted by sector, with and without a party organization;
    an enterprise whose sector changed after `at` counts in the sector it had on `at`."""
    rows = qs.order_by().values("sector").annotate(n=Count("pk"), linked=Count("pk", filter=with_party_org_q(at)))
    by_sector = {r["sector"]: [r["n"], r["linked"]] for r in rows}
    later = (
        EnterpriseChange.objects.filter(
            enterprise__in=qs.order_by().values("pk"), kind="edit", on__gt=at, before__has_key="sector"
        )
        .select_related("enterprise")
        .order_by("enterprise_id", "on", "pk")
    )
    first_before: dict[int, tuple[Enterprise, str]] = {}
    for c in later:  # the earliest later change holds the sector of `at`
        first_before.setdefault(c.enterprise_id, (c.enterprise, c.before["sector"]))
    for e, was in first_before.values():
        if was == e.sector:
            continue
        linked = int(e.has_party_org_on(at))
        by_sector[e.sector][0] -= 1
        by_sector[e.sector][1] -= linked
        cell = by_sector.setdefault(was, [0, 0])
        cell[0] += 1
        cell[1] += linked
    by_sector = {k: (v[0], v[1]) for k, v in by_sector.items() if v[0]}
    return EnterpriseCounts(sum(n for n, _ in by_sector.values()), sum(k for _, k in by_sector.values()), by_sector)
