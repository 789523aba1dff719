"""The writing routes: GET/POST /api/v1/members/{id}/events, POST /api/v1/members/admissions and
POST /api/v1/events/{id}/correction.

Outside the scope is 404 and writes nothing; visible but read-only (the `leader`) is 403; a refused
rule is 422 with the Vietnamese message, the field and the rule id, and writes nothing.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from dangbo.audit.models import AuditEntry
from dangbo.members.models import EventType as E
from dangbo.members.models import Member, MemberEvent
from dangbo.members.services import ProfileInput, member_admit

NOT_FOUND = {"detail": "Không tìm thấy", "field": None, "rule": None}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas are created with a password; a cheap hasher keeps these tests fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lan(tree, system_user) -> Member:
    """A probationary member of cell A1: admitted 06/01/2020, ceremony 20/01/2020."""
    profile = ProfileInput(full_name="Nguyễn Thị Lan", birth_year=1985, sex="F", general_education="gdpt_thpt")
    return member_admit(
        actor=system_user,
        profile=profile,
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )


def post(client, user, url, body):
    client.force_login(user)
    return client.post(url, json.dumps(body), content_type="application/json")


def counts() -> tuple[int, int, int]:
    return Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count()


def events_url(member) -> str:
    return f"/api/v1/members/{member.pk}/events"


RECOGNITION = {"type": E.FULL_RECOGNITION, "on": "2021-01-20", "decision_number": "15-QĐ/ĐU"}


# --- reading the events --------------------------------------------------------------------------


def test_the_events_of_a_member_in_scope_are_listed_oldest_first(client, tree, lan, commune_officer):
    client.force_login(commune_officer)
    body = client.get(events_url(lan)).json()
    assert [(e["type"], e["on"], e["voided"]) for e in body] == [
        ("admission_decision", "2020-01-06", False),
        ("admission_ceremony", "2020-01-20", False),
    ]
    assert body[0]["type_label"] == "Quyết định kết nạp đảng viên"
    assert body[0]["org"] == {"id": tree["cell_a1"].pk, "name": "Chi bộ thôn 1"}


def test_the_events_of_a_member_outside_the_scope_are_not_found(client, lan, outsider):
    client.force_login(outsider)
    response = client.get(events_url(lan))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


# --- recording an event --------------------------------------------------------------------------


def test_an_officer_records_an_event_for_a_member_in_scope(client, lan, commune_officer):
    response = post(client, commune_officer, events_url(lan), RECOGNITION)
    assert response.status_code == 201
    body = response.json()
    assert (body["type"], body["on"], body["decision_number"]) == ("full_recognition", "2021-01-20", "15-QĐ/ĐU")
    assert body["recorded_by"] == commune_officer.username
    lan.refresh_from_db()
    assert lan.current_status == "chinh_thuc"


def test_rule_r021_a_recognition_before_probation_ends_is_422_and_writes_nothing(client, lan, commune_officer):
    before = counts()
    response = post(client, commune_officer, events_url(lan), {**RECOGNITION, "on": "2020-12-01"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Chưa hết 12 tháng dự bị (lễ kết nạp 20/01/2020, hết dự bị ngày 20/01/2021).",
        "field": "on",
        "rule": "R-021",
    }
    assert counts() == before
    lan.refresh_from_db()
    assert lan.current_status == "du_bi"


def test_an_outsider_recording_for_a_hidden_member_gets_not_found_and_writes_nothing(client, lan, outsider):
    before = counts()
    response = post(client, outsider, events_url(lan), RECOGNITION)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert counts() == before


def test_a_view_only_leader_is_forbidden_to_record(client, lan, leader):
    before = counts()
    response = post(client, leader, events_url(lan), RECOGNITION)
    assert response.status_code == 403
    assert "chỉ có quyền xem" in response.json()["detail"]
    assert counts() == before


def test_an_organization_outside_the_scope_in_the_body_is_refused_like_a_missing_one(
    client, tree, lan, commune_officer
):
    body = {"type": E.ORG_REASSIGNED, "on": "2024-02-01"}
    hidden = post(client, commune_officer, events_url(lan), {**body, "org_id": tree["cell_b1"].pk})
    missing = post(client, commune_officer, events_url(lan), {**body, "org_id": 999999})
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json() == missing.json() == {"detail": "Không tìm thấy tổ chức.", "field": "org", "rule": None}


def test_a_correction_cannot_be_recorded_as_an_ordinary_event(client, lan, commune_officer):
    before = counts()
    response = post(client, commune_officer, events_url(lan), {"type": "correction", "on": "2024-01-02"})
    assert response.status_code == 422
    assert response.json()["field"] == "type"
    assert counts() == before


def test_recording_needs_the_csrf_token_of_the_session(tree, lan, commune_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(commune_officer)
    before = counts()
    response = client.post(events_url(lan), json.dumps(RECOGNITION), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert counts() == before


def test_an_anonymous_post_is_refused(client, lan):
    before = counts()
    response = client.post(events_url(lan), json.dumps(RECOGNITION), content_type="application/json")
    assert response.status_code == 401
    assert counts() == before


# --- admission -----------------------------------------------------------------------------------

ADMISSION = {
    "full_name": "Phạm Minh Khoa",
    "sex": "M",
    "birth_date": "1998-04-12",
    "citizen_id": "001098004321",
    "general_education": "gdpt_thpt",
    "decided_on": "2024-03-04",
    "ceremony_on": "2024-03-18",
    "decision_number": "88-QĐ/ĐU",
}


def test_an_officer_admits_a_person_into_a_cell_in_scope(client, tree, commune_officer):
    response = post(client, commune_officer, "/api/v1/members/admissions", {**ADMISSION, "cell_id": tree["cell_a2"].pk})
    assert response.status_code == 201
    body = response.json()
    assert (body["full_name"], body["birth_year"], body["current_status"]) == ("Phạm Minh Khoa", 1998, "du_bi")
    assert body["current_org"]["id"] == tree["cell_a2"].pk
    assert body["citizen_id"] == "001******321"  # masked in every answer (the dossier shows it on request)
    member = Member.objects.get(pk=body["id"])
    assert [e.type for e in member.events.all()] == ["admission_decision", "admission_ceremony"]


def test_an_admission_into_a_cell_outside_the_scope_is_not_found(client, tree, outsider):
    before = counts()
    response = post(client, outsider, "/api/v1/members/admissions", {**ADMISSION, "cell_id": tree["cell_a2"].pk})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert counts() == before


def test_a_view_only_leader_is_forbidden_to_admit(client, tree, leader):
    before = counts()
    response = post(client, leader, "/api/v1/members/admissions", {**ADMISSION, "cell_id": tree["cell_a2"].pk})
    assert response.status_code == 403
    assert counts() == before


def test_rule_r050_an_admission_under_18_is_422_and_writes_nothing(client, tree, commune_officer):
    before = counts()
    response = post(
        client,
        commune_officer,
        "/api/v1/members/admissions",
        {**ADMISSION, "birth_date": "2008-01-01", "cell_id": tree["cell_a2"].pk},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "R-050"
    assert body["field"] == "birth_date"
    assert body["detail"].startswith("Chưa đủ 18 tuổi")
    assert counts() == before


# --- correction ----------------------------------------------------------------------------------


def test_an_officer_voids_an_event_with_a_reason_and_the_list_shows_it(client, lan, commune_officer):
    ceremony = lan.events.get(type=E.ADMISSION_CEREMONY)
    response = post(client, commune_officer, f"/api/v1/events/{ceremony.pk}/correction", {"reason": "Ghi sai ngày"})
    assert response.status_code == 201
    correction = response.json()
    assert (correction["type"], correction["corrects_id"], correction["note"]) == (
        "correction",
        ceremony.pk,
        "Ghi sai ngày",
    )
    listed = {e["id"]: e for e in client.get(events_url(lan)).json()}
    assert listed[ceremony.pk]["voided"] is True
    assert listed[ceremony.pk]["voided_by_id"] == correction["id"]
    lan.refresh_from_db()
    assert lan.current_status == "cho_ket_nap"


def test_a_correction_without_a_reason_is_422_and_writes_nothing(client, lan, commune_officer):
    ceremony = lan.events.get(type=E.ADMISSION_CEREMONY)
    before = counts()
    response = post(client, commune_officer, f"/api/v1/events/{ceremony.pk}/correction", {"reason": "  "})
    assert response.status_code == 422
    assert response.json() == {"detail": "Phải nêu lý do hủy sự kiện.", "field": "reason", "rule": None}
    assert counts() == before


def test_an_outsider_voiding_an_event_of_a_hidden_member_gets_not_found(client, lan, outsider):
    ceremony = lan.events.get(type=E.ADMISSION_CEREMONY)
    before = counts()
    hidden = post(client, outsider, f"/api/v1/events/{ceremony.pk}/correction", {"reason": "Ghi sai"})
    missing = post(client, outsider, "/api/v1/events/999999/correction", {"reason": "Ghi sai"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == NOT_FOUND
    assert counts() == before


def test_a_view_only_leader_is_forbidden_to_void(client, lan, leader):
    ceremony = lan.events.get(type=E.ADMISSION_CEREMONY)
    before = counts()
    response = post(client, leader, f"/api/v1/events/{ceremony.pk}/correction", {"reason": "Ghi sai"})
    assert response.status_code == 403
    assert counts() == before
