"""A title is matched across its versions and its lineage (issue 18, MODULES §1.6 case 1):
a title changed from a date (title_change) is the same title, and a title merged into another
(title_abolish with a successor, the 01/07/2025 mergers) continues in it. Term-ending alerts, the
planning filter of the cadre list and the eligibility check all go through
selectors.title_lineage_q: a cadre holding, planned for or appointed to an earlier version still
gets the alert, the filter and the eligibility."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.cadres.eligibility import eligibility_check
from dangbo.cadres.models import Title
from dangbo.cadres.selectors import CadreFilters, cadre_list, title_lineage_q
from dangbo.cadres.services import (
    ActionInput,
    DecisionInput,
    TitleInput,
    decision_record,
    planning_add,
    title_abolish,
    title_change,
    title_create,
)
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def _act(actor, cadre, title, on, type="appointment"):
    decision_record(
        actor=actor,
        data=DecisionInput(
            number=f"{on:%d%m%y}-{type}",
            signed_on=on,
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            actions=[ActionInput(cadre_id=cadre.pk, type=type, on=on, title_id=title.pk)],
        ),
    )


def _renamed(actor, title, name, on):
    """A new version of `title` from `on` (only the name changes)."""
    data = TitleInput(
        code=title.code,
        name=name,
        is_head=title.is_head,
        group=title.group,
        sits_in=title.sits_in,
        filled_by=title.filled_by,
        term_calendar=title.term_calendar,
    )
    return title_change(actor=actor, title=title, data=data, valid_from=on)


def _terms_ending(actor, at):
    return {c.full_name for c in cadre_list(actor=actor, filters=CadreFilters(at=at, term_ending_months=6))}


def test_rule_r095_the_term_ending_alert_counts_a_reappointment_to_a_later_version(
    system_user, commune_officer, tree, titles
):
    cadre = CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name="Đinh Văn Phiên Bản")
    v1 = titles["dept_deputy"]
    _act(system_user, cadre, v1, date(2019, 6, 1))
    v2 = _renamed(system_user, v1, "Phó Giám đốc sở, ngành", date(2021, 1, 1))
    _act(system_user, cadre, v2, date(2024, 6, 1), type="reappointment")  # the term now ends 01/06/2029
    assert list(cadre.holdings.values_list("title_id", flat=True)) == [v1.pk]  # one holding, from v1
    assert _terms_ending(commune_officer, date(2029, 1, 1)) == {"Đinh Văn Phiên Bản"}
    assert _terms_ending(commune_officer, date(2024, 1, 1)) == {"Đinh Văn Phiên Bản"}  # the first term, due
    assert _terms_ending(commune_officer, date(2024, 9, 1)) == set()  # reappointed since


def test_rule_r095_the_term_ending_alert_follows_a_title_merged_into_another(system_user, officer, tree, titles):
    old = title_create(
        actor=system_user,
        province_id=tree["province"].pk,
        data=TitleInput(code="GD-SO-A", name="Giám đốc Sở A", is_head=True),
        valid_from=date(2015, 1, 1),
    )
    new = title_create(
        actor=system_user,
        province_id=tree["province"].pk,
        data=TitleInput(code="GD-SO-AB", name="Giám đốc Sở A và B", is_head=True),
        valid_from=date(2025, 7, 1),
    )
    cadre = CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name="Lý Văn Sáp Nhập")
    _act(system_user, cadre, old, date(2021, 9, 1))  # the 5-year term ends 01/09/2026
    title_abolish(actor=system_user, title=old, valid_to=date(2025, 6, 30), successor=new)
    _act(system_user, cadre, new, date(2025, 7, 1), type="transfer")  # the head of the merged department
    assert cadre.holdings.get(valid_to__isnull=True).title == new
    assert _terms_ending(officer, date(2026, 6, 1)) == {"Lý Văn Sáp Nhập"}


def test_rule_r095_the_planning_filter_finds_a_cadre_planned_for_an_earlier_version(
    system_user, officer, tree, titles, term
):
    cadre = CadreFactory(
        actor=system_user, managing_org=tree["commune_a"], full_name="Mai Thị Quy Hoạch", birth_date=date(1985, 1, 1)
    )
    v1 = titles["dept_director"]
    planning_add(actor=system_user, term=term, cadre=cadre, title=v1, on=date(2025, 2, 1))
    v2 = _renamed(system_user, v1, "Giám đốc sở, ngành", date(2025, 9, 1))
    for title in (v1, v2):
        found = cadre_list(actor=officer, filters=CadreFilters(at=date(2025, 10, 1), planned_title_id=title.pk))
        assert [c.full_name for c in found] == ["Mai Thị Quy Hoạch"]
    other = cadre_list(
        actor=officer, filters=CadreFilters(at=date(2025, 10, 1), planned_title_id=titles["dept_deputy"].pk)
    )
    assert list(other) == []


def test_rule_r095_eligibility_counts_planning_for_an_earlier_version_of_the_title(system_user, tree, term):
    v1 = title_create(
        actor=system_user,
        province_id=tree["province"].pk,
        data=TitleInput(code="CVP-UBND", name="Chánh Văn phòng UBND tỉnh", is_head=True),  # no equivalence group
        valid_from=date(2015, 1, 1),
    )
    cadre = CadreFactory(
        actor=system_user, managing_org=tree["commune_a"], full_name="Tô Văn Đủ Điều Kiện", birth_date=date(1984, 5, 1)
    )
    planning_add(actor=system_user, term=term, cadre=cadre, title=v1, on=date(2025, 3, 1))
    v2 = _renamed(system_user, v1, "Chánh Văn phòng Ủy ban nhân dân tỉnh", date(2025, 9, 1))
    result = eligibility_check(cadre=cadre, title=v2, kind="appointment", received_on=date(2025, 11, 1))
    planning = next(c for c in result.checks if c.key == "planning")
    assert planning.ok and planning.message == "Có trong quy hoạch chức danh"


def test_the_lineage_of_a_title_takes_its_versions_and_the_titles_merged_into_it_transitively(system_user, tree):
    def mk(code, start):
        return title_create(
            actor=system_user,
            province_id=tree["province"].pk,
            data=TitleInput(code=code, name=f"Chức danh {code}", is_head=True),
            valid_from=start,
        )

    a, b = mk("A", date(2015, 1, 1)), mk("B", date(2020, 1, 1))
    c = mk("C", date(2025, 7, 1))
    title_abolish(actor=system_user, title=a, valid_to=date(2019, 12, 31), successor=b)
    b2 = _renamed(system_user, b, "Chức danh B (mới)", date(2022, 1, 1))
    title_abolish(actor=system_user, title=b2, valid_to=date(2025, 6, 30), successor=c)
    unrelated = mk("D", date(2015, 1, 1))
    assert set(Title.objects.filter(title_lineage_q("", of=c))) == {a, b, b2, c}
    assert set(Title.objects.filter(title_lineage_q("", of=b))) == {a, b, b2}  # not its successor
    assert unrelated not in set(Title.objects.filter(title_lineage_q("", of=c)))


def test_rule_r095_the_term_ending_alert_follows_a_chain_of_two_mergers(system_user, officer, tree):
    """A merged into B, B into C: the appointment to A starts the term of the holding on C."""

    def mk(code, start):
        return title_create(
            actor=system_user,
            province_id=tree["province"].pk,
            data=TitleInput(code=code, name=f"Giám đốc Sở {code}", is_head=True),
            valid_from=start,
        )

    a, b, c = mk("SO-A", date(2015, 1, 1)), mk("SO-B", date(2024, 1, 1)), mk("SO-C", date(2025, 7, 1))
    cadre = CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name="Hà Văn Hai Lần")
    _act(system_user, cadre, a, date(2021, 9, 1))  # the 5-year term ends 01/09/2026
    title_abolish(actor=system_user, title=a, valid_to=date(2023, 12, 31), successor=b)
    _act(system_user, cadre, b, date(2024, 1, 1), type="transfer")
    title_abolish(actor=system_user, title=b, valid_to=date(2025, 6, 30), successor=c)
    _act(system_user, cadre, c, date(2025, 7, 1), type="transfer")
    assert cadre.holdings.get(valid_to__isnull=True).title == c
    assert _terms_ending(officer, date(2026, 6, 1)) == {"Hà Văn Hai Lần"}
    assert _terms_ending(officer, date(2025, 12, 1)) == set()  # 01/09/2026 is beyond six months
    # The stored closure: C has both ancestors, B only A.
    assert set(Title.objects.filter(title_lineage_q("", of=c)).values_list("code", flat=True)) == {
        "SO-A",
        "SO-B",
        "SO-C",
    }
    assert set(Title.objects.filter(title_lineage_q("", of=b)).values_list("code", flat=True)) == {"SO-A", "SO-B"}


def test_the_stored_closure_follows_chains_and_stops_on_a_cycle():
    from dangbo.cadres.models import title_ancestors

    assert title_ancestors({"A": {"B"}, "B": {"C"}, "X": {"C"}}) == {"B": {"A"}, "C": {"A", "B", "X"}}
    assert title_ancestors({"A": {"B"}, "B": {"A"}}) == {"A": {"B"}, "B": {"A"}}  # a code re-used, no loop
