"""Versioned rule parameters (R-000).

Every number a rule uses (ages, day counts, months, percentages) is looked up here by name and
the date of the event, so a regulation change is a new row with its `valid_from`, never a code
edit. The defaults below ship with the product (with the source document); rows in the
`RuleParameter` table override them from their `valid_from` on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ParamVersion:
    valid_from: date
    value: Any
    source: str


DEFAULTS: dict[str, list[ParamVersion]] = {
    # admission age in whole months at the cell's resolution date.
    "admission_min_age_months": [ParamVersion(date(1930, 1, 1), 18 * 12, "Điều lệ Đảng; 232-QĐ/TW 1.1")],
    "admission_max_age_months": [ParamVersion(date(1930, 1, 1), 60 * 12, "232-QĐ/TW 1.1")],
    # minimum general education rank (reference/education_levels.csv: THCS = 2).
    "admission_min_education_rank": [ParamVersion(date(1930, 1, 1), 2, "232-QĐ/TW 1.2")],
    # probation length in calendar months from the ceremony.
    "probation_months": [ParamVersion(date(1930, 1, 1), 12, "Điều lệ Đảng Điều 5(1)")],
    # working days after probation ends for the cell to propose recognition.
    "recognition_proposal_working_days": [ParamVersion(date(2016, 7, 25), 30, "29-QĐ/TW; 24-QĐ/TW 4.2.1")],
    # working days from the admission decision to the ceremony.
    "ceremony_within_working_days": [ParamVersion(date(2016, 7, 25), 30, "24-QĐ/TW 4.1")],
    # working days to present a transfer letter at the receiving org.
    "transfer_letter_working_days": [ParamVersion(date(2016, 7, 25), 30, "294-QĐ/TW 6.3.1")],
    # months after leaving before re-admission; how many re-admissions.
    "readmission_wait_months": [ParamVersion(date(2016, 7, 25), 36, "232-QĐ/TW 3.5.1")],
    "readmission_max_times": [ParamVersion(date(2016, 7, 25), 1, "24-QĐ/TW 3.5.3")],
    # badge milestones (years of seniority) and early awards (months).
    "badge_milestones": [
        ParamVersion(date(2021, 9, 28), [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90], "01-HD/TW (2021) 18")
    ],
    "badge_early_ill_months_upto_65": [ParamVersion(date(2021, 9, 28), 12, "01-HD/TW (2021) 18")],
    "badge_early_ill_months_from_70": [ParamVersion(date(2021, 9, 28), 24, "01-HD/TW (2021) 18")],
    "badge_early_posthumous_months": [ParamVersion(date(2021, 9, 28), 12, "01-HD/TW (2021) 18")],
    # temporary transfer duration (months) for residence/work changes.
    "temporary_transfer_max_months": [ParamVersion(date(2016, 7, 25), 12, "29-QĐ/TW 6.3")],
    # R-095 (cadres): statutory retirement age in months, by the year it is reached (Bộ luật Lao động
    # 2019 Điều 169; Nghị định 135/2020/NĐ-CP): men 60 y 3 m in 2021 + 3 months a year to 62 y (2028),
    # women 55 y 4 m in 2021 + 4 months a year to 60 y (2035).
    "retirement_age_months_male": [ParamVersion(date(1995, 1, 1), 720, "BLLĐ 1994, 2012 (60 tuổi)")]
    + [ParamVersion(date(2021 + i, 1, 1), 723 + 3 * i, "BLLĐ 2019 Đ.169; NĐ 135/2020") for i in range(8)],
    "retirement_age_months_female": [ParamVersion(date(1995, 1, 1), 660, "BLLĐ 1994, 2012 (55 tuổi)")]
    + [ParamVersion(date(2021 + i, 1, 1), 664 + 4 * i, "BLLĐ 2019 Đ.169; NĐ 135/2020") for i in range(15)],
    # months of working time left at first appointment; months in the current post; a
    # re-appointment with less left than this is an extension to retirement instead.
    "appointment_min_months_to_retirement": [ParamVersion(date(2019, 1, 1), 60, "80-QĐ/TW; 06-HD/BTCTW 2021")],
    "appointment_min_months_in_post": [ParamVersion(date(2019, 1, 1), 24, "80-QĐ/TW")],
    "reappointment_extension_months": [ParamVersion(date(2019, 1, 1), 24, "80-QĐ/TW")],
    # R-110 / R-111 (staffing): baseline year and target year of the 2022–2026 roadmap, minimum
    # reduction in % of the baseline: cadres and civil servants; budget-paid public employees.
    "staffing_baseline_year": [ParamVersion(date(2022, 7, 18), 2021, "40-KL/TW (18/7/2022); 71-QĐ/TW")],
    "staffing_target_year": [ParamVersion(date(2022, 7, 18), 2026, "40-KL/TW (18/7/2022); 71-QĐ/TW")],
    "staffing_reduction_pct_cadres": [ParamVersion(date(2022, 7, 18), 5, "40-KL/TW (18/7/2022)")],
    "staffing_reduction_pct_public_employees": [ParamVersion(date(2022, 7, 18), 10, "40-KL/TW (18/7/2022)")],
    # R-095 (cadres): appointment term in months; how far ahead the worklist warns of a term's end
    # and of retirement (issue #18: "terms ending in 6 months", "retirement in 12 months").
    "appointment_term_months": [ParamVersion(date(2019, 1, 1), 60, "80-QĐ/TW; 377-QĐ/TW")],
    "worklist_term_end_months": [ParamVersion(date(2019, 1, 1), 6, "Yêu cầu nghiệp vụ (issue #18)")],
    "worklist_retirement_months": [ParamVersion(date(2019, 1, 1), 12, "Yêu cầu nghiệp vụ (issue #18)")],
    # R-090 / R-091 (cadres, confidence votes, 96-QĐ/TW 2023): quorum of those summoned, and the
    # shares of "tín nhiệm thấp" on valid ballots (as [numerator, denominator]) from which a cadre
    # is considered for reassignment/resignation (more than 1/2) and dismissed (2/3 or more).
    # R-093 (cadres, planning, 50-QĐ/TW 2021; re-check against 377-QĐ/TW): "young" is under this age
    # on the date counted (provincial level: 40; central level: 45), the minimum shares of young
    # cadres and women in a planning list (%), and the working time a planned cadre must have
    # left at the term's start (one full term, months). R-094: persons planned per title
    # (per post) and titles planned per person at the same level (UNVERIFIED numbers).
    "planning_young_under_age": [ParamVersion(date(2021, 1, 1), 40, "50-QĐ/TW (2021), cấp tỉnh; Trung ương: 45")],
    "planning_min_young_pct": [ParamVersion(date(2021, 1, 1), 15, "50-QĐ/TW (2021)")],
    "planning_min_women_pct": [ParamVersion(date(2021, 1, 1), 25, "50-QĐ/TW (2021)")],
    "planning_min_months_to_retirement": [ParamVersion(date(2021, 1, 1), 60, "50-QĐ/TW (2021): ít nhất một nhiệm kỳ")],
    "planning_max_people_per_title": [ParamVersion(date(2021, 1, 1), 4, "50-QĐ/TW (2021); UNVERIFIED")],
    "planning_max_titles_per_person": [ParamVersion(date(2021, 1, 1), 3, "50-QĐ/TW (2021); UNVERIFIED")],
    # Salary steps (cadres, Thông tư 08/2013/TT-BNV as amended): months between regular step raises
    # by rank code ("*": specialist ranks and above, 36; lower ranks 24) and how many months early
    # an early raise for outstanding results may come (UNVERIFIED: confirm the rank list).
    "salary_regular_step_months": [
        ParamVersion(
            date(2013, 7, 31), {"*": 36, "01.004": 24, "01.005": 24}, "08/2013/TT-BNV; danh sách ngạch UNVERIFIED"
        )
    ],
    "salary_early_step_max_months": [ParamVersion(date(2013, 7, 31), 12, "08/2013/TT-BNV")],
    "confidence_vote_quorum": [ParamVersion(date(2023, 2, 2), [2, 3], "96-QĐ/TW (2023)")],
    "confidence_low_review_above": [ParamVersion(date(2023, 2, 2), [1, 2], "96-QĐ/TW (2023)")],
    "confidence_low_dismiss_from": [ParamVersion(date(2023, 2, 2), [2, 3], "96-QĐ/TW (2023); 41-QĐ/TW")],
    # R-120 (dues): the regime of a month is the version in force on the month's first day, so a
    # month belongs to exactly one regime. 342-QĐ/TW (28/12/2010) from 01/2011; Quy định 01-QĐ/TW
    # (03/02/2026) from 02/2026 (MODULES §4.5.1: February 2026 is the first month under it; the
    # exact effective date is UNVERIFIED, an administrator overrides it with a RuleParameter row).
    "dues_regime": [
        ParamVersion(date(2011, 1, 1), "342-QĐ/TW", "342-QĐ/TW (28/12/2010)"),
        ParamVersion(date(2026, 2, 1), "01-QĐ/TW", "01-QĐ/TW (03/02/2026); ngày hiệu lực UNVERIFIED"),
    ],
    # rates of each regime (the regime of a month picks its table). "*_bp": per ten thousand
    # (100 = 1 %) of the declared base; "*_fixed": đồng per month; "si_base_lag_months": the SI
    # salary used is that of N months earlier (01-QĐ/TW: the previous month's). VERIFIED: 1 % SI
    # salary / benefit, 0,5 % pension (both regimes), students 5.000 đ under 01-QĐ/TW. Every other
    # fixed amount is an UNVERIFIED overridable default.
    "dues_rates": [
        ParamVersion(
            date(2011, 1, 1),
            {
                "342-QĐ/TW": {
                    "si_salary_bp": 100,
                    "sickness_benefit_bp": 100,
                    "pension_bp": 50,
                    "si_base_lag_months": 0,
                    "student_fixed": 3000,
                    "no_income_fixed": 2000,
                    "abroad_fixed": 50000,
                    "other_fixed": 2000,
                },
                "01-QĐ/TW": {
                    "si_salary_bp": 100,
                    "sickness_benefit_bp": 100,
                    "pension_bp": 50,
                    "si_base_lag_months": 1,
                    "student_fixed": 5000,
                    "no_income_fixed": 5000,
                    "abroad_fixed": 50000,
                    "other_fixed": 5000,
                },
            },
            "342-QĐ/TW (28/12/2010); 01-QĐ/TW (03/02/2026); mức cố định trừ học sinh, sinh viên (01-QĐ/TW) UNVERIFIED",
        )
    ],
    # R-121 / S-003 2.1.9: the local reduced rate for members in hardship (% of the normal amount)
    # and the share of collected dues each collecting organization keeps, by organization type
    # ("*": any other type); the rest is remitted upward. Local policy: UNVERIFIED defaults.
    "dues_hardship_pct": [ParamVersion(date(2011, 1, 1), 50, "Quy định địa phương (S-003 2.1.9); UNVERIFIED")],
    "dues_retention_keep_pct": [
        ParamVersion(
            date(2011, 1, 1),
            {
                "subordinate_cell": 30,
                "grassroots_cell": 50,
                "party_group": 0,
                "temporary_cell": 30,
                "*": 30,
            },
            "342-QĐ/TW; 01-QĐ/TW; tỉ lệ UNVERIFIED",
        )
    ],
    # unpaid months in a calendar year: warning at 2, ground for name removal at 3.
    "dues_unpaid_warn_months": [ParamVersion(date(1930, 1, 1), 2, "Yêu cầu nghiệp vụ (issue #21)")],
    "dues_unpaid_removal_months": [ParamVersion(date(1930, 1, 1), 3, "Điều lệ Đảng Điều 8; 01-QĐ/TW (2026)")],
    # Resolution-study campaigns (issue 20): members who have not studied yet are reminded once,
    # from this many days before the deadline up to the deadline day (value in force on the day
    # the reminders go out).
    "study_remind_days_before": [ParamVersion(date(1930, 1, 1), 3, "Yêu cầu nghiệp vụ (issue 20)")],
    # member count threshold between chi bộ cơ sở and đảng bộ cơ sở.
    "grassroots_committee_min_members": [ParamVersion(date(1930, 1, 1), 30, "Điều lệ Đảng Điều 21(3)")],
}


_OVERRIDE_TTL_SECONDS = 60
_overrides: dict[str, list[ParamVersion]] | None = None
_loaded_at = 0.0


def _load_overrides() -> dict[str, list[ParamVersion]]:
    global _overrides, _loaded_at
    if _overrides is None or time.monotonic() - _loaded_at > _OVERRIDE_TTL_SECONDS:
        from dangbo.core.models import RuleParameter  # local: settings must be loaded

        table: dict[str, list[ParamVersion]] = {}
        for row in RuleParameter.objects.all():
            table.setdefault(row.name, []).append(ParamVersion(row.valid_from, row.value, row.source))
        _overrides, _loaded_at = table, time.monotonic()
    return _overrides


def clear_cache(**_kwargs) -> None:
    global _overrides
    _overrides = None


def param_version(name: str, on: date) -> ParamVersion:
    """The version of rule parameter `name` in force on `on` (an override wins a tie)."""
    candidates = DEFAULTS[name] + _load_overrides().get(name, [])
    in_force = [v for v in candidates if v.valid_from <= on] or DEFAULTS[name][:1]
    return max(in_force, key=lambda v: (v.valid_from, v not in DEFAULTS[name]))


def param(name: str, on: date) -> Any:
    """The value of rule parameter `name` in force on `on`."""
    return param_version(name, on).value
