"""In a real browser: record the sector of an organization on a date (R-014), open a member's
e-handbook account on the member page (R-043), and prepare the annual report with three
recipients whose DOCX prints them on three lines under the organization commission's header."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.models import OrgVersion
from dangbo.reports.models import HandbookAccount

pytestmark = pytest.mark.browser


@pytest.fixture
def member(tree, system_user, officer):
    return member_admit(
        actor=system_user,
        cell=tree["cell_a1"],
        decided_on=date(2022, 3, 6),
        ceremony_on=date(2022, 3, 20),
        profile=ProfileInput(full_name="Trần Thị Sổ Tay", birth_year=1991, sex="F"),
    )


def test_sector_change_handbook_account_and_report_recipients(page, live_server, login, tree, member):
    from docx import Document

    login(page, "canbo_tinh")
    # The sector of a cell's unit from 01/06/2023 (a dated change, history kept).
    page.goto(f"{live_server.url}{reverse('orgs:org_detail', args=[tree['cell_b1'].pk])}")
    page.click("text=Khu vực, loại hình")
    page.select_option("#id_sector", "cooperative")
    page.fill("#id_on", "01/06/2023")
    page.fill("#id_decision_number", "12-QĐ/ĐU")
    page.fill("#id_decision_date", "25/05/2023")
    page.fill("#id_decision_body", "Đảng ủy xã Bình Minh")
    page.click("button[type=submit]:has-text('Ghi thay đổi')")
    page.click("button[type=submit] >> text=Xác nhận")  # the preview, then the confirmation
    page.wait_for_load_state()
    assert "Đã ghi khu vực, loại hình đơn vị: Hợp tác xã, liên hiệp hợp tác xã từ ngày 01/06/2023." in page.inner_text(
        "body"
    )
    assert page.locator("#org-sector").inner_text() == "Hợp tác xã, liên hiệp hợp tác xã"
    assert OrgVersion.objects.valid_on(date(2023, 5, 31)).get(org=tree["cell_b1"]).sector == ""

    # The member's e-handbook account, opened on the member page.
    page.goto(f"{live_server.url}{reverse('members:member_detail', args=[member.pk])}")
    assert page.locator("#handbook-status").inner_text() == "Chưa có tài khoản."
    page.fill("#handbook input[name=on]", "10/12/2023")
    page.click("#handbook button:has-text('Ghi đăng ký tài khoản')")
    page.wait_for_load_state()
    assert page.locator("#handbook-status").inner_text() == "Có tài khoản từ ngày 10/12/2023."
    assert HandbookAccount.objects.get(member=member).registered_on == date(2023, 12, 10)

    # The annual report: three recipients, one per line, kept in the DOCX.
    page.goto(f"{live_server.url}{reverse('reports:periodic_report')}?org={tree['province'].pk}&loai=nam&nam=2023")
    page.fill("#prepare-form textarea[name=recipients]", "Ban Tổ chức Trung ương\nThường trực Tỉnh ủy\nLưu VT")
    page.click("#prepare-form button[value=prepare]")
    page.wait_for_load_state()
    assert page.locator("#prepare-form select[name=issuer_kind]").input_value() == "ban_tham_muu"
    with page.expect_download() as docx_info:
        page.click("text=Xuất DOCX")
    doc = Document(docx_info.value.path())
    left = [p.text for p in doc.tables[0].rows[0].cells[0].paragraphs]
    assert left[:2] == ["TỈNH ỦY THỬ NGHIỆM", "BAN TỔ CHỨC"]
    paragraphs = [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    assert "- Ban Tổ chức Trung ương,\n- Thường trực Tỉnh ủy,\n- Lưu VT," in paragraphs
    assert not page.errors
