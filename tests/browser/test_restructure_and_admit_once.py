"""In a real browser: a refused restructuring (the Central Committee under a cell, R-001/R-009)
and an accepted one shown first as a preview, then confirmed; an admission form submitted twice
(a double click, then the same form sent again) creating one member."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangbo.access import policy
from dangbo.core.dates import add_working_days
from dangbo.members.models import Member
from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.services import version_on

pytestmark = pytest.mark.browser

SYSTEM = policy.SYSTEM.named("kiểm thử")


def fill_decision(page, on: str):
    page.fill("#id_on", on)
    page.fill("#id_decision_number", "25-QĐ/TU")
    page.fill("#id_decision_date", on)
    page.fill("#id_decision_body", "Ban Thường vụ Tỉnh ủy")


def test_a_refused_and_an_accepted_restructuring_with_the_preview(live_server, login, officer, tree, page, screenshots):
    base = live_server.url
    member_admit(
        actor=SYSTEM,
        cell=tree["cell_a2"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        decision_number="1-QĐ",
        profile=ProfileInput(full_name="Hoàng Thị Sáp Nhập", birth_year=1984, sex="F"),
    )
    login(page, "canbo_tinh", expect=lambda url: "/dang-nhap/" not in url)  # the home page: the worklist
    orgs_before = (Organization.objects.count(), OrgVersion.objects.count())

    # Refused: the Central Committee under a cell, with both types named; nothing written.
    page.goto(f"{base}/to-chuc/{tree['cell_a1'].pk}/thanh-lap/?ngay=01/07/2025")
    page.fill("#id_code", "TW")
    page.fill("#id_name", "Ban Chấp hành Trung ương Đảng")
    page.select_option("#id_org_type", "central_committee")
    fill_decision(page, "01/07/2025")
    page.click("button[type=submit] >> text=Xem trước")
    alert = page.locator(".alert-danger")
    alert.wait_for()
    assert (
        "Không thể đặt «Ban Chấp hành Trung ương Đảng» (Ban Chấp hành Trung ương Đảng) dưới «Chi bộ trực thuộc» "
        "(Chi bộ thôn 1)" in alert.inner_text()
    )
    assert page.locator("#xem-truoc").count() == 0
    assert (Organization.objects.count(), OrgVersion.objects.count()) == orgs_before
    page.screenshot(path=screenshots / "sap-xep-bi-tu-choi.png", full_page=True)

    # Accepted: merge cell 2 into cell 1; the preview lists the org ending and the member moving.
    page.goto(f"{base}/to-chuc/{tree['cell_a1'].pk}/hop-nhat/?ngay=01/07/2025")
    page.fill("#id_sources_text", "thon 2")  # the scoped organization picker, several organizations
    page.click(f"#id_sources_list [data-org-pick='{tree['cell_a2'].pk}']")
    page.wait_for_selector(f"#id_sources_chips input[value='{tree['cell_a2'].pk}']", state="attached")
    fill_decision(page, "01/07/2025")
    page.click("button[type=submit] >> text=Xem trước")
    preview = page.locator("#xem-truoc")
    preview.wait_for()
    text = preview.inner_text()
    assert "Kết thúc hoạt động" in text and "Chi bộ thôn 2" in text and "trực thuộc Đảng bộ xã An Bình" in text
    page.locator("#xem-truoc summary").click()
    assert "Hoàng Thị Sáp Nhập (1984) → Chi bộ thôn 1" in preview.inner_text()
    assert version_on(tree["cell_a2"], date(2025, 7, 1)) is not None  # nothing written yet
    page.screenshot(path=screenshots / "sap-xep-xem-truoc.png", full_page=True)
    page.click("button[type=submit] >> text=Xác nhận")
    page.wait_for_url(re.compile(rf"/to-chuc/{tree['cell_a1'].pk}/\?ngay="))
    assert "Đã hợp nhất 1 tổ chức vào tổ chức này từ ngày 01/07/2025." in page.inner_text("main")
    assert version_on(tree["cell_a2"], date(2025, 7, 1)) is None
    assert Member.objects.get(full_name="Hoàng Thị Sáp Nhập").current_org_id == tree["cell_a1"].pk
    assert page.errors == []


def test_a_double_submitted_admission_creates_one_member(live_server, login, officer, tree, page):
    base = live_server.url
    login(page, "canbo_tinh", expect=lambda url: "/dang-nhap/" not in url)
    today = timezone.localdate()
    decided = today - timedelta(days=20)
    page.goto(f"{base}/dang-vien/ket-nap/")

    def fill():
        page.fill("#id_full_name", "Đinh Thị Một Lần")
        page.fill("#id_birth_date", "15/08/1998")
        page.select_option("#id_sex", "F")
        page.select_option("#id_general_education", "gdpt_thpt")
        page.fill("#id_cell_text", "thon 2")  # the scoped organization picker
        page.locator(f"#id_cell_list [data-org-pick='{tree['cell_a2'].pk}']").click()
        page.fill("#id_decided_on", decided.strftime("%d/%m/%Y"))
        page.fill("#id_decision_number", "87-QĐ/ĐU")
        page.fill("#id_decision_body", "Đảng ủy xã An Bình")
        page.fill("#id_ceremony_on", min(add_working_days(decided, 5), today).strftime("%d/%m/%Y"))

    fill()
    form_html = page.content()
    # A double click: the second submit of the same form is ignored and the button disabled.
    page.evaluate("""() => { const f = document.querySelector('main form[method=post]');
        f.requestSubmit(); f.requestSubmit(); }""")
    page.wait_for_url(re.compile(r"/dang-vien/\d+/$"))
    assert Member.objects.filter(full_name="Đinh Thị Một Lần").count() == 1
    member = Member.objects.get(full_name="Đinh Thị Một Lần")

    # The same form sent again (the page kept from before, e.g. back then resend): no second member.
    token = re.search(r'name="form_token" value="([^"]+)"', form_html).group(1)
    page.go_back()
    page.wait_for_url(re.compile(r"/dang-vien/ket-nap/"))
    fill()
    page.evaluate("t => document.querySelector('input[name=form_token]').value = t", token)
    page.click("button[type=submit] >> text=Ghi kết nạp")
    page.wait_for_url(re.compile(rf"/dang-vien/{member.pk}/$"))
    assert "không ghi thêm lần nữa" in page.inner_text("main")
    assert Member.objects.filter(full_name="Đinh Thị Một Lần").count() == 1
    assert page.errors == []
