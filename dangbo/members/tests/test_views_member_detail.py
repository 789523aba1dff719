"""The member profile /dang-vien/<id>/: state, seniority, probation, timeline with voided events."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.access import policy
from dangbo.audit.models import AuditEntry
from dangbo.members.models import EventType
from dangbo.members.services import EventInput, event_correct, member_record_event
from tests.factories import MemberFactory

SYSTEM = policy.SYSTEM.named("kiểm thử")


def admit(cell, *, decided=date(2024, 3, 4), ceremony=date(2024, 3, 18)):
    return MemberFactory(
        actor=SYSTEM,
        cell=cell,
        decided_on=decided,
        ceremony_on=ceremony,
        decision_number="112-QĐ/ĐU",
        decision_body="Đảng ủy xã An Bình",
        full_name="Nguyễn Thị Ánh",
        birth_year=1990,
        sex="F",
        citizen_id="001090012345",
    )


def url(member):
    return reverse("members:member_detail", args=[member.pk])


def test_anonymous_is_sent_to_login(client, tree):
    member = admit(tree["cell_a1"])
    response = client.get(url(member))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_member_outside_the_scope_is_not_found(client, outsider, tree):
    member = admit(tree["cell_a1"])
    client.force_login(outsider)
    response = client.get(url(member))
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_it_shows_state_decision_probation_and_seniority(client, commune_officer, tree):
    member = admit(tree["cell_a1"], decided=date(2024, 3, 4), ceremony=date(2024, 3, 18))
    client.force_login(commune_officer)
    html = client.get(url(member)).content.decode()
    assert "Nguyễn Thị Ánh" in html
    assert "Chi bộ thôn 1" in html
    assert "Quyết định số 112-QĐ/ĐU ngày 04/03/2024 của Đảng ủy xã An Bình" in html
    assert 'Hết thời gian dự bị</dt><dd class="col-6">18/03/2025' in html
    assert "Hạn đề nghị công nhận chính thức" in html
    assert "Quá hạn" in html  # today is long after 18/03/2025 + 30 working days
    assert "Tuổi đảng" in html and " năm " in html


def test_the_full_citizen_id_needs_the_personal_data_right(client, officer, leader, tree):
    member = admit(tree["cell_a1"])
    client.force_login(officer)
    html = client.get(url(member)).content.decode()
    assert "001090012345" not in html and "001******345" in html and "?show=citizen_id" in html
    assert "001090012345" in client.get(url(member), {"show": "citizen_id"}).content.decode()
    client.force_login(leader)
    html = client.get(url(member), {"show": "citizen_id"}).content.decode()
    assert "001090012345" not in html and "001******345" in html and "?show=citizen_id" not in html


def test_reading_a_profile_is_logged(client, officer, tree):
    member = admit(tree["cell_a1"])
    client.force_login(officer)
    client.get(url(member))
    assert AuditEntry.objects.filter(action="read.member_profile", object_id=str(member.pk)).count() == 1


def test_a_voided_event_is_struck_through_with_the_reason(client, officer, tree):
    member = admit(tree["cell_a1"])
    card = member_record_event(
        actor=SYSTEM,
        member=member,
        data=EventInput(type=EventType.PARTY_CARD_ISSUED, on=date(2024, 5, 2), payload={"card_number": "12345678"}),
    )
    event_correct(actor=SYSTEM, event=card, reason="Ghi nhầm số thẻ")
    client.force_login(officer)
    html = client.get(url(member)).content.decode()
    assert f'id="event-{card.pk}"' in html
    item = html.split(f'id="event-{card.pk}"')[1].split("</li>")[0]
    assert 'class="voided"' in item
    assert "Ghi nhầm số thẻ" in item
    assert "Hủy sự kiện ghi sai</a>" not in item


def test_the_profile_keeps_a_small_query_count(client, officer, tree, django_assert_max_num_queries):
    member = admit(tree["cell_a1"])
    for i in range(5):
        member_record_event(
            actor=SYSTEM,
            member=member,
            data=EventInput(type=EventType.YEARLY_GRADING, on=date(2024, 12, 1 + i), payload={"grade": "good"}),
        )
    client.force_login(officer)
    client.get(url(member))
    with django_assert_max_num_queries(25):
        response = client.get(url(member))
    assert response.status_code == 200
