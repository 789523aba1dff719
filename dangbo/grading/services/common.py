"""What the grading writes share: the refusal of a batch, the input row of a step, score parsing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from dangbo.core.errors import DomainError
from dangbo.members.models import Member
from dangbo.orgs.models import Organization

from ..models import CriteriaFramework

NO_RIGHT = "Bạn không có quyền thực hiện bước này cho tổ chức này."


class GradingRefused(DomainError):
    """Some rows of a batch were refused: `errors` = [(row index, field, message)]."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"Có {len(errors)} dòng không hợp lệ; chưa ghi dòng nào.", field=None)
        self.errors = errors


@dataclass
class StepInput:
    grade: str
    member: Member | None = None
    org: Organization | None = None
    total: Any = None
    scores: dict | None = None
    framework: CriteriaFramework | None = None
    comment: str = ""


def fmt(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def parse_total(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError("Tổng điểm không hợp lệ.", field="total") from None


def criteria_scores(framework: CriteriaFramework | None, scores: dict | None) -> tuple[dict[str, str], Decimal | None]:
    """The scores per criterion of `framework` (checked against each maximum) and their total."""
    if framework is None or not scores:
        return {}, None
    crit = {str(c.pk): c for c in framework.criteria.all()}
    out: dict[str, str] = {}
    total = Decimal(0)
    for key, value in scores.items():
        c = crit.get(str(key))
        if c is None:
            raise DomainError("Tiêu chí không thuộc khung tiêu chí đã chọn.", field="scores")
        try:
            pts = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise DomainError(f"Điểm của tiêu chí «{c.text}» không hợp lệ.", field="scores") from None
        if not (0 <= pts <= c.max_points):
            raise DomainError(f"Điểm của tiêu chí «{c.text}» phải từ 0 đến {c.max_points:g}.", field="scores")
        out[str(c.pk)] = str(pts)
        total += pts
    return out, total
