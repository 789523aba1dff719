"""Restructuring the organization tree through orgs.services, each operation checked "as of" the
day before and the day of the change (R-003), plus the 2025 reform (R-001, R-002, R-004, R-146).

Tree of the `tree` fixture (conftest.py), all from 01/01/2015:
  T01 province ─ T01-H01 district ─┬ T01-X01 commune A ─ cells T01-X01-C01 (a1), T01-X01-C02 (a2)
                                   └ T01-X02 commune B ─ cell T01-X02-C01 (b1)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members.models import EventType, Member, MemberEvent, MembershipSpan
from dangbo.members.selectors import member_ids_in_org_on
from dangbo.orgs.models import Organization, OrgEvent, OrgEventType, OrgLineage, OrgVersion
from dangbo.orgs.selectors import org_name_on, org_subtree_on, org_tree_on
from dangbo.orgs.services import (
    Decision,
    org_dissolve,
    org_establish,
    org_merge,
    org_move,
    org_rename,
    org_split,
    version_on,
)
from tests.factories import MemberFactory

ON = date(2024, 3, 1)
BEFORE = ON - timedelta(days=1)
REFORM = date(2025, 7, 1)
EVE = date(2025, 6, 30)
DECISION = Decision(number="125-QĐ/TU", date=date(2024, 2, 20), body="Ban Thường vụ Tỉnh ủy Thử Nghiệm")


# --- helpers ---------------------------------------------------------------------------------


def admit(actor, cell, name: str, *, decided=date(2020, 1, 6), ceremony=date(2020, 1, 20)) -> Member:
    return MemberFactory(
        actor=actor,
        cell=cell,
        full_name=name,
        general_education="gdpt_thpt",
        decided_on=decided,
        ceremony_on=ceremony,
        decision_number="12-QĐ/ĐU",
    )


def codes_in_subtree(actor, org, at) -> set[str]:
    return {v.org.code for v in org_subtree_on(actor=actor, org_id=org.pk, at=at)}


def parent_code(org, at) -> str | None:
    v = version_on(org, at)
    assert v is not None, f"{org.code} does not exist on {at}"
    return v.parent.code if v.parent_id else None


def written() -> tuple:
    """Everything a restructuring may write, to prove that a refusal wrote nothing."""
    return (
        sorted(OrgVersion.objects.values_list("org_id", "name", "parent_id", "path", "valid_from", "valid_to")),
        Organization.objects.count(),
        OrgEvent.objects.count(),
        OrgLineage.objects.count(),
        AuditEntry.objects.count(),
        MemberEvent.objects.count(),
        sorted(MembershipSpan.objects.values_list("member_id", "org_id", "valid_from", "valid_to")),
    )


def assert_recorded(kind: str, org, on: date, *, audited=None) -> OrgEvent:
    """The operation left an OrgEvent with the decision, and an audit entry for `audited`."""
    event = OrgEvent.objects.filter(type=kind, org=org, on=on).get()
    assert (event.decision_number, event.decision_date, event.decision_body) == (
        DECISION.number,
        DECISION.date,
        DECISION.body,
    )
    for subject in audited or [org]:
        assert AuditEntry.objects.filter(
            action=kind, object_type="orgs.organization", object_id=str(subject.pk), org_id=subject.pk
        ).exists(), f"no audit entry for {subject.code}"
    return event


@pytest.fixture
def admin(system_user):
    """Reads as the system administrator (sees the whole tree); saves hashing a second password."""
    return system_user


@pytest.fixture
def members_a2(tree, system_user):
    return [admit(system_user, tree["cell_a2"], n) for n in ("Trần Thị Hoa", "Phạm Văn Sơn")]


# --- establish -------------------------------------------------------------------------------


def test_establish_creates_the_organization_from_its_first_day(tree, system_user, admin):
    org = org_establish(
        actor=system_user,
        code="T01-X01-C03",
        name="Chi bộ thôn 3",
        org_type="subordinate_cell",
        parent=tree["commune_a"],
        on=ON,
        decision=DECISION,
    )

    assert version_on(org, BEFORE) is None
    assert "T01-X01-C03" not in codes_in_subtree(admin, tree["commune_a"], BEFORE)
    v = version_on(org, ON)
    assert (v.name, v.parent_id, v.valid_to) == ("Chi bộ thôn 3", tree["commune_a"].pk, None)
    assert v.path == f"{version_on(tree['commune_a'], ON).path}{org.pk}/"
    assert "T01-X01-C03" in codes_in_subtree(admin, tree["commune_a"], ON)
    assert_recorded(OrgEventType.ESTABLISHED, org, ON)


def test_establish_refuses_a_parent_that_does_not_exist_yet(tree, system_user):
    before = written()
    with pytest.raises(DomainError) as info:
        org_establish(
            actor=system_user,
            code="T01-X01-C03",
            name="Chi bộ thôn 3",
            org_type="subordinate_cell",
            parent=tree["commune_a"],
            on=date(2014, 12, 31),
        )
    assert "không tồn tại" in info.value.message
    assert written() == before


# --- rename ----------------------------------------------------------------------------------


def test_rule_r003_a_renamed_org_keeps_its_old_name_for_earlier_dates(tree, system_user, admin):
    cell = tree["cell_a1"]
    org_rename(actor=system_user, org=cell, name="Chi bộ thôn Hòa Bình", on=ON, decision=DECISION)

    assert version_on(cell, BEFORE).name == "Chi bộ thôn 1"
    assert version_on(cell, ON).name == "Chi bộ thôn Hòa Bình"
    assert org_name_on(cell.pk, date(2016, 5, 1)) == "Chi bộ thôn 1"
    assert org_name_on(cell.pk, date(2026, 1, 1)) == "Chi bộ thôn Hòa Bình"
    assert version_on(cell, BEFORE).valid_to == BEFORE
    # The parent and the path do not change with the name.
    assert version_on(cell, ON).path == version_on(cell, BEFORE).path
    names_before = {v.name for v in org_subtree_on(actor=admin, org_id=tree["commune_a"].pk, at=BEFORE)}
    names_on = {v.name for v in org_subtree_on(actor=admin, org_id=tree["commune_a"].pk, at=ON)}
    assert "Chi bộ thôn 1" in names_before and "Chi bộ thôn Hòa Bình" not in names_before
    assert "Chi bộ thôn Hòa Bình" in names_on and "Chi bộ thôn 1" not in names_on
    event = assert_recorded(OrgEventType.RENAMED, cell, ON)
    assert event.payload == {"from": "Chi bộ thôn 1", "to": "Chi bộ thôn Hòa Bình"}


def test_a_rename_can_change_the_type_too(tree, system_user):
    org_rename(
        actor=system_user,
        org=tree["commune_a"],
        name="Đảng bộ phường An Bình",
        on=ON,
        org_type="commune_party_org",
        decision=DECISION,
    )
    assert version_on(tree["commune_a"], ON).name == "Đảng bộ phường An Bình"
    assert version_on(tree["commune_a"], BEFORE).name == "Đảng bộ xã An Bình"


# --- move ------------------------------------------------------------------------------------


@pytest.fixture
def district_2(tree, system_user):
    return org_establish(
        actor=system_user,
        code="T01-H02",
        name="Đảng bộ huyện Núi Hồng",
        org_type="district_party_org",
        parent=tree["province"],
        on=date(2015, 1, 1),
    )


def test_move_puts_the_org_and_its_descendants_under_the_new_parent_from_that_day(tree, system_user, admin, district_2):
    commune = tree["commune_a"]
    org_move(actor=system_user, org=commune, new_parent=district_2, on=ON, decision=DECISION)

    assert parent_code(commune, BEFORE) == "T01-H01"
    assert parent_code(commune, ON) == "T01-H02"
    moved = {"T01-X01", "T01-X01-C01", "T01-X01-C02"}
    # The old parent's subtree as of before still holds it; after, it does not.
    assert moved <= codes_in_subtree(admin, tree["district"], BEFORE)
    assert not moved & codes_in_subtree(admin, tree["district"], ON)
    assert not moved & codes_in_subtree(admin, district_2, BEFORE)
    assert moved <= codes_in_subtree(admin, district_2, ON)
    # Descendants' paths follow the move; their old versions end the day before.
    new_path = version_on(commune, ON).path
    assert new_path.startswith(version_on(district_2, ON).path)
    for cell in (tree["cell_a1"], tree["cell_a2"]):
        assert version_on(cell, ON).path == f"{new_path}{cell.pk}/"
        assert version_on(cell, BEFORE).valid_to == BEFORE
        assert version_on(cell, ON).parent_id == commune.pk  # the cells keep their own parent
    # Untouched siblings keep their single version.
    assert OrgVersion.objects.filter(org=tree["commune_b"]).count() == 1
    assert_recorded(OrgEventType.MOVED, commune, ON)


def test_members_stay_in_their_cell_when_the_cell_moves(tree, system_user, admin, district_2, members_a2):
    org_move(actor=system_user, org=tree["commune_a"], new_parent=district_2, on=ON, decision=DECISION)
    assert set(member_ids_in_org_on(org_id=tree["cell_a2"].pk, at=ON)) == {m.pk for m in members_a2}
    assert not MemberEvent.objects.filter(type=EventType.ORG_REASSIGNED).exists()


def test_move_refuses_to_put_an_org_under_its_own_descendant(tree, system_user):
    before = written()
    with pytest.raises(DomainError) as info:
        org_move(actor=system_user, org=tree["commune_a"], new_parent=tree["cell_a1"], on=ON)
    assert info.value.message == "Không thể đặt một tổ chức dưới chính nó hoặc tổ chức cấp dưới của nó."
    assert written() == before


# --- merge -----------------------------------------------------------------------------------


def test_merge_moves_members_of_merged_cells_to_the_successor_on_that_day(tree, system_user, members_a2):
    a1, a2 = tree["cell_a1"], tree["cell_a2"]
    stay = admit(system_user, a1, "Lê Văn Minh")
    org_merge(actor=system_user, sources=[a2], target=a1, on=ON, decision=DECISION)

    assert set(member_ids_in_org_on(org_id=a2.pk, at=BEFORE)) == {m.pk for m in members_a2}
    assert member_ids_in_org_on(org_id=a2.pk, at=ON) == []
    assert set(member_ids_in_org_on(org_id=a1.pk, at=ON)) == {stay.pk, *(m.pk for m in members_a2)}
    for m in members_a2:
        ev = MemberEvent.objects.get(member=m, type=EventType.ORG_REASSIGNED)
        assert (ev.on, ev.org_id, ev.decision_number) == (ON, a1.pk, DECISION.number)
        m.refresh_from_db()
        assert m.current_org_id == a1.pk
    assert version_on(a2, BEFORE).valid_to == BEFORE
    assert version_on(a2, ON) is None
    assert list(OrgLineage.objects.values_list("predecessor_id", "successor_id", "on")) == [(a2.pk, a1.pk, ON)]
    assert_recorded(OrgEventType.MERGED, a1, ON, audited=[a2])


def test_merge_of_several_moves_children_under_the_target(tree, system_user, admin):
    district, a, b = tree["district"], tree["commune_a"], tree["commune_b"]
    c = org_establish(
        actor=system_user,
        code="T01-X03",
        name="Đảng bộ xã Cẩm Thạch",
        org_type="commune_party_org",
        parent=district,
        on=date(2016, 1, 1),
    )
    c1 = org_establish(
        actor=system_user,
        code="T01-X03-C01",
        name="Chi bộ thôn Bắc",
        org_type="subordinate_cell",
        parent=c,
        on=date(2016, 1, 1),
    )
    org_merge(actor=system_user, sources=[b, c], target=a, on=ON, decision=DECISION)

    assert parent_code(tree["cell_b1"], BEFORE) == "T01-X02"
    assert parent_code(c1, BEFORE) == "T01-X03"
    assert parent_code(tree["cell_b1"], ON) == "T01-X01"
    assert parent_code(c1, ON) == "T01-X01"
    assert codes_in_subtree(admin, a, BEFORE) == {"T01-X01", "T01-X01-C01", "T01-X01-C02"}
    assert codes_in_subtree(admin, a, ON) == {"T01-X01", "T01-X01-C01", "T01-X01-C02", "T01-X02-C01", "T01-X03-C01"}
    assert codes_in_subtree(admin, district, ON) == {"T01-H01", *codes_in_subtree(admin, a, ON)}
    for source in (b, c):
        assert version_on(source, BEFORE).valid_to == BEFORE
        assert version_on(source, ON) is None
    assert set(OrgLineage.objects.values_list("predecessor_id", "successor_id")) == {(b.pk, a.pk), (c.pk, a.pk)}
    assert_recorded(OrgEventType.MERGED, a, ON, audited=[b, c])


def test_merge_into_a_new_org_established_the_same_day(tree, system_user, admin):
    """The known gap: the caller establishes the successor, then merges into it (provinces)."""
    t1 = tree["province"]
    t2 = org_establish(
        actor=system_user,
        code="T02",
        name="Đảng bộ tỉnh Đồi Chè",
        org_type="provincial_party_org",
        parent=None,
        on=date(2015, 1, 1),
    )
    t2_district = org_establish(
        actor=system_user,
        code="T02-H01",
        name="Đảng bộ huyện Chè Xanh",
        org_type="district_party_org",
        parent=t2,
        on=date(2015, 1, 1),
    )
    new = org_establish(
        actor=system_user,
        code="T99",
        name="Đảng bộ tỉnh Thử Nghiệm Mới",
        org_type="provincial_party_org",
        parent=None,
        on=REFORM,
        decision=DECISION,
    )
    org_merge(actor=system_user, sources=[t1, t2], target=new, on=REFORM, decision=DECISION)

    assert list(org_subtree_on(actor=admin, org_id=new.pk, at=EVE)) == []
    assert codes_in_subtree(admin, t1, EVE) == {
        "T01",
        "T01-H01",
        "T01-X01",
        "T01-X02",
        "T01-X01-C01",
        "T01-X01-C02",
        "T01-X02-C01",
    }
    assert codes_in_subtree(admin, t2, EVE) == {"T02", "T02-H01"}
    assert codes_in_subtree(admin, new, REFORM) == {
        "T99",
        "T01-H01",
        "T01-X01",
        "T01-X02",
        "T01-X01-C01",
        "T01-X01-C02",
        "T01-X02-C01",
        "T02-H01",
    }
    assert parent_code(t2_district, REFORM) == "T99"
    assert version_on(tree["cell_b1"], REFORM).path.startswith(f"/{new.pk}/")
    assert version_on(t1, REFORM) is None and version_on(t2, REFORM) is None
    assert [root.version.org.code for root in org_tree_on(actor=admin, at=REFORM)] == ["T99"]
    assert sorted(root.version.org.code for root in org_tree_on(actor=admin, at=EVE)) == ["T01", "T02"]


def test_merge_refuses_a_target_inside_a_source(tree, system_user):
    before = written()
    with pytest.raises(DomainError) as info:
        org_merge(actor=system_user, sources=[tree["commune_a"]], target=tree["cell_a1"], on=ON)
    assert "tổ chức cấp dưới" in info.value.message
    assert written() == before


# --- split -----------------------------------------------------------------------------------


def test_split_moves_each_member_to_the_part_the_user_chose(tree, system_user, admin, members_a2):
    hoa, son = members_a2
    east, west = org_split(
        actor=system_user,
        org=tree["cell_a2"],
        on=ON,
        decision=DECISION,
        parts=[
            {"code": "T01-X01-C04", "name": "Chi bộ thôn 2A", "member_ids": [hoa.pk]},
            {"code": "T01-X01-C05", "name": "Chi bộ thôn 2B", "member_ids": [son.pk]},
        ],
    )

    assert set(member_ids_in_org_on(org_id=tree["cell_a2"].pk, at=BEFORE)) == {hoa.pk, son.pk}
    assert member_ids_in_org_on(org_id=east.pk, at=ON) == [hoa.pk]
    assert member_ids_in_org_on(org_id=west.pk, at=ON) == [son.pk]
    assert version_on(tree["cell_a2"], BEFORE).valid_to == BEFORE
    assert version_on(tree["cell_a2"], ON) is None
    for part in (east, west):
        assert version_on(part, BEFORE) is None
        assert version_on(part, ON).parent_id == tree["commune_a"].pk
        assert version_on(part, ON).org_type == "subordinate_cell"
    assert codes_in_subtree(admin, tree["commune_a"], ON) == {"T01-X01", "T01-X01-C01", "T01-X01-C04", "T01-X01-C05"}
    assert set(OrgLineage.objects.values_list("predecessor_id", "successor_id")) == {
        (tree["cell_a2"].pk, east.pk),
        (tree["cell_a2"].pk, west.pk),
    }
    assert MemberEvent.objects.filter(type=EventType.ORG_REASSIGNED, on=ON).count() == 2
    assert_recorded(OrgEventType.SPLIT, tree["cell_a2"], ON)


def test_split_with_an_unassigned_member_is_refused_and_writes_nothing(tree, system_user, members_a2):
    hoa, _son = members_a2
    before = written()
    with pytest.raises(DomainError) as info:
        org_split(
            actor=system_user,
            org=tree["cell_a2"],
            on=ON,
            decision=DECISION,
            parts=[
                {"code": "T01-X01-C04", "name": "Chi bộ thôn 2A", "member_ids": [hoa.pk]},
                {"code": "T01-X01-C05", "name": "Chi bộ thôn 2B", "member_ids": []},
            ],
        )
    assert info.value.message == (
        "Còn 1 đảng viên của Chi bộ thôn 2 chưa được phân về tổ chức mới (Phạm Văn Sơn); "
        "hãy phân hết đảng viên trước khi chia tách."
    )
    assert info.value.field == "parts"
    assert written() == before


def test_split_refuses_a_member_of_another_cell(tree, system_user, members_a2):
    other = admit(system_user, tree["cell_b1"], "Đỗ Thị Lan")
    before = written()
    with pytest.raises(DomainError) as info:
        org_split(
            actor=system_user,
            org=tree["cell_a2"],
            on=ON,
            parts=[
                {
                    "code": "T01-X01-C04",
                    "name": "Chi bộ thôn 2A",
                    "member_ids": [m.pk for m in members_a2] + [other.pk],
                },
            ],
        )
    assert "không sinh hoạt tại Chi bộ thôn 2" in info.value.message
    assert written() == before


# --- dissolve --------------------------------------------------------------------------------


def test_dissolve_is_refused_while_members_remain(tree, system_user, members_a2):
    before = written()
    with pytest.raises(DomainError) as info:
        org_dissolve(actor=system_user, org=tree["cell_a2"], on=ON, decision=DECISION)
    assert info.value.message == (
        "Chi bộ thôn 2 còn 2 đảng viên sinh hoạt ngày 01/03/2024; hãy chuyển sinh hoạt cho các đảng viên "
        "trước khi giải thể."
    )
    assert written() == before


def test_dissolve_is_refused_while_children_remain(tree, system_user):
    before = written()
    with pytest.raises(DomainError) as info:
        org_dissolve(actor=system_user, org=tree["commune_b"], on=ON, decision=DECISION)
    assert info.value.message == (
        "Đảng bộ xã Bình Minh còn 1 tổ chức trực thuộc ngày 01/03/2024; hãy chuyển hoặc giải thể các "
        "tổ chức trực thuộc trước."
    )
    assert written() == before


def test_dissolve_is_allowed_once_members_and_children_are_moved(tree, system_user, admin, members_a2):
    org_merge(actor=system_user, sources=[tree["cell_a2"]], target=tree["cell_a1"], on=ON)
    org_move(actor=system_user, org=tree["cell_b1"], new_parent=tree["commune_a"], on=ON)
    org_dissolve(actor=system_user, org=tree["commune_b"], on=ON, decision=DECISION)

    assert version_on(tree["commune_b"], BEFORE).valid_to == BEFORE
    assert version_on(tree["commune_b"], ON) is None
    assert "T01-X02" in codes_in_subtree(admin, tree["district"], BEFORE)
    assert "T01-X02" not in codes_in_subtree(admin, tree["district"], ON)
    assert_recorded(OrgEventType.DISSOLVED, tree["commune_b"], ON)


def test_rule_r001_a_district_dissolved_on_1_july_2025_ends_on_30_june_2025(tree, system_user):
    for commune in (tree["commune_a"], tree["commune_b"]):
        org_move(actor=system_user, org=commune, new_parent=tree["province"], on=REFORM)
    org_dissolve(actor=system_user, org=tree["district"], on=REFORM)

    versions = list(OrgVersion.objects.filter(org=tree["district"]).values_list("valid_from", "valid_to"))
    assert versions == [(date(2015, 1, 1), date(2025, 6, 30))]


# --- time order ------------------------------------------------------------------------------


def test_a_change_dated_before_a_recorded_dissolution_is_refused(tree, system_user):
    org_dissolve(actor=system_user, org=tree["cell_a1"], on=REFORM)
    before = written()
    with pytest.raises(DomainError) as info:
        org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ thôn Mới", on=ON)
    assert info.value.field == "on"
    assert "theo đúng thứ tự thời gian" in info.value.message
    assert written() == before


def test_a_move_dated_before_a_later_change_of_a_descendant_is_refused(tree, system_user, district_2):
    org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ thôn Mới", on=date(2024, 6, 1))
    before = written()
    with pytest.raises(DomainError) as info:
        org_move(actor=system_user, org=tree["commune_a"], new_parent=district_2, on=ON)
    assert info.value.field == "on"
    assert "Chi bộ thôn 1 đã có thay đổi sau ngày 01/03/2024" in info.value.message
    assert written() == before


def test_establishing_under_a_parent_that_later_changed_is_refused(tree, system_user):
    org_dissolve(actor=system_user, org=tree["cell_b1"], on=REFORM)
    before = written()
    with pytest.raises(DomainError) as info:
        org_establish(
            actor=system_user,
            code="T01-X02-C01-T1",
            name="Tổ đảng số 1",
            org_type="party_group",
            parent=tree["cell_b1"],
            on=ON,
        )
    assert info.value.field == "on"
    assert written() == before


def test_a_rename_dated_before_an_earlier_recorded_rename_is_refused(tree, system_user):
    org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ thôn Mới", on=ON)
    with pytest.raises(DomainError):
        org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ thôn Cũ", on=date(2020, 1, 1))
    assert org_name_on(tree["cell_a1"].pk, date(2020, 1, 1)) == "Chi bộ thôn 1"


# --- the 2025 reform -------------------------------------------------------------------------


@pytest.fixture
def reform(tree, system_user):
    """Two provinces merge into a new one on 01/07/2025; their districts are dissolved and the
    communes move directly under the new province, each member staying in his or her cell."""
    t = dict(tree)
    t["province_2"] = org_establish(
        actor=system_user,
        code="T02",
        name="Đảng bộ tỉnh Đồi Chè",
        org_type="provincial_party_org",
        parent=None,
        on=date(2015, 1, 1),
    )
    t["district_2"] = org_establish(
        actor=system_user,
        code="T02-H01",
        name="Đảng bộ huyện Chè Xanh",
        org_type="district_party_org",
        parent=t["province_2"],
        on=date(2015, 1, 1),
    )
    t["commune_c"] = org_establish(
        actor=system_user,
        code="T02-X01",
        name="Đảng bộ xã Chè Đông",
        org_type="commune_party_org",
        parent=t["district_2"],
        on=date(2015, 1, 1),
    )
    t["cell_c1"] = org_establish(
        actor=system_user,
        code="T02-X01-C01",
        name="Chi bộ thôn Suối",
        org_type="subordinate_cell",
        parent=t["commune_c"],
        on=date(2015, 1, 1),
    )
    t["members"] = [
        admit(system_user, t["cell_a1"], "Nguyễn Văn An"),
        admit(system_user, t["cell_b1"], "Lê Thị Bình"),
        admit(system_user, t["cell_c1"], "Hoàng Văn Chè"),
    ]
    decision = Decision(number="3xx-QĐ/TW", date=date(2025, 6, 25), body="Bộ Chính trị")
    t["new"] = org_establish(
        actor=system_user,
        code="T99",
        name="Đảng bộ tỉnh Thử Nghiệm Mới",
        org_type="provincial_party_org",
        parent=None,
        on=REFORM,
        decision=decision,
    )
    org_merge(
        actor=system_user, sources=[t["province"], t["province_2"]], target=t["new"], on=REFORM, decision=decision
    )
    for commune in (t["commune_a"], t["commune_b"], t["commune_c"]):
        org_move(actor=system_user, org=commune, new_parent=t["new"], on=REFORM, decision=decision)
    for district in (t["district"], t["district_2"]):
        org_dissolve(actor=system_user, org=district, on=REFORM, decision=decision)
    return t


def _tree_codes(admin, at) -> dict[str, list[str]]:
    """{parent code: sorted child codes} of the whole tree valid on `at`."""
    result: dict[str, list[str]] = {}

    def walk(nodes, parent):
        for node in nodes:
            result.setdefault(parent, []).append(node.version.org.code)
            walk(node.children, node.version.org.code)

    walk(org_tree_on(actor=admin, at=at), "")
    return {k: sorted(v) for k, v in result.items()}


def test_rule_r001_r004_the_tree_as_of_30_june_2025_is_the_old_one(reform, admin):
    assert _tree_codes(admin, EVE) == {
        "": ["T01", "T02"],
        "T01": ["T01-H01"],
        "T01-H01": ["T01-X01", "T01-X02"],
        "T01-X01": ["T01-X01-C01", "T01-X01-C02"],
        "T01-X02": ["T01-X02-C01"],
        "T02": ["T02-H01"],
        "T02-H01": ["T02-X01"],
        "T02-X01": ["T02-X01-C01"],
    }
    assert version_on(reform["new"], EVE) is None


def test_rule_r001_r002_r004_the_tree_from_1_july_2025_has_no_district_level(reform, admin):
    assert _tree_codes(admin, REFORM) == {
        "": ["T99"],
        "T99": ["T01-X01", "T01-X02", "T02-X01"],  # communes directly under the province
        "T01-X01": ["T01-X01-C01", "T01-X01-C02"],
        "T01-X02": ["T01-X02-C01"],
        "T02-X01": ["T02-X01-C01"],
    }
    # the district committees are historical, ending 30/06/2025.
    for district in (reform["district"], reform["district_2"]):
        assert OrgVersion.objects.filter(org=district).order_by("-valid_from").first().valid_to == EVE
        assert version_on(district, REFORM) is None
    # the old provinces end too, and the lineage maps them onto the new one.
    for old in (reform["province"], reform["province_2"]):
        assert version_on(old, EVE).valid_to == EVE
        assert version_on(old, REFORM) is None
    assert set(OrgLineage.objects.filter(successor=reform["new"]).values_list("predecessor__code", flat=True)) == {
        "T01",
        "T02",
    }
    cell = version_on(reform["cell_c1"], REFORM)
    assert (cell.depth, cell.path) == (2, f"/{reform['new'].pk}/{reform['commune_c'].pk}/{reform['cell_c1'].pk}/")


def test_rule_r004_r146_members_are_counted_in_the_old_provinces_before_and_in_the_new_one_after(reform, admin):
    from dangbo.members.selectors import subtree_org_ids

    def active_members(org, at):
        ids = subtree_org_ids(org_id=org.pk, at=at)
        return set(
            MembershipSpan.objects.valid_on(at).active().filter(org_id__in=ids).values_list("member_id", flat=True)
        )

    an, binh, che = (m.pk for m in reform["members"])
    assert active_members(reform["province"], EVE) == {an, binh}
    assert active_members(reform["province_2"], EVE) == {che}
    assert active_members(reform["new"], EVE) == set()
    assert active_members(reform["new"], REFORM) == {an, binh, che}
    # Comparing across 01/07/2025: the predecessors' totals add up to the successor's (R-146).
    predecessors = Organization.objects.filter(successor_links__successor=reform["new"])
    assert sum(len(active_members(p, EVE)) for p in predecessors) == len(active_members(reform["new"], REFORM))
    # Members stayed in their cells: no reassignment was needed.
    assert not MemberEvent.objects.filter(type=EventType.ORG_REASSIGNED).exists()


def test_the_2025_reform_is_recorded_with_its_decisions(reform):
    events = OrgEvent.objects.filter(on=REFORM)
    assert sorted(events.values_list("type", flat=True)) == sorted(
        [OrgEventType.ESTABLISHED, OrgEventType.MERGED, *[OrgEventType.MOVED] * 3, *[OrgEventType.DISSOLVED] * 2]
    )
    assert set(events.values_list("decision_number", "decision_body")) == {("3xx-QĐ/TW", "Bộ Chính trị")}
    for org in (reform["district"], reform["district_2"]):
        assert AuditEntry.objects.filter(action=OrgEventType.DISSOLVED, object_id=str(org.pk)).exists()
