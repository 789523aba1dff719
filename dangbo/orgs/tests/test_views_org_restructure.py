"""The restructuring forms: establish, rename, move, merge, split, dissolve."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from dangbo.access import policy
from dangbo.members.models import MembershipSpan
from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.models import Organization, OrgEvent, OrgLineage, OrgVersion
from dangbo.orgs.selectors import org_version_on

SYSTEM = policy.SYSTEM.named("kiểm thử")
DECISION = {"decision_number": "25-QĐ/TU", "decision_date": "20/06/2025", "decision_body": "Ban Thường vụ Tỉnh ủy"}


def admit(cell, name="Nguyễn Văn Thử"):
    return member_admit(
        actor=SYSTEM,
        profile=ProfileInput(full_name=name, birth_year=1985, sex="M"),
        cell=cell,
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        decision_number="1-QĐ",
    )


def post_confirmed(client, url, data, **kwargs):
    """Post the form (the page answers with the preview), then confirm what the preview showed."""
    shown = client.post(url, data)
    found = re.search(r'name="xac_nhan" value="([0-9a-f]+)"', shown.content.decode())
    if not found:  # refused: the form with its errors, no preview
        return shown
    return client.post(url, {**data, "xac_nhan": found.group(1)}, **kwargs)


def written():
    return (
        Organization.objects.count(),
        OrgVersion.objects.count(),
        OrgEvent.objects.count(),
        MembershipSpan.objects.count(),
    )


@pytest.mark.parametrize(
    "name", ["org_establish", "org_rename", "org_sector", "org_move", "org_merge", "org_split", "org_dissolve"]
)
def test_every_form_hides_orgs_outside_the_scope_and_needs_login(client, outsider, tree, name):
    url = reverse(f"orgs:{name}", args=[tree["commune_a"].pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": "01/07/2025", **DECISION}).status_code == 404


@pytest.mark.parametrize(
    "name", ["org_establish", "org_rename", "org_sector", "org_move", "org_merge", "org_split", "org_dissolve"]
)
def test_every_form_opens_for_an_officer_and_is_forbidden_to_a_read_only_leader(client, officer, leader, tree, name):
    url = reverse(f"orgs:{name}", args=[tree["commune_a"].pk])
    client.force_login(officer)
    response = client.get(url, {"ngay": "30/06/2025"})
    assert response.status_code == 200
    assert "Số quyết định" in response.content.decode()
    client.force_login(leader)
    assert client.get(url).status_code == 403


def test_rename_writes_a_new_version_and_redirects_with_a_message(client, officer, tree):
    client.force_login(officer)
    response = post_confirmed(
        client,
        reverse("orgs:org_rename", args=[tree["cell_a1"].pk]),
        {"name": "Chi bộ khu phố 1", "on": "01/07/2025", **DECISION},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("orgs:org_detail", args=[tree["cell_a1"].pk]))
    html = response.content.decode()
    assert "Đã đổi tên thành Chi bộ khu phố 1 từ ngày 01/07/2025." in html
    assert org_version_on(org_id=tree["cell_a1"].pk, at=date(2025, 7, 1)).name == "Chi bộ khu phố 1"
    assert org_version_on(org_id=tree["cell_a1"].pk, at=date(2025, 6, 30)).name == "Chi bộ thôn 1"
    event = OrgEvent.objects.get(org=tree["cell_a1"], type="org.renamed")
    assert (event.decision_number, event.decision_date, event.decision_body) == (
        "25-QĐ/TU",
        date(2025, 6, 20),
        "Ban Thường vụ Tỉnh ủy",
    )


def test_missing_decision_fields_are_named_in_vietnamese_and_nothing_is_written(client, officer, tree):
    before = written()
    client.force_login(officer)
    response = post_confirmed(
        client,
        reverse("orgs:org_rename", args=[tree["cell_a1"].pk]),
        {"name": "Chi bộ mới", "on": "32/07/2025", "decision_number": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa nhập «Số quyết định»." in html
    assert "«Ngày hiệu lực»: ngày 32/07/2025 không tồn tại." in html
    assert "Chưa nhập «Cơ quan ban hành»." in html
    assert written() == before


def test_a_refusal_of_the_service_is_shown_on_the_field_and_nothing_is_written(client, officer, tree):
    before = written()
    client.force_login(officer)
    response = post_confirmed(
        client,
        reverse("orgs:org_establish", args=[tree["commune_a"].pk]),
        {
            "code": "T01-X01-C01",
            "name": "Chi bộ thôn 3",
            "org_type": "subordinate_cell",
            "on": "01/07/2025",
            **DECISION,
        },
    )
    assert response.status_code == 200
    assert "Mã tổ chức T01-X01-C01 đã được dùng." in response.content.decode()
    assert written() == before


def test_establish_creates_a_child_and_shows_it(client, officer, tree):
    client.force_login(officer)
    response = post_confirmed(
        client,
        reverse("orgs:org_establish", args=[tree["commune_a"].pk]),
        {
            "code": "T01-X01-C03",
            "name": "Chi bộ thôn 3",
            "org_type": "subordinate_cell",
            "on": "01/07/2025",
            **DECISION,
        },
        follow=True,
    )
    new = Organization.objects.get(code="T01-X01-C03")
    assert org_version_on(org_id=new.pk, at=date(2025, 7, 1)).parent_id == tree["commune_a"].pk
    assert "Đã thành lập Chi bộ thôn 3 từ ngày 01/07/2025." in response.content.decode()


def test_move_puts_the_commune_under_the_province(client, officer, tree):
    client.force_login(officer)
    response = post_confirmed(
        client,
        reverse("orgs:org_move", args=[tree["commune_a"].pk]) + "?ngay=01/07/2025",
        {"new_parent": str(tree["province"].pk), "on": "01/07/2025", **DECISION},
    )
    assert response.status_code == 302
    assert org_version_on(org_id=tree["cell_a1"].pk, at=date(2025, 7, 1)).path.startswith(
        f"/{tree['province'].pk}/{tree['commune_a'].pk}/"
    )


def test_dissolving_an_org_that_still_has_members_is_refused(client, officer, tree):
    admit(tree["cell_b1"])
    before = written()
    client.force_login(officer)
    response = post_confirmed(
        client,
        reverse("orgs:org_dissolve", args=[tree["cell_b1"].pk]),
        {"confirm": "on", "on": "01/07/2025", **DECISION},
    )
    assert response.status_code == 200
    assert "còn 1 đảng viên sinh hoạt ngày 01/07/2025" in response.content.decode()
    assert written() == before


def test_dissolve_needs_the_confirmation(client, officer, tree):
    client.force_login(officer)
    response = post_confirmed(
        client, reverse("orgs:org_dissolve", args=[tree["cell_a2"].pk]), {"on": "01/07/2025", **DECISION}
    )
    assert "Hãy đánh dấu «xác nhận» để giải thể tổ chức." in response.content.decode()
    assert org_version_on(org_id=tree["cell_a2"].pk, at=date(2025, 7, 1)) is not None


def test_merge_moves_members_of_a_sibling_into_the_target(client, officer, tree):
    member = admit(tree["cell_a2"])
    client.force_login(officer)
    url = reverse("orgs:org_merge", args=[tree["cell_a1"].pk]) + "?ngay=01/07/2025"
    form = client.get(url).content.decode()
    assert 'id="id_sources_picker"' in form and 'data-multiple="1"' in form and 'type="checkbox"' not in form
    response = post_confirmed(client, url, {"sources": [str(tree["cell_a2"].pk)], "on": "01/07/2025", **DECISION})
    assert response.status_code == 302
    assert org_version_on(org_id=tree["cell_a2"].pk, at=date(2025, 7, 1)) is None
    assert MembershipSpan.objects.valid_on(date(2025, 7, 1)).get(member=member).org_id == tree["cell_a1"].pk
    assert OrgLineage.objects.filter(predecessor=tree["cell_a2"], successor=tree["cell_a1"]).exists()


def test_the_merge_form_picks_siblings_with_the_picker_and_refuses_any_other(client, officer, commune_officer, tree):
    """#15: the merge form uses the scoped picker (action=restructure, several organizations);
    an organization that is not a sibling, or is outside the scope, is refused by name, nothing written."""
    client.force_login(officer)
    url = reverse("orgs:org_merge", args=[tree["cell_a1"].pk]) + "?ngay=01/07/2025"
    html = client.get(url).content.decode()
    assert "action=restructure" in re.search(r'hx-get="(/tim-kiem/to-chuc/\?[^"]*name=sources[^"]*)"', html).group(1)
    before = written()
    refused = client.post(url, {"sources": [str(tree["cell_b1"].pk)], "on": "01/07/2025", **DECISION})
    assert "«Các tổ chức được hợp nhất vào tổ chức này»: chỉ chọn được tổ chức cùng cấp" in refused.content.decode()
    assert written() == before
    client.force_login(commune_officer)
    url_b = reverse("orgs:org_merge", args=[tree["cell_a1"].pk]) + "?ngay=01/07/2025"
    shown = client.post(url_b, {"sources": [str(tree["cell_a2"].pk)], "on": "01/07/2025", **DECISION}).content.decode()
    assert "Xem trước: thao tác sẽ thay đổi" in shown and "Chi bộ thôn 2" in shown  # label of the chosen sibling
    assert written() == before


def test_split_moves_the_chosen_members_to_the_new_org(client, officer, tree):
    stays = admit(tree["cell_a1"], "Đỗ Văn Ở")
    leaves = admit(tree["cell_a1"], "Vũ Thị Đi")
    client.force_login(officer)
    url = reverse("orgs:org_split", args=[tree["cell_a1"].pk]) + "?ngay=01/07/2025"
    form = client.get(url).content.decode()
    assert "Đỗ Văn Ở" in form and "Vũ Thị Đi" in form
    response = post_confirmed(
        client,
        url,
        {
            "code": "T01-X01-C09",
            "name": "Chi bộ thôn 1B",
            "member_ids": [str(leaves.pk)],
            "on": "01/07/2025",
            **DECISION,
        },
    )
    assert response.status_code == 302
    new = Organization.objects.get(code="T01-X01-C09")
    spans = MembershipSpan.objects.valid_on(date(2025, 7, 1))
    assert spans.get(member=leaves).org_id == new.pk
    assert spans.get(member=stays).org_id == tree["cell_a1"].pk


def test_split_that_ends_the_source_must_place_every_member(client, officer, tree):
    admit(tree["cell_a1"], "Đỗ Văn Ở")
    before = written()
    client.force_login(officer)
    response = post_confirmed(
        client,
        reverse("orgs:org_split", args=[tree["cell_a1"].pk]) + "?ngay=01/07/2025",
        {"code": "T01-X01-C09", "name": "Chi bộ thôn 1B", "end_source": "on", "on": "01/07/2025", **DECISION},
    )
    assert "chưa được phân về tổ chức mới" in response.content.decode()
    assert written() == before


def test_a_restructuring_is_previewed_before_it_is_written(client, officer, tree):
    admit(tree["cell_a2"], "Phạm Văn Xem")
    client.force_login(officer)
    url = reverse("orgs:org_merge", args=[tree["cell_a1"].pk]) + "?ngay=01/07/2025"
    before = written()
    data = {"sources": [str(tree["cell_a2"].pk)], "on": "01/07/2025", **DECISION}
    html = client.post(url, data).content.decode()
    assert "Xem trước: thao tác sẽ thay đổi" in html
    assert "Kết thúc hoạt động" in html and "Chi bộ thôn 2" in html and "trực thuộc Đảng bộ xã An Bình" in html
    assert "Phạm Văn Xem (1985) → Chi bộ thôn 1" in html
    assert written() == before
    # a form changed after its preview is previewed again, not written
    digest = re.search(r'name="xac_nhan" value="([0-9a-f]+)"', html).group(1)
    changed = client.post(url, {**data, "on": "02/07/2025", "xac_nhan": digest})
    assert changed.status_code == 200 and written() == before
    confirmed = client.post(url, {**data, "xac_nhan": digest})
    assert confirmed.status_code == 302 and written() != before


def test_a_refused_restructuring_names_both_types_on_the_page(client, officer, tree):
    client.force_login(officer)
    before = written()
    response = client.post(
        reverse("orgs:org_move", args=[tree["cell_a2"].pk]) + "?ngay=01/07/2025",
        {"new_parent": str(tree["cell_a1"].pk), "on": "01/07/2025", **DECISION},
    )
    html = response.content.decode()
    assert "Không thể đặt «Chi bộ trực thuộc» (Chi bộ thôn 2) dưới «Chi bộ trực thuộc» (Chi bộ thôn 1)" in html
    assert "Xem trước: thao tác sẽ thay đổi" not in html
    assert written() == before


def test_a_wrong_move_is_voided_from_the_page_with_a_reason(client, officer, leader, tree):
    from dangbo.orgs.services import org_move

    moved = org_move(actor=SYSTEM, org=tree["commune_a"], new_parent=tree["province"], on=date(2025, 7, 1))
    client.force_login(officer)
    detail = client.get(reverse("orgs:org_detail", args=[tree["commune_a"].pk])).content.decode()
    url = reverse("orgs:org_event_void", args=[moved.event_id])
    assert url in detail
    refused = client.post(url, {"reason": ""})
    assert "Chưa nhập «Lý do hủy»." in refused.content.decode()
    response = client.post(url, {"reason": "Ghi nhầm cấp trên"}, follow=True)
    html = response.content.decode()
    assert "Đã hủy thao tác «Chuyển giao về tổ chức cấp trên khác» ngày 01/07/2025." in html
    assert "đã hủy</span>" in html
    assert org_version_on(org_id=tree["commune_a"].pk, at=date(2025, 7, 1)).parent_id == tree["district"].pk
    client.force_login(leader)
    assert client.get(url).status_code == 403
