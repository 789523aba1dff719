"""#15 «Forms that never create twice» beyond the admission form (core/once.py): the member
event form, the transfer letter and the restructuring forms posted twice with the same one-time
token write once; the second post says so and goes to what the first created."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.access import policy
from dangbo.members.models import MemberEvent, Transfer
from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.models import Organization, OrgEvent

SYSTEM = policy.SYSTEM.named("kiểm thử")
ALREADY = "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa."


def token_of(html: str) -> str:
    found = re.findall(r'name="form_token" value="([^"]+)"', html)
    assert found, "the form carries a one-time token"
    assert len(set(found)) == 1
    return found[0]


@pytest.fixture
def member(tree):
    return member_admit(
        actor=SYSTEM,
        cell=tree["cell_a1"],
        decided_on=date(2019, 3, 4),
        ceremony_on=date(2019, 3, 18),
        decision_number="12-QĐ/ĐU",
        profile=ProfileInput(full_name="Trần Văn Hai", birth_year=1985, sex="M"),
    )


def test_the_member_event_form_posted_twice_records_once(client, commune_officer, member):
    client.force_login(commune_officer)
    url = reverse("members:event_create", args=[member.pk])
    token = token_of(client.get(url).content.decode())
    data = {
        "type": "discipline_reprimand",
        "on": "20/03/2025",
        "decision_number": "45-QĐ/ĐU",
        "decision_date": "20/03/2025",
        "decision_body": "Đảng ủy xã An Bình",
        "form_token": token,
    }
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(url, data, follow=True)
    assert MemberEvent.objects.filter(member=member, type="discipline_reprimand").count() == 1
    assert second.redirect_chain[0][0] == reverse("members:member_detail", args=[member.pk])
    assert ALREADY in second.content.decode()
    # a new blank form has a new token: a second, deliberate record is possible
    assert token_of(client.get(url).content.decode()) != token


def test_the_transfer_letter_posted_twice_issues_one_letter(client, commune_officer, member, tree):
    client.force_login(commune_officer)
    url = reverse("members:transfer_issue", args=[member.pk])
    token = token_of(client.get(url).content.decode())
    data = {
        "kind": "official",
        "letter_number": "31-GGT/ĐU",
        "on": timezone.localdate().strftime("%d/%m/%Y"),
        "to_org": str(tree["commune_b"].pk),
        "form_token": token,
    }
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    assert Transfer.objects.count() == 1
    assert ALREADY in second.content.decode()


def test_a_restructuring_confirmed_twice_establishes_once(client, officer, tree):
    client.force_login(officer)
    url = reverse("orgs:org_establish", args=[tree["commune_a"].pk])
    token = token_of(client.get(url, {"ngay": "30/06/2025"}).content.decode())
    data = {
        "code": "T01-X01-C09",
        "name": "Chi bộ thôn 9",
        "org_type": "subordinate_cell",
        "on": "01/07/2025",
        "decision_number": "25-QĐ/ĐU",
        "decision_date": "20/06/2025",
        "decision_body": "Đảng ủy xã An Bình",
        "form_token": token,
    }
    shown = client.post(url, data).content.decode()
    assert token_of(shown) == token  # the preview keeps the token
    digest = re.search(r'name="xac_nhan" value="([0-9a-f]+)"', shown).group(1)
    first = client.post(url, {**data, "xac_nhan": digest})
    assert first.status_code == 302
    events = OrgEvent.objects.count()
    second = client.post(url, {**data, "xac_nhan": digest}, follow=True)
    assert Organization.objects.filter(code="T01-X01-C09").count() == 1
    assert OrgEvent.objects.count() == events
    assert ALREADY in second.content.decode()
    assert second.redirect_chain[0][0] == first["Location"]


@pytest.mark.parametrize("name", ["org_rename", "org_move", "org_merge", "org_split", "org_dissolve", "org_sector"])
def test_every_restructuring_form_carries_a_token(client, officer, tree, name):
    client.force_login(officer)
    token_of(client.get(reverse(f"orgs:{name}", args=[tree["commune_a"].pk])).content.decode())
