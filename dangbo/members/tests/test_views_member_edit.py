"""Editing a member's profile /dang-vien/<id>/sua/ (a profile_update event)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access import policy
from dangbo.members.models import EventType, Member, MemberEvent
from dangbo.members.services import ProfileInput, member_admit

SYSTEM = policy.SYSTEM.named("kiểm thử")


@pytest.fixture
def member(tree):
    return member_admit(
        actor=SYSTEM,
        cell=tree["cell_a1"],
        decided_on=date(2024, 3, 4),
        ceremony_on=date(2024, 3, 18),
        decision_number="112-QĐ/ĐU",
        profile=ProfileInput(full_name="Nguyễn Thị Ánh", birth_year=1990, sex="F", hometown="Xã An Bình"),
    )


def url(member):
    return reverse("members:member_edit", args=[member.pk])


def data(**changes):
    d = {
        "full_name": "Nguyễn Thị Ánh",
        "birth_year": "1990",
        "sex": "F",
        "ethnicity": "01",
        "religion": "00",
        "theory_level": "none",
        "hometown": "Xã An Bình",
        "on": "01/11/2026",
    }
    d.update(changes)
    return d


def test_anonymous_is_sent_to_login(client, member):
    response = client.get(url(member))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_outsider_gets_not_found(client, outsider, member):
    client.force_login(outsider)
    assert client.get(url(member)).status_code == 404
    assert client.post(url(member), data(hometown="Nơi khác")).status_code == 404
    assert Member.objects.get(pk=member.pk).hometown == "Xã An Bình"


def test_the_form_is_filled_with_the_profile(client, officer, member):
    client.force_login(officer)
    html = client.get(url(member)).content.decode()
    assert 'value="Nguyễn Thị Ánh"' in html and 'value="Xã An Bình"' in html


def test_a_change_is_saved_as_a_profile_update(client, officer, member):
    client.force_login(officer)
    response = client.post(url(member), data(hometown="Phường Bình Minh", on="01/10/2026"), follow=True)
    assert "Đã cập nhật hồ sơ." in response.content.decode()
    assert Member.objects.get(pk=member.pk).hometown == "Phường Bình Minh"
    assert MemberEvent.objects.filter(member=member, type=EventType.PROFILE_UPDATE).count() == 1


def test_a_bad_citizen_id_is_refused_and_nothing_is_written(client, officer, member):
    client.force_login(officer)
    response = client.post(url(member), data(citizen_id="12345"))
    assert "Số CCCD phải gồm đúng 12 chữ số." in response.content.decode()
    assert Member.objects.get(pk=member.pk).citizen_id is None
    assert not MemberEvent.objects.filter(member=member, type=EventType.PROFILE_UPDATE).exists()


def test_missing_name_is_named_in_vietnamese(client, officer, member):
    client.force_login(officer)
    assert "Chưa nhập «Họ và tên»." in client.post(url(member), data(full_name="")).content.decode()
