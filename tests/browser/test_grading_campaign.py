"""A yearly grading campaign run end to end in a real browser (issue 7): the province officer
opens the 2025 campaign, enters a cell's self-assessments, the cell's proposals and the
committee's decision on the cell's bulk page, and the results page shows the shares."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.members.services import ProfileInput, member_admit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.urls("dangbo.grading.tests.urls")]

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Phương"]


@pytest.fixture
def cell_members(tree, system_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return [
        member_admit(
            actor=system_user,
            cell=tree["cell_a1"],
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 2),
            profile=ProfileInput(full_name=n, birth_year=1985, sex="M"),
        )
        for n in NAMES
    ]


def fill_cell(page, members, on, grades=None):
    page.fill("#id_on", on)
    for m, (total, grade) in zip(members, grades or [], strict=False):
        row = page.locator(f"tr[data-member='{m.pk}']")
        row.locator("input[name$='-total']").fill(str(total))
        row.locator("select[name$='-grade']").select_option(grade)
    page.click("button[type=submit] >> text=Ghi cả chi bộ")


def test_grading_campaign_end_to_end(live_server, login, officer, tree, cell_members, page, screenshots):
    base = live_server.url
    login(page, "canbo_tinh", expect=re.compile(r"/$"), then="/to-chuc/")  # the worklist «Việc cần làm»

    # Open the campaign (the province officer, for the province's subtree).
    page.goto(f"{base}/danh-gia/trien-khai/")
    page.fill("#id_year", "2025")
    page.select_option("#id_root_org", label="Đảng bộ tỉnh Thử Nghiệm")
    for field, value in (
        ("opens_on", "15/11/2025"),
        ("self_assessment_due", "30/11/2025"),
        ("cell_meeting_due", "10/12/2025"),
        ("decision_due", "20/12/2025"),
        ("deadline", "25/12/2025"),
    ):
        page.fill(f"#id_{field}", value)
    page.click("button[type=submit] >> text=Triển khai")
    page.wait_for_url(re.compile(r"/danh-gia/\d+/$"))
    assert "Đã triển khai đánh giá, xếp loại năm 2025." in page.inner_text("main")
    campaign_url = page.url
    page.screenshot(path=screenshots / "grading-01-dot-danh-gia.png", full_page=True)

    # Self-assessments of the whole cell on one page (one above the score band first).
    page.locator(f"tr[data-cell='{tree['cell_a1'].pk}'] >> text=Tự đánh giá").click()
    page.wait_for_url(re.compile(r"/tu-danh-gia/$"))
    grades = [(92, "excellent")] + [(80, "good")] * 5
    fill_cell(page, cell_members, "25/11/2025", [(85, "excellent")] + grades[1:])
    assert "85 điểm chỉ đạt mức Hoàn thành tốt nhiệm vụ" in page.inner_text("main")
    fill_cell(page, cell_members, "25/11/2025", grades)
    page.wait_for_url(re.compile(r"/tu-danh-gia/$"))
    assert "Đã ghi «Tự đánh giá, xếp loại» cho 6 đảng viên." in page.inner_text("main")

    # The cell's proposals: prefilled from the self-assessments.
    page.click("main >> text=Nhận xét, đề xuất xếp loại của chi bộ")
    page.wait_for_url(re.compile(r"/de-xuat/$"))
    fill_cell(page, cell_members, "05/12/2025")
    assert "cho 6 đảng viên" in page.inner_text("main")
    page.screenshot(path=screenshots / "grading-02-de-xuat-chi-bo.png", full_page=True)

    # The committee's decision, prefilled from the proposals.
    page.click("main >> text=Quyết định xếp loại của cấp ủy có thẩm quyền")
    page.wait_for_url(re.compile(r"/quyet-dinh/$"))
    fill_cell(page, cell_members, "15/12/2025")
    assert "cho 6 đảng viên" in page.inner_text("main")

    # The results: shares per level against the >90% target; drill down to the members.
    page.goto(campaign_url)
    page.click("main >> text=Kết quả xếp loại")
    page.wait_for_url(re.compile(r"/ket-qua/"))
    levels = page.locator("#levels")
    assert "16,7%" in levels.locator("tr[data-level='excellent']").inner_text()
    assert "83,3%" in levels.locator("tr[data-level='good']").inner_text()
    assert "100,0%" in levels.locator("tr[data-level='good_or_better']").inner_text()
    assert "Đạt" in page.inner_text("#target")
    page.screenshot(path=screenshots / "grading-03-ket-qua.png", full_page=True)
    levels.locator("tr[data-level='excellent'] a").click()
    page.wait_for_url(re.compile(r"/ket-qua/danh-sach/"))
    assert "Nguyễn Văn An" in page.inner_text("main") and "Trần Thị Bình" not in page.inner_text("main")
    assert page.errors == []


def test_a_member_self_assesses_on_their_own_page(
    live_server, login, officer, tree, cell_members, page, screenshots, django_user_model
):
    """A party member signs in (no second factor for the member role), opens «Tự đánh giá» from the
    menu, and records their self-assessment in the province's 2025 campaign."""
    from dangbo.access.models import Role, RoleAssignment
    from dangbo.grading.models import GradingRecord, Step
    from dangbo.grading.services import campaign_open

    campaign = campaign_open(
        actor=officer,
        year=2025,
        root_org=tree["province"],
        opens_on=date(2025, 11, 15),
        self_assessment_due=date(2025, 11, 30),
        cell_meeting_due=date(2025, 12, 10),
        decision_due=date(2025, 12, 20),
        deadline=date(2025, 12, 25),
    )
    me = cell_members[0]
    user = django_user_model.objects.create_user("dangvien_an", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=me, valid_from=date(2020, 1, 1))

    login(page, "dangvien_an", expect=re.compile(rf"/dang-vien/{me.pk}/"))
    page.click("nav >> text=Tự đánh giá")
    page.wait_for_url(re.compile(r"/danh-gia/tu-danh-gia/$"))
    section = page.locator(f"#dot-{campaign.pk}-{me.pk}")
    assert "Đánh giá, xếp loại năm 2025" in section.inner_text()
    assert "30/11/2025" in section.inner_text()
    section.locator("select[name$='-grade']").select_option("good")
    section.locator("input[name$='-total']").fill("86")
    section.locator("textarea[name$='-comment']").fill("Hoàn thành tốt nhiệm vụ được giao")
    section.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/danh-gia/tu-danh-gia/$"))
    assert "Đã ghi bản tự đánh giá, xếp loại năm 2025." in page.inner_text("main")
    assert "Hoàn thành tốt nhiệm vụ được giao" in page.locator(f"#dot-{campaign.pk}-{me.pk} table").inner_text()
    page.screenshot(path=screenshots / "grading-04-tu-danh-gia.png", full_page=True)
    record = GradingRecord.objects.get(campaign=campaign, member=me)
    assert (record.step, record.grade, record.recorded_by_id) == (Step.SELF, "good", user.pk)
    assert page.errors == []
