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
from dangbo.orgs.models import Enterprise, Organization, OrgVersion
from dangbo.orgs.visibility import scope_orgs


def _require_record(actor, org_id: int, field: str) -> None:
    if not scope_orgs(Organization.objects.filter(pk=org_id), actor, action="record").exists():
        raise DomainError("Không có tổ chức này trong phạm vi ghi của bạn.", field=field)


def _snapshot(e: Enterprise) -> dict:
    return {"name": e.name, "sector": e.sector, "locality": e.locality_id, "employees": e.employees,
            "registered_on": e.registered_on.isoformat(), "closed_on": e.closed_on.isoformat() if e.closed_on else None,
            "party_org": e.party_org_id, "party_org_from": e.party_org_from.isoformat() if e.party_org_from else None}


def _check_date(on: date | None, label: str, field: str) -> None:
    if on is None:
        raise DomainError(f"Chưa nhập «{label}».", field=field)
    if on > timezone.localdate():
        raise DomainError(f"«{label}» {on:%d/%m/%Y} ở tương lai.", field=field)


@transaction.atomic
def enterprise_register(*, actor, name: str, sector: str, locality: Organization, registered_on: date,
                        employees: int | None = None, tax_code: str = "") -> Enterprise:
    require_actor(actor)
    name = nfc(name or "").strip()
    if not name:
        raise DomainError("Chưa nhập «Tên doanh nghiệp».", field="name")
    if not exists("org_sectors", sector):
        raise DomainError("«Khu vực, loại hình» không có trong danh mục.", field="sector")
    _check_date(registered_on, "Hoạt động từ ngày", "registered_on")
    _require_record(actor, locality.pk, "locality")
    if not OrgVersion.objects.valid_on(registered_on).filter(org_id=locality.pk).exists() and \
            not OrgVersion.objects.valid_on(timezone.localdate()).filter(org_id=locality.pk).exists():
        raise DomainError("Tổ chức quản lý địa bàn không còn hoạt động.", field="locality")
    e = Enterprise.objects.create(name=name, sector=sector, locality=locality, registered_on=registered_on,
                                  employees=employees, tax_code=nfc(tax_code or "").strip())
    audit_record(actor=actor, action="orgs.enterprise_registered", obj=e, org_id=locality.pk,
                 summary=f"Ghi doanh nghiệp {name}", after=_snapshot(e))
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
        raise DomainError(f"Tổ chức đảng được chọn chưa có (hoặc đã giải thể) vào ngày {on:%d/%m/%Y}.", field="party_org")
    before = _snapshot(e)
    e.party_org, e.party_org_from = party_org, on
    e.save(update_fields=["party_org", "party_org_from"])
    audit_record(actor=actor, action="orgs.enterprise_party_org_linked", obj=e, org_id=e.locality_id,
                 summary=f"Gắn tổ chức đảng cho doanh nghiệp {e.name} từ {on:%d/%m/%Y}", before=before,
                 after=_snapshot(e))
    return e


def enterprises_under_on(*, paths: tuple[str, ...] | list[str], at: date) -> QuerySet:
    """The enterprises active on `at` whose locality lies in the subtrees `paths` on that date."""
    prefix = Q()
    for p in paths:
        prefix |= Q(path__startswith=p)
    localities = OrgVersion.objects.valid_on(at).filter(prefix).values("org_id")
    return Enterprise.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=at), registered_on__lte=at,
                                     locality_id__in=localities)


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
    """`qs` (enterprises active on `at`) counted by sector, with and without a party organization."""
    rows = qs.order_by().values("sector").annotate(n=Count("pk"), linked=Count("pk", filter=with_party_org_q(at)))
    by_sector = {r["sector"]: (r["n"], r["linked"]) for r in rows}
    return EnterpriseCounts(sum(n for n, _ in by_sector.values()), sum(k for _, k in by_sector.values()), by_sector)
