"""The indicator catalog against the hand-computed history of tests/conftest.py (merger_registry),
as of several dates and over periods, before and after the 01/07/2025 merger."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.reports.indicators import CATALOG, IndicatorContext, admission_summary, compute, compute_all, members_behind
from dangbo.reports.models import AdmissionQuota, HandbookAccount

pytestmark = pytest.mark.django_db


def value(code, org, at, start=None, end=None):
    return compute(code, IndicatorContext(org_id=org.pk, at=at, start=start, end=end)).value


def cells(code, org, at, dim):
    result = compute(code, IndicatorContext(org_id=org.pk, at=at))
    return {c.key: c.value for c in result.breakdowns[dim] if c.value}


def names(code, org, at, dim="", key="", start=None, end=None):
    ctx = IndicatorContext(org_id=org.pk, at=at, start=start, end=end)
    return sorted(members_behind(code, ctx, dim, key).values_list("full_name", flat=True))


def test_every_indicator_is_defined_once_with_a_vietnamese_name_and_unit():
    assert len(CATALOG) >= 20
    for code, ind in CATALOG.items():
        assert ind.code == code
        assert ind.name and ind.unit and ind.formula
        assert ind.kind in ("stock", "flow", "ratio")


# --- R-142 headcounts -------------------------------------------------------------------------


def test_rule_r142_headcount_total_full_and_probationary_as_of_several_dates(merger_registry):
    o = merger_registry["orgs"]
    A, B = o["A"], o["B"]
    d24 = date(2024, 12, 31)
    assert (value("dv_tong", A, d24), value("dv_chinh_thuc", A, d24), value("dv_du_bi", A, d24)) == (6, 4, 2)
    assert (value("dv_tong", B, d24), value("dv_chinh_thuc", B, d24), value("dv_du_bi", B, d24)) == (2, 2, 0)
    d = date(2025, 6, 30)
    # m5 moved to b1, m7 died, m8 removed, m2 full since 20/02/2025 (end of probation, R-023).
    assert (value("dv_tong", A, d), value("dv_chinh_thuc", A, d), value("dv_du_bi", A, d)) == (3, 3, 0)
    assert value("dv_tong", B, d) == 3
    # A member in transfer is counted at the sending organization until received.
    assert value("dv_tong", A, date(2025, 3, 5)) == 6  # m1 m2 m4 m5 (in transfer) m7 m8
    assert value("dv_tong", B, date(2025, 3, 5)) == 2


def test_rule_r142_headcount_breakdowns_by_sex_ethnicity_religion_age_and_levels(merger_registry):
    A = merger_registry["orgs"]["A"]
    d = date(2024, 12, 31)
    assert cells("dv_tong", A, d, "gioi_tinh") == {"M": 4, "F": 2}
    assert cells("dv_tong", A, d, "kinh_thieu_so") == {"kinh": 5, "thieu_so": 1}
    assert cells("dv_tong", A, d, "dan_toc") == {"01": 5, "02": 1}
    assert cells("dv_tong", A, d, "ton_giao") == {"00": 5, "01": 1}
    # born 1985 (39 in 2024) x3, 1998 (26), 1956 (68), 2000 (24)
    assert cells("dv_tong", A, d, "do_tuoi") == {"31_40": 3, "le30": 2, "61_70": 1}
    assert cells("dv_tong", A, d, "ly_luan") == {"none": 5, "so_cap": 1}
    assert cells("dv_tong", A, d, "pho_thong") == {"gdpt_thpt": 6}
    assert cells("dv_du_bi", A, d, "gioi_tinh") == {"F": 2}


def test_rule_r142_seniority_badges_held_as_of_a_date(merger_registry):
    B = merger_registry["orgs"]["B"]
    assert cells("dv_tong", B, date(2021, 9, 30), "huy_hieu") == {"0": 2}
    assert cells("dv_tong", B, date(2021, 10, 1), "huy_hieu") == {"0": 1, "40": 1}
    assert names("dv_tong", B, date(2022, 1, 1), "huy_hieu", "40") == ["Đặng Văn Sáu"]


def test_rule_r035_temporarily_attached_members_are_counted_at_home_only(merger_registry):
    o = merger_registry["orgs"]
    d = date(2024, 12, 31)
    assert value("dv_tong", o["B"], d) == 2  # m3 stays in Lâm Hà's đảng số
    assert value("dv_tam_thoi_noi_khac", o["B"], d) == 1
    assert value("dv_tong", o["C"], d) == 0  # not in the host's đảng số
    assert value("dv_tam_thoi_den", o["C"], d) == 1
    assert names("dv_tam_thoi_den", o["C"], d) == ["Phạm Văn Ba"]
    assert value("tam_thoi_di", o["B"], d) == 1
    assert value("tam_thoi_den", o["C"], d) == 1
    assert value("tam_thoi_den", o["B"], d) == 0


def test_rule_r037_exempt_members_are_counted_and_shown_separately(merger_registry):
    B = merger_registry["orgs"]["B"]
    assert value("dv_mien_sinh_hoat", B, date(2022, 12, 31)) == 0
    assert value("dv_mien_sinh_hoat", B, date(2023, 1, 5)) == 1
    assert value("dv_tong", B, date(2023, 1, 5)) == 2


# --- R-142 flows ------------------------------------------------------------------------------


def test_rule_r142_flows_of_a_year_for_an_old_province(merger_registry):
    o = merger_registry["orgs"]
    y24 = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
    assert value("ket_nap", o["A"], date(2024, 12, 31), **y24) == 2
    assert names("ket_nap", o["A"], date(2024, 12, 31), **y24) == ["Lò Thị Hai", "Đỗ Thị Tám"]
    assert value("chuyen_den", o["A"], date(2024, 12, 31), **y24) == 1
    assert value("chuyen_di", o["C"], date(2024, 12, 31), **y24) == 1
    assert value("chuyen_di", o["A"], date(2024, 12, 31), **y24) == 0
    y25 = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    at = date(2025, 6, 30)
    assert value("chuyen_di", o["A"], at, **y25) == 1
    assert value("chuyen_den", o["B"], at, **y25) == 1
    assert value("tu_tran", o["A"], at, **y25) == 1
    assert value("xoa_ten", o["A"], at, **y25) == 1
    assert value("cong_nhan_chinh_thuc", o["A"], at, **y25) == 1
    assert value("ket_nap", o["A"], at, **y25) == 0  # m9 was admitted in a1 after A ended
    assert value("huy_hieu", o["B"], date(2021, 12, 31)) == 1


def test_rule_r142_a_transfer_between_two_orgs_of_the_subtree_is_not_a_flow(merger_registry):
    P = merger_registry["orgs"]["P"]
    y25 = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    at = date(2025, 12, 31)
    assert value("chuyen_di", P, at, **y25) == 0
    assert value("chuyen_den", P, at, **y25) == 0
    assert value("tu_tran", P, at, **y25) == 1
    assert value("xoa_ten", P, at, **y25) == 1
    assert value("ket_nap", P, at, **y25) == 1


# --- R-146 across the merger ------------------------------------------------------------------


def test_rule_r146_before_the_merger_the_old_provinces_are_reported_separately(merger_registry):
    o = merger_registry["orgs"]
    d = date(2025, 6, 30)
    assert value("dv_tong", o["A"], d) == 3
    assert value("dv_tong", o["B"], d) == 3
    ctx = IndicatorContext(org_id=o["A"].pk, at=d)
    assert ctx.area.name == "Đảng bộ tỉnh Hải Sơn"
    # The new province, asked before it existed, aggregates its predecessors for comparison.
    result = compute("dv_tong", IndicatorContext(org_id=o["P"].pk, at=d))
    assert result.value == 6
    assert "Đảng bộ tỉnh Hải Sơn" in result.note and "Đảng bộ tỉnh Lâm Hà" in result.note


def test_rule_r146_from_the_merger_date_members_are_reported_under_the_new_province(merger_registry):
    o = merger_registry["orgs"]
    d = date(2025, 7, 1)
    assert value("dv_tong", o["P"], d) == 6
    assert compute("dv_tong", IndicatorContext(org_id=o["P"].pk, at=d)).note == ""
    assert value("dv_tong", o["A"], d) is None
    assert value("dv_tong", o["B"], d) is None
    assert value("dv_tong", o["A_x"], d) == 3  # the commune moved under P keeps its members
    later = date(2025, 12, 31)
    assert (value("dv_tong", o["P"], later), value("dv_du_bi", o["P"], later)) == (7, 1)


def test_rule_r146_organizations_by_type_follow_the_tree_of_the_date(merger_registry):
    o = merger_registry["orgs"]
    before = cells("to_chuc_theo_loai", o["A"], date(2025, 6, 30), "loai")
    assert before == {"district_party_org": 1, "commune_party_org": 1, "subordinate_cell": 2}
    after = cells("to_chuc_theo_loai", o["P"], date(2025, 7, 1), "loai")
    assert after == {"district_party_org": 2, "commune_party_org": 2, "subordinate_cell": 3}


def test_rule_r146_org_changes_over_the_merger_year(merger_registry):
    P = merger_registry["orgs"]["P"]
    result = compute("to_chuc_bien_dong", IndicatorContext(org_id=P.pk, at=date(2025, 12, 31)))
    by_type = {c.key: c.value for c in result.breakdowns["loai"]}
    assert by_type["org.established"] == 1
    assert by_type["org.merged"] == 2
    assert result.value == 3


# --- R-058 admissions against the quota and the membership -------------------------------------


def test_rule_r058_admissions_against_the_yearly_quota_and_start_of_year_membership(merger_registry):
    P = merger_registry["orgs"]["P"]
    AdmissionQuota.objects.create(org=P, year=2025, quota=1)
    ctx = IndicatorContext(org_id=P.pk, at=date(2025, 12, 31))
    assert compute("ket_nap_chi_tieu", ctx).percent == "100%"
    share = compute("ket_nap_ty_le", ctx)
    assert share.denominator == 8  # A (6) + B (2) on 01/01/2025, through the merger lineage
    assert share.percent == "12,5%"
    assert admission_summary(ctx) == "1 đảng viên, đạt 100% chỉ tiêu, bằng 12,5% tổng số đảng viên"


def test_rule_r058_without_a_quota_the_report_says_so(merger_registry):
    P = merger_registry["orgs"]["P"]
    result = compute("ket_nap_chi_tieu", IndicatorContext(org_id=P.pk, at=date(2025, 12, 31)))
    assert result.text == "1 đảng viên; chưa giao chỉ tiêu năm 2025"


def test_handbook_coverage_counts_open_accounts_of_counted_members(merger_registry):
    m, P = merger_registry["members"], merger_registry["orgs"]["P"]
    HandbookAccount.objects.create(member=m["m1"], registered_on=date(2025, 1, 10))
    HandbookAccount.objects.create(member=m["m2"], registered_on=date(2025, 9, 1))
    HandbookAccount.objects.create(member=m["m7"], registered_on=date(2024, 1, 1))  # died in 2025
    assert compute("so_tay_dien_tu", IndicatorContext(org_id=P.pk, at=date(2025, 7, 1))).text == "1/6 (16,7%)"
    assert compute("so_tay_dien_tu", IndicatorContext(org_id=P.pk, at=date(2025, 12, 31))).text == "2/7 (28,6%)"


def test_compute_all_returns_every_indicator_in_a_few_queries(merger_registry, django_assert_max_num_queries):
    P = merger_registry["orgs"]["P"]
    ctx = IndicatorContext(org_id=P.pk, at=date(2025, 12, 31))
    with django_assert_max_num_queries(35):  # 30 + staffing's one read of the area's agencies (none here)
        # + the enterprises' dated changes (a sector as of the date asked for, orgs.enterprises)
        # + cadres' one check that the area manages a cadre (none here: cadres.indicators)
        # + staffing's one read of the area's restructuring-project units (units done per model)
        # + the dues indicators' one grouped read of the month closes (dues.indicators)
        results = compute_all(ctx)
    assert [r.code for r in results] == list(CATALOG)


def test_rule_r058_an_officer_sets_the_quota_and_it_is_audited(merger_registry, system_user):
    from dangbo.audit.models import AuditEntry
    from dangbo.reports.services import admission_quota_set

    P = merger_registry["orgs"]["P"]
    admission_quota_set(actor=system_user, org=P, year=2025, quota=2)
    admission_quota_set(actor=system_user, org=P, year=2025, quota=1)
    assert AdmissionQuota.objects.get(org=P, year=2025).quota == 1
    assert AuditEntry.objects.filter(action="reports.admission_quota_set").count() == 2
    assert compute("ket_nap_chi_tieu", IndicatorContext(org_id=P.pk, at=date(2025, 12, 31))).percent == "100%"
