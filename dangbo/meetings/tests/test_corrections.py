"""R-161: a member reads their own record and asks for a correction; the officer accepts it (a
profile update event of the registry) or refuses it with a reason; who viewed my record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.meetings.corrections import correction_accept, correction_refuse, correction_request
from dangbo.meetings.models import CorrectionRequest
from dangbo.members.models import EventType, Member, MemberEvent

pytestmark = pytest.mark.django_db


def test_rule_r161_an_accepted_correction_is_a_profile_update_event(member_user, members_a1, commune_officer):
    req = correction_request(
        actor=member_user, field="hometown", requested_value="Xã An Bình, huyện Sông Xanh", reason="Theo giấy khai sinh"
    )
    assert req.status == "pending" and req.current_value == ""
    assert Member.objects.get(pk=members_a1[0].pk).hometown == ""  # nothing changes before the officer decides

    correction_accept(actor=commune_officer, request_id=req.pk)

    req.refresh_from_db()
    member = Member.objects.get(pk=members_a1[0].pk)
    assert member.hometown == "Xã An Bình, huyện Sông Xanh"
    assert req.status == "accepted" and req.event.type == EventType.PROFILE_UPDATE
    assert f"yêu cầu số {req.pk}" in req.event.note
    assert set(
        AuditEntry.objects.filter(subject_member_id=member.pk, action__startswith="member.correction").values_list(
            "action", flat=True
        )
    ) == {"member.correction_requested", "member.correction_accepted"}


def test_rule_r161_a_refusal_needs_a_reason_and_changes_nothing(member_user, members_a1, commune_officer):
    req = correction_request(actor=member_user, field="birth_date", requested_value="5/4/1985")
    assert req.requested_value == "05/04/1985"
    with pytest.raises(DomainError) as err:
        correction_refuse(actor=commune_officer, request_id=req.pk, reason=" ")
    assert err.value.field == "refusal_reason"
    correction_refuse(actor=commune_officer, request_id=req.pk, reason="Hồ sơ gốc ghi năm 1985, không có ngày")
    req.refresh_from_db()
    assert req.status == "refused" and req.refusal_reason.startswith("Hồ sơ gốc")
    assert Member.objects.get(pk=members_a1[0].pk).birth_date is None
    assert not MemberEvent.objects.filter(member=members_a1[0], type=EventType.PROFILE_UPDATE).exists()
    with pytest.raises(DomainError):  # decided once
        correction_accept(actor=commune_officer, request_id=req.pk)


def test_rule_r161_bad_requests_name_the_field_and_write_nothing(member_user, members_a1, officer):
    for field, value, err_field in [
        ("religion", "x", "field"),
        ("hometown", " ", "requested_value"),
        ("birth_date", "31/02/1985", "requested_value"),
        ("full_name", "Nguyễn Văn An", "requested_value"),
    ]:
        with pytest.raises(DomainError) as err:
            correction_request(actor=member_user, field=field, requested_value=value)
        assert err.value.field == err_field, field
    with pytest.raises(DomainError):  # an officer has no record of their own to correct
        correction_request(actor=officer, field="hometown", requested_value="Hà Nội")
    assert not CorrectionRequest.objects.exists()


def test_rule_r161_an_officer_outside_the_scope_cannot_decide(member_user, members_a1, outsider):
    req = correction_request(actor=member_user, field="occupation", requested_value="Giáo viên")
    with pytest.raises(DomainError):
        correction_accept(actor=outsider, request_id=req.pk)
    with pytest.raises(DomainError):  # nor the member on their own request
        correction_accept(actor=member_user, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == "pending"


def test_the_member_pages_request_and_the_officer_accepts(client, member_user, members_a1, commune_officer):
    client.force_login(member_user)
    page = client.get(reverse("meetings:my_record")).content.decode()
    assert "Nguyễn Văn An" in page and "Ai đã xem" in page and reverse("audit:my_views") in page
    bad = client.post(reverse("meetings:my_record"), {"field": "hometown", "requested_value": ""})
    assert "Ghi «Quê quán» đúng là gì." in bad.content.decode() and not CorrectionRequest.objects.exists()
    client.post(reverse("meetings:my_record"), {"field": "occupation", "requested_value": "Kỹ sư"})
    req = CorrectionRequest.objects.get()

    client.force_login(commune_officer)
    assert "Kỹ sư" in client.get(reverse("meetings:correction_list")).content.decode()
    response = client.post(reverse("meetings:correction_decide", args=[req.pk]), {"action": "accept"})
    assert response.status_code == 302
    assert Member.objects.get(pk=members_a1[0].pk).occupation == "Kỹ sư"

    client.force_login(member_user)
    assert "Đã chấp nhận" in client.get(reverse("meetings:my_record")).content.decode()


def test_who_viewed_my_record_shows_the_officer_not_myself(client, member_user, members_a1, commune_officer):
    client.force_login(commune_officer)
    assert client.get(reverse("members:member_detail", args=[members_a1[0].pk])).status_code == 200
    client.force_login(member_user)
    client.get(reverse("meetings:my_record"))  # my own reading is logged, not listed
    rows = client.get(reverse("audit:my_views")).context["rows"]
    assert [r["entry"].actor for r in rows] == [commune_officer]


def test_the_record_page_is_not_found_without_a_member_profile(client, commune_officer):
    client.force_login(commune_officer)
    assert client.get(reverse("meetings:my_record")).status_code == 404
