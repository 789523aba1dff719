"""The demo's staffing data: the 2025 merge in the demo province and the seed's «7/8 … 12/13»."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangbo.demo.staffing_demo import build_staffing
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import Agency

pytestmark = pytest.mark.django_db


def test_demo_staffing(system_user, tree):
    out = build_staffing(
        actor=system_user, ids={"SH": tree["province"].pk, "SH-DS": tree["district"].pk}, today=date(2026, 12, 6)
    )
    assert out["agencies"] == Agency.objects.count() == 7
    root = Agency.objects.get(code="SH-KD")
    row = sel.figures(actor=system_user, agency_id=root.pk, at=date(2026, 12, 6)).row("cb_cc")
    assert (row.baseline, row.quota, row.reduction, row.reduction_pct) == (130, 120, 10, Decimal("7.69"))
    btc = Agency.objects.get(code="SH-BTC")
    assert sel.figures(actor=system_user, agency_id=btc.pk, at=date(2025, 6, 30)).row("cb_cc").baseline == 30
    assert sel.figures(actor=system_user, agency_id=btc.pk, at=date(2025, 12, 31)).row("cb_cc").baseline == 38
    # The province merged into Sơn Giang on 01/07/2025: the bodies carry its name from that day.
    names = {
        at: {r.version.name for r in sel.agency_tree(actor=system_user, at=at)}
        for at in (date(2025, 6, 30), date(2025, 7, 1))
    }
    assert {"Khối cơ quan Đảng tỉnh Sơn Hà", "Ban Tổ chức Tỉnh ủy Sơn Hà"} <= names[date(2025, 6, 30)]
    assert {
        "Khối cơ quan Đảng tỉnh Sơn Giang",
        "Ban Tổ chức Tỉnh ủy Sơn Giang",
        "Văn phòng Tỉnh ủy Sơn Giang",
        "Ủy ban Kiểm tra Tỉnh ủy Sơn Giang",
    } <= names[date(2025, 7, 1)]
    assert not any("Sơn Hà" in n for n in names[date(2025, 7, 1)])
    progress = sel.restructured_by_model(actor=system_user, at=date(2026, 1, 1))
    assert sel.restructured_summary(progress) == (
        "7/8 Cơ quan Thanh tra - Kiểm tra; 8/13 Cơ quan Tổ chức - Nội vụ; 12/13 Văn phòng cấp huyện"
    )


def test_demo_catalogues_and_project_figures(system_user, tree):
    """The demo's job-position catalogues: two provincial bodies approved, the office appraised,
    the district commission submitted (then merged away): «2/4» of the agencies in force today."""
    from dangbo.staffing.models import CatalogueStatus, JobCatalogue

    today = date(2026, 12, 6)
    out = build_staffing(actor=system_user, ids={"SH": tree["province"].pk, "SH-DS": tree["district"].pk}, today=today)
    assert out["catalogues"] == JobCatalogue.objects.count() == 4
    status = dict(JobCatalogue.objects.values_list("agency__code", "status"))
    assert status == {
        "SH-BTC": CatalogueStatus.APPROVED,
        "SH-UBKT": CatalogueStatus.APPROVED,
        "SH-VP": CatalogueStatus.APPRAISED,
        "DS-BTC": CatalogueStatus.SUBMITTED,
    }
    in_force = [r.version.agency_id for r in sel.agency_tree(actor=system_user, at=today)]
    figures = sel.catalogue_figures(agency_ids=in_force, at=today)
    assert figures.text == "2/4" and figures.by_status["Đã thẩm định"] == 1
    # Before the approvals (01/06/2023) none is approved.
    assert sel.catalogue_figures(agency_ids=in_force, at=date(2023, 5, 1)).approved == 0
    btc = JobCatalogue.objects.get(agency__code="SH-BTC")
    assert btc.decision_number == "215-QĐ/TU" and sum(p.number for p in btc.positions.all()) == 29


def test_demo_staffing_early_today_has_no_catalogues(system_user, tree):
    out = build_staffing(
        actor=system_user, ids={"SH": tree["province"].pk, "SH-DS": tree["district"].pk}, today=date(2023, 2, 1)
    )
    assert out["catalogues"] == 0
