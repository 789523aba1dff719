"""A transfer from one commune to another in a real browser, and the worklist.

The officer of commune A issues the introduction letter from the member's profile; the profile
shows the member in transit; the officer of commune B finds the member on the home page's
worklist and in the inbox «Tiếp nhận sinh hoạt đảng», confirms the reception into a cell; the
profile then shows the new cell. The worklist shows the counts and links to the lists behind them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event

pytestmark = pytest.mark.browser


def test_transfer_from_commune_a_received_by_commune_b(
    live_server, login, system_user, tree, commune_officer, outsider, page, screenshots
):
    member = member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Hoàng Văn Chuyển", birth_year=1980, sex="M"),
        cell=tree["cell_a1"],
        decided_on=date(2018, 3, 5),
        ceremony_on=date(2018, 3, 19),
    )
    member_record_event(
        actor=system_user, member=member, data=EventInput(type="full_recognition", on=date(2019, 3, 25))
    )
    # a probationary member overdue for recognition in commune B, for the worklist
    member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Lý Thị Dự Bị", birth_year=1995, sex="F"),
        cell=tree["cell_b1"],
        decided_on=date(2023, 1, 9),
        ceremony_on=date(2023, 1, 16),
    )
    base = live_server.url
    today = timezone.localdate().strftime("%d/%m/%Y")

    # Commune A issues the letter to commune B.
    login(page, "canbo_xa_a", expect=re.compile(r"/$"))
    page.goto(f"{base}/dang-vien/{member.pk}/")
    page.click("text=Chuyển sinh hoạt")
    page.fill("#id_letter_number", "15-GGT/ĐU")
    page.fill("#id_on", today)
    page.fill("#id_issued_by", "Đảng ủy xã An Bình")
    page.fill("#id_to_org_text", "binh minh")  # the destination picker searches the whole system
    page.click(f"#id_to_org_list [data-org-pick='{tree['commune_b'].pk}']")
    page.click("button:has-text('Cấp giấy giới thiệu')")
    page.wait_for_url(re.compile(rf"/dang-vien/{member.pk}/$"))
    banner = page.locator("#dang-chuyen").inner_text()
    assert "Đang chuyển sinh hoạt đến Đảng bộ xã Bình Minh, chờ tiếp nhận" in banner
    assert "15-GGT/ĐU" in banner
    assert "Chi bộ thôn 1" in page.locator("h1 + div").inner_text()  # still counted at the sender
    page.screenshot(path=str(screenshots / "transfer-01-in-transit.png"))

    # Commune B: the worklist counts the incoming member and links to the inbox.
    page.context.clear_cookies()
    login(page, "canbo_xa_b", expect=re.compile(r"/$"))
    incoming = page.locator("#viec-chuyen_den")
    assert incoming.locator(".so-luong").inner_text() == "1"
    assert page.locator("#viec-du_bi_qua_han .so-luong").inner_text() == "1"
    page.screenshot(path=str(screenshots / "worklist.png"), full_page=True)
    incoming.locator("a").click()
    page.wait_for_url(re.compile(r"/dang-vien/chuyen-sinh-hoat/"))
    row = page.locator("#den tbody tr", has_text="Hoàng Văn Chuyển")
    assert "15-GGT/ĐU" in row.inner_text()
    row.locator("a", has_text="Tiếp nhận").click()
    page.wait_for_url(re.compile(r"/tiep-nhan/$"))
    assert "Xác nhận tiếp nhận sinh hoạt đảng" in page.inner_text("h1")
    # the only cell under the destination is chosen already in the organization picker
    assert page.input_value("#id_cell") == str(tree["cell_b1"].pk)
    page.fill("#id_on", today)
    page.click("button:has-text('Xác nhận tiếp nhận')")
    page.wait_for_url(re.compile(rf"/dang-vien/{member.pk}/$"))
    assert "Đã tiếp nhận sinh hoạt đảng của Hoàng Văn Chuyển." in page.inner_text("body")
    assert "Chi bộ thôn Đông" in page.locator("h1 + div").inner_text()
    assert page.locator("#dang-chuyen").count() == 0
    page.screenshot(path=str(screenshots / "transfer-02-received.png"))

    # The worklist no longer counts it; the probation item links to its list.
    page.goto(f"{base}/")
    assert page.locator("#viec-chuyen_den .so-luong").inner_text() == "0"
    page.locator("#viec-du_bi_qua_han a").click()
    page.wait_for_url(re.compile(r"/viec-can-lam/\?muc=du_bi_qua_han$"))
    assert page.locator("#tong-so").inner_text() == "1"
    assert "Lý Thị Dự Bị" in page.inner_text("main")
    assert page.errors == []
