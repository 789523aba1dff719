"""A small registry with a known history across the 01/07/2025 merger, built through the services.

Tree from 01/01/2015 (and what 01/07/2025 does to it):

  Đảng bộ tỉnh Hải Sơn (A) ─ huyện Hải Đông ─ xã Hải An ─ chi bộ a1, chi bộ a2
  Đảng bộ tỉnh Lâm Hà (B)  ─ huyện Lâm Tây  ─ xã Lâm Bình ─ chi bộ b1
  Đảng bộ tỉnh Cao Nguyên (C) ─ chi bộ c1                       (outside: transfers, attachments)
  01/07/2025: Đảng bộ tỉnh Hải Lâm (P) is established and A and B are merged into it.

Members (M = male, F = female; "full" = chính thức):
  m1 M a1  admitted 01/03/2019, full from 15/03/2020
  m2 F a2  Tày, Phật giáo; admitted 01/02/2024 (ceremony 20/02/2024), recognized 02/03/2025 (full from 20/02/2025)
  m3 M b1  admitted 02/05/2018, full; temporarily attached to c1 from 02/09/2024 (R-035)
  m4 M c1  admitted 01/03/2016, full; official transfer c1 -> a1 (out 03/06/2024, received 10/06/2024)
  m5 M a1  admitted 2017, full; official transfer a1 -> b1 (out 03/03/2025, received 10/03/2025)
  m6 M b1  born 1945, received from outside the system 05/01/2015 (admitted 1980), badge 40 years
           01/10/2021, exempt from activities from 05/01/2023 (R-037)
  m7 M a2  admitted 2015, full; died 10/04/2025
  m8 F a2  admitted 01/10/2024 (ceremony 10/10/2024); probationary name removal 05/05/2025
  m9 F a1  admitted 04/08/2025 (ceremony 15/08/2025), after the merger
"""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.members.models import EventType as E
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_create, member_record_event
from dangbo.orgs.services import org_establish, org_merge

START = date(2015, 1, 1)
MERGER = date(2025, 7, 1)


def _admit(actor, cell, name, *, decided, ceremony, sex="M", born=1985, **profile):
    return member_admit(
        actor=actor,
        cell=cell,
        decided_on=decided,
        ceremony_on=ceremony,
        profile=ProfileInput(full_name=name, birth_year=born, sex=sex, general_education="gdpt_thpt", **profile),
    )


def _record(actor, member, type_, on, **kw):
    return member_record_event(actor=actor, member=member, data=EventInput(type=type_, on=on, **kw))


@pytest.fixture
def merger_registry(db, system_user):
    u = system_user

    def mk(code, name, org_type, parent=None, on=START):
        return org_establish(actor=u, code=code, name=name, org_type=org_type, parent=parent, on=on)

    o = {}
    o["A"] = mk("HS", "Đảng bộ tỉnh Hải Sơn", "provincial_party_org")
    o["A_d"] = mk("HS-H1", "Đảng bộ huyện Hải Đông", "district_party_org", o["A"])
    o["A_x"] = mk("HS-X1", "Đảng bộ xã Hải An", "commune_party_org", o["A_d"])
    o["a1"] = mk("HS-X1-C1", "Chi bộ thôn Hải An 1", "subordinate_cell", o["A_x"])
    o["a2"] = mk("HS-X1-C2", "Chi bộ thôn Hải An 2", "subordinate_cell", o["A_x"])
    o["B"] = mk("LH", "Đảng bộ tỉnh Lâm Hà", "provincial_party_org")
    o["B_d"] = mk("LH-H1", "Đảng bộ huyện Lâm Tây", "district_party_org", o["B"])
    o["B_x"] = mk("LH-X1", "Đảng bộ xã Lâm Bình", "commune_party_org", o["B_d"])
    o["b1"] = mk("LH-X1-C1", "Chi bộ thôn Lâm Bình 1", "subordinate_cell", o["B_x"])
    o["C"] = mk("CN", "Đảng bộ tỉnh Cao Nguyên", "provincial_party_org")
    o["c1"] = mk("CN-C1", "Chi bộ Cơ quan Cao Nguyên", "grassroots_cell", o["C"])

    m = {}
    m["m1"] = _admit(u, o["a1"], "Trần Văn Một", decided=date(2019, 3, 1), ceremony=date(2019, 3, 15))
    _record(u, m["m1"], E.FULL_RECOGNITION, date(2020, 3, 20))
    m["m2"] = _admit(
        u,
        o["a2"],
        "Lò Thị Hai",
        decided=date(2024, 2, 1),
        ceremony=date(2024, 2, 20),
        sex="F",
        born=1998,
        ethnicity="02",
        religion="01",
        theory_level="so_cap",
    )
    _record(u, m["m2"], E.FULL_RECOGNITION, date(2025, 3, 2))
    m["m3"] = _admit(u, o["b1"], "Phạm Văn Ba", decided=date(2018, 5, 2), ceremony=date(2018, 5, 10))
    _record(u, m["m3"], E.FULL_RECOGNITION, date(2019, 5, 10))
    _record(u, m["m3"], E.TEMPORARY_TRANSFER_OUT, date(2024, 9, 2), counterpart_org=o["c1"])
    m["m4"] = _admit(u, o["c1"], "Hoàng Văn Bốn", decided=date(2016, 3, 1), ceremony=date(2016, 3, 10))
    _record(u, m["m4"], E.FULL_RECOGNITION, date(2017, 3, 10))
    _record(u, m["m4"], E.OFFICIAL_TRANSFER_OUT, date(2024, 6, 3), org=o["c1"], counterpart_org=o["a1"])
    _record(u, m["m4"], E.OFFICIAL_TRANSFER_IN, date(2024, 6, 10), org=o["a1"], counterpart_org=o["c1"])
    m["m5"] = _admit(u, o["a1"], "Vũ Văn Năm", decided=date(2017, 4, 3), ceremony=date(2017, 4, 14))
    _record(u, m["m5"], E.FULL_RECOGNITION, date(2018, 4, 16))
    _record(u, m["m5"], E.OFFICIAL_TRANSFER_OUT, date(2025, 3, 3), org=o["a1"], counterpart_org=o["b1"])
    _record(u, m["m5"], E.OFFICIAL_TRANSFER_IN, date(2025, 3, 10), org=o["b1"], counterpart_org=o["a1"])
    m["m6"] = member_create(
        actor=u, profile=ProfileInput(full_name="Đặng Văn Sáu", birth_year=1945, sex="M", theory_level="cao_cap")
    )
    _record(
        u,
        m["m6"],
        E.OFFICIAL_TRANSFER_IN,
        date(2015, 1, 5),
        org=o["b1"],
        payload={"status": "chinh_thuc", "admitted_on": "1980-05-01"},
    )
    _record(u, m["m6"], E.BADGE_AWARDED, date(2021, 10, 1), payload={"years": 40})
    _record(u, m["m6"], E.ACTIVITY_EXEMPTION, date(2023, 1, 5))
    m["m7"] = _admit(u, o["a2"], "Bùi Văn Bảy", decided=date(2015, 6, 1), ceremony=date(2015, 6, 10), born=1956)
    _record(u, m["m7"], E.FULL_RECOGNITION, date(2016, 6, 10))
    _record(u, m["m7"], E.DEATH, date(2025, 4, 10))
    m["m8"] = _admit(
        u, o["a2"], "Đỗ Thị Tám", decided=date(2024, 10, 1), ceremony=date(2024, 10, 10), sex="F", born=2000
    )
    _record(u, m["m8"], E.PROBATION_NAME_REMOVAL, date(2025, 5, 5))

    o["P"] = mk("HL", "Đảng bộ tỉnh Hải Lâm", "provincial_party_org", on=MERGER)
    org_merge(actor=u, sources=[o["A"], o["B"]], target=o["P"], on=MERGER)

    m["m9"] = _admit(
        u, o["a1"], "Ngô Thị Chín", decided=date(2025, 8, 4), ceremony=date(2025, 8, 15), sex="F", born=2001
    )
    for member in m.values():
        member.refresh_from_db()
    return {"orgs": o, "members": m}
