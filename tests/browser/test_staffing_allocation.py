"""Quota allocation in a real browser: the province officer picks the receiving agency, sees the
remaining balance of its parent, is refused an allocation above it (nothing written), then
allocates within it and lands on the agency's page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from dangbo.staffing.models import QuotaAllocation
from dangbo.staffing.services import AllocationInput, agency_create, ensure_categories, quota_allocate

pytestmark = [pytest.mark.browser]


def test_allocate_within_the_remaining_balance(live_server, login, officer, system_user, tree, page, screenshots):
    cb = ensure_categories()["cb_cc"]
    year = timezone.localdate().year
    jan = date(year, 1, 2)
    bloc = agency_create(
        actor=system_user,
        code="H01-KD",
        name="Khối cơ quan Huyện ủy Sông Xanh",
        managing_org_id=tree["district"].pk,
        on=date(2015, 1, 1),
    )
    office = agency_create(
        actor=system_user,
        code="H01-VP",
        name="Văn phòng Huyện ủy Sông Xanh",
        managing_org_id=tree["district"].pk,
        on=date(2015, 1, 1),
        parent=bloc,
    )
    other = agency_create(
        actor=system_user,
        code="H01-BTC",
        name="Ban Tổ chức Huyện ủy Sông Xanh",
        managing_org_id=tree["district"].pk,
        on=date(2015, 1, 1),
        parent=bloc,
    )
    for agency, number, label in ((bloc, 20, "Ban Thường vụ Tỉnh ủy"), (other, 12, "")):
        quota_allocate(
            actor=system_user,
            data=AllocationInput(
                year=year,
                receiving_id=agency.pk,
                category_id=cb.pk,
                number=number,
                decision_number="01-QĐ",
                decision_date=jan,
                allocating_label=label,
            ),
        )

    base = live_server.url
    login(page, "canbo_tinh")

    page.goto(f"{base}/bien-che/")
    assert "Văn phòng Huyện ủy Sông Xanh" in page.content()
    page.click("text=Giao biên chế")
    page.wait_for_selector("#allocation-form[data-bound]")  # staffing.js listens for the choice
    with page.expect_navigation():
        page.select_option("#id_receiving", str(office.pk))  # reloads with the parent's balance
    page.wait_for_url(re.compile(rf"co_quan={office.pk}"))
    balance = page.locator("[data-testid=balance]").inner_text()
    assert "Khối cơ quan Huyện ủy Sông Xanh" in balance and "8" in balance  # 20 received − 12 given
    page.select_option("#id_category", str(cb.pk))
    page.fill("#id_number", "9")
    page.fill("#id_decision_number", "05-QĐ/HU")
    page.fill("#id_decision_date", f"02/03/{year}")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "thiếu 1" in page.locator("#allocation-form").inner_text()
    assert not QuotaAllocation.objects.filter(decision_number="05-QĐ/HU").exists()
    page.fill("#id_number", "8")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/bien-che/{office.pk}/$"))
    assert "Đã giao 8 biên chế" in page.content()
    assert QuotaAllocation.objects.get(decision_number="05-QĐ/HU").number == 8
    assert page.errors == []
    page.screenshot(path=str(screenshots / "staffing-allocation.png"), full_page=True)
