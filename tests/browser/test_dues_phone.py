"""Party dues on a phone (390 px, issue #21): the cell secretary opens /dang-phi/ (a secretary of one
cell lands on its sheet of the month), collects the month's dues with one tap per member and
closes the month (/dang-phi/chot/); the commune officer, on a desktop, then sees the cell closed in
the overview of /dang-phi/ and in the commune's ledger ("1/1 chi bộ đã chốt", the remittance)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access import policy
from dangbo.access.models import Role, RoleAssignment
from dangbo.dues import selectors as sel
from dangbo.dues.models import DuesMonthClose, DuesPayment
from dangbo.dues.services import DeclarationInput, declaration_record
from dangbo.members.services import ProfileInput, member_admit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_secretary_collects_and_closes_the_month_on_a_phone_and_the_commune_sees_it(
    live_server, login, django_user_model, system_user, tree, phone_page, page, screenshots
):
    members = [
        member_admit(
            actor=system_user,
            cell=tree["cell_a1"],
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 2),
            profile=ProfileInput(full_name=n, birth_year=1980, sex="M"),
        )
        for n in NAMES
    ]
    for m in members:
        declaration_record(
            actor=system_user,
            member=m,
            data=DeclarationInput(
                category="si_salary",
                base=8_000_000,
                valid_from=date(2025, 1, 1),
                declared_on=date(2025, 1, 2),
                source="Bản kê khai của đảng viên",
            ),
        )
    secretary = django_user_model.objects.create_user("bithu_a1", password=PASSWORD)
    RoleAssignment.objects.create(
        user=secretary, role=Role.CELL_SECRETARY, org=tree["cell_a1"], valid_from=date(2020, 1, 1)
    )
    officer = django_user_model.objects.create_user("canbo_xa_a", password=PASSWORD)
    RoleAssignment.objects.create(user=officer, role=Role.OFFICER, org=tree["commune_a"], valid_from=date(2020, 1, 1))
    month = sel.month_start(policy.today())
    phone, base = phone_page, live_server.url
    login(phone, "bithu_a1")
    phone.goto(f"{base}/dang-phi/")  # no organization chosen: the secretary's only cell, this month
    assert f"Thu đảng phí tháng {month:%m/%Y}" in phone.content() and "Chi bộ thôn 1" in phone.content()
    assert "Phải thu 240.000 đ" in phone.content()
    for m in members[:2]:  # one tap per member; the third has not paid yet
        with phone.expect_navigation():
            phone.click(f"li[data-member='{m.pk}'] button")
        assert "Đã ghi" in phone.content()
    assert "đã thu 160.000 đ" in phone.content()
    assert _no_horizontal_scroll(phone)
    phone.screenshot(path=str(screenshots / "dues-phone-sheet.png"), full_page=True)
    with phone.expect_response(lambda r: r.request.method == "POST") as posted, phone.expect_navigation():
        phone.click("#chot-so")
    assert posted.value.url == f"{base}/dang-phi/chot/" and posted.value.status == 302
    text = phone.locator("main").inner_text()
    assert f"Đã chốt sổ tháng {month:%m/%Y}: nộp cấp trên 112.000 đ." in text
    assert "Đã chốt sổ ngày" in text and "Thu 80.000 đ" not in text
    assert DuesPayment.objects.count() == 2
    close = DuesMonthClose.objects.get()
    assert (close.org_id, close.month) == (tree["cell_a1"].pk, month)
    assert (close.collected, close.retained, close.remitted) == (160_000, 48_000, 112_000)
    assert _no_horizontal_scroll(phone)
    assert phone.errors == []
    # The commune officer, on a desktop: the overview of /dang-phi/, then the commune's ledger.
    login(page, "canbo_xa_a")
    page.goto(f"{base}/dang-phi/?thang={month:%m/%Y}")
    row = page.locator(f"#tong-quan tr[data-org='{tree['cell_a1'].pk}']").inner_text()
    assert "Chi bộ thôn 1" in row and "240.000" in row and "160.000" in row and "66,7%" in row
    assert "Đã chốt" in row
    page.goto(f"{base}/dang-phi/so-quy/?org={tree['commune_a'].pk}&thang={month:%m/%Y}")
    text = page.locator("main").inner_text()
    assert "1/1 chi bộ đã chốt" in text and "Nhận từ cấp dưới" in text and "112.000 đ" in text
    assert "Chi bộ thôn 1" in page.locator("#closing-status + ul").inner_text()
    page.screenshot(path=str(screenshots / "dues-commune-ledger.png"), full_page=True)
    assert page.errors == []
