"""R-110 (quotas per agency and year; quota, headcount, vacancies), the allocation rules (only the
competent level, never above what was received, a mid-year decision supersedes), R-111 (the
2022–2026 roadmap against the 2021 baseline), the 2025 merge and a split."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.rules import clear_cache
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import Agency, AgencyVersion, QuotaAllocation
from dangbo.staffing.services import (
    AllocationInput,
    SplitPart,
    agency_create,
    agency_dissolve,
    agency_merge,
    agency_split,
    baseline_set,
    headcount_record,
    quota_allocate,
)

pytestmark = pytest.mark.django_db


def test_rule_r110_quota_headcount_vacancies_per_agency_and_year(system_user, app):
    f = sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 3, 1))
    row = f.row("cb_cc")
    assert (row.quota, row.headcount, row.vacancies) == (38, 36, 2)
    # Subtree of the district bloc: the quota it received, the headcount of its bodies.
    row = sel.figures(actor=system_user, agency_id=app["bloc"].pk, at=date(2025, 3, 1)).row("cb_cc")
    assert (row.quota, row.headcount, row.vacancies) == (19, 17, 2)
    # Quotas are per year: no 2025 quota in force in 2024.
    assert sel.quota_on(app["prov"].pk, app["cb"].pk, date(2024, 12, 31)) is None


def test_rule_r110_over_allocation_refused_naming_the_shortfall_and_nothing_written(system_user, app):
    allocations, audits = QuotaAllocation.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as err:
        app["give"](app["d2"], 9, on=date(2025, 3, 1), number="QĐ-VUOT")  # 11 + 9 = 20 > 19 received
    msg = err.value.message
    assert "Vượt số biên chế được giao" in msg and "Khối cơ quan Huyện ủy Sông Xanh" in msg
    assert "được giao 19" in msg and "đã giao cho các cơ quan trực thuộc 20" in msg and "thiếu 1" in msg
    assert err.value.field == "number"
    assert QuotaAllocation.objects.count() == allocations
    assert AuditEntry.objects.count() == audits
    assert not QuotaAllocation.objects.filter(decision_number="QĐ-VUOT").exists()
    # Exactly the balance is accepted.
    app["give"](app["d2"], 8, on=date(2025, 3, 1))
    assert sel.balance(app["bloc"].pk, app["cb"].pk, 2025, date(2025, 3, 1)).remaining == 0


def test_rule_r110_received_cut_below_what_was_allocated_is_refused(system_user, app):
    with pytest.raises(DomainError, match="thiếu 1"):
        app["give"](app["bloc"], 17, on=date(2025, 4, 1))  # D1 11 + D2 7 = 18 already allocated
    assert sel.quota_on(app["bloc"].pk, app["cb"].pk, date(2025, 5, 1)) == 19


def test_rule_r110_later_allocation_cannot_break_an_earlier_future_balance(system_user, app):
    # A decision effective 01/03 would fit then, but R's later cut (01/06) would be exceeded.
    app["give"](app["bloc"], 18, on=date(2025, 2, 1))
    app["give"](app["root"], 56, on=date(2025, 6, 1), label="Ban Tổ chức Trung ương")  # 38 + 18 = 56
    with pytest.raises(DomainError, match="Vượt số biên chế"):
        app["give"](app["prov"], 39, on=date(2025, 3, 1))
    assert sel.quota_on(app["prov"].pk, app["cb"].pk, date(2025, 3, 1)) == 38


def test_rule_r110_only_the_competent_level_allocates(system_user, app, commune_officer):
    cb = app["cb"]
    with pytest.raises(DomainError, match="Không đúng thẩm quyền"):
        quota_allocate(
            actor=system_user,
            data=AllocationInput(
                year=2025,
                receiving_id=app["d1"].pk,
                allocating_id=app["prov"].pk,
                category_id=cb.pk,
                number=1,
                decision_number="QĐ-SAI",
                decision_date=date(2025, 3, 1),
            ),
        )
    with pytest.raises(DomainError, match="Không đúng thẩm quyền"):  # the grandparent is not competent either
        quota_allocate(
            actor=system_user,
            data=AllocationInput(
                year=2025,
                receiving_id=app["d1"].pk,
                allocating_id=app["root"].pk,
                category_id=cb.pk,
                number=1,
                decision_number="QĐ-SAI",
                decision_date=date(2025, 3, 1),
            ),
        )
    with pytest.raises(DomainError):  # a user outside the parent's scope
        quota_allocate(
            actor=commune_officer,
            data=AllocationInput(
                year=2025,
                receiving_id=app["d1"].pk,
                category_id=cb.pk,
                number=1,
                decision_number="QĐ-SAI",
                decision_date=date(2025, 3, 1),
            ),
        )
    with pytest.raises(DomainError, match="cấp trên hệ thống"):  # the root only records what it received
        quota_allocate(
            actor=system_user,
            data=AllocationInput(
                year=2025,
                receiving_id=app["root"].pk,
                allocating_id=app["prov"].pk,
                category_id=cb.pk,
                number=1,
                decision_number="QĐ-SAI",
                decision_date=date(2025, 3, 1),
            ),
        )
    assert not QuotaAllocation.objects.filter(decision_number="QĐ-SAI").exists()


def test_rule_r110_mid_year_decision_supersedes_from_its_date(system_user, app):
    app["give"](app["d1"], 10, on=date(2025, 4, 1), number="QĐ-GIUA-NAM")
    assert sel.quota_on(app["d1"].pk, app["cb"].pk, date(2025, 3, 31)) == 11
    assert sel.quota_on(app["d1"].pk, app["cb"].pk, date(2025, 4, 1)) == 10
    assert sel.balance(app["bloc"].pk, app["cb"].pk, 2025, date(2025, 4, 1)).remaining == 2


def test_rule_r111_roadmap_target_from_the_2021_baseline(system_user, app):
    row = sel.figures(actor=system_user, agency_id=app["root"].pk, at=date(2025, 3, 1)).row("cb_cc")
    assert row.baseline == 60 and row.quota == 57
    assert row.reduction == 3 and row.reduction_pct == Decimal("5.00")
    assert row.target_pct == 5 and row.required == 3 and row.target_quota == 57
    assert row.shortfall == 0 and row.progress_pct == Decimal("100.0")


def test_rule_r111_budget_paid_public_employees_ten_percent_and_carried_shortfall_credit(system_user, app, cats):
    vc = cats["vc_nsnn"]
    baseline_set(actor=system_user, agency=app["prov"], category=vc, year=2021, number=100, carried=2)
    app_root = app["root"]
    quota_allocate(
        actor=system_user,
        data=AllocationInput(
            year=2025,
            receiving_id=app_root.pk,
            category_id=vc.pk,
            number=95,
            decision_number="QĐ-VC",
            decision_date=date(2025, 1, 2),
            allocating_label="UBND tỉnh",
        ),
    )
    quota_allocate(
        actor=system_user,
        data=AllocationInput(
            year=2025,
            receiving_id=app["prov"].pk,
            category_id=vc.pk,
            number=95,
            decision_number="QĐ-VC",
            decision_date=date(2025, 1, 2),
        ),
    )
    row = sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 3, 1)).row("vc_nsnn")
    assert row.target_pct == 10
    assert row.required == 12  # 10% of 100 + the 2 missed in 2016–2021
    assert (row.reduction, row.shortfall) == (5, 7)
    assert row.progress_pct == Decimal("41.7")
    # Over-achievement of 2016–2021 counts toward 2022–2026.
    baseline_set(actor=system_user, agency=app["prov"], category=vc, year=2021, number=100, carried=-6)
    row = sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 3, 1)).row("vc_nsnn")
    assert (row.required, row.shortfall) == (4, 0)


def test_rule_r111_target_percent_is_a_versioned_parameter(system_user, app):
    RuleParameter.objects.create(
        name="staffing_reduction_pct_cadres", value=7, valid_from=date(2025, 6, 1), source="Thử nghiệm: chỉ tiêu mới"
    )
    clear_cache()
    before = sel.figures(actor=system_user, agency_id=app["root"].pk, at=date(2025, 5, 31)).row("cb_cc")
    after = sel.figures(actor=system_user, agency_id=app["root"].pk, at=date(2025, 6, 1)).row("cb_cc")
    assert (before.target_pct, before.required) == (5, 3)
    assert (after.target_pct, after.required, after.shortfall) == (7, 5, 2)  # ⌈60 × 7%⌉ = 5


def _merge_2025(system_user, app, *, new_decision: bool):
    on = date(2025, 7, 1)
    agency_merge(actor=system_user, predecessors=[app["d1"], app["d2"]], into=app["prov"], on=on)
    agency_dissolve(actor=system_user, agency=app["bloc"], on=on)
    if new_decision:
        app["give"](app["prov"], 55, on=on, number="QĐ-SAP-XEP")


def test_2025_merge_of_two_district_bodies_into_a_provincial_one(system_user, app):
    _merge_2025(system_user, app, new_decision=True)
    before = sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 6, 30)).row("cb_cc")
    assert (before.baseline, before.quota, before.reduction, before.reduction_pct) == (40, 38, 2, Decimal("5.00"))
    after = sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 12, 31)).row("cb_cc")
    assert after.baseline == 60  # 40 + 12 + 8: the 2021 baselines summed into the successor
    assert (after.quota, after.reduction, after.reduction_pct) == (55, 5, Decimal("8.33"))
    assert after.headcount == 53  # 36 + 10 + 7 carried until the successor's own count
    assert after.required == 3 and after.shortfall == 0
    # The tree: the district bodies and their bloc are gone on 31/12/2025, present on 30/06/2025.
    names_before = {r.version.name for r in sel.agency_tree(actor=system_user, at=date(2025, 6, 30))}
    names_after = {r.version.name for r in sel.agency_tree(actor=system_user, at=date(2025, 12, 31))}
    assert "Ban Tổ chức Huyện ủy Sông Xanh" in names_before and "Ban Tổ chức Huyện ủy Sông Xanh" not in names_after
    assert "Khối cơ quan Huyện ủy Sông Xanh" not in names_after
    # The province bloc: same baseline on both sides of the merge (nothing counted twice).
    for at in (date(2025, 6, 30), date(2025, 12, 31)):
        row = sel.figures(actor=system_user, agency_id=app["root"].pk, at=at).row("cb_cc")
        assert row.baseline == 60 and row.quota == 57
    # A headcount of its own after the merge replaces the carried ones.
    headcount_record(
        actor=system_user,
        agency=app["prov"],
        category=app["cb"],
        on=date(2025, 9, 1),
        count=50,
        source="Báo cáo sau sắp xếp",
    )
    assert sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 12, 31)).row("cb_cc").headcount == 50


def test_2025_merge_without_a_new_decision_carries_the_predecessors_quota(system_user, app):
    _merge_2025(system_user, app, new_decision=False)
    after = sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 12, 31)).row("cb_cc")
    assert (after.baseline, after.quota, after.reduction, after.reduction_pct) == (60, 56, 4, Decimal("6.67"))


def test_split_apportions_the_baseline_explicitly(system_user, app, tree):
    x = agency_create(
        actor=system_user,
        code="T01-VP",
        name="Văn phòng Tỉnh ủy",
        managing_org_id=tree["province"].pk,
        on=date(2015, 1, 1),
        parent=app["root"],
    )
    baseline_set(actor=system_user, agency=x, category=app["cb"], year=2021, number=25)
    with pytest.raises(DomainError, match="100%"):
        agency_split(
            actor=system_user,
            agency=x,
            on=date(2025, 7, 1),
            parts=[SplitPart("T01-VP1", "Văn phòng 1", Decimal(60)), SplitPart("T01-VP2", "Văn phòng 2", Decimal(30))],
        )
    assert not Agency.objects.filter(code="T01-VP1").exists()
    a, b = agency_split(
        actor=system_user,
        agency=x,
        on=date(2025, 7, 1),
        parts=[SplitPart("T01-VP1", "Văn phòng 1", Decimal(60)), SplitPart("T01-VP2", "Văn phòng 2", Decimal(40))],
    )
    assert sel.baseline_on(a.pk, app["cb"].pk, date(2025, 12, 31)) == (15, 0)
    assert sel.baseline_on(b.pk, app["cb"].pk, date(2025, 12, 31)) == (10, 0)
    assert sel.version_on(x.pk, date(2025, 7, 1)) is None
    assert AgencyVersion.objects.get(agency=a).parent_id == app["root"].pk


def test_writes_are_audited(system_user, app):
    actions = set(AuditEntry.objects.filter(action__startswith="staffing.").values_list("action", flat=True))
    assert {
        "staffing.agency_create",
        "staffing.baseline_set",
        "staffing.quota_allocate",
        "staffing.headcount_record",
    } <= actions


def test_scope_outsider_sees_nothing_and_cannot_write(system_user, app, outsider, commune_officer):
    from django.http import Http404

    from dangbo.access import policy

    assert not policy.for_user(Agency, outsider).exists()
    with pytest.raises(Http404):
        sel.figures(actor=outsider, agency_id=app["prov"].pk, at=date(2025, 3, 1))
    with pytest.raises(DomainError):
        headcount_record(
            actor=commune_officer, agency=app["d1"], category=app["cb"], on=date(2025, 3, 1), count=1, source="x"
        )


# --- the tree over time shared with orgs (core.temporal): rename and move ----------------------


def test_agency_rename_keeps_its_history_and_figures(system_user, app):
    from dangbo.staffing.services import agency_rename

    agency_rename(
        actor=system_user, agency=app["d1"], name="Ban Tổ chức - Nội vụ Huyện ủy Sông Xanh", on=date(2025, 3, 1)
    )
    assert sel.version_on(app["d1"].pk, date(2025, 2, 28)).name == "Ban Tổ chức Huyện ủy Sông Xanh"
    assert sel.version_on(app["d1"].pk, date(2025, 3, 1)).name == "Ban Tổ chức - Nội vụ Huyện ủy Sông Xanh"
    # Same identity: quota, headcount and baseline unchanged, no lineage.
    row = sel.figures(actor=system_user, agency_id=app["d1"].pk, at=date(2025, 3, 1)).row("cb_cc")
    assert (row.quota, row.headcount, row.baseline) == (11, 10, 12)
    assert sel.figures(actor=system_user, agency_id=app["d1"].pk, at=date(2025, 3, 1)).name.startswith(
        "Ban Tổ chức - Nội vụ"
    )
    with pytest.raises(DomainError, match="đã có thay đổi sau ngày"):
        agency_rename(actor=system_user, agency=app["d1"], name="Tên khác", on=date(2025, 2, 1))


def test_agency_move_takes_its_subtree_and_refuses_a_cycle(system_user, app):
    from dangbo.staffing.services import agency_move

    with pytest.raises(DomainError, match="dưới chính nó"):
        agency_move(actor=system_user, agency=app["bloc"], new_parent=app["d1"], on=date(2025, 9, 1))
    versions = AgencyVersion.objects.count()
    agency_move(actor=system_user, agency=app["bloc"], new_parent=app["prov"], on=date(2025, 9, 1))
    # A new version for the bloc and, re-pathed under P, for each of its two bodies.
    assert AgencyVersion.objects.count() == versions + 3
    assert sel.parent_on(app["bloc"].pk, date(2025, 8, 31)) == app["root"].pk
    assert sel.parent_on(app["bloc"].pk, date(2025, 9, 1)) == app["prov"].pk
    assert set(sel.subtree_ids(app["prov"].pk, date(2025, 9, 1))) == {
        app["prov"].pk,
        app["bloc"].pk,
        app["d1"].pk,
        app["d2"].pk,
    }
    assert sel.subtree_ids(app["prov"].pk, date(2025, 8, 31)) == [app["prov"].pk]
    # The moved subtree's headcount now counts under P (36 + 10 + 7).
    row = sel.figures(actor=system_user, agency_id=app["prov"].pk, at=date(2025, 9, 1)).row("cb_cc")
    assert row.headcount == 53


def test_orgs_and_agencies_share_the_valid_on_condition(tree):
    """One "valid on" condition (core.temporal.valid_on_q) for both trees."""
    from dangbo.core.temporal import TemporalTree
    from dangbo.orgs.models import OrgVersion

    at = date(2024, 1, 1)
    orgs = TemporalTree(OrgVersion, "org")
    assert set(orgs.versions_on(at).values_list("pk", flat=True)) == set(
        OrgVersion.objects.valid_on(at).values_list("pk", flat=True)
    )
    assert set(orgs.subtree_ids(tree["district"].pk, at)) >= {tree["district"].pk, tree["commune_a"].pk}
