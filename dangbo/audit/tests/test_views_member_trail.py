"""audit:member_trail /nhat-ky/dang-vien/<member_id>/: what the log holds about one member."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_read, audit_record

pytestmark = pytest.mark.urls("dangbo.audit.tests.urls")


def url(member) -> str:
    return reverse("audit:member_trail", args=[member.pk])


def test_it_sends_anonymous_visitors_to_the_login_page(client, member_a1):
    response = client.get(url(member_a1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_is_not_found_outside_the_scope(client, outsider, member_a1):
    client.force_login(outsider)
    assert client.get(url(member_a1)).status_code == 404


def test_it_is_not_found_for_a_member_that_does_not_exist(client, officer, tree):
    client.force_login(officer)
    assert client.get(reverse("audit:member_trail", args=[987654])).status_code == 404


def test_it_lists_the_entries_about_the_member_and_only_those(client, commune_officer, member_a1, member_b1):
    audit_read(actor=commune_officer, obj=member_a1, org_id=member_a1.current_org_id)
    client.force_login(commune_officer)

    response = client.get(url(member_a1))

    assert response.status_code == 200
    actions = [row["entry"].action for row in response.context["rows"]]
    assert sorted(actions) == sorted(
        [
            "read.member_trail",  # this very page (the officer may see personal data)
            "read.member_profile",
            "member.admission_ceremony",
            "member.admission_decision",
            "member.created",
        ]
    )
    html = response.content.decode()
    assert "Nhật ký hồ sơ đảng viên Nguyễn Văn Thử" in html
    assert "Trần Thị Mẫu" not in html
    assert "Trước / sau" in html


def test_it_includes_event_entries_written_before_entries_named_their_member(client, officer, member_a1):
    event = member_a1.events.first()
    legacy = audit_record(
        actor="hệ thống",
        action="member.legacy_import",
        object_type="members.memberevent",
        object_id=event.pk,
        summary="Nhập từ hệ thống cũ",
    )
    assert legacy.subject_member_id is None
    client.force_login(officer)

    entries = [row["entry"] for row in client.get(url(member_a1)).context["rows"]]

    assert legacy in entries


def test_reading_the_trail_with_personal_values_is_itself_logged(client, officer, member_a1):
    client.force_login(officer)
    client.get(url(member_a1))
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.actor, entry.subject_member_id) == ("read.member_trail", officer, member_a1.pk)


def test_a_leader_sees_the_trail_without_the_personal_values(client, leader, member_a1):
    client.force_login(leader)
    count = AuditEntry.objects.count()

    response = client.get(url(member_a1))

    assert response.status_code == 200
    assert response.context["details"] is False
    assert "Trước / sau" not in response.content.decode()
    assert AuditEntry.objects.count() == count


def test_a_member_sees_the_trail_of_his_own_profile_but_not_of_others(client, member_user, member_a1, member_b1):
    client.force_login(member_user)
    assert client.get(url(member_a1)).status_code == 200
    assert client.get(url(member_b1)).status_code == 404
