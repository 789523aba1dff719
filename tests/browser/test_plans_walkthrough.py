"""Plans in a real browser: the province officer registers a directive and a plan implementing
it, adds a task for two communes, commune A reports it done, and the province sees commune B
flagged late (R-130, R-131). The deadline was a typo: the province corrects it on the task's edit
page, the new deadline is read again and commune B is no longer late; the correction is audited."""

from __future__ import annotations

import re

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.plans.models import Document, Task

pytestmark = [pytest.mark.browser, pytest.mark.urls("dangbo.plans.tests.urls")]


def test_plan_walkthrough(live_server, login, officer, commune_officer, tree, page, browser, screenshots):
    base = live_server.url
    login(page, "canbo_tinh")

    # Register a directive of the province.
    page.goto(f"{base}/van-ban/moi/")
    page.fill("#id_number", "30-CT/TU")
    page.fill("#id_issued_on", "05/01/2023")
    page.select_option("#id_doc_type", "chi_thi")
    page.fill("#id_issuer", "Ban Thường vụ Tỉnh ủy")
    page.select_option("#id_owner_org", str(tree["province"].pk))
    page.fill("#id_title", "Về tăng cường củng cố tổ chức cơ sở đảng")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    directive = Document.objects.get(number="30-CT/TU")

    # A plan implementing it.
    page.goto(f"{base}/van-ban/moi/")
    page.fill("#id_number", "45-KH/TU")
    page.fill("#id_issued_on", "10/01/2023")
    page.select_option("#id_doc_type", "ke_hoach")
    page.fill("#id_issuer", "Ban Thường vụ Tỉnh ủy")
    page.select_option("#id_owner_org", str(tree["province"].pk))
    page.fill("#id_title", "Thực hiện Chỉ thị số 30-CT/TU")
    page.select_option("#id_implements", str(directive.pk))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    plan = Document.objects.get(number="45-KH/TU")

    # A task for the two communes, due in the past.
    page.click("text=Thêm nhiệm vụ")
    page.fill("#id_content", "Kiện toàn chi bộ quân sự xã")
    page.fill("#id_deadline_text", "Quý II/2023")
    for typed, org in (("an binh", tree["commune_a"]), ("binh minh", tree["commune_b"])):
        page.fill("#id_implementing_orgs_text", typed)  # the organization picker: type, then choose
        page.click(f"#id_implementing_orgs_list [data-org-pick='{org.pk}']")
        page.wait_for_selector(f"#id_implementing_orgs_chips input[value='{org.pk}']", state="attached")
    page.click("button[name=luu]")
    page.wait_for_url(re.compile(rf"/van-ban/{plan.pk}/$"))
    task = Task.objects.get(plan=plan)

    # Commune A reports it done.
    context = browser.new_context(locale="vi-VN")
    other = context.new_page()
    login(other, "canbo_xa_a")
    other.goto(f"{base}/van-ban/nhiem-vu/{task.pk}/")
    other.select_option("#id_status", "done")
    other.fill("#id_percent", "100")
    other.fill("#id_text", "Đã kiện toàn, có cấp ủy")
    other.fill("#id_reported_on", "20/06/2023")
    other.click("text=Gửi báo cáo")
    other.wait_for_url(re.compile(rf"/nhiem-vu/{task.pk}/$"))
    context.close()

    # The province sees A done and B late.
    page.goto(f"{base}/van-ban/{plan.pk}/")
    row = page.locator(f"tr[data-task='{task.pk}']")
    assert "table-danger" in (row.get_attribute("class") or "")
    assert "Hoàn thành" in row.locator(f"[data-org='{tree['commune_a'].pk}']").inner_text()
    assert "Trễ hạn" in row.locator(f"[data-org='{tree['commune_b'].pk}']").inner_text()
    assert page.locator("#tien-do-ke-hoach").inner_text() == "50%"
    page.goto(f"{base}/van-ban/{directive.pk}/")
    assert "45-KH/TU" in page.locator("#cay-thuc-hien").inner_text()
    page.screenshot(path=str(screenshots / "plans-directive.png"))

    # The deadline was mistyped (Quý II instead of Quý IV/2099): the province corrects it.
    page.goto(f"{base}/van-ban/nhiem-vu/{task.pk}/")
    page.click("#sua-nhiem-vu")
    page.wait_for_url(re.compile(rf"/nhiem-vu/{task.pk}/sua/$"))
    assert page.input_value("#id_deadline_text") == "Quý II/2023"
    page.fill("#id_deadline_text", "Quý IV/2099")
    page.screenshot(path=str(screenshots / "plans-task-edit.png"))
    page.click("button[name=luu]")
    page.wait_for_url(re.compile(rf"/nhiem-vu/{task.pk}/$"))
    assert "Đã lưu thay đổi của nhiệm vụ." in page.locator("body").inner_text()
    assert page.locator("#thoi-han").inner_text() == "Quý IV/2099"
    assert "Trễ hạn" not in page.locator("#co-quan-thuc-hien").inner_text()
    task.refresh_from_db()
    assert task.deadline_text == "Quý IV/2099" and task.due_on.isoformat() == "2099-12-31"
    entry = AuditEntry.objects.get(action="plans.task_updated", object_id=str(task.pk))
    assert entry.before["deadline_text"] == "Quý II/2023" and entry.after["deadline_text"] == "Quý IV/2099"
    page.goto(f"{base}/van-ban/{plan.pk}/")
    row = page.locator(f"tr[data-task='{task.pk}']")
    assert "table-danger" not in (row.get_attribute("class") or "")

    # A task with a report cannot be deleted: the page says why and offers no delete button.
    page.goto(f"{base}/van-ban/nhiem-vu/{task.pk}/")
    page.click("#xoa-nhiem-vu")
    assert "1 báo cáo tiến độ" in page.locator("#khong-xoa-duoc").inner_text()
    assert page.locator("button[name=xoa]").count() == 0
    assert page.errors == []
