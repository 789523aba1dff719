"""A cadre's record fields that hold from a date keep their history (issue 18: history is never
lost, figures are computed as of a date): a change of the managing committee, education,
qualification, theory or state-management level, or management class through cadre_update is a
dated CadreProfileChange, and the reads as of an earlier date see the value then — the levels
(training.levels_on), the record's fields (selectors.profile_on) and the cadre list's
management-class filter."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

import pytest

from dangbo.access import policy
from dangbo.cadres.models import CadreProfileChange
from dangbo.cadres.selectors import CadreFilters, cadre_list, profile_on
from dangbo.cadres.services import CadreInput, cadre_update
from dangbo.cadres.training import course_create, enrol, enrolment_result, levels_on
from dangbo.core.errors import DomainError
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

BTV, TW = "Ban Thường vụ Tỉnh ủy", "Ban Chấp hành Trung ương"


@pytest.fixture
def lan(system_user, tree):
    return CadreFactory(
        actor=system_user,
        managing_org=tree["commune_a"],
        full_name="Đoàn Thị Lịch Sử",
        birth_date=date(1978, 4, 2),
        sex="F",
        qualification="Cử nhân Luật",
        theory_level="Trung cấp",
        management_class=BTV,
        management_class_from=date(2020, 1, 1),
    )


def _input(cadre, **changes) -> CadreInput:
    fields = {f: getattr(cadre, f) for f in CadreInput.__dataclass_fields__ if hasattr(cadre, f)}
    return CadreInput(**{**fields, **changes})


def _names(actor, at, management_class):
    found = cadre_list(actor=actor, filters=CadreFilters(at=at, management_class=management_class))
    return [c.full_name for c in found]


def test_a_record_change_is_dated_and_the_earlier_values_are_read_as_of_an_earlier_date(system_user, officer, lan):
    changed = cadre_update(
        actor=system_user,
        cadre=lan,
        data=_input(
            lan,
            qualification="Thạc sĩ Luật",
            theory_level="Cao cấp",
            management_class=TW,
            management_class_from=date(2025, 6, 1),
            changed_on=date(2025, 3, 1),
        ),
    )
    assert set(changed) == {"qualification", "theory_level", "management_class", "management_class_from"}
    assert set(CadreProfileChange.objects.filter(cadre=lan).values_list("field", "on", "before", "after")) == {
        ("qualification", date(2025, 3, 1), "Cử nhân Luật", "Thạc sĩ Luật"),
        ("theory_level", date(2025, 3, 1), "Trung cấp", "Cao cấp"),
        ("management_class", date(2025, 6, 1), BTV, TW),
    }
    lan.refresh_from_db()
    before, after = profile_on(lan, date(2025, 2, 28)), profile_on(lan, date(2025, 6, 1))
    assert (before["qualification"], before["theory_level"], before["management_class"]) == (
        "Cử nhân Luật",
        "Trung cấp",
        BTV,
    )
    assert (after["qualification"], after["theory_level"], after["management_class"]) == ("Thạc sĩ Luật", "Cao cấp", TW)
    assert profile_on(lan, date(2025, 5, 31))["management_class"] == BTV  # the class has its own date
    assert levels_on(lan, date(2025, 2, 28)).theory == "Trung cấp"
    assert levels_on(lan, date(2025, 3, 1)).theory == "Cao cấp"
    # The cadre list's management-class filter reads the class on the list's date.
    assert _names(officer, date(2025, 5, 31), BTV) == ["Đoàn Thị Lịch Sử"]
    assert _names(officer, date(2025, 5, 31), TW) == []
    assert _names(officer, date(2025, 6, 1), BTV) == []
    assert _names(officer, date(2025, 6, 1), TW) == ["Đoàn Thị Lịch Sử"]


def test_the_level_as_of_a_date_follows_record_changes_and_passed_courses_in_order(system_user, tree, lan):
    cadre_update(
        actor=system_user, cadre=lan, data=_input(lan, theory_level="Sơ cấp", changed_on=date(2018, 1, 1))
    )  # a correction of the record: the level was Sơ cấp from 2018
    lan.refresh_from_db()
    cadre_update(actor=system_user, cadre=lan, data=_input(lan, theory_level="Trung cấp", changed_on=date(2022, 1, 1)))
    lan.refresh_from_db()
    course = course_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Cao cấp LLCT K80",
        kind="theory",
        level="cao_cap",
        starts_on=date(2023, 3, 1),
    )
    e = enrol(actor=system_user, course=course, cadre_id=lan.pk, sent_on=date(2023, 3, 1))
    enrolment_result(actor=system_user, enrolment=e, result="passed", completed_on=date(2024, 10, 15))
    lan.refresh_from_db()
    assert lan.theory_level == "Cao cấp"
    assert [levels_on(lan, date(y, 6, 1)).theory for y in (2017, 2019, 2023, 2025)] == [
        "Trung cấp",  # before the first change: the level recorded then
        "Sơ cấp",
        "Trung cấp",
        "Cao cấp",
    ]


def test_a_change_dated_in_the_future_or_before_the_last_change_is_refused_and_changes_nothing(system_user, lan):
    with pytest.raises(DomainError) as err:
        cadre_update(
            actor=system_user,
            cadre=lan,
            data=_input(lan, education="12/12", changed_on=policy.today() + timedelta(days=1)),
        )
    assert err.value.field == "changed_on" and "sau ngày hôm nay" in str(err.value)
    cadre_update(actor=system_user, cadre=lan, data=_input(lan, education="12/12", changed_on=date(2024, 5, 1)))
    lan.refresh_from_db()
    snapshot = asdict(_input(lan))
    with pytest.raises(DomainError) as err:
        cadre_update(actor=system_user, cadre=lan, data=_input(lan, education="10/10", changed_on=date(2024, 4, 30)))
    assert err.value.field == "changed_on" and "01/05/2024" in str(err.value)
    lan.refresh_from_db()
    assert asdict(_input(lan)) == snapshot
    assert CadreProfileChange.objects.filter(cadre=lan, field="education").count() == 1
