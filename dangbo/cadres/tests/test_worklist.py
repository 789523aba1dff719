"""Cadre work on the worklist: appointment terms ending in 6 months, retirement within 12 months,
confidence-vote units not done; each count links to a list with the same people; scoped."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.worklist import worklist
from dangbo.cadres.selectors import CadreFilters, cadre_list
from dangbo.cadres.services import ActionInput, DecisionInput, decision_record
from dangbo.cadres.votes import campaign_open, unit_set
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def _items(user):
    return {i.key: i for i in worklist(user, TODAY) if i.group == "Công tác cán bộ"}


def _appoint(system_user, cadre, title, on, type="appointment"):
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number=f"{on:%d%m%y}-QĐ",
            signed_on=on,
            body="Ban Thường vụ",
            org_id=cadre.managing_org_id,
            actions=[ActionInput(cadre_id=cadre.pk, type=type, on=on, title_id=title.pk)],
        ),
    )


def test_terms_ending_in_six_months_count_from_the_last_appointment(
    system_user, commune_officer, outsider, tree, titles
):
    def mk(name):
        return CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name=name)

    due, later, renewed = mk("Ngô Văn Đến Hạn"), mk("Ngô Văn Còn Lâu"), mk("Ngô Văn Bổ Nhiệm Lại")
    _appoint(system_user, due, titles["dept_deputy"], date(2021, 9, 1))  # term ends 01/09/2026
    _appoint(system_user, later, titles["dept_deputy"], date(2022, 3, 1))  # ends 01/03/2027
    _appoint(system_user, renewed, titles["dept_deputy"], date(2016, 8, 1))
    _appoint(system_user, renewed, titles["dept_deputy"], date(2021, 8, 1), type="reappointment")  # ends 08/2026
    items = _items(commune_officer)
    assert items["can_bo_het_han"].count == 2 and items["can_bo_het_han"].url.endswith("?het_han=6")
    names = {
        c.full_name for c in cadre_list(actor=commune_officer, filters=CadreFilters(at=TODAY, term_ending_months=6))
    }
    assert names == {"Ngô Văn Đến Hạn", "Ngô Văn Bổ Nhiệm Lại"}
    assert _items(outsider)["can_bo_het_han"].count == 0


def test_retirement_within_twelve_months_by_sex_and_year(system_user, commune_officer, tree, client):
    for name, birth, sex in (
        ("Trần Văn Sắp Hưu", date(1965, 1, 1), "M"),  # 61 y 6 m in 2026 → 01/07/2026
        ("Trần Văn Chưa Hưu", date(1966, 1, 1), "M"),  # 61 y 9 m in 2027 → 01/10/2027
        ("Trần Thị Đã Hưu", date(1969, 3, 1), "F"),  # 57 y in 2026 → 01/03/2026 (past)
        ("Trần Thị Sắp Hưu", date(1969, 8, 15), "F"),  # 57 y in 2026 → 15/08/2026
        ("Trần Thị Năm Sau", date(1970, 6, 1), "F"),
    ):  # 57 y 4 m in 2027 → 01/10/2027
        CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name=name, birth_date=birth, sex=sex)
    items = _items(commune_officer)
    names = {c.full_name for c in cadre_list(actor=commune_officer, filters=CadreFilters(at=TODAY, retiring_months=12))}
    assert names == {"Trần Văn Sắp Hưu", "Trần Thị Sắp Hưu"}
    assert items["can_bo_nghi_huu"].count == 2
    client.force_login(commune_officer)
    page = client.get(reverse("cadres:cadre_list"), {"nghi_huu": 12, "ngay": "01/06/2026"}).content.decode()
    assert "Trần Văn Sắp Hưu" in page and "Trần Văn Chưa Hưu" not in page


def test_confidence_vote_units_not_done(system_user, commune_officer, outsider, tree):
    campaign = campaign_open(actor=system_user, org_id=tree["commune_a"].pk, year=2026, name="Lấy phiếu 2026")
    unit_set(actor=system_user, campaign=campaign, name="Đơn vị A", status="done", held_on=date(2026, 5, 1))
    unit_set(actor=system_user, campaign=campaign, name="Đơn vị B")
    unit_set(actor=system_user, campaign=campaign, name="Đơn vị C")
    unit_set(actor=system_user, campaign=campaign, name="Đơn vị D", status="postponed", decision="5-QĐ")
    assert _items(commune_officer)["tin_nhiem_chua_xong"].count == 2
    assert _items(outsider)["tin_nhiem_chua_xong"].count == 0
