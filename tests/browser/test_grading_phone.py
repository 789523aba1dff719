"""Issue 15: a cell's grading table fits a 390 px phone (no sideways scrolling), the rows are
entered there, and a score of 150 shows a field error instead of a silent reload."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.grading.models import GradingRecord, Step
from dangbo.grading.services import campaign_open
from dangbo.members.services import ProfileInput, member_admit

pytestmark = [pytest.mark.browser, pytest.mark.urls("dangbo.grading.tests.urls")]

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]


def test_cell_grading_table_fits_a_390px_phone(
    live_server, login, officer, tree, system_user, settings, tmp_path, phone_page, screenshots
):
    settings.MEDIA_ROOT = tmp_path / "media"
    members = [
        member_admit(
            actor=system_user,
            cell=tree["cell_a1"],
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 2),
            profile=ProfileInput(full_name=n, birth_year=1985, sex="M"),
        )
        for n in NAMES
    ]
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
    page, base = phone_page, live_server.url
    login(page, "canbo_tinh", expect=re.compile(r"/$"))
    page.goto(f"{base}/danh-gia/{campaign.pk}/chi-bo/{tree['cell_a1'].pk}/de-xuat/")

    def overflow() -> int:
        return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    assert page.viewport_size["width"] == 390
    assert overflow() <= 0, "the grading table scrolls sideways on a 390 px phone"
    first = page.locator(f"tr[data-member='{members[0].pk}']")
    score = first.locator("input[name$='-total']")
    box = score.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=str(screenshots / "grading-cell-390.png"), full_page=True)

    # A score of 150: the row is marked with the field's error, nothing is written.
    page.fill("#id_on", "05/12/2025")
    score.fill("150")
    first.locator("select[name$='-grade']").select_option("good")
    page.click("button[type=submit] >> text=Ghi cả chi bộ")
    page.wait_for_load_state()
    assert "Điểm phải từ 0 đến 100." in first.inner_text()
    assert overflow() <= 0
    assert not GradingRecord.objects.exists()

    # Corrected: the row is recorded and the message counts that one row.
    first.locator("input[name$='-total']").fill("80")
    page.click("button[type=submit] >> text=Ghi cả chi bộ")
    page.wait_for_load_state()
    assert "cho 1 đảng viên." in page.inner_text("body")
    assert GradingRecord.objects.filter(step=Step.PROPOSAL).count() == 1
    assert not page.errors
