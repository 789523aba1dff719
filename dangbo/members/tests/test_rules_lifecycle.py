"""The member lifecycle rules (RULES.md §2-3), one test per rule id, on the pure `replay()`.

The events here are plain objects (no database rows); the database is only read for rule
parameter overrides (R-000).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from dangbo.core import rules
from dangbo.core.errors import RuleViolation
from dangbo.core.models import RuleParameter
from dangbo.members.lifecycle import Profile, recognition_due, replay
from dangbo.members.models import Status as S

pytestmark = pytest.mark.django_db

HOME, HOST, OTHER = 101, 202, 303
ADULT = Profile(birth_date=date(1970, 5, 5), birth_year=1970, general_education="gdpt_thpt")


@pytest.fixture(autouse=True)
def _fresh_rule_parameters():
    rules.clear_cache()
    yield
    rules.clear_cache()


@dataclass
class Ev:
    type: str
    on: date
    org_id: int | None = None
    counterpart_org_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


def admitted(decided: date, ceremony: date | None = None, *, org: int = HOME, **payload) -> list[Ev]:
    events = [Ev("admission_decision", decided, org, payload=payload)]
    if ceremony:
        events.append(Ev("admission_ceremony", ceremony, org))
    return events


def full_member(decided: date, ceremony: date, recognized: date | None = None) -> list[Ev]:
    """Admitted, ceremony held, recognized (by default on the day probation ends)."""
    from dangbo.core.dates import add_months

    return [*admitted(decided, ceremony), Ev("full_recognition", recognized or add_months(ceremony, 12))]


def refused(events: list[Ev], profile: Profile = ADULT) -> RuleViolation:
    with pytest.raises(RuleViolation) as info:
        replay(events, profile)
    return info.value


# -- probation and recognition -------------------------------------------


def test_rule_r021_probation_lasts_12_months_from_the_ceremony():
    events = admitted(date(2023, 3, 1), date(2023, 3, 15))
    assert replay(events, ADULT).probation_end() == date(2024, 3, 15)

    violation = refused([*events, Ev("full_recognition", date(2024, 3, 14))])
    assert violation.rule == "R-021"
    assert "15/03/2024" in violation.message

    timeline = replay([*events, Ev("full_recognition", date(2024, 3, 15))], ADULT)
    assert timeline.state.status == S.FULL


def test_rule_r021_probation_counts_calendar_months_with_end_of_month_clamp():
    timeline = replay(admitted(date(2024, 2, 20), date(2024, 2, 29)), ADULT)
    assert timeline.probation_end() == date(2025, 2, 28)


def test_rule_r021_recognition_needs_a_known_ceremony_date():
    transferred = Ev(
        "official_transfer_in", date(2024, 1, 10), HOME, payload={"status": S.PROBATIONARY, "admitted_on": "2023-06-01"}
    )
    violation = refused([transferred, Ev("full_recognition", date(2024, 8, 1))])
    assert violation.rule == "R-021"
    assert "lễ kết nạp" in violation.message


def test_rule_r022_recognition_proposal_is_due_30_working_days_after_probation():
    timeline = replay(admitted(date(2023, 3, 1), date(2023, 3, 15)), ADULT)
    due = recognition_due(timeline, date(2024, 1, 1))
    assert due["probation_end"] == date(2024, 3, 15)
    # 30 working days from Fri 15/03/2024, skipping weekends and Giỗ Tổ (18/04/2024).
    assert due["deadline"] == date(2024, 4, 29)


def test_rule_r022_alert_is_raised_from_month_11_of_probation():
    timeline = replay(admitted(date(2023, 3, 1), date(2023, 3, 15)), ADULT)
    assert recognition_due(timeline, date(2024, 2, 14))["alert"] is False
    assert recognition_due(timeline, date(2024, 2, 15))["alert"] is True


def test_rule_r022_overdue_flag_after_12_months_plus_30_working_days():
    timeline = replay(admitted(date(2023, 3, 1), date(2023, 3, 15)), ADULT)
    assert recognition_due(timeline, date(2024, 4, 29))["overdue"] is False
    assert recognition_due(timeline, date(2024, 4, 30))["overdue"] is True


def test_rule_r022_nothing_is_due_once_the_member_is_recognized_or_removed():
    events = admitted(date(2023, 3, 1), date(2023, 3, 15))
    assert recognition_due(replay([*events, Ev("full_recognition", date(2024, 5, 2))], ADULT), date(2024, 6, 1)) is None
    removed = replay([*events, Ev("probation_name_removal", date(2024, 4, 1))], ADULT)
    assert recognition_due(removed, date(2024, 6, 1)) is None
    assert removed.state.status == S.NAME_REMOVED


def test_rule_r022_probation_name_removal_only_for_probationary_members():
    events = full_member(date(2020, 1, 6), date(2020, 1, 20))
    assert refused([*events, Ev("probation_name_removal", date(2022, 1, 3))]).rule == "R-022"


def test_rule_r023_full_member_from_ceremony_plus_12_months_even_if_decided_later():
    events = [*admitted(date(2022, 6, 1), date(2022, 6, 10)), Ev("full_recognition", date(2023, 9, 1))]
    timeline = replay(events, ADULT)
    assert timeline.full_on == date(2023, 6, 10)
    assert timeline.status_on(date(2023, 6, 9)) == S.PROBATIONARY
    assert timeline.status_on(date(2023, 6, 10)) == S.FULL
    spans = [(s.facts.status, s.valid_from, s.valid_to) for s in timeline.spans]
    assert spans == [
        (S.PENDING, date(2022, 6, 1), date(2022, 6, 9)),
        (S.PROBATIONARY, date(2022, 6, 10), date(2023, 6, 9)),
        (S.FULL, date(2023, 6, 10), None),
    ]


def test_rule_r023_recognition_only_for_probationary_members():
    events = admitted(date(2022, 6, 1))
    assert refused([*events, Ev("full_recognition", date(2023, 9, 1))]).rule == "R-023"


# -- party seniority ----------------------------------------------------------------


def test_rule_r027_seniority_counts_from_the_admission_decision():
    timeline = replay(full_member(date(2000, 5, 20), date(2000, 6, 1)), ADULT)
    assert timeline.admitted_on == date(2000, 5, 20)
    assert timeline.seniority_months(date(2010, 5, 19)) == 119
    assert timeline.seniority_months(date(2010, 5, 20)) == 120
    assert timeline.seniority_months(date(2000, 5, 1)) == 0


def test_rule_r027_time_out_of_contact_is_subtracted():
    events = [
        *full_member(date(2000, 5, 20), date(2000, 6, 1)),
        Ev("lost_contact", date(2005, 1, 10)),
        Ev("contact_restored", date(2006, 1, 10)),
    ]
    assert replay(events, ADULT).seniority_months(date(2010, 5, 20)) == 108


def test_rule_r027_seniority_stops_while_out_of_the_party():
    events = [*full_member(date(2000, 5, 20), date(2000, 6, 1)), Ev("name_removal", date(2005, 5, 20))]
    timeline = replay(events, ADULT)
    assert timeline.seniority_months(date(2005, 5, 20)) == 60
    assert timeline.seniority_months(date(2010, 5, 20)) == 60


def test_rule_r028_rights_restoration_keeps_seniority_continuous():
    events = [
        *full_member(date(2000, 5, 20), date(2000, 6, 1)),
        Ev("discipline_expulsion", date(2005, 3, 1)),
        Ev("rights_restoration", date(2007, 3, 1)),
    ]
    timeline = replay(events, ADULT)
    assert timeline.state.status == S.FULL
    assert timeline.seniority_months(date(2010, 5, 20)) == 120


def test_rule_r028_readmitted_member_counts_from_first_decision_minus_time_out():
    events = [
        *full_member(date(2000, 5, 20), date(2000, 6, 1)),
        Ev("voluntary_exit", date(2004, 5, 20)),
        Ev("readmission", date(2008, 5, 20), HOME),
        Ev("admission_ceremony", date(2008, 6, 2), HOME),
    ]
    timeline = replay(events, ADULT)
    assert timeline.admitted_on == date(2000, 5, 20)
    assert timeline.gaps == [(date(2004, 5, 20), date(2008, 5, 20))]
    assert timeline.seniority_months(date(2010, 5, 20)) == 120 - 48


# -- badges --------------------------------------------------------------------------


def badge(on: date, years, reason: str | None = None) -> Ev:
    payload: dict[str, Any] = {"years": years}
    if reason:
        payload["early_reason"] = reason
    return Ev("badge_awarded", on, payload=payload)


THIRTY_YEARS = full_member(date(1990, 2, 3), date(1990, 2, 15))


def test_rule_r029_badge_at_a_milestone_once_seniority_is_reached():
    assert replay([*THIRTY_YEARS, badge(date(2020, 2, 3), 30)], ADULT).badges == [30]
    violation = refused([*THIRTY_YEARS, badge(date(2020, 2, 2), 30)])
    assert violation.rule == "R-029"
    assert "29 năm 11 tháng" in violation.message


def test_rule_r029_badge_only_at_listed_milestones_and_once_each():
    assert refused([*THIRTY_YEARS, badge(date(2025, 3, 1), 35)]).rule == "R-029"
    assert refused([*THIRTY_YEARS, badge(date(2020, 3, 1), 30), badge(date(2021, 3, 1), 30)]).rule == "R-029"


def test_rule_r029_badge_years_given_as_text_are_accepted():
    assert replay([*THIRTY_YEARS, badge(date(2020, 2, 3), "30")], ADULT).badges == [30]


def test_rule_r030_seriously_ill_members_may_receive_30_to_65_year_badges_12_months_early():
    assert replay([*THIRTY_YEARS, badge(date(2019, 2, 3), 30, "ill")], ADULT).badges == [30]
    assert refused([*THIRTY_YEARS, badge(date(2019, 2, 2), 30, "ill")]).rule == "R-029"


def test_rule_r030_seriously_ill_members_may_receive_70_year_badges_24_months_early():
    elder = Profile(birth_date=date(1928, 8, 19), birth_year=1928, general_education="gdpt_thcs")
    events = full_member(date(1950, 1, 2), date(1950, 1, 16))
    assert replay([*events, badge(date(2018, 1, 2), 70, "ill")], elder).badges == [70]
    assert refused([*events, badge(date(2018, 1, 1), 70, "ill")], elder).rule == "R-029"


def test_rule_r030_posthumous_award_up_to_12_months_early_counted_at_death():
    died = Ev("death", date(2019, 2, 3))
    assert replay([*THIRTY_YEARS, died, badge(date(2019, 4, 1), 30, "posthumous")], ADULT).badges == [30]
    too_early = Ev("death", date(2019, 2, 2))
    assert refused([*THIRTY_YEARS, too_early, badge(date(2019, 4, 1), 30, "posthumous")]).rule == "R-029"


def test_rule_r030_posthumous_award_only_for_deceased_members():
    assert refused([*THIRTY_YEARS, badge(date(2020, 4, 1), 30, "posthumous")]).rule == "R-030"


# -- transfers and overlays ----------------------------------------------------


FULL_2020 = full_member(date(2020, 1, 6), date(2020, 1, 20))


def test_rule_r033_transfer_in_cannot_be_dated_before_the_transfer_out():
    out = Ev("official_transfer_out", date(2024, 3, 1), HOME, counterpart_org_id=OTHER)
    violation = refused([*FULL_2020, out, Ev("official_transfer_in", date(2024, 2, 20), OTHER)])
    assert violation.rule == "R-033"


def test_rule_r033_member_stays_at_the_sending_org_until_received():
    out = Ev("official_transfer_out", date(2024, 3, 1), HOME, counterpart_org_id=OTHER)
    pending = replay([*FULL_2020, out], ADULT)
    assert pending.state.org_id == HOME
    assert pending.state.in_transfer is True
    assert pending.transfer_out_on == date(2024, 3, 1)

    received = replay([*FULL_2020, out, Ev("official_transfer_in", date(2024, 3, 1), OTHER)], ADULT)
    assert received.state.org_id == OTHER
    assert received.state.in_transfer is False


def test_rule_r035_temporary_attachment_keeps_the_member_at_the_home_org():
    events = [*FULL_2020, Ev("temporary_transfer_out", date(2024, 5, 1), HOME, counterpart_org_id=HOST)]
    timeline = replay(events, ADULT)
    last = timeline.spans[-1]
    assert (last.facts.org_id, last.facts.temp_org_id, last.facts.status) == (HOME, HOST, S.FULL)
    assert last.valid_from == date(2024, 5, 1)

    back = replay([*events, Ev("temporary_transfer_return", date(2024, 11, 1))], ADULT)
    assert back.state.temp_org_id is None
    assert back.spans[-1].facts.org_id == HOME


def test_rule_r035_temporary_attachment_must_name_another_org_and_cannot_be_doubled():
    assert refused([*FULL_2020, Ev("temporary_transfer_out", date(2024, 5, 1), HOME)]).rule == "R-035"
    same = Ev("temporary_transfer_out", date(2024, 5, 1), HOME, counterpart_org_id=HOME)
    assert refused([*FULL_2020, same]).rule == "R-035"
    first = Ev("temporary_transfer_out", date(2024, 5, 1), HOME, counterpart_org_id=HOST)
    second = Ev("temporary_transfer_out", date(2024, 6, 1), HOME, counterpart_org_id=OTHER)
    assert refused([*FULL_2020, first, second]).rule == "R-035"
    assert refused([*FULL_2020, Ev("temporary_transfer_return", date(2024, 6, 1))]).rule == "R-035"


def test_rule_r037_exemption_is_an_overlay_on_the_membership():
    events = [*FULL_2020, Ev("activity_exemption", date(2024, 1, 8))]
    timeline = replay(events, ADULT)
    assert timeline.state.status == S.FULL
    assert timeline.state.exempt is True
    assert [s.facts.exempt for s in timeline.spans[-2:]] == [False, True]

    ended = replay([*events, Ev("activity_exemption_end", date(2024, 9, 2))], ADULT)
    assert ended.state.exempt is False
    assert ended.state.status == S.FULL


def test_rule_r037_exemption_cannot_start_twice_or_end_without_starting():
    start = Ev("activity_exemption", date(2024, 1, 8))
    assert refused([*FULL_2020, start, Ev("activity_exemption", date(2024, 2, 1))]).rule == "R-037"
    assert refused([*FULL_2020, Ev("activity_exemption_end", date(2024, 2, 1))]).rule == "R-037"


# -- exits and re-admission -------------------------------------------------------------


def test_rule_r039_name_removal_only_for_full_members():
    probationary = admitted(date(2023, 3, 1), date(2023, 3, 15))
    assert refused([*probationary, Ev("name_removal", date(2023, 9, 1))]).rule == "R-039"
    timeline = replay([*FULL_2020, Ev("name_removal", date(2023, 9, 1))], ADULT)
    assert timeline.state.status == S.NAME_REMOVED


LEFT_2020 = [*full_member(date(2015, 1, 5), date(2015, 1, 19)), Ev("voluntary_exit", date(2020, 3, 10))]


def test_rule_r041_readmission_at_least_36_months_after_leaving():
    violation = refused([*LEFT_2020, Ev("readmission", date(2023, 3, 9), HOME)])
    assert violation.rule == "R-041"
    assert "10/03/2023" in violation.message
    assert replay([*LEFT_2020, Ev("readmission", date(2023, 3, 10), HOME)], ADULT).readmissions == 1


def test_rule_r041_readmitted_member_must_serve_probation():
    events = [*LEFT_2020, Ev("readmission", date(2023, 3, 10), HOME), Ev("admission_ceremony", date(2023, 3, 24), HOME)]
    timeline = replay(events, ADULT)
    assert timeline.state.status == S.PROBATIONARY
    assert timeline.probation_end() == date(2024, 3, 24)
    assert refused([*events, Ev("full_recognition", date(2023, 12, 1))]).rule == "R-021"


def test_rule_r041_readmission_only_once():
    events = [
        *LEFT_2020,
        Ev("readmission", date(2023, 3, 10), HOME),
        Ev("admission_ceremony", date(2023, 3, 24), HOME),
        Ev("probation_name_removal", date(2024, 4, 1)),
        Ev("readmission", date(2027, 5, 3), HOME),
    ]
    violation = refused(events)
    assert violation.rule == "R-041"
    assert "một lần" in violation.message


def test_rule_r041_only_former_members_can_be_readmitted():
    assert refused([*FULL_2020, Ev("readmission", date(2024, 1, 8), HOME)]).rule == "R-041"


# -- admission -------------------------------------------------------------------


YOUNG = Profile(birth_date=date(2005, 6, 15), birth_year=2005, general_education="gdpt_thpt")


def test_rule_r050_applicant_must_be_18_in_whole_months_at_the_cell_resolution_date():
    too_young = admitted(date(2023, 7, 3), cell_resolution_date="2023-06-14")
    violation = refused(too_young, YOUNG)
    assert violation.rule == "R-050"
    assert "17 tuổi 11 tháng" in violation.message
    # The decision date is later, but the age is taken at the cell's resolution.
    assert replay(admitted(date(2023, 7, 3), cell_resolution_date="2023-06-15"), YOUNG).state.status == S.PENDING


def test_rule_r050_age_is_taken_at_the_event_date_without_a_resolution_date():
    assert refused(admitted(date(2023, 6, 14)), YOUNG).rule == "R-050"
    assert replay(admitted(date(2023, 6, 15)), YOUNG).state.status == S.PENDING


def test_rule_r050_over_60_needs_the_approval_flag():
    old = Profile(birth_date=date(1960, 1, 10), birth_year=1960, general_education="gdpt_thpt")
    assert replay(admitted(date(2020, 1, 10)), old).state.status == S.PENDING  # exactly 60 years
    violation = refused(admitted(date(2020, 2, 10)), old)
    assert (violation.rule, violation.field) == ("R-050", "over_age_approved")
    assert replay(admitted(date(2020, 2, 10), over_age_approved=True), old).state.status == S.PENDING


def test_rule_r051_education_at_least_lower_secondary_unless_exception():
    primary = Profile(birth_date=date(1990, 1, 1), birth_year=1990, general_education="gdpt_tieu_hoc")
    violation = refused(admitted(date(2024, 3, 1)), primary)
    assert (violation.rule, violation.field) == ("R-051", "general_education")
    assert replay(admitted(date(2024, 3, 1), education_exception=True), primary).state.status == S.PENDING
    lower_secondary = Profile(birth_date=date(1990, 1, 1), birth_year=1990, general_education="gdpt_thcs")
    assert replay(admitted(date(2024, 3, 1)), lower_secondary).state.status == S.PENDING


def test_rule_r055_ceremony_within_30_working_days_of_the_decision():
    # Fri 01/03/2024 + 30 working days = Fri 12/04/2024.
    assert replay(admitted(date(2024, 3, 1), date(2024, 4, 12)), ADULT).state.status == S.PROBATIONARY
    violation = refused(admitted(date(2024, 3, 1), date(2024, 4, 15)))
    assert violation.rule == "R-055"
    assert "12/04/2024" in violation.message


def test_rule_r055_late_ceremony_needs_the_higher_committee_approval():
    events = [
        Ev("admission_decision", date(2024, 3, 1), HOME),
        Ev("admission_ceremony", date(2024, 5, 6), HOME, payload={"late_ceremony_approved": True}),
    ]
    assert replay(events, ADULT).state.status == S.PROBATIONARY


def test_rule_r055_ceremony_not_before_the_decision():
    events = [Ev("admission_decision", date(2024, 3, 1), HOME), Ev("admission_ceremony", date(2024, 3, 1), HOME)]
    assert replay(events, ADULT).ceremony_on == date(2024, 3, 1)
    assert refused([Ev("admission_ceremony", date(2024, 2, 28), HOME), events[0]]).field == "type"


# -- versioned parameters --------------------------------------------------------------------------


def test_rule_r000_a_later_parameter_version_applies_only_to_events_from_its_date():
    RuleParameter.objects.create(
        name="ceremony_within_working_days", value=10, valid_from=date(2024, 1, 1), source="Quy định thử nghiệm"
    )
    # Before 01/01/2024 the shipped 30 working days still apply.
    assert replay(admitted(date(2023, 12, 1), date(2023, 12, 29)), ADULT).state.status == S.PROBATIONARY
    # From 01/01/2024: 10 working days (Fri 01/03/2024 -> Fri 15/03/2024).
    assert replay(admitted(date(2024, 3, 1), date(2024, 3, 15)), ADULT).state.status == S.PROBATIONARY
    violation = refused(admitted(date(2024, 3, 1), date(2024, 3, 18)))
    assert violation.rule == "R-055"
    assert "10 ngày làm việc" in violation.message


def test_rule_r000_probation_length_follows_the_version_in_force_at_the_ceremony():
    RuleParameter.objects.create(name="probation_months", value=18, valid_from=date(2024, 1, 1), source="Thử nghiệm")
    assert replay(admitted(date(2023, 12, 1), date(2023, 12, 15)), ADULT).probation_end() == date(2024, 12, 15)
    assert replay(admitted(date(2024, 1, 2), date(2024, 1, 15)), ADULT).probation_end() == date(2025, 7, 15)


# -- replay itself --------------------------------------------------------------------------------------


def test_replay_is_pure_and_order_independent():
    events = [*FULL_2020, Ev("activity_exemption", date(2024, 1, 8))]
    first = replay(list(reversed(events)), ADULT)
    second = replay(events, ADULT)
    assert first.spans == second.spans
    assert first.state == second.state
    assert [e.type for e in events][-1] == "activity_exemption"  # the input is not reordered in place


def test_profile_updates_are_accepted_before_any_membership():
    events = [Ev("profile_update", date(2023, 1, 2)), *admitted(date(2024, 3, 1))]
    assert replay(events, ADULT).state.status == S.PENDING


def test_events_on_an_exited_member_are_refused():
    events = [*FULL_2020, Ev("death", date(2024, 1, 8)), Ev("activity_exemption", date(2024, 2, 1))]
    assert "không phải là đảng viên đang sinh hoạt" in refused(events).message
