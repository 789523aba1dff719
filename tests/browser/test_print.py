"""Print (A4, rough edge of issue 15): the member record, the member list and a report print
without the navigation, buttons and forms, on A4 paper, with every list column shown."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access import policy
from dangbo.members.services import ProfileInput, member_admit

pytestmark = pytest.mark.browser
SYSTEM = policy.SYSTEM.named("kiểm thử")


def test_member_record_list_and_report_print_on_a4(live_server, login, officer, tree, page, screenshots):
    member = member_admit(
        actor=SYSTEM,
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        decision_number="1-QĐ",
        profile=ProfileInput(full_name="Ngô Thị In Ấn", birth_year=1985, sex="F", citizen_id="001185000999"),
    )
    base = live_server.url
    login(page, "canbo_tinh", expect=lambda url: "/dang-nhap/" not in url)
    for url in (f"/dang-vien/{member.pk}/", "/dang-vien/", "/bao-cao/"):
        page.goto(base + url)
        page.emulate_media(media="print")
        assert not page.locator("nav.navbar").is_visible(), url
        assert page.locator("main form:visible").count() == 0, url
        assert page.locator("main .btn:visible").count() == 0, url
        pdf = page.pdf(prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
        # A4 = 595 x 842 points
        assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox [0 0 594" in pdf, url
        page.emulate_media(media="screen")
    page.goto(f"{base}/dang-vien/")
    page.emulate_media(media="print")
    assert page.locator("th", has_text="Chi bộ").is_visible()  # hidden on narrow screens, printed
    assert "Ngô Thị In Ấn" in page.inner_text("main")
    assert page.errors == []
