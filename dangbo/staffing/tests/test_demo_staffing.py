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
    out = build_staffing(actor=system_user, ids={"SH": tree["province"].pk, "SH-DS": tree["district"].pk},
                         today=date(2026, 12, 6))
    assert out["agencies"] == Agency.objects.count() == 7
    root = Agency.objects.get(code="SH-KD")
    row = sel.figures(actor=system_user, agency_id=root.pk, at=date(2026, 12, 6)).row("cb_cc")
    assert (row.baseline, row.quota, row.reduction, row.reduction_pct) == (130, 120, 10, Decimal("7.69"))
    btc = Agency.objects.get(code="SH-BTC")
    assert sel.figures(actor=system_user, agency_id=btc.pk, at=date(2025, 6, 30)).row("cb_cc").baseline == 30
    assert sel.figures(actor=system_user, agency_id=btc.pk, at=date(2025, 12, 31)).row("cb_cc").baseline == 38
    progress = sel.restructured_by_model(actor=system_user, at=date(2026, 1, 1))
    assert sel.restructured_summary(progress) == (
        "7/8 Cơ quan Thanh tra - Kiểm tra; 8/13 Cơ quan Tổ chức - Nội vụ; 12/13 Văn phòng cấp huyện")
