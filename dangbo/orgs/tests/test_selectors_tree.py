"""Reads of the temporal tree (orgs.selectors): subtrees and names as of a date, scope, history,
and the size checks of R-008 (grassroots type vs member count) and R-009 (subordinate cells)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.members.models import EventType
from dangbo.members.services import EventInput, member_record_event
from dangbo.orgs.selectors import (
    org_history,
    org_names_on,
    org_structure_flags_on,
    org_subtree_on,
    org_version_on,
)
from dangbo.orgs.services import org_establish, org_merge, org_move, org_rename
from tests.factories import MemberFactory

ON = date(2024, 3, 1)
BEFORE = date(2024, 2, 29)
CEREMONY = date(2020, 1, 20)
FULL_ON = date(2021, 1, 20)  # ceremony + 12 months


def admit(actor, cell, name: str, *, decided=date(2020, 1, 6), ceremony=CEREMONY):
    return MemberFactory(
        actor=actor,
        cell=cell,
        full_name=name,
        sex="F",
        general_education="gdpt_thpt",
        decided_on=decided,
        ceremony_on=ceremony,
    )


def recognize(actor, member, on=FULL_ON):
    member_record_event(actor=actor, member=member, data=EventInput(type=EventType.FULL_RECOGNITION, on=on))


def flags(actor, at, org_id=None) -> dict[str, str]:
    return {f.name: f.rule for f in org_structure_flags_on(actor=actor, at=at, org_id=org_id)}


# --- subtrees and names ----------------------------------------------------------------------


def test_the_subtree_is_read_on_the_tree_valid_that_day(tree, system_user):
    org_move(actor=system_user, org=tree["cell_b1"], new_parent=tree["commune_a"], on=ON)

    def codes(org, at):
        return [v.org.code for v in org_subtree_on(actor=system_user, org_id=org.pk, at=at)]

    assert codes(tree["commune_a"], BEFORE) == ["T01-X01", "T01-X01-C01", "T01-X01-C02"]
    assert sorted(codes(tree["commune_a"], ON)) == ["T01-X01", "T01-X01-C01", "T01-X01-C02", "T01-X02-C01"]
    assert codes(tree["commune_b"], BEFORE) == ["T01-X02", "T01-X02-C01"]
    assert codes(tree["commune_b"], ON) == ["T01-X02"]


def test_the_subtree_of_an_org_that_did_not_exist_yet_is_empty(tree, system_user):
    assert list(org_subtree_on(actor=system_user, org_id=tree["province"].pk, at=date(2014, 12, 31))) == []


def test_it_hides_the_subtree_of_another_commune(tree, commune_officer, outsider):
    assert len(org_subtree_on(actor=commune_officer, org_id=tree["commune_a"].pk, at=ON)) == 3
    assert list(org_subtree_on(actor=outsider, org_id=tree["commune_a"].pk, at=ON)) == []
    # Asking for the whole province gives only the part in scope.
    assert {v.org.code for v in org_subtree_on(actor=commune_officer, org_id=tree["province"].pk, at=ON)} == {
        "T01-X01",
        "T01-X01-C01",
        "T01-X01-C02",
    }


def test_names_are_given_as_of_each_requested_date(tree, system_user):
    cell = tree["cell_a1"]
    org_rename(actor=system_user, org=cell, name="Chi bộ thôn Hòa Bình", on=ON)
    names = org_names_on(keys=[(cell.pk, BEFORE), (cell.pk, ON), (cell.pk, date(2010, 1, 1))])
    assert names == {
        (cell.pk, BEFORE): "Chi bộ thôn 1",
        (cell.pk, ON): "Chi bộ thôn Hòa Bình",
        (cell.pk, date(2010, 1, 1)): "Chi bộ thôn 1",
    }
    assert org_version_on(org_id=cell.pk, at=BEFORE).name == "Chi bộ thôn 1"


def test_history_lists_versions_events_and_lineage(tree, system_user):
    org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ thôn Hòa Bình", on=ON)
    org_merge(actor=system_user, sources=[tree["cell_a2"]], target=tree["cell_a1"], on=date(2024, 9, 1))
    history = org_history(org_id=tree["cell_a1"].pk)
    assert [(v.name, v.valid_from, v.valid_to) for v in history["versions"]] == [
        ("Chi bộ thôn 1", date(2015, 1, 1), BEFORE),
        ("Chi bộ thôn Hòa Bình", ON, None),
    ]
    assert [e.type for e in history["events"]] == ["org.established", "org.renamed", "org.merged"]
    assert [link.predecessor_id for link in history["predecessors"]] == [tree["cell_a2"].pk]
    assert [link.successor_id for link in org_history(org_id=tree["cell_a2"].pk)["successors"]] == [tree["cell_a1"].pk]


# --- R-008 / R-009 ---------------------------------------------------------------------------


@pytest.fixture
def school_cell(tree, system_user):
    """A chi bộ cơ sở (grassroots cell) of a school, under commune A."""
    return org_establish(
        actor=system_user,
        code="T01-X01-TH",
        name="Chi bộ Trường Tiểu học An Bình",
        org_type="grassroots_cell",
        parent=tree["commune_a"],
        on=date(2015, 1, 1),
    )


def test_rule_r008_a_chi_bo_co_so_reaching_30_members_is_flagged(tree, system_user, school_cell):
    for i in range(29):
        admit(system_user, school_cell, f"Giáo viên Thử {i + 1:02d}")
    admit(system_user, school_cell, "Giáo viên Thử 30", decided=date(2021, 3, 1), ceremony=date(2021, 3, 15))

    assert "Chi bộ Trường Tiểu học An Bình" not in flags(system_user, date(2021, 3, 14))
    found = [f for f in org_structure_flags_on(actor=system_user, at=date(2021, 3, 15)) if f.org_id == school_cell.pk]
    assert len(found) == 1
    assert (found[0].rule, found[0].members, found[0].full_members) == ("R-008", 30, 0)
    assert found[0].message == (
        "Chi bộ Trường Tiểu học An Bình là chi bộ cơ sở nhưng có 30 đảng viên (từ 30 trở lên): cần lập đảng bộ "
        "cơ sở hoặc có văn bản đồng ý của cấp ủy cấp trên."
    )


def test_rule_r008_a_dang_bo_co_so_with_fewer_than_30_members_is_flagged(tree, system_user):
    committee = org_establish(
        actor=system_user,
        code="T01-X01-DN",
        name="Đảng bộ Công ty Cổ phần Thử Nghiệm",
        org_type="grassroots_party_committee_org",
        parent=tree["commune_a"],
        on=date(2015, 1, 1),
    )
    workshop = org_establish(
        actor=system_user,
        code="T01-X01-DN-01",
        name="Chi bộ Phân xưởng 1",
        org_type="subordinate_cell",
        parent=committee,
        on=date(2015, 1, 1),
    )
    people = [admit(system_user, workshop, f"Công nhân Thử {i}") for i in range(1, 4)]
    for p in people:
        recognize(system_user, p)

    found = {f.org_id: f for f in org_structure_flags_on(actor=system_user, at=ON)}
    assert found[committee.pk].rule == "R-008"
    assert (found[committee.pk].members, found[committee.pk].full_members) == (3, 3)  # counted through its cell
    assert "chỉ có 3 đảng viên (dưới 30)" in found[committee.pk].message
    assert workshop.pk not in found  # 3 full members: R-009 holds


def test_rule_r008_a_chi_bo_co_so_under_30_members_is_not_flagged(tree, system_user, school_cell):
    for i in range(3):
        admit(system_user, school_cell, f"Giáo viên Thử {i}")
    assert school_cell.pk not in {f.org_id for f in org_structure_flags_on(actor=system_user, at=ON)}


def test_rule_r009_a_subordinate_cell_with_fewer_than_3_full_members_is_flagged(tree, system_user):
    cell = tree["cell_a2"]
    people = [admit(system_user, cell, f"Đảng viên Thử {i}") for i in range(1, 4)]
    recognize(system_user, people[0])
    recognize(system_user, people[1])
    recognize(system_user, people[2], on=date(2021, 6, 1))  # recognized late: full from 20/01/2021

    # Before the end of probation all three are probationary: the cell has no full member.
    before = {f.org_id: f for f in org_structure_flags_on(actor=system_user, at=date(2021, 1, 19))}
    assert (before[cell.pk].rule, before[cell.pk].members, before[cell.pk].full_members) == ("R-009", 3, 0)
    assert before[cell.pk].message == (
        "Chi bộ thôn 2 là chi bộ trực thuộc nhưng chỉ có 0 đảng viên chính thức (cần ít nhất 3)."
    )
    after = {f.org_id for f in org_structure_flags_on(actor=system_user, at=date(2021, 6, 1))}
    assert cell.pk not in after
    # The empty cells of the fixture are flagged too.
    assert {tree["cell_a1"].pk, tree["cell_b1"].pk} <= after


def test_rule_r009_flags_follow_the_scope_and_the_requested_subtree(tree, system_user, commune_officer):
    visible = {f.org_id for f in org_structure_flags_on(actor=commune_officer, at=ON)}
    assert visible == {tree["cell_a1"].pk, tree["cell_a2"].pk}
    below_b = {f.org_id for f in org_structure_flags_on(actor=system_user, at=ON, org_id=tree["commune_b"].pk)}
    assert below_b == {tree["cell_b1"].pk}
    assert org_structure_flags_on(actor=system_user, at=date(2010, 1, 1)) == []
