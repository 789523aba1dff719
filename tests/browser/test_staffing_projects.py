"""Restructuring projects in a real browser: the province officer opens «Đề án sắp xếp» from the
staffing nav, registers a project, marks one unit done, is refused a bad plan row (the field and row named, nothing
written), records the plan, the approving decision, applies it, and sees the lineage."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.staffing.models import AgencyLineage, ProjectAgency, RestructuringProject
from dangbo.staffing.services import agency_create, ensure_categories

pytestmark = [pytest.mark.browser]


def test_project_create_plan_approve_apply(live_server, login, officer, system_user, tree, page, screenshots):
    ensure_categories()
    d = tree["district"].pk
    bloc = agency_create(
        actor=system_user, code="H01-KD", name="Khối cơ quan Huyện ủy Sông Xanh", managing_org_id=d, on=date(2015, 1, 1)
    )
    for code, name in (
        ("H01-BTC", "Ban Tổ chức Huyện ủy Sông Xanh"),
        ("H01-UBKT", "Ủy ban Kiểm tra Huyện ủy Sông Xanh"),
    ):
        agency_create(actor=system_user, code=code, name=name, managing_org_id=d, on=date(2015, 1, 1), parent=bloc)

    base = live_server.url
    login(page, "canbo_tinh")

    page.goto(f"{base}/bien-che/")
    page.click("[data-testid=staffing-nav] >> text=Đề án sắp xếp")
    page.wait_for_url(re.compile(r"/bien-che/de-an/$"))
    page.click("text=Lập đề án")
    page.select_option("#id_org", str(d))
    page.fill("#id_name", "Đề án sắp xếp cơ quan tham mưu huyện")
    page.fill("#id_model", "Cơ quan Tổ chức - Nội vụ")
    page.fill("#id_units", "Ban Tổ chức Huyện ủy Sông Xanh; H01-BTC\nỦy ban Kiểm tra Huyện ủy Sông Xanh; H01-UBKT")
    page.click("button[type=submit]")
    project = RestructuringProject.objects.get(name="Đề án sắp xếp cơ quan tham mưu huyện")
    page.wait_for_url(re.compile(rf"/bien-che/de-an/{project.pk}/$"))
    assert "Chưa phê duyệt" in page.locator("[data-testid=project-status]").inner_text()

    # One unit done ahead of the project: its row's form, the "x/y" figure moves.
    first = project.units.order_by("id").first()
    row = page.locator(f"[data-unit='{first.pk}']")
    row.locator("input[name=done_on]").fill("15/05/2025")
    row.locator("[data-testid=unit-done]").click()
    page.wait_for_load_state()
    assert "1/2" in page.locator("[data-testid=project-units-done]").inner_text()
    assert "15/05/2025" in page.locator(f"[data-unit='{first.pk}']").inner_text()
    first.refresh_from_db()
    assert first.done_on == date(2025, 5, 15)

    page.click("text=Phương án sắp xếp")
    page.fill("#id_before", "H01-BTC; 3\nH01-UBKT; hai")
    page.fill("#id_after", "H01-KD; 4")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    error = page.locator("[data-field=before]").inner_text()
    assert "«Cơ quan trước sắp xếp», dòng 2" in error
    assert not ProjectAgency.objects.filter(project=project).exists()
    page.fill("#id_before", "H01-BTC; 3\nH01-UBKT; 2")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/bien-che/de-an/{project.pk}/$"))
    assert "Ban Tổ chức Huyện ủy Sông Xanh" in page.locator("[data-testid=project-before]").inner_text()

    form = page.locator("[data-testid=approve-form]")
    form.locator("#id_decision_number").fill("12-QĐ/HU")
    form.locator("#id_approved_on").fill("01/06/2025")
    form.locator("#id_applied_on").fill("01/07/2025")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.click("[data-testid=apply]")
    page.wait_for_load_state()
    assert "Đã thực hiện" in page.locator("[data-testid=project-status]").inner_text()
    assert (
        "Ban Tổ chức Huyện ủy Sông Xanh → Khối cơ quan Huyện ủy Sông Xanh"
        in page.locator("[data-testid=project-lineage]").inner_text()
    )
    assert AgencyLineage.objects.filter(project=project).count() == 2
    page.click("[data-testid=staffing-nav] >> text=Đề án sắp xếp")
    row = page.locator(f"[data-project='{project.pk}']").inner_text()
    assert "2/2" in row and "Đã thực hiện" in row
    assert page.errors == []
    page.screenshot(path=str(screenshots / "staffing-projects.png"), full_page=True)
