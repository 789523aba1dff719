"""Grading rules (RULES.md R-070..R-077, R-037, R-040) as pure functions over versioned parameters.

Parameters follow core/rules.py (R-000): a list of `ParamVersion` per name, picked by the date
the rule applies to (for grading: 1 January of the graded year); an administrator's
`core.RuleParameter` row with the same name overrides from its `valid_from`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dangbo.core.dates import add_months
from dangbo.core.errors import RuleViolation
from dangbo.core.rules import ParamVersion, _load_overrides

from .models import GRADE_ABBREV, GRADE_RANK, Grade

GRADING_PARAMS: dict[str, list[ParamVersion]] = {
    # score bands (minimum points per grade) from 366-QĐ/TW; before it: grade only (None).
    "grading_score_bands": [
        ParamVersion(date(2018, 1, 1), None, "132-QĐ/TW (2018); 124-QĐ/TW (2023): xếp loại, không chấm điểm"),
        ParamVersion(
            date(2025, 1, 1), {"excellent": 90, "good": 70, "satisfactory": 50}, "366-QĐ/TW (30/8/2025) Điều 11"
        ),
    ],
    # HTXSNV <= this share of HTTNV within each grassroots org (members).
    "grading_excellent_cap_percent": [ParamVersion(date(2019, 1, 1), 20, "Hướng dẫn 21-HD/BTCTW (2019)")],
    # probationary members admitted (ceremony) fewer months than this before year end.
    "grading_probation_min_months": [ParamVersion(date(2018, 1, 1), 6, "Hướng dẫn BTCTW (UNVERIFIED)")],
    # Members disciplined in the year get at most this grade (UNVERIFIED default: HTNV).
    "grading_disciplined_max_grade": [
        ParamVersion(date(2018, 1, 1), "satisfactory", "124-QĐ/TW; 366-QĐ/TW (UNVERIFIED mapping)")
    ],
    # target share of HTTNV or better (strictly more than).
    "grading_target_percent": [ParamVersion(date(2020, 1, 1), 90, "Kế hoạch thực hiện 21-NQ/TW (seed 003)")],
    # consecutive KHTNV years that flag a member for a removal review.
    "grading_removal_review_years": [ParamVersion(date(2018, 1, 1), 2, "29-QĐ/TW 8.1 (UNVERIFIED mapping)")],
}

REAL_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.SATISFACTORY, Grade.UNSATISFACTORY)
DISCIPLINE_TYPES = ("discipline_reprimand", "discipline_warning", "discipline_dismissal", "discipline_expulsion")


def param(name: str, year: int):
    """The value of grading parameter `name` in force for the graded `year`."""
    on = date(year, 1, 1)
    defaults = GRADING_PARAMS[name]
    candidates = defaults + _load_overrides().get(name, [])
    in_force = [v for v in candidates if v.valid_from <= on] or defaults[:1]
    return max(in_force, key=lambda v: (v.valid_from, v not in defaults)).value


def grade_label(code: str) -> str:
    return f"{Grade(code).label} ({GRADE_ABBREV[code]})" if code in GRADE_ABBREV else code


def year_end(year: int) -> date:
    return date(year, 12, 31)


def band_grade(year: int, total: Decimal | float | None) -> str | None:
    """R-071: the grade the score band gives (None when the year has no score scale or no score)."""
    bands = param("grading_score_bands", year)
    if not bands or total is None:
        return None
    total = Decimal(str(total))
    for code in ("excellent", "good", "satisfactory"):
        if total >= Decimal(bands[code]):
            return code
    return Grade.UNSATISFACTORY.value


def check_score_and_grade(*, year: int, total, grade: str, field: str = "grade") -> None:
    """R-071: from 366-QĐ/TW a score (0..100) is required and the grade must match its band;
    earlier years are graded without a score."""
    if grade not in Grade.values:
        raise RuleViolation("Mức xếp loại không hợp lệ.", field=field, rule="R-070")
    if grade == Grade.NOT_GRADED:
        return
    bands = param("grading_score_bands", year)
    if not bands:
        return
    if total is None:
        raise RuleViolation(
            f"Từ năm {year} (Quy định 366-QĐ/TW) phải chấm điểm theo thang 100 điểm.", field="total", rule="R-071"
        )
    total = Decimal(str(total))
    if not (0 <= total <= 100):
        raise RuleViolation("Tổng điểm phải từ 0 đến 100.", field="total", rule="R-071")
    expected = band_grade(year, total)
    # A score in a higher band may still be graded lower (extra conditions, disqualifying facts);
    # never higher than the band.
    if GRADE_RANK[grade] < GRADE_RANK[expected]:
        raise RuleViolation(
            f"{total:g} điểm chỉ đạt mức {grade_label(expected)}; không thể xếp loại {grade_label(grade)} "
            f"(thang điểm 366-QĐ/TW: xuất sắc từ {bands['excellent']}, tốt từ {bands['good']}, "
            f"hoàn thành từ {bands['satisfactory']} điểm).",
            field=field,
            rule="R-071",
        )


def excellent_cap_ok(*, year: int, excellent: int, good: int, allowed: int | None = None) -> bool:
    """R-072: HTXSNV <= 20% of HTTNV (or the number allowed by an exception record)."""
    if allowed is not None:
        return excellent <= allowed
    return excellent * 100 <= param("grading_excellent_cap_percent", year) * good


def check_excellent_cap(*, year: int, excellent: int, good: int, allowed: int | None, org_name: str) -> None:
    if not excellent_cap_ok(year=year, excellent=excellent, good=good, allowed=allowed):
        pct = param("grading_excellent_cap_percent", year)
        raise RuleViolation(
            f"{org_name}: số đảng viên xếp loại hoàn thành xuất sắc nhiệm vụ ({excellent}) vượt quá {pct}% số đảng viên "
            f"hoàn thành tốt nhiệm vụ ({good}). "
            "Cần có quyết định cho phép vượt tỷ lệ của cấp có thẩm quyền.",
            field="grade",
            rule="R-072",
        )


def not_graded_reason(*, year: int, status: str | None, exempt: bool, ceremony_on: date | None) -> str | None:
    """R-075 / R-037: why a member is not graded this year (None = graded)."""
    if exempt:
        return "Đảng viên được miễn công tác và sinh hoạt đảng (R-037)."
    months = param("grading_probation_min_months", year)
    if status == "du_bi" and ceremony_on and add_months(ceremony_on, months) > year_end(year):
        return f"Đảng viên dự bị kết nạp chưa đủ {months} tháng tính đến cuối năm (R-075)."
    return None


def not_graded_check(year: int):
    """`not_graded_reason` for many members of one year: the parameters are read once."""
    months = param("grading_probation_min_months", year)
    end = year_end(year)

    def check(status: str | None, exempt: bool, ceremony_on: date | None) -> bool:
        return bool(exempt or (status == "du_bi" and ceremony_on and add_months(ceremony_on, months) > end))

    return check


def check_gradable(*, year: int, grade: str, reason: str | None) -> None:
    if reason and grade != Grade.NOT_GRADED:
        raise RuleViolation(f"Không xếp loại đảng viên này: {reason}", field="grade", rule="R-075")


def check_discipline(*, year: int, grade: str, disciplined: bool) -> None:
    """Members disciplined in the year cannot get the top levels (configurable, UNVERIFIED)."""
    if not disciplined or grade == Grade.NOT_GRADED:
        return
    best = param("grading_disciplined_max_grade", year)
    if GRADE_RANK[grade] < GRADE_RANK[best]:
        raise RuleViolation(
            f"Đảng viên bị kỷ luật trong năm {year} chỉ được xếp loại từ mức {grade_label(best)} trở xuống.",
            field="grade",
            rule="R-071",
        )


def removal_review_due(grades_by_year: dict[int, str], year: int) -> bool:
    """R-040: KHTNV in each of the last N years up to `year` flags a removal review."""
    n = param("grading_removal_review_years", year)
    return all(grades_by_year.get(y) == Grade.UNSATISFACTORY for y in range(year - n + 1, year + 1))


def target_met(*, year: int, good_or_better: int, graded: int) -> bool:
    """R-076: more than 90% graded HTTNV or better."""
    return graded > 0 and good_or_better * 100 > param("grading_target_percent", year) * graded
