"""The organization picker (core.forms.OrgPicker → /tim-kiem/to-chuc/): scoped, accent-insensitive,
each option with its parent; the member list filter reads it."""

from __future__ import annotations

from datetime import date

from dangbo.access import policy
from dangbo.members.services import ProfileInput, member_admit

URL = "/tim-kiem/to-chuc/"


def test_it_finds_a_cell_by_typing_without_accents_and_shows_its_parent(client, officer, tree):
    client.force_login(officer)
    response = client.get(URL, {"org_q": "thon dong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-org-pick="{tree["cell_b1"].pk}"' in html
    assert "Chi bộ thôn Đông" in html and "Đảng bộ xã Bình Minh" in html


def test_it_offers_only_organizations_in_scope(client, commune_officer, tree):
    client.force_login(commune_officer)
    html = client.get(URL, {"org_q": "chi bo"}).content.decode()
    assert f'data-org-pick="{tree["cell_a1"].pk}"' in html
    assert f'data-org-pick="{tree["cell_b1"].pk}"' not in html
    assert "Không tìm thấy" in client.get(URL, {"org_q": "thon dong"}).content.decode()


def test_the_action_narrows_to_where_the_user_may_record(client, leader, tree):
    client.force_login(leader)
    assert "data-org-pick" not in client.get(URL, {"org_q": "chi bo", "action": "record"}).content.decode()


def test_anonymous_is_sent_to_login(client, tree):
    assert client.get(URL, {"org_q": "chi"}).status_code == 302


def test_the_member_list_filter_applies_the_picked_organization_and_names_it(client, commune_officer, tree):
    system = policy.SYSTEM.named("kiểm thử")
    for cell, name in ((tree["cell_a1"], "Lò Văn Một"), (tree["cell_a2"], "Lò Văn Hai")):
        member_admit(
            actor=system,
            cell=cell,
            decided_on=date(2020, 1, 6),
            ceremony_on=date(2020, 1, 20),
            decision_number="1-QĐ",
            profile=ProfileInput(full_name=name, birth_year=1985, sex="M"),
        )
    client.force_login(commune_officer)
    response = client.get("/dang-vien/", {"org": tree["cell_a2"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lò Văn Hai" in html and "Lò Văn Một" not in html
    assert 'value="Chi bộ thôn 2 — Đảng bộ xã An Bình"' in html
    # No list of every organization in scope on the page.
    assert '<option value="%d"' % tree["cell_a1"].pk not in html
    # Out of scope: refused with a message, nothing filtered by it.
    refused = client.get("/dang-vien/", {"org": tree["cell_b1"].pk}).content.decode()
    assert "không có tổ chức này trong phạm vi của bạn" in refused
