"""Cadre work in a real browser: commune A's officer records an appointment decision for a cadre
and sees it on the cadre's record (lý lịch), in the timeline and the positions held."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.cadres.models import CadreAction, Title
from dangbo.cadres.services import CadreInput, cadre_create

pytestmark = [pytest.mark.browser]


def test_record_an_appointment_and_see_it_on_the_record(
    live_server, login, commune_officer, system_user, tree, page, screenshots
):
    title = Title.objects.create(
        province=tree["province"],
        code="PBT-XA",
        name="Phó Bí thư Đảng ủy xã",
        is_head=False,
        valid_from=date(2015, 1, 1),
    )
    cadre = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Đỗ Thị Hạnh", birth_date=date(1982, 7, 9), sex="F", managing_org_id=tree["commune_a"].pk
        ),
    )
    base = live_server.url
    login(page, "canbo_xa_a")

    page.goto(f"{base}/can-bo/")
    page.click("text=Ghi quyết định cán bộ")
    page.fill("#id_number", "12-QĐ/ĐU")
    page.fill("#id_signed_on", "02/05/2024")
    page.fill("#id_body", "Đảng ủy xã An Bình")
    page.select_option("#id_cadre", str(cadre.pk))
    page.select_option("#id_type", "appointment")
    page.select_option("#id_title", str(title.pk))
    page.fill("#id_on", "02/05/2024")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/can-bo/{cadre.pk}/$"))
    timeline = page.locator("#cadre-timeline").inner_text()
    assert "Bổ nhiệm" in timeline and "12-QĐ/ĐU" in timeline and "02/05/2024" in timeline
    assert "Phó Bí thư Đảng ủy xã" in page.content()
    assert CadreAction.objects.filter(cadre=cadre, type="appointment").count() == 1
    page.screenshot(path=str(screenshots / "cadre-record.png"), full_page=True)
