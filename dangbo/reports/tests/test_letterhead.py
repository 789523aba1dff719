"""The issuing body printed top left of a party document, per kind of issuer (Hướng dẫn
36-HD/VPTW point II.1.2; reports.letterhead)."""

from __future__ import annotations

import pytest

from dangbo.reports.letterhead import IssuerKind, committee_name, default_kind, letterhead


def test_a_committee_issues_under_its_party_organization():
    h = letterhead(IssuerKind.COMMITTEE, org_name="Đảng bộ tỉnh Quảng Ngãi")
    assert h.lines == ("ĐẢNG BỘ TỈNH QUẢNG NGÃI", "TỈNH ỦY") and h.signature == "T/M TỈNH ỦY"
    district = letterhead(IssuerKind.COMMITTEE, org_name="Đảng bộ huyện Ba Tơ", parent_name="Đảng bộ tỉnh Quảng Ngãi")
    assert district.lines == ("ĐẢNG BỘ TỈNH QUẢNG NGÃI", "HUYỆN ỦY BA TƠ") and district.signature == "T/M HUYỆN ỦY"


def test_the_standing_committee_issues_under_the_committee_and_signs_for_itself():
    h = letterhead(IssuerKind.STANDING, org_name="Đảng bộ tỉnh Quảng Ngãi")
    assert h.lines == ("ĐẢNG BỘ TỈNH QUẢNG NGÃI", "TỈNH ỦY")
    assert h.signature == "T/M BAN THƯỜNG VỤ"  # seed 003


def test_a_committee_department_puts_the_committee_above_it():
    h = letterhead(IssuerKind.DEPARTMENT, org_name="Đảng bộ tỉnh Quảng Ngãi", parent_name="")
    assert h.lines == ("TỈNH ỦY QUẢNG NGÃI", "BAN TỔ CHỨC") and h.signature == "TRƯỞNG BAN"
    office = letterhead(IssuerKind.DEPARTMENT, org_name="Đảng bộ tỉnh Lạng Sơn", department="Văn phòng")
    assert office.lines == ("TỈNH ỦY LẠNG SƠN", "VĂN PHÒNG")  # seed 004


def test_a_grassroots_committee_issues_under_the_party_organization_above():
    h = letterhead(IssuerKind.GRASSROOTS, org_name="Đảng bộ xã Ba Điền", parent_name="Đảng bộ huyện Ba Tơ")
    assert h.lines == ("ĐẢNG BỘ HUYỆN BA TƠ", "ĐẢNG ỦY XÃ BA ĐIỀN") and h.signature == "T/M ĐẢNG ỦY"


def test_a_cell_issues_under_the_party_organization_above():
    h = letterhead(IssuerKind.CELL, org_name="Chi bộ thôn 1", parent_name="Đảng bộ xã Ba Điền")
    assert h.lines == ("ĐẢNG BỘ XÃ BA ĐIỀN", "CHI BỘ THÔN 1") and h.signature == "T/M CHI BỘ"


@pytest.mark.parametrize(
    ("name", "committee"),
    [
        ("Đảng bộ thành phố Quảng Ngãi", "Thành ủy Quảng Ngãi"),
        ("Đảng bộ thị xã Đức Phổ", "Thị ủy Đức Phổ"),
        ("Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh", "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh"),
        ("Chi bộ thôn 1", "Chi bộ thôn 1"),
    ],
)
def test_committee_names(name, committee):
    assert committee_name(name) == committee


def test_default_issuer_by_organization_type():
    assert default_kind("provincial_party_org") == IssuerKind.DEPARTMENT
    assert default_kind("commune_party_org") == IssuerKind.COMMITTEE
    assert default_kind("grassroots_party_committee_org") == IssuerKind.GRASSROOTS
    assert default_kind("subordinate_cell") == IssuerKind.CELL
