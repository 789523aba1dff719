"""Forms that never create twice (core/once.py): the admission form posted twice with the same
one-time token creates one member; a probable existing person (same name and birth date) is
refused until the user states «Đây là người khác», which is audited."""

from __future__ import annotations

import re

from dangbo.audit.models import AuditEntry
from dangbo.core.models import FormSubmission
from dangbo.members.models import Member
from dangbo.members.tests.test_views_member_admit import URL, form


def token_of(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_the_same_admission_form_posted_twice_creates_one_member(client, commune_officer, tree):
    client.force_login(commune_officer)
    token = token_of(client.get(URL).content.decode())
    first = client.post(URL, form(tree["cell_a1"], form_token=token))
    second = client.post(URL, form(tree["cell_a1"], form_token=token), follow=True)
    member = Member.objects.get(full_name="Đinh Thị Kết")
    assert Member.objects.filter(full_name="Đinh Thị Kết").count() == 1
    assert first.status_code == 302 and first["Location"] == f"/dang-vien/{member.pk}/"
    assert second.redirect_chain[0][0] == f"/dang-vien/{member.pk}/"
    assert "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa." in second.content.decode()
    assert FormSubmission.objects.get(token=token).result_url == f"/dang-vien/{member.pk}/"


def test_a_refused_post_keeps_its_token_usable(client, officer, tree):
    client.force_login(officer)
    token = token_of(client.get(URL).content.decode())
    refused = client.post(URL, form(tree["cell_a1"], birth_date="15/08/2008", form_token=token))
    assert token_of(refused.content.decode()) == token
    assert not FormSubmission.objects.filter(token=token).exists()
    assert client.post(URL, form(tree["cell_a1"], form_token=token)).status_code == 302
    assert Member.objects.filter(full_name="Đinh Thị Kết").count() == 1


def test_every_blank_form_gets_a_new_token(client, officer, tree):
    client.force_login(officer)
    assert token_of(client.get(URL).content.decode()) != token_of(client.get(URL).content.decode())


def test_a_probable_existing_person_is_refused_then_admitted_with_an_audited_override(client, officer, tree):
    client.force_login(officer)
    client.post(URL, form(tree["cell_a1"]))
    existing = Member.objects.get(full_name="Đinh Thị Kết")
    again = form(tree["cell_a2"], full_name="đinh thị  kết", citizen_id="")  # same person? other cell
    refused = client.post(URL, again)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert f"Có thể người này đã có trong hệ thống: Đinh Thị Kết (sinh 15/08/1998, #{existing.pk})" in html
    assert "Đây là người khác" in html
    assert Member.objects.count() == 1
    accepted = client.post(URL, {**again, "different_person": "on"})
    assert accepted.status_code == 302
    assert Member.objects.count() == 2
    entry = AuditEntry.objects.get(action="member.duplicate_override")
    assert entry.after == {"similar_member_ids": [existing.pk]}
    assert entry.actor == officer


def test_a_different_birth_date_is_not_a_duplicate(client, officer, tree):
    client.force_login(officer)
    client.post(URL, form(tree["cell_a1"]))
    assert client.post(URL, form(tree["cell_a2"], birth_date="16/08/1998", citizen_id="")).status_code == 302
