"""Delegation of cadre management (phân cấp quản lý cán bộ) and family relations with the
kinship check of Quy định 114-QĐ/TW (power control in cadre work).

- Delegation: dated versions per province × title group × action (who decides, appraises, must
  agree, is consulted). Recording a new version closes the open one the day before.
- Family relations: a cadre's relatives, optionally linked to another cadre. The 114-QĐ/TW check
  lists, on a date, the pairs of relatives who both hold a leadership title in the same
  organization (the exact list of relations and posts is [GK-med], see MODULES.md §1.4): the
  "rà soát việc bố trí, sắp xếp người có quan hệ gia đình" figure of seed 000 (05 cases).
Every write checks the access policy and is audited; reading relations or the check is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangbo.access import policy
from dangbo.audit.services import audit_read, audit_record
from dangbo.cadres.models import ActionType, Cadre, Delegation, FamilyRelation, PositionHolding, Relationship
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc


@policy.scoped(Delegation)
def _delegations_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="province_id", action=action)


@policy.scoped(FamilyRelation)
def _relations_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="cadre__managing_org_id", action=action)


# --- delegation ---------------------------------------------------------------------------------


def delegation_set(
    *,
    actor,
    province_id: int,
    title_group: str,
    action: str,
    decides: str,
    valid_from: date,
    appraises: str = "",
    agrees: str = "",
    consulted: str = "",
    source: str = "",
) -> Delegation:
    policy.require(actor, "record", province_id, message=policy.not_found("tỉnh"), field="province_id")
    group, decides = nfc(title_group or "").strip(), nfc(decides or "").strip()
    if not group:
        raise DomainError("Nhóm chức danh không được để trống", field="title_group")
    if action not in ActionType.values or action == ActionType.CORRECTION:
        raise DomainError("Nội dung không hợp lệ", field="action")
    if not decides:
        raise DomainError("Phải ghi cấp quyết định", field="decides")
    with transaction.atomic():
        current = Delegation.objects.filter(
            province_id=province_id, title_group=group, action=action, valid_to__isnull=True
        ).first()
        if current is not None:
            if valid_from <= current.valid_from:
                raise DomainError(
                    f"Ngày hiệu lực phải sau {current.valid_from:%d/%m/%Y} (phiên bản đang áp dụng)", field="valid_from"
                )
            current.valid_to = valid_from - timedelta(days=1)
            current.save(update_fields=["valid_to"])
        d = Delegation.objects.create(
            province_id=province_id,
            title_group=group,
            action=action,
            decides=decides,
            appraises=nfc(appraises).strip(),
            agrees=nfc(agrees).strip(),
            consulted=nfc(consulted).strip(),
            valid_from=valid_from,
            source=nfc(source),
        )
        audit_record(
            actor=actor,
            action="delegation.set",
            obj=d,
            org_id=province_id,
            before=None if current is None else {"decides": current.decides},
            summary=f"Phân cấp «{group}» — {d.get_action_display()}: {decides} quyết định từ {valid_from:%d/%m/%Y}",
        )
    return d


def delegation_on(*, actor, province_id: int, title_group: str, action: str, at: date) -> Delegation | None:
    """Who decides (appraises, agrees, is consulted) for a title group and action on `at`."""
    return (
        policy.for_user(Delegation, actor)
        .filter(province_id=province_id, title_group=title_group, action=action, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .first()
    )


# --- family relations and the 114-QĐ/TW check ------------------------------------------------------


def relation_add(
    *,
    actor,
    cadre_id: int,
    relationship: str,
    relative_name: str,
    relative_cadre_id: int | None = None,
    relative_birth_year: int | None = None,
    occupation: str = "",
) -> FamilyRelation:
    cadre = policy.for_user(Cadre, actor, "record").filter(pk=cadre_id).first()
    if cadre is None:
        raise DomainError(policy.not_found("cán bộ"), field="cadre_id")
    if relationship not in Relationship.values:
        raise DomainError("Quan hệ không hợp lệ", field="relationship")
    name = nfc(relative_name or "").strip()
    if not name:
        raise DomainError("Họ và tên người thân không được để trống", field="relative_name")
    if len(name) > FamilyRelation._meta.get_field("relative_name").max_length:
        raise DomainError("Họ và tên người thân dài quá 200 ký tự", field="relative_name")
    occupation = nfc(occupation or "").strip()
    if len(occupation) > FamilyRelation._meta.get_field("occupation").max_length:
        raise DomainError("Nghề nghiệp, chức vụ dài quá 255 ký tự", field="occupation")
    this_year = timezone.localdate().year
    if relative_birth_year is not None and not 1900 <= relative_birth_year <= this_year:
        raise DomainError(f"Năm sinh của người thân phải từ 1900 đến {this_year}", field="relative_birth_year")
    if relative_cadre_id is not None:
        if relative_cadre_id == cadre.pk:
            raise DomainError("Người thân không thể là chính cán bộ", field="relative_cadre_id")
        if not Cadre.objects.filter(pk=relative_cadre_id).exists():
            raise DomainError(policy.not_found("cán bộ là người thân"), field="relative_cadre_id")
    with transaction.atomic():
        r = FamilyRelation.objects.create(
            cadre=cadre,
            relationship=relationship,
            relative_name=name,
            relative_birth_year=relative_birth_year,
            relative_cadre_id=relative_cadre_id,
            occupation=occupation,
        )
        audit_record(
            actor=actor,
            action="family_relation.add",
            obj=r,
            org_id=cadre.managing_org_id,
            summary=f"Ghi quan hệ gia đình của cán bộ {cadre.full_name}: {r.get_relationship_display()}",
        )
    return r


@dataclass(frozen=True)
class KinshipCase:
    relation: FamilyRelation
    org_id: int
    cadre_title: str
    relative_title: str


def kinship_conflicts(*, actor, org_id: int, at: date) -> list[KinshipCase]:
    """114-QĐ/TW: pairs of relatives (the cadre's relation linked to another cadre) who, on `at`,
    both hold a title in the same organization of the subtree, one of them a head. Audited."""
    from dangbo.cadres.selectors import _subtree_ids

    org_ids = _subtree_ids(actor, org_id, at)
    holdings = (
        PositionHolding.objects.filter(org_id__in=org_ids, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .select_related("title")
    )
    held: dict[int, list[PositionHolding]] = {}
    for h in holdings:
        held.setdefault(h.cadre_id, []).append(h)
    relations = (
        policy.for_user(FamilyRelation, actor)
        .filter(cadre_id__in=list(held), relative_cadre_id__in=list(held))
        .select_related("cadre", "relative_cadre")
    )
    out, seen = [], set()
    for r in relations:
        pair = frozenset((r.cadre_id, r.relative_cadre_id))
        for a in held[r.cadre_id]:
            for b in held[r.relative_cadre_id]:
                if a.org_id == b.org_id and (a.title.is_head or b.title.is_head) and (pair, a.org_id) not in seen:
                    seen.add((pair, a.org_id))
                    out.append(
                        KinshipCase(relation=r, org_id=a.org_id, cadre_title=a.title.name, relative_title=b.title.name)
                    )
    audit_read(
        actor=actor,
        obj=None,
        org_id=org_id,
        what="kinship_check",
        summary=f"Rà soát quan hệ gia đình trong bộ máy lãnh đạo (114-QĐ/TW) ngày {at:%d/%m/%Y}: {len(out)} trường hợp",
    )
    return out
