"""Which organization types may sit under which (orgs/structure.py; R-001, R-008, R-009), checked
in the services so that pages, the API and the import are refused alike, and the dry-run preview
of a restructuring (orgs.services.preview: the same service, rolled back).

Tree of the `tree` fixture (conftest.py), all from 01/01/2015:
  T01 province ─ T01-H01 district ─┬ T01-X01 commune A ─ cells T01-X01-C01 (a1), T01-X01-C02 (a2)
                                   └ T01-X02 commune B ─ cell T01-X02-C01 (b1)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.orgs import structure
from dangbo.orgs.models import Organization, OrgEvent, OrgVersion
from dangbo.orgs.services import org_establish, org_merge, org_move, org_rename, preview, version_on
from tests.factories import MemberFactory

ON = date(2024, 3, 1)


def written() -> tuple:
    return (
        Organization.objects.count(),
        OrgVersion.objects.count(),
        OrgEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def admit(actor, cell, name):
    return MemberFactory(actor=actor, cell=cell, full_name=name, decision_number="1-QĐ")


def test_rule_r001_central_committee_under_a_cell_is_refused_naming_both_types(system_user, tree):
    before = written()
    with pytest.raises(DomainError) as error:
        org_establish(
            actor=system_user,
            code="TW",
            name="Ban Chấp hành Trung ương Đảng",
            org_type="central_committee",
            parent=tree["cell_a1"],
            on=ON,
        )
    message = str(error.value.message)
    assert "Không thể đặt «Ban Chấp hành Trung ương Đảng»" in message
    assert "dưới «Chi bộ trực thuộc»" in message and "(Chi bộ thôn 1)" in message
    assert error.value.field == "parent"
    assert written() == before


def test_rule_r009_no_cell_under_a_cell_on_establish_or_move(system_user, tree):
    with pytest.raises(DomainError, match="Không thể đặt «Chi bộ trực thuộc».*dưới «Chi bộ trực thuộc»"):
        org_establish(
            actor=system_user, code="C9", name="Chi bộ con", org_type="subordinate_cell", parent=tree["cell_a1"], on=ON
        )
    before = written()
    with pytest.raises(DomainError, match="dưới «Chi bộ trực thuộc» \\(Chi bộ thôn 1\\)"):
        org_move(actor=system_user, org=tree["cell_a2"], new_parent=tree["cell_a1"], on=ON)
    assert written() == before
    assert version_on(tree["cell_a2"], ON).parent_id == tree["commune_a"].pk


def test_rule_r008_grassroots_committee_with_cells_cannot_be_merged_into_a_cell(system_user, tree):
    committee = org_establish(
        actor=system_user,
        code="DBCS",
        name="Đảng bộ Công ty Thử",
        on=date(2016, 1, 1),
        org_type="grassroots_party_committee_org",
        parent=tree["district"],
    )
    org_establish(
        actor=system_user,
        code="DBCS-C1",
        name="Chi bộ Phân xưởng 1",
        org_type="subordinate_cell",
        parent=committee,
        on=date(2016, 1, 1),
    )
    before = written()
    with pytest.raises(DomainError, match="«Đảng bộ cơ sở».*vào «Chi bộ trực thuộc»"):
        org_merge(actor=system_user, sources=[committee], target=tree["cell_b1"], on=ON)
    assert written() == before


def test_rule_r009_a_cell_may_sit_under_a_commune_and_a_group_under_a_cell(system_user, tree):
    cell = org_establish(
        actor=system_user, code="C3", name="Chi bộ thôn 3", org_type="subordinate_cell", parent=tree["commune_a"], on=ON
    )
    group = org_establish(actor=system_user, code="C3-T1", name="Tổ đảng 1", org_type="party_group", parent=cell, on=ON)
    assert version_on(group, ON).parent_id == cell.pk


def test_rule_r001_no_district_organization_after_30_06_2025(system_user, tree):
    with pytest.raises(DomainError, match="không còn cấp huyện"):
        org_establish(
            actor=system_user,
            code="H9",
            name="Đảng bộ huyện Mới",
            org_type="district_party_org",
            parent=tree["province"],
            on=date(2025, 7, 1),
        )


def test_a_type_change_that_would_put_cells_under_a_cell_is_refused(system_user, tree):
    with pytest.raises(DomainError, match="Không thể đặt «Chi bộ trực thuộc» \\(Chi bộ thôn 1\\) dưới «Chi bộ cơ sở»"):
        org_rename(
            actor=system_user, org=tree["commune_a"], name="Chi bộ xã An Bình", org_type="grassroots_cell", on=ON
        )


def test_only_top_level_types_may_be_a_root(system_user, db):
    with pytest.raises(DomainError, match="phải trực thuộc một tổ chức cấp trên"):
        org_establish(
            actor=system_user, code="X", name="Chi bộ mồ côi", org_type="subordinate_cell", parent=None, on=ON
        )


def test_establishing_an_organization_in_the_future_is_refused(system_user, tree):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError, match="ở tương lai") as error:
        org_establish(
            actor=system_user,
            code="F1",
            name="Chi bộ tương lai",
            org_type="subordinate_cell",
            parent=tree["commune_a"],
            on=tomorrow,
        )
    assert error.value.field == "on"


def test_every_type_has_a_placement_rule():
    from dangbo.core.reference import items

    assert {i.code for i in items("org_types")} == set(structure.ALLOWED_PARENTS)


# --- preview ---------------------------------------------------------------------------------


def test_preview_of_a_merge_lists_orgs_and_members_and_writes_nothing(system_user, tree):
    admit(system_user, tree["cell_a2"], "Trần Thị Xem")
    before = written()
    spans_before = list(OrgVersion.objects.values_list("pk", "valid_to"))
    result = preview(org_merge, actor=system_user, sources=[tree["cell_a2"]], target=tree["cell_a1"], on=ON)
    assert written() == before
    assert list(OrgVersion.objects.values_list("pk", "valid_to")) == spans_before
    (row,) = result.orgs
    assert row["change"] == "Kết thúc hoạt động" and row["before_name"] == "Chi bộ thôn 2"
    assert row["before_parent"] == "Đảng bộ xã An Bình" and row["members"] == 1
    assert [(m["name"], m["to"]) for m in result.members] == [("Trần Thị Xem (1985)", "Chi bộ thôn 1")]


def test_preview_of_a_move_shows_before_and_after_parents_with_the_subtree(system_user, tree):
    admit(system_user, tree["cell_a1"], "Lê Văn Chuyển")
    result = preview(org_move, actor=system_user, org=tree["commune_a"], new_parent=tree["province"], on=ON)
    rows = {r["before_name"]: r for r in result.orgs}
    assert rows["Đảng bộ xã An Bình"]["before_parent"] == "Đảng bộ huyện Sông Xanh"
    assert rows["Đảng bộ xã An Bình"]["after_parent"] == "Đảng bộ tỉnh Thử Nghiệm"
    assert set(rows) == {"Đảng bộ xã An Bình", "Chi bộ thôn 1", "Chi bộ thôn 2"}
    assert result.member_total == 1
    assert version_on(tree["commune_a"], ON).parent_id == tree["district"].pk  # nothing moved


def test_preview_raises_the_same_refusal_as_the_operation(system_user, tree):
    with pytest.raises(DomainError, match="Không thể đặt"):
        preview(org_move, actor=system_user, org=tree["cell_a2"], new_parent=tree["cell_a1"], on=ON)


# --- correction of a wrong restructuring -------------------------------------------------------


def test_a_wrong_move_is_voided_with_a_reason_and_the_tree_is_rebuilt(system_user, tree):
    from dangbo.members.selectors import subtree_member_counts_on
    from dangbo.orgs.services import org_event_void

    admit(system_user, tree["cell_a1"], "Vũ Văn Đếm")
    district_on = lambda: subtree_member_counts_on(  # noqa: E731
        versions=[version_on(tree["district"], ON)], at=ON
    )[tree["district"].pk]
    assert district_on() == 1
    moved = org_move(actor=system_user, org=tree["commune_a"], new_parent=tree["province"], on=ON)
    assert district_on() == 0
    void = org_event_void(actor=system_user, event=moved.event, reason="Ghi nhầm tổ chức cấp trên")
    assert version_on(tree["commune_a"], ON).parent_id == tree["district"].pk
    assert version_on(tree["cell_a1"], ON).path == version_on(tree["cell_a1"], ON - timedelta(days=1)).path
    assert version_on(tree["commune_a"], ON).valid_to is None
    assert district_on() == 1  # figures as of the date reflect the correction
    assert void.corrects_id == moved.event_id and void.note == "Ghi nhầm tổ chức cấp trên"
    assert OrgEvent.objects.filter(pk=moved.event_id).exists()  # the wrong event stays in the log
    entry = AuditEntry.objects.filter(action="org.voided").get()
    assert "Ghi nhầm tổ chức cấp trên" in entry.summary
    with pytest.raises(DomainError, match="đã được hủy"):
        org_event_void(actor=system_user, event=moved.event, reason="lần nữa")


def test_voiding_needs_a_reason_and_later_changes_first(system_user, tree):
    from dangbo.orgs.services import org_event_void

    renamed = org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ khu 1", on=ON)
    later = org_rename(actor=system_user, org=tree["cell_a1"], name="Chi bộ khu phố 1", on=ON + timedelta(days=30))
    before = written()
    with pytest.raises(DomainError, match="Phải nêu lý do"):
        org_event_void(actor=system_user, event=renamed.event, reason=" ")
    with pytest.raises(DomainError, match="đã có thay đổi sau"):
        org_event_void(actor=system_user, event=renamed.event, reason="Sai tên")
    assert written() == before
    org_event_void(actor=system_user, event=later.event, reason="Sai tên")
    org_event_void(actor=system_user, event=renamed.event, reason="Sai tên")
    assert version_on(tree["cell_a1"], ON + timedelta(days=60)).name == "Chi bộ thôn 1"


def test_a_merger_is_not_voided_but_reversed(system_user, tree):
    from dangbo.orgs.services import org_event_void

    event = org_merge(actor=system_user, sources=[tree["cell_a2"]], target=tree["cell_a1"], on=ON)
    with pytest.raises(DomainError, match="hãy ghi thao tác ngược lại"):
        org_event_void(actor=system_user, event=event, reason="Sai")
