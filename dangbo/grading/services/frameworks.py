"""Criteria frameworks (khung tiêu chí): issued by the system or a committee, adapted below."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from dangbo.access import policy
from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.core.text import nfc
from dangbo.orgs.models import Organization

from .. import rules, selectors
from ..models import CriteriaFramework, Criterion, Subject
from .common import user_or_none


def _items(items) -> list[tuple[str, Decimal]]:
    out = []
    for i, (text, points) in enumerate(items, start=1):
        text = nfc(text).strip()
        try:
            pts = Decimal(str(points))
        except (InvalidOperation, ValueError):
            raise DomainError(f"Tiêu chí {i}: điểm tối đa không hợp lệ.", field="items") from None
        if not text:
            raise DomainError(f"Tiêu chí {i}: phải nhập nội dung.", field="items")
        if pts <= 0:
            raise DomainError(f"Tiêu chí {i}: điểm tối đa phải lớn hơn 0.", field="items")
        out.append((text, pts))
    if not out:
        raise DomainError("Khung tiêu chí phải có ít nhất một tiêu chí.", field="items")
    return out


@transaction.atomic
def framework_issue(
    *,
    actor,
    year: int,
    name: str,
    subject: str,
    items,
    issued_on: date,
    org_type: str = "",
    position: str = "",
    owner_org: Organization | None = None,
    parent: CriteriaFramework | None = None,
) -> CriteriaFramework:
    """Issue a criteria framework (khung tiêu chí); a new one for the same key is a new version."""
    name = nfc(name).strip()
    if not name:
        raise DomainError("Phải nhập tên khung tiêu chí.", field="name")
    if subject not in Subject.values:
        raise DomainError("Đối tượng không hợp lệ.", field="subject")
    if owner_org is None:
        if not policy.everywhere(actor, "record"):
            raise DomainError("Chỉ quản trị hệ thống ban hành khung tiêu chí chung.", field="owner_org")
    elif not can(actor, "record", owner_org.pk):
        raise DomainError("Bạn không có quyền ban hành khung tiêu chí cho tổ chức này.", field="owner_org")
    clean = _items(items)
    if rules.param("grading_score_bands", year) and sum(p for _, p in clean) != 100:
        raise RuleViolation(
            f"Từ năm {year} khung tiêu chí phải có tổng điểm tối đa là 100 (hiện là {sum(p for _, p in clean):g}).",
            field="items",
            rule="R-071",
        )
    key = {"year": year, "subject": subject, "org_type": org_type, "position": nfc(position), "owner_org": owner_org}
    version = CriteriaFramework.objects.filter(**key).count() + 1
    fw = CriteriaFramework.objects.create(
        name=name, parent=parent, version=version, issued_on=issued_on, issued_by=user_or_none(actor), **key
    )
    Criterion.objects.bulk_create(
        Criterion(framework=fw, order=i, text=t, max_points=p) for i, (t, p) in enumerate(clean, start=1)
    )
    audit_record(
        actor=actor,
        action="grading.framework_issued",
        obj=fw,
        org_id=owner_org.pk if owner_org else None,
        summary=f"Ban hành khung tiêu chí «{name}» năm {year} (lần {version})",
        after={"items": [[t, p] for t, p in clean], "parent": parent.pk if parent else None},
    )
    return fw


@transaction.atomic
def framework_adapt(
    *, actor, parent: CriteriaFramework, owner_org: Organization, issued_on: date, items=None, name: str = ""
) -> CriteriaFramework:
    """A committee adapts a framework for its subtree (owner must be inside the parent's owner's
    subtree); the criteria are copied unless new ones are given."""
    if parent.owner_org_id and not selectors.in_subtree(owner_org.pk, parent.owner_org_id, issued_on):
        raise DomainError(
            "Chỉ được cụ thể hóa khung tiêu chí của cấp trên trong phạm vi của cấp ủy đó.", field="owner_org"
        )
    if items is None:
        items = [(c.text, c.max_points) for c in parent.criteria.all()]
    return framework_issue(
        actor=actor,
        year=parent.year,
        name=name or parent.name,
        subject=parent.subject,
        items=items,
        issued_on=issued_on,
        org_type=parent.org_type,
        position=parent.position,
        owner_org=owner_org,
        parent=parent,
    )
