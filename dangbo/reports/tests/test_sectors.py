"""Organizations by sector (khu vực, loại hình đơn vị, R-014): seed 000 «Tính đến 31/12/2023, toàn
tỉnh đã phát triển 07 tổ chức cơ sở đảng trong khu vực ngoài nhà nước» (footnote 5: Ba Tơ 01,
Khối Cơ quan và Doanh nghiệp tỉnh 01, Bình Sơn 02, Tư Nghĩa 02, Nghĩa Hành 01), built through the
services, with establishments in other sectors and outside the year around it."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.models import OrgEvent, OrgEventType, OrgVersion
from dangbo.orgs.services import org_establish, org_sector_change
from dangbo.reports.indicators import IndicatorContext, compute

YEAR_END = date(2023, 12, 31)


def _mk(actor, code, name, org_type, parent, on, sector=""):
    return org_establish(actor=actor, code=code, name=name, org_type=org_type, parent=parent, on=on, sector=sector)


@pytest.fixture
def seed_2023(db, system_user):
    a = system_user
    t = {"province": _mk(a, "QN", "Đảng bộ tỉnh Quảng Ngãi", "provincial_party_org", None, date(2010, 1, 1))}
    for key, code, name, kind in [
        ("ba_to", "QN-BT", "Đảng bộ huyện Ba Tơ", "district_party_org"),
        ("binh_son", "QN-BS", "Đảng bộ huyện Bình Sơn", "district_party_org"),
        ("tu_nghia", "QN-TN", "Đảng bộ huyện Tư Nghĩa", "district_party_org"),
        ("nghia_hanh", "QN-NH", "Đảng bộ huyện Nghĩa Hành", "district_party_org"),
        ("khoi", "QN-K", "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh", "sector_bloc_party_org"),
    ]:
        t[key] = _mk(a, code, name, kind, t["province"], date(2010, 1, 1))
    gc, gpc = "grassroots_cell", "grassroots_party_committee_org"
    # The seven of 2023 in the non-state sector.
    for code, name, kind, parent, on, sector in [
        ("QN-BT-1", "Chi bộ Công ty TNHH Thủy điện Mẫu", gc, "ba_to", date(2023, 3, 1), "private_enterprise"),
        ("QN-K-1", "Đảng bộ Công ty TNHH Mẫu Việt", gpc, "khoi", date(2023, 4, 10), "foreign_invested_enterprise"),
        ("QN-BS-1", "Chi bộ Công ty Cổ phần Mẫu Dung Quất", gc, "binh_son", date(2023, 5, 2), "private_enterprise"),
        ("QN-BS-2", "Chi bộ Hợp tác xã Mẫu", gc, "binh_son", date(2023, 6, 15), "cooperative"),
        ("QN-TN-1", "Chi bộ Trường Mẫu ngoài công lập", gc, "tu_nghia", date(2023, 8, 1), "non_public_unit"),
        ("QN-TN-2", "Chi bộ Công ty TNHH Mẫu Tư Nghĩa", gc, "tu_nghia", date(2023, 9, 5), "private_enterprise"),
        ("QN-NH-1", "Chi bộ Hợp tác xã Mẫu Nghĩa Hành", gc, "nghia_hanh", date(2023, 12, 31), "cooperative"),
    ]:
        t[code] = _mk(a, code, name, kind, t[parent], on, sector)
    # Around them: other sectors the same year, a cell below a non-state committee (not a
    # grassroots organization), one without a recorded sector, the years before and after.
    _mk(a, "QN-K-2", "Chi bộ Công ty Điện lực Mẫu", gc, t["khoi"], date(2023, 2, 1), "state_enterprise")
    _mk(a, "QN-BS-3", "Chi bộ Bệnh viện Mẫu", gc, t["binh_son"], date(2023, 7, 1), "public_service_unit")
    t["fdi_cell"] = _mk(a, "QN-K-1-C1", "Chi bộ Phân xưởng 1", "subordinate_cell", t["QN-K-1"], date(2023, 5, 1))
    _mk(a, "QN-NH-2", "Chi bộ Mẫu chưa ghi khu vực", gc, t["nghia_hanh"], date(2023, 10, 1))
    _mk(a, "QN-BT-0", "Chi bộ Công ty TNHH Mẫu 2022", gc, t["ba_to"], date(2022, 12, 31), "private_enterprise")
    _mk(a, "QN-BT-9", "Chi bộ Công ty TNHH Mẫu 2024", gc, t["ba_to"], date(2024, 1, 1), "private_enterprise")
    # A state company equitized on 01/06/2023: a sector change, not an establishment.
    t["equitized"] = _mk(
        a, "QN-K-3", "Chi bộ Công ty Cổ phần Mẫu Cổ Lũy", gc, t["khoi"], date(2015, 1, 1), "state_enterprise"
    )
    org_sector_change(actor=a, org=t["equitized"], sector="private_enterprise", on=date(2023, 6, 1))
    member_admit(
        actor=a,
        cell=t["fdi_cell"],
        decided_on=date(2023, 6, 1),
        ceremony_on=date(2023, 6, 10),
        profile=ProfileInput(full_name="Nguyễn Văn Mẫu", birth_year=1990, sex="M"),
    )
    return t


def test_rule_r014_seven_new_grassroots_organizations_in_the_non_state_sector_in_2023(seed_2023):
    ctx = IndicatorContext(org_id=seed_2023["province"].pk, at=YEAR_END)
    r = compute("to_chuc_co_so_ngoai_nha_nuoc_moi", ctx)
    assert r.value == 7
    assert r.text == "phát triển 07 tổ chức cơ sở đảng trong khu vực ngoài nhà nước"
    by_unit = {c.label: c.value for c in r.breakdowns["don_vi"]}
    assert by_unit == {
        "Đảng bộ huyện Ba Tơ": 1,
        "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh": 1,
        "Đảng bộ huyện Bình Sơn": 2,
        "Đảng bộ huyện Tư Nghĩa": 2,
        "Đảng bộ huyện Nghĩa Hành": 1,
    }
    by_sector = {c.key: c.value for c in r.breakdowns["khu_vuc"]}
    assert by_sector == {
        "private_enterprise": 3,
        "foreign_invested_enterprise": 1,
        "non_public_unit": 1,
        "cooperative": 2,
    }
    # Every grassroots establishment of the year, by sector.
    all_new = compute("to_chuc_co_so_thanh_lap", ctx)
    assert all_new.value == 10
    assert {c.key: c.value for c in all_new.breakdowns["khu_vuc"]} == {
        "private_enterprise": 3,
        "foreign_invested_enterprise": 1,
        "non_public_unit": 1,
        "cooperative": 2,
        "state_enterprise": 1,
        "public_service_unit": 1,
        "": 1,
    }


def test_rule_r014_counts_follow_the_date_asked_for(seed_2023):
    province = seed_2023["province"].pk
    mid_year = IndicatorContext(org_id=province, at=date(2023, 6, 30))
    assert compute("to_chuc_co_so_ngoai_nha_nuoc_moi", mid_year).value == 4
    a_district = IndicatorContext(org_id=seed_2023["binh_son"].pk, at=YEAR_END)
    assert compute("to_chuc_co_so_ngoai_nha_nuoc_moi", a_district).value == 2
    year_2022 = IndicatorContext(org_id=province, at=date(2022, 12, 31))
    assert compute("to_chuc_co_so_ngoai_nha_nuoc_moi", year_2022).value == 1


def test_rule_r014_organizations_and_members_by_sector_as_of_a_date(seed_2023):
    province = seed_2023["province"].pk
    before = compute("to_chuc_co_so_theo_khu_vuc", IndicatorContext(org_id=province, at=date(2023, 5, 31)))
    after = compute("to_chuc_co_so_theo_khu_vuc", IndicatorContext(org_id=province, at=YEAR_END))
    cells_before = {c.key: c.value for c in before.breakdowns["khu_vuc"]}
    cells_after = {c.key: c.value for c in after.breakdowns["khu_vuc"]}
    # The equitized company: state until 31/05/2023, private from 01/06/2023 (history kept).
    assert cells_before["state_enterprise"] == 2 and cells_after["state_enterprise"] == 1
    assert cells_before["private_enterprise"] == 3 and cells_after["private_enterprise"] == 5
    assert after.value == 12
    assert "trong đó 9 trong khu vực ngoài nhà nước" in after.text  # 8 of 2022-2023 + the equitized one
    members = compute("dv_theo_khu_vuc", IndicatorContext(org_id=province, at=YEAR_END))
    # The member of the cell below the FDI company's committee counts in that company's sector.
    assert members.value == 1
    assert {c.key: c.value for c in members.breakdowns["khu_vuc"]} == {"foreign_invested_enterprise": 1}


def test_rule_r014_sector_change_is_a_dated_audited_event(seed_2023):
    org = seed_2023["equitized"]
    versions = list(OrgVersion.objects.filter(org=org).order_by("valid_from").values_list("sector", "valid_to"))
    assert versions == [("state_enterprise", date(2023, 5, 31)), ("private_enterprise", None)]
    event = OrgEvent.objects.get(org=org, type=OrgEventType.SECTOR_CHANGED)
    assert event.payload == {"from": "state_enterprise", "to": "private_enterprise"}
    entry = AuditEntry.objects.filter(action=OrgEventType.SECTOR_CHANGED, object_id=str(org.pk)).get()
    assert "Doanh nghiệp nhà nước → Doanh nghiệp tư nhân" in entry.summary


def test_rule_r014_unknown_or_unchanged_sector_is_refused(seed_2023, system_user):
    org = seed_2023["equitized"]
    with pytest.raises(DomainError) as unknown:
        org_sector_change(actor=system_user, org=org, sector="doanh_nghiep_ma", on=date(2024, 1, 1))
    assert unknown.value.field == "sector" and "không hợp lệ" in unknown.value.message
    with pytest.raises(DomainError) as same:
        org_sector_change(actor=system_user, org=org, sector="private_enterprise", on=date(2024, 1, 1))
    assert "đã thuộc khu vực" in same.value.message
    with pytest.raises(DomainError):
        _mk(system_user, "QN-X", "Chi bộ X", "grassroots_cell", seed_2023["ba_to"], date(2024, 2, 1), "tu_nhan_ma")
    assert not OrgVersion.objects.filter(org__code="QN-X").exists()
    assert OrgVersion.objects.filter(org=org).count() == 2
