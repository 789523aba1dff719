"""Recording a lifecycle event (/dang-vien/<id>/su-kien/) and voiding one (/dang-vien/su-kien/<id>/huy/)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access import policy
from dangbo.members.models import EventType, Member, MemberEvent, MembershipSpan
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event

SYSTEM = policy.SYSTEM.named("kiểm thử")


@pytest.fixture
def member(tree):
    return member_admit(
        actor=SYSTEM,
        cell=tree["cell_a1"],
        decided_on=date(2024, 3, 4),
        ceremony_on=date(2024, 3, 18),
        decision_number="112-QĐ/ĐU",
        profile=ProfileInput(full_name="Nguyễn Thị Ánh", birth_year=1990, sex="F"),
    )


def written(member):
    return MemberEvent.objects.filter(member=member).count(), MembershipSpan.objects.filter(member=member).count()


def create_url(member):
    return reverse("members:event_create", args=[member.pk])


def test_anonymous_is_sent_to_login(client, member):
    for url in (create_url(member), reverse("members:event_correct", args=[member.events.first().pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_outsider_gets_not_found(client, outsider, member):
    client.force_login(outsider)
    assert client.get(create_url(member)).status_code == 404
    assert client.post(create_url(member), {"type": "death", "on": "01/02/2025"}).status_code == 404
    event = member.events.first()
    assert client.post(reverse("members:event_correct", args=[event.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("members:event_correct", args=[999999])).status_code == 404


def test_a_read_only_leader_may_not_record(client, leader, member):
    client.force_login(leader)
    assert client.get(create_url(member)).status_code == 403


def test_the_form_lists_event_types_in_vietnamese(client, officer, member):
    client.force_login(officer)
    html = client.get(create_url(member)).content.decode()
    assert "Công nhận đảng viên chính thức" in html
    assert "Tặng / truy tặng Huy hiệu Đảng" in html
    assert '"correction"' not in html


def test_recognition_is_recorded_and_the_member_becomes_full(client, officer, member):
    client.force_login(officer)
    response = client.post(
        create_url(member),
        {
            "type": "full_recognition",
            "on": "20/03/2025",
            "decision_number": "45-QĐ/ĐU",
            "decision_date": "20/03/2025",
            "decision_body": "Đảng ủy xã An Bình",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Đã ghi «Công nhận đảng viên chính thức» ngày 20/03/2025." in html
    assert "Quyết định số 45-QĐ/ĐU ngày 20/03/2025 của Đảng ủy xã An Bình" in html
    member.refresh_from_db()
    assert member.current_status == "chinh_thuc"
    assert member.full_on == date(2025, 3, 18)  # end of probation, not the decision date


def test_a_rule_violation_is_shown_and_nothing_is_written(client, officer, member):
    before = written(member)
    client.force_login(officer)
    response = client.post(create_url(member), {"type": "full_recognition", "on": "01/12/2024"})
    assert response.status_code == 200
    assert "Chưa hết 12 tháng dự bị" in response.content.decode()
    assert written(member) == before


def test_bad_input_names_the_field_and_writes_nothing(client, officer, member):
    before = written(member)
    client.force_login(officer)
    html = client.post(create_url(member), {"type": "badge_awarded", "on": "1/2/25x"}).content.decode()
    assert "«Ngày»: ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy." in html
    assert "Chưa nhập «Huy hiệu (số năm tuổi Đảng)»." in html
    assert written(member) == before


def test_a_party_card_number_goes_with_the_event(client, officer, member):
    client.force_login(officer)
    response = client.post(
        create_url(member), {"type": "party_card_issued", "on": "02/05/2024", "card_number": "01234567"}
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).party_card_number == "01234567"


def test_voiding_an_event_needs_a_reason(client, officer, member):
    event = member_record_event(
        actor=SYSTEM,
        member=member,
        data=EventInput(type=EventType.YEARLY_GRADING, on=date(2024, 12, 10), payload={"grade": "good"}),
    )
    before = written(member)
    client.force_login(officer)
    url = reverse("members:event_correct", args=[event.pk])
    assert "Xếp loại chất lượng hằng năm" in client.get(url).content.decode()
    html = client.post(url, {"reason": ""}).content.decode()
    assert "Chưa nhập «Lý do hủy»." in html
    assert written(member) == before


def test_voiding_an_event_strikes_it_through_on_the_profile(client, officer, member):
    event = member_record_event(
        actor=SYSTEM,
        member=member,
        data=EventInput(type=EventType.YEARLY_GRADING, on=date(2024, 12, 10), payload={"grade": "good"}),
    )
    client.force_login(officer)
    response = client.post(reverse("members:event_correct", args=[event.pk]), {"reason": "Ghi nhầm năm"}, follow=True)
    html = response.content.decode()
    assert "Đã hủy sự kiện «Xếp loại chất lượng hằng năm» ngày 10/12/2024." in html
    assert "Ghi nhầm năm" in html
    assert MemberEvent.objects.filter(corrects=event).exists()


def test_voiding_an_event_the_history_depends_on_is_refused(client, officer, member):
    ceremony = member.events.get(type=EventType.ADMISSION_CEREMONY)
    member_record_event(
        actor=SYSTEM, member=member, data=EventInput(type=EventType.FULL_RECOGNITION, on=date(2025, 3, 20))
    )
    before = written(member)
    client.force_login(officer)
    response = client.post(reverse("members:event_correct", args=[ceremony.pk]), {"reason": "Thử"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert written(member) == before
