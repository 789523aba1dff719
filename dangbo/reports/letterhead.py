"""The issuing body of a party document (tên cơ quan ban hành văn bản, Hướng dẫn 36-HD/VPTW
ngày 03/4/2018, point II.1.2), by the kind of issuer: the two lines printed top left above "*",
and the line above the signature ("T/M ...").

- a party committee (cấp ủy) and its standing committee (ban thường vụ) issue under the name of
  the committee: the party organization above it, then the committee — "ĐẢNG BỘ TỈNH QUẢNG NGÃI" /
  "TỈNH ỦY" for a province (a district: "ĐẢNG BỘ TỈNH QUẢNG NGÃI" / "HUYỆN ỦY BA TƠ"); the standing
  committee signs "T/M BAN THƯỜNG VỤ" (seed 003), the committee "T/M TỈNH ỦY";
- an advisory department of a committee (cơ quan tham mưu, giúp việc: ban tổ chức, văn phòng...)
  puts the committee above the department — "TỈNH ỦY QUẢNG NGÃI" / "BAN TỔ CHỨC" (seed 001's
  stamp "TỈNH ỦY QUẢNG NGÃI / VĂN PHÒNG", seed 004 "TỈNH ỦY LẠNG SƠN / VĂN PHÒNG");
- a grassroots party committee: the party organization directly above, then the committee —
  "ĐẢNG BỘ HUYỆN BA TƠ" / "ĐẢNG ỦY XÃ BA ĐIỀN";
- a cell: the party organization directly above, then the cell — "ĐẢNG BỘ XÃ BA ĐIỀN" / "CHI BỘ
  THÔN 1"; signed "T/M CHI BỘ".

Source: Hướng dẫn 36-HD/VPTW point II.1.2 (https://thuvienphapluat.vn/hoi-dap-phap-luat/40E57-hd-cach-
trinh-bay-ten-co-quan-ban-hanh-van-ban-trong-van-ban-cua-dang.html quotes it); the department form is
confirmed by seeds 001 and 004. The committee and cell examples are from that guidance's pattern and
UNVERIFIED against its full text: a domain user should confirm them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from dangbo.core.text import nfc


class IssuerKind(models.TextChoices):
    COMMITTEE = "cap_uy", "Cấp ủy (ban chấp hành đảng bộ)"
    STANDING = "ban_thuong_vu", "Ban Thường vụ cấp ủy"
    DEPARTMENT = "ban_tham_muu", "Cơ quan tham mưu, giúp việc cấp ủy (Ban Tổ chức)"
    GRASSROOTS = "dang_uy_co_so", "Đảng ủy cơ sở"
    CELL = "chi_bo", "Chi bộ"


# "Đảng bộ tỉnh X" is led by "Tỉnh ủy X", and so on; any other "Đảng bộ X" by "Đảng ủy X".
_COMMITTEE_OF = (
    ("đảng bộ tỉnh ", "Tỉnh ủy "),
    ("đảng bộ thành phố ", "Thành ủy "),
    ("đảng bộ huyện ", "Huyện ủy "),
    ("đảng bộ quận ", "Quận ủy "),
    ("đảng bộ thị xã ", "Thị ủy "),
    ("đảng bộ ", "Đảng ủy "),
)
DEPARTMENT = "Ban Tổ chức"


def upper(text: str) -> str:
    return nfc(text).upper()


def committee_name(org_name: str) -> str:
    """ "Đảng bộ tỉnh Quảng Ngãi" -> "Tỉnh ủy Quảng Ngãi"; "Đảng bộ xã Ba Điền" -> "Đảng ủy xã Ba
    Điền"; a name that is not a "Đảng bộ ..." is returned as it is (a cell)."""
    name = nfc(org_name)
    low = name.lower()
    for prefix, committee in _COMMITTEE_OF:
        if low.startswith(prefix):
            return committee + name[len(prefix) :]
    return name


def committee_short(org_name: str) -> str:
    """The committee without its place: "Tỉnh ủy", "Huyện ủy", "Đảng ủy"."""
    low = nfc(org_name).lower()
    for prefix, committee in _COMMITTEE_OF:
        if low.startswith(prefix):
            return committee.strip()
    return "Đảng ủy"


@dataclass(frozen=True)
class Letterhead:
    lines: tuple[str, str]  # the party organization above (or the committee), then the issuer
    signature: str  # "T/M TỈNH ỦY", "T/M BAN THƯỜNG VỤ", "TRƯỞNG BAN", "T/M ĐẢNG ỦY", "T/M CHI BỘ"


def letterhead(kind: str, *, org_name: str, parent_name: str = "", department: str = DEPARTMENT) -> Letterhead:
    """The header lines and signing line of a document issued for organization `org_name` (its
    name on the date of the document) whose parent is `parent_name` ("" for a top organization)."""
    if kind in (IssuerKind.COMMITTEE, IssuerKind.STANDING):
        if parent_name:
            lines = (upper(parent_name), upper(committee_name(org_name)))
        else:
            lines = (upper(org_name), upper(committee_short(org_name)))
        sign = "T/M BAN THƯỜNG VỤ" if kind == IssuerKind.STANDING else f"T/M {upper(committee_short(org_name))}"
        return Letterhead(lines, sign)
    if kind == IssuerKind.DEPARTMENT:
        dept = upper(department)
        sign = "CHÁNH VĂN PHÒNG" if dept.startswith("VĂN PHÒNG") else "TRƯỞNG BAN"
        return Letterhead((upper(committee_name(org_name)), dept), sign)
    if kind == IssuerKind.GRASSROOTS:
        return Letterhead((upper(parent_name), upper(committee_name(org_name))), "T/M ĐẢNG ỦY")
    if kind == IssuerKind.CELL:
        return Letterhead((upper(parent_name), upper(org_name)), "T/M CHI BỘ")
    raise ValueError(f"unknown issuer kind {kind!r}")


DEFAULT_KIND_BY_ORG_TYPE = {
    "central_party_org": IssuerKind.DEPARTMENT,
    "provincial_party_org": IssuerKind.DEPARTMENT,  # the organization commission reports (seed 000)
    "grassroots_party_committee_org": IssuerKind.GRASSROOTS,
    "sub_committee_org": IssuerKind.GRASSROOTS,
    "grassroots_cell": IssuerKind.CELL,
    "subordinate_cell": IssuerKind.CELL,
    "temporary_cell": IssuerKind.CELL,
    "party_group": IssuerKind.CELL,
}


def default_kind(org_type: str) -> str:
    """The usual issuer of an organization's report: the organization commission of a province,
    the committee of a level-2 organization, the grassroots committee, the cell."""
    return DEFAULT_KIND_BY_ORG_TYPE.get(org_type, IssuerKind.COMMITTEE)
