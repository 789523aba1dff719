"""The one «Thông báo» page in a real browser: a commune officer has a plans reminder (to the
user) and a grading reminder (to the commune); the navbar counts both, the page links each to
its record, and reading them lowers the count."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.grading.services import campaign_open
from dangbo.notifications.services import notify
from dangbo.plans.services import DocumentInput, TaskInput, document_register, notification_create, task_create

pytestmark = pytest.mark.browser


def test_notifications_page_and_navbar_count(live_server, login, system_user, commune_officer, tree, page, screenshots):
    plan = document_register(
        actor=system_user,
        data=DocumentInput(
            number="03-KH/ĐU",
            issued_on=date(2024, 1, 5),
            issuer="Đảng ủy xã An Bình",
            doc_type="ke_hoach",
            title="Kế hoạch của xã An Bình",
            owner_org_id=tree["commune_a"].pk,
        ),
    )
    task = task_create(
        actor=system_user,
        plan=plan,
        data=TaskInput(
            content="Kiện toàn chi ủy", deadline_text="Quý II/2024", implementing_org_ids=[tree["cell_a1"].pk]
        ),
    )
    notification_create(
        user=commune_officer,
        key="late:2024-06-30:0",
        org_id=tree["cell_a1"].pk,
        task=task,
        message="Chi bộ thôn 1: nhiệm vụ “Kiện toàn chi ủy” đã quá hạn ngày 30/06/2024.",
    )
    campaign = campaign_open(
        actor=system_user,
        year=2024,
        root_org=tree["commune_a"],
        opens_on=date(2024, 11, 15),
        self_assessment_due=date(2024, 11, 30),
        cell_meeting_due=date(2024, 12, 10),
        decision_due=date(2024, 12, 20),
        deadline=date(2024, 12, 25),
    )
    notify(
        kind="grading.late",
        key="grading.late:x",
        org_id=tree["commune_a"].pk,
        target=campaign,
        message="Đảng bộ xã An Bình: đã quá hạn hoàn thành đánh giá, xếp loại năm 2024.",
    )

    login(page, "canbo_xa_a")
    assert page.locator("#so-chua-doc").inner_text() == "3"  # the cell's new task, its reminder, the grading one

    page.click("#nav-thong-bao")
    page.wait_for_url(re.compile(r"/thong-bao/$"))
    items = page.locator("#danh-sach-thong-bao li")
    assert items.count() == 3
    page.screenshot(path=str(screenshots / "notifications.png"))
    assert "Được giao nhiệm vụ «Kiện toàn chi ủy»" in page.locator("#danh-sach-thong-bao").inner_text()
    assert page.locator(f"a[href='/van-ban/nhiem-vu/{task.pk}/']").count() == 2
    assert page.locator(f"a[href='/danh-gia/{campaign.pk}/']").count() == 1

    page.locator("#danh-sach-thong-bao li", has_text="đã quá hạn ngày 30/06/2024").locator("button").click()
    page.wait_for_load_state()
    assert page.locator("#so-chua-doc").inner_text() == "2"
    page.click("#doc-het")
    page.wait_for_load_state()
    assert page.locator("#so-chua-doc").count() == 0
    assert "Đã đánh dấu 2 thông báo là đã đọc." in page.locator("body").inner_text()
    assert page.errors == []
