"""Cell life on a phone (390 px): the cell secretary records a meeting with its attendance on one
screen (members pre-listed, tap to mark); a member confirms attendance of a planned meeting."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.access.models import Role, RoleAssignment
from dangbo.meetings.models import Attendance, Meeting
from dangbo.meetings.services import MeetingInput, meeting_create
from dangbo.members.services import ProfileInput, member_admit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


@pytest.fixture
def cell_members(system_user, tree):
    return [
        member_admit(
            actor=system_user,
            cell=tree["cell_a1"],
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 2),
            profile=ProfileInput(full_name=n, birth_year=1980, sex="M"),
        )
        for n in NAMES
    ]


def _select_text_fits(page, selector: str) -> list[str]:
    """The options of a select whose text is wider than the select's text box (cut off)."""
    return page.evaluate(
        """(sel) => {
        const el = document.querySelector(sel), cs = getComputedStyle(el);
        const ctx = document.createElement("canvas").getContext("2d");
        ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return [...el.options].filter(o => ctx.measureText(o.text).width > room).map(o => o.text);
    }""",
        selector,
    )


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_secretary_records_a_meeting_with_attendance_on_a_phone(
    live_server, login, django_user_model, tree, cell_members, phone_page, screenshots
):
    user = django_user_model.objects.create_user("bithu_a1", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.CELL_SECRETARY, org=tree["cell_a1"], valid_from=date(2020, 1, 1))
    page, base = phone_page, live_server.url
    login(page, "bithu_a1")
    page.goto(f"{base}/sinh-hoat/moi/")
    assert _select_text_fits(page, "#id_kind") == []  # «Sinh hoạt thường kỳ» is not cut off at 390 px
    page.screenshot(path=str(screenshots / "meeting-phone-kind.png"))
    page.select_option("#id_org", str(tree["cell_a1"].pk))
    with page.expect_navigation():  # the roster is the answer to this click, not the page before it
        page.click("#tai-danh-sach")
    page.wait_for_selector("#danh-sach")
    for name in NAMES:
        assert name in page.locator("#danh-sach").inner_text()
    absent, excused = cell_members[1], cell_members[2]
    page.click(f"label[for=p{absent.pk}-khong]")
    page.click(f"label[for=p{excused.pk}-lydo]")
    page.fill(f"input[name=r{excused.pk}]", "Đi công tác")
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "meeting-phone-form.png"), full_page=True)
    page.click("#luu")
    page.wait_for_url(re.compile(r"/sinh-hoat/\d+/$"))
    meeting = Meeting.objects.get()
    assert meeting.held_on is not None
    got = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "presence"))
    assert got[absent.pk] == "unexcused" and got[excused.pk] == "excused" and got[cell_members[0].pk] == "present"
    assert "Vắng không lý do 1" in page.locator("#tong-hop").inner_text()
    assert _no_horizontal_scroll(page)
    assert page.errors == []


def test_member_confirms_attendance_on_a_phone(
    live_server, login, django_user_model, system_user, tree, cell_members, phone_page
):
    user = django_user_model.objects.create_user("dangvien_an", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=cell_members[0], valid_from=date(2020, 1, 1))
    meeting = meeting_create(
        actor=system_user,
        data=MeetingInput(
            org_id=tree["cell_a1"].pk, kind="thematic", planned_on=date(2099, 1, 5), agenda="Học tập nghị quyết"
        ),
    )
    page, base = phone_page, live_server.url
    login(page, "dangvien_an")
    page.goto(f"{base}/sinh-hoat/cua-toi/")
    assert "Học tập nghị quyết" in page.content()
    page.click("text=Xác nhận tham dự")
    page.wait_for_load_state()
    assert "Sẽ tham dự" in page.locator(".tra-loi").first.inner_text()
    assert Attendance.objects.get(meeting=meeting, member=cell_members[0]).reply == "will_attend"
    assert _no_horizontal_scroll(page)
    assert page.errors == []
