"""A walk through the foundation in a real browser: log in, browse the tree before and after
the district level ends (R-001), open a member, record an admission and see it on the
profile, and fail to open a member outside the scope."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangbo.access import policy
from dangbo.core.dates import add_working_days
from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.services import Decision, org_dissolve, org_establish, org_move

pytestmark = pytest.mark.browser

SYSTEM = policy.SYSTEM.named("kiểm thử")


@pytest.fixture
def walk_data(tree):
    """The conftest tree, with the district ended on 30/06/2025, one member in scope and one in
    another province (outside the province officer's scope)."""
    on = date(2025, 7, 1)
    decision = Decision(number="294-QĐ/TW", date=date(2025, 5, 26), body="Bộ Chính trị")
    org_move(actor=SYSTEM, org=tree["commune_a"], new_parent=tree["province"], on=on, decision=decision)
    org_move(actor=SYSTEM, org=tree["commune_b"], new_parent=tree["province"], on=on, decision=decision)
    org_dissolve(actor=SYSTEM, org=tree["district"], on=on, decision=decision)
    other = org_establish(
        actor=SYSTEM,
        code="T02",
        name="Đảng bộ tỉnh Bên Cạnh",
        org_type="provincial_party_org",
        parent=None,
        on=date(2015, 1, 1),
    )
    other_cell = org_establish(
        actor=SYSTEM,
        code="T02-C01",
        name="Chi bộ cơ sở Hòa Bình",
        org_type="grassroots_cell",
        parent=other,
        on=date(2015, 1, 1),
    )

    def admit(cell, name, born):
        return member_admit(
            actor=SYSTEM,
            cell=cell,
            decided_on=date(2024, 3, 4),
            ceremony_on=date(2024, 3, 18),
            decision_number="112-QĐ/ĐU",
            decision_body="Đảng ủy xã An Bình",
            profile=ProfileInput(
                full_name=name,
                birth_year=born,
                sex="F",
                ethnicity="02",
                citizen_id="001090012345" if cell == tree["cell_a1"] else None,
            ),
        )

    return {
        "tree": tree,
        "member": admit(tree["cell_a1"], "Nguyễn Thị Ánh Dương", 1990),
        "stranger": admit(other_cell, "Trần Văn Người Ngoài", 1988),
    }


def node(page, org):
    return page.locator(f"li[data-org='{org.pk}']")


def test_walkthrough(live_server, login, officer, walk_data, page, phone_page, screenshots):
    base = live_server.url
    tree = walk_data["tree"]

    # Log in: the home page is the tree browser.
    login(page, "canbo_tinh", expect=re.compile(r"/$"), then="/to-chuc/")  # the worklist «Việc cần làm»
    assert page.evaluate("typeof htmx") == "object", "htmx must load from static/"

    # The navbar stays on one line: at 1280 px the search is an icon linking to the search page
    # (a box squeezed between the menu and the account was unusable), from 1400 px the box itself.
    assert page.locator("nav.navbar").bounding_box()["height"] < 70
    assert page.locator("#nav-tim-kiem").is_visible()
    assert not page.locator("nav form[role=search]").is_visible()
    page.set_viewport_size({"width": 1440, "height": 900})
    assert page.locator("nav form[role=search] input").bounding_box()["width"] >= 200
    assert not page.locator("#nav-tim-kiem").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    # The tree on 30/06/2025: the district is there; opening it loads the communes (htmx).
    page.goto(f"{base}/to-chuc/?ngay=30/06/2025")
    district = node(page, tree["district"])
    assert district.locator("summary").first.inner_text().startswith("Đảng bộ huyện Sông Xanh")
    assert node(page, tree["commune_a"]).count() == 0
    district.locator("summary").first.click(position={"x": 4, "y": 8})
    node(page, tree["commune_a"]).wait_for()
    assert "Đảng bộ xã An Bình" in node(page, tree["commune_a"]).inner_text()
    node(page, tree["commune_a"]).locator("summary").first.click(position={"x": 4, "y": 8})
    node(page, tree["cell_a1"]).wait_for()
    assert "1 đảng viên" in node(page, tree["cell_a1"]).inner_text()
    page.screenshot(path=screenshots / "01-cay-to-chuc-30-06-2025.png", full_page=True)

    # The tree on 01/07/2025 (typed in the date box): no district, communes under the province.
    page.fill("#as-of", "01/07/2025")
    page.click("form.as-of button")
    page.wait_for_url(re.compile(r"ngay=01%2F07%2F2025|ngay=01/07/2025"))
    assert node(page, tree["district"]).count() == 0
    province = node(page, tree["province"])
    assert "Đảng bộ xã An Bình" in province.inner_text()
    assert "Đảng bộ xã Bình Minh" in province.inner_text()
    page.screenshot(path=screenshots / "02-cay-to-chuc-01-07-2025.png", full_page=True)

    # Member list: the accent-free search narrows the table through htmx; open the member.
    page.goto(f"{base}/dang-vien/")
    page.fill("#id_q", "anh duong")
    page.locator("#member-table", has_text="Nguyễn Thị Ánh Dương").wait_for()
    assert "001******345" in page.locator("#member-table").inner_text()
    page.screenshot(path=screenshots / "03-danh-sach-dang-vien.png", full_page=True)
    page.click("text=Nguyễn Thị Ánh Dương")
    page.wait_for_url(re.compile(rf"/dang-vien/{walk_data['member'].pk}/$"))
    assert "Đảng viên dự bị" in page.inner_text("main")
    assert "Quyết định số 112-QĐ/ĐU ngày 04/03/2024 của Đảng ủy xã An Bình" in page.inner_text("main")
    page.screenshot(path=screenshots / "04-ho-so-dang-vien.png", full_page=True)

    # Record an admission through the form (a mistake first, in Vietnamese, then the fix).
    today = timezone.localdate()
    decided = today - timedelta(days=20)
    ceremony = min(add_working_days(decided, 5), today)
    page.click("nav >> text=Kết nạp")
    page.wait_for_url(re.compile(r"/dang-vien/ket-nap/"))
    page.fill("#id_cell_text", "thon 2")  # the scoped organization picker
    page.locator(f"#id_cell_list [data-org-pick='{tree['cell_a2'].pk}']").click()
    page.fill("#id_decided_on", decided.strftime("%d/%m/%Y"))
    page.fill("#id_decision_number", "87-QĐ/ĐU")
    page.fill("#id_decision_body", "Đảng ủy xã An Bình")
    page.fill("#id_ceremony_on", ceremony.strftime("%d/%m/%Y"))
    page.fill("#id_birth_date", "15/08/1998")
    page.select_option("#id_sex", "F")
    page.select_option("#id_general_education", "gdpt_thpt")
    page.click("button[type=submit] >> text=Ghi kết nạp")
    assert "Chưa nhập «Họ và tên»." in page.inner_text("main")
    page.screenshot(path=screenshots / "05-ket-nap-loi.png", full_page=True)
    page.fill("#id_full_name", "Đinh Thị Kết Nạp")
    page.click("button[type=submit] >> text=Ghi kết nạp")
    page.wait_for_url(re.compile(r"/dang-vien/\d+/$"))
    main = page.inner_text("main")
    assert "Đã ghi kết nạp đảng viên Đinh Thị Kết Nạp." in main
    assert "Đảng viên dự bị" in main
    assert f"Quyết định số 87-QĐ/ĐU ngày {decided:%d/%m/%Y} của Đảng ủy xã An Bình" in main
    page.screenshot(path=screenshots / "06-ket-nap-thanh-cong.png", full_page=True)

    # A member of another province, opened by URL: not found.
    page.goto(f"{base}/dang-vien/{walk_data['stranger'].pk}/")
    assert "Không tìm thấy" in page.inner_text("main")
    assert "Trần Văn Người Ngoài" not in page.content()
    page.screenshot(path=screenshots / "07-ngoai-pham-vi.png", full_page=True)
    assert page.errors == []

    # On a phone: the menu collapses, the tree and the list stay usable.
    login(phone_page, "canbo_tinh", expect=re.compile(r"/$"), then="/to-chuc/")
    phone_page.goto(f"{base}/to-chuc/?ngay=01/07/2025")
    assert phone_page.locator(".navbar-toggler").is_visible()
    phone_page.screenshot(path=screenshots / "08-dien-thoai-cay.png", full_page=True)
    phone_page.goto(f"{base}/dang-vien/{walk_data['member'].pk}/")
    phone_page.screenshot(path=screenshots / "09-dien-thoai-ho-so.png", full_page=True)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the profile scrolls sideways on a phone ({width}px)"
    assert phone_page.errors == []
