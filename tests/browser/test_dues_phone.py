"""Party dues on a phone (390 px, issue #21): the cell secretary collects the month's dues on the
monthly sheet with one tap per member and closes the month; the commune officer then sees the
cell closed ("1/1 chi bộ đã chốt") and the remittance in the commune's ledger."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access import policy
from dangbo.access.models import Role, RoleAssignment
from dangbo.dues import selectors as sel
from dangbo.dues.models import DuesMonthClose, DuesPayment
from dangbo.dues.services import DeclarationInput, declaration_record
from dangbo.members.services import ProfileInput, member_admit

pytestmark = [pytest.mark.browser]

PASSWORD = "Kiemthu@2026x"
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_secretary_collects_and_closes_the_month_on_a_phone_and_the_commune_sees_it(
        live_server, django_user_model, system_user, tree, phone_page, screenshots):
    members = [member_admit(actor=system_user, cell=tree["cell_a1"], decided_on=date(2020, 3, 2),
                            ceremony_on=date(2020, 3, 2), profile=ProfileInput(full_name=n, birth_year=1980, sex="M"))
               for n in NAMES]
    for m in members:
        declaration_record(actor=system_user, member=m, data=DeclarationInput(
            category="si_salary", base=8_000_000, valid_from=date(2025, 1, 1), declared_on=date(2025, 1, 2),
            source="Bản kê khai của đảng viên"))
    secretary = django_user_model.objects.create_user("bithu_a1", password=PASSWORD)
    RoleAssignment.objects.create(user=secretary, role=Role.CELL_SECRETARY, org=tree["cell_a1"],
                                  valid_from=date(2020, 1, 1))
    officer = django_user_model.objects.create_user("canbo_xa_a", password=PASSWORD)
    RoleAssignment.objects.create(user=officer, role=Role.OFFICER, org=tree["commune_a"], valid_from=date(2020, 1, 1))
    month = sel.add_months(sel.month_start(policy.today()), -1)
    page, base = phone_page, live_server.url
    _login(page, base, "bithu_a1")
    page.goto(f"{base}/dang-phi/?org={tree['cell_a1'].pk}&thang={month:%m/%Y}")
    assert "Phải thu 240.000 đ" in page.content()
    for m in members[:2]:  # one tap per member; the third has not paid yet
        with page.expect_navigation():
            page.click(f"li[data-member='{m.pk}'] button")
        assert "Đã ghi" in page.content()
    assert "đã thu 160.000 đ" in page.content()
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "dues-phone-sheet.png"), full_page=True)
    with page.expect_navigation():
        page.click("#chot-so")
    assert "Đã chốt sổ ngày" in page.content() and "Thu 80.000 đ" not in page.content()
    assert DuesPayment.objects.count() == 2
    close = DuesMonthClose.objects.get()
    assert (close.collected, close.retained, close.remitted) == (160_000, 48_000, 112_000)
    assert _no_horizontal_scroll(page)
    page.context.clear_cookies()
    _login(page, base, "canbo_xa_a")
    page.goto(f"{base}/dang-phi/so-quy/?org={tree['commune_a'].pk}&thang={month:%m/%Y}")
    text = page.locator("main").inner_text()
    assert "1/1 chi bộ đã chốt" in text and "Nhận từ cấp dưới" in text and "112.000 đ" in text
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "dues-phone-commune-ledger.png"), full_page=True)
    assert page.errors == []
