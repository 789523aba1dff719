"""The organization picker in a real browser, at province scope: the province officer types part
of a commune-level cell's name without accents, sees it with its parent (cells of the same name
exist in many communes), chooses it, and the member list is filtered to it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dangbo.access import policy
from dangbo.members.services import ProfileInput, member_admit

pytestmark = [pytest.mark.browser]


def test_the_picker_finds_a_cell_by_typing_shows_its_parent_and_filters(live_server, login, officer, tree, page):
    system = policy.SYSTEM.named("kiểm thử")
    for cell, name in ((tree["cell_b1"], "Quàng Văn Đông"), (tree["cell_a1"], "Lò Thị Một")):
        member_admit(
            actor=system,
            cell=cell,
            decided_on=date(2020, 1, 6),
            ceremony_on=date(2020, 1, 20),
            decision_number="1-QĐ",
            profile=ProfileInput(full_name=name, birth_year=1985, sex="M"),
        )
    base = live_server.url
    login(page, "canbo_tinh")
    page.goto(f"{base}/dang-vien/")
    assert page.locator("#member-table").inner_text().count("Lò Thị Một") == 1

    page.fill("#id_org_text", "thon dong")
    option = page.locator(f"#id_org_list [data-org-pick='{tree['cell_b1'].pk}']")
    option.wait_for()
    assert "Chi bộ thôn Đông" in option.inner_text() and "Đảng bộ xã Bình Minh" in option.inner_text()
    assert page.locator("#id_org_list [data-org-pick]").count() == 1
    option.click()

    page.wait_for_url(re.compile(rf"[?&]org={tree['cell_b1'].pk}"))
    table = page.locator("#member-table")
    page.wait_for_function("() => !document.querySelector('#member-table').innerText.includes('Lò Thị Một')")
    assert "Quàng Văn Đông" in table.inner_text()
    assert page.input_value("#id_org_text") == "Chi bộ thôn Đông — Đảng bộ xã Bình Minh"
    assert page.input_value("#id_org") == str(tree["cell_b1"].pk)
    assert not page.errors


def test_the_transfer_letter_finds_a_destination_outside_the_scope(live_server, login, commune_officer, tree, page):
    """A commune officer issues a letter to a commune of another district's scope: the picker's
    system-wide mode finds it (name and parent only) and the letter is recorded to it."""
    from django.utils import timezone

    from dangbo.members.models import Transfer

    system = policy.SYSTEM.named("kiểm thử")
    member = member_admit(
        actor=system,
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        decision_number="1-QĐ",
        profile=ProfileInput(full_name="Lò Văn Đi", birth_year=1985, sex="M"),
    )
    base = live_server.url
    login(page, "canbo_xa_a")
    page.goto(f"{base}/dang-vien/{member.pk}/chuyen-sinh-hoat/")
    page.fill("#id_letter_number", "12-GGT/ĐU")
    page.fill("#id_to_org_text", "binh minh")
    option = page.locator(f"#id_to_org_list [data-org-pick='{tree['commune_b'].pk}']")
    option.wait_for()
    assert option.inner_text() == "Đảng bộ xã Bình Minh — Đảng bộ huyện Sông Xanh"
    option.click()
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/dang-vien/{member.pk}/$"))
    assert Transfer.objects.get(member=member).counterpart_org_id == tree["commune_b"].pk
    assert Transfer.objects.get(member=member).on == timezone.localdate()
    assert not page.errors


def test_the_dashboard_switches_organization_with_the_picker(live_server, login, officer, tree, page):
    base = live_server.url
    login(page, "canbo_tinh")
    page.goto(f"{base}/bao-cao/bang-dieu-khien/?org={tree['province'].pk}")
    page.fill("#id_org_text", "an binh")
    page.click(f"#id_org_list [data-org-pick='{tree['commune_a'].pk}']")
    page.click("#dash-form button[type=submit]")
    page.wait_for_url(re.compile(rf"[?&]org={tree['commune_a'].pk}"))
    assert "Bảng điều khiển: Đảng bộ xã An Bình" in page.inner_text("h1")
    assert not page.errors
