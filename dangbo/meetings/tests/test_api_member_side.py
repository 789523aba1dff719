"""API of the member's side (/api/v1/notices, /api/v1/corrections) and of the e-handbook
coverage and committee members' visits (/api/v1/meetings/...): scope (out of scope = 404, seen
but not writable = 403), bad input (422 naming the field, nothing written), audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dangbo.access import policy
from dangbo.audit.models import AuditEntry
from dangbo.meetings.guests import seat_add
from dangbo.meetings.models import CommitteeSeat, CorrectionRequest, HandbookUsage, MeetingGuest
from dangbo.meetings.services import MeetingInput, meeting_create
from dangbo.members.models import EventType, MemberEvent
from dangbo.notifications.models import NoticeRecipient
from dangbo.notifications.notices import NoticeInput, notice_send
from dangbo.reports.services import handbook_account_register

pytestmark = pytest.mark.django_db
J = "application/json"


# --- notices ----------------------------------------------------------------------------------


def test_a_member_lists_their_notices_and_marks_one_read_once(client, member_user, commune_officer, tree, members_a1):
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(org_id=tree["cell_a1"].pk, title="Họp chi bộ tháng 3", audience_org_id=tree["cell_a1"].pk),
    )
    client.force_login(member_user)
    mine = client.get("/api/v1/notices/mine").json()
    assert [(n["notice_id"], n["title"], n["read_at"]) for n in mine] == [(notice.pk, "Họp chi bộ tháng 3", None)]
    read = client.post(f"/api/v1/notices/mine/{notice.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    again = client.post(f"/api/v1/notices/mine/{notice.pk}/read")
    assert again.json()["read_at"] == read.json()["read_at"]
    assert AuditEntry.objects.filter(action="notice.read").count() == 1
    client.force_login(commune_officer)
    listed = client.get("/api/v1/notices/").json()["items"]
    assert [(n["id"], n["read"], n["recipients"]) for n in listed] == [(notice.pk, 1, 4)]


def test_a_notice_not_sent_to_me_is_not_found_and_nothing_is_read(
    client, member_user, commune_officer, outsider, tree, members_a1, admit
):
    admit(tree["cell_a2"], "Đinh Văn Xa")
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(org_id=tree["cell_a2"].pk, title="Chỉ chi bộ 2", audience_org_id=tree["cell_a2"].pk),
    )
    client.force_login(member_user)
    assert client.post(f"/api/v1/notices/mine/{notice.pk}/read").status_code == 404
    assert client.post("/api/v1/notices/mine/999999/read").status_code == 404
    assert not NoticeRecipient.objects.filter(read_at__isnull=False).exists()
    client.force_login(outsider)
    assert client.get("/api/v1/notices/").json()["items"] == []


# --- correction requests ----------------------------------------------------------------------


def test_a_member_requests_a_correction_and_the_officer_accepts_it_by_an_event(
    client, member_user, commune_officer, members_a1
):
    client.force_login(member_user)
    created = client.post(
        "/api/v1/corrections/",
        {"field": "hometown", "requested_value": "Xã An Bình, Hà Nam", "reason": "Theo giấy khai sinh"},
        content_type=J,
    )
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    assert [r["id"] for r in client.get("/api/v1/corrections/").json()["items"]] == [rid]
    assert client.post(f"/api/v1/corrections/{rid}/accept").status_code == 403  # a member does not decide
    client.force_login(commune_officer)
    pending = client.get("/api/v1/corrections/", {"status": "pending"}).json()["items"]
    assert [(r["id"], r["field_label"]) for r in pending] == [(rid, "Quê quán")]
    done = client.post(f"/api/v1/corrections/{rid}/accept")
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    event = MemberEvent.objects.get(pk=done.json()["event_id"])
    assert event.type == EventType.PROFILE_UPDATE and event.member_id == members_a1[0].pk
    members_a1[0].refresh_from_db()
    assert members_a1[0].hometown == "Xã An Bình, Hà Nam"
    assert client.post(f"/api/v1/corrections/{rid}/accept").json()["field"] == "request"  # already decided: 422


def test_bad_correction_input_names_the_field_and_writes_nothing(client, member_user, commune_officer, members_a1):
    client.force_login(member_user)
    for body, field in [
        ({"field": "hometown", "requested_value": ""}, "requested_value"),
        ({"field": "birth_date", "requested_value": "31/02/1980"}, "requested_value"),
        ({"field": "religion", "requested_value": "x"}, "field"),
    ]:
        response = client.post("/api/v1/corrections/", body, content_type=J)
        assert response.status_code == 422 and response.json()["field"] == field, response.content
    assert not CorrectionRequest.objects.exists()
    client.post("/api/v1/corrections/", {"field": "phone", "requested_value": "0912345678"}, content_type=J)
    rid = CorrectionRequest.objects.get().pk
    client.force_login(commune_officer)
    refused = client.post(f"/api/v1/corrections/{rid}/refuse", {"reason": "  "}, content_type=J)
    assert refused.status_code == 422 and refused.json()["field"] == "refusal_reason"
    assert CorrectionRequest.objects.get().status == "pending"


def test_corrections_out_of_scope_are_not_found(client, member_user, outsider, commune_officer, members_a1):
    client.force_login(member_user)
    rid = client.post(
        "/api/v1/corrections/", {"field": "phone", "requested_value": "0912345678"}, content_type=J
    ).json()["id"]
    client.force_login(outsider)
    assert client.get("/api/v1/corrections/").json()["items"] == []
    assert client.post(f"/api/v1/corrections/{rid}/accept").status_code == 404
    assert client.post(f"/api/v1/corrections/{rid}/refuse", {"reason": "Không"}, content_type=J).status_code == 404
    assert CorrectionRequest.objects.get().status == "pending"
    client.force_login(commune_officer)  # an officer has no record of their own to correct
    assert (
        client.post(
            "/api/v1/corrections/", {"field": "phone", "requested_value": "0912345678"}, content_type=J
        ).status_code
        == 404
    )


# --- the e-handbook coverage and committee members' visits ------------------------------------------


def test_rule_r043_coverage_api_by_organization_as_of_a_date(
    client, commune_officer, outsider, system_user, tree, members_a1
):
    for m in members_a1[:2]:
        handbook_account_register(actor=system_user, member=m, on=date(2023, 1, 2))
    HandbookUsage.objects.create(member=members_a1[0], first_access_on=date(2023, 2, 1))
    client.force_login(commune_officer)
    body = client.get("/api/v1/meetings/handbook-coverage", {"org_id": tree["commune_a"].pk, "on": "2023-12-10"}).json()
    assert (body["total"]["accessed"], body["total"]["registered"], body["total"]["base"]) == (1, 2, 4)
    assert body["total"]["label"] == "1/4 (25,0%)"
    assert {r["name"]: r["accessed"] for r in body["rows"]} == {"Chi bộ thôn 1": 1, "Chi bộ thôn 2": 0}
    early = client.get("/api/v1/meetings/handbook-coverage", {"org_id": tree["commune_a"].pk, "on": "2023-01-15"})
    assert early.json()["total"]["accessed"] == 0
    bad = client.get("/api/v1/meetings/handbook-coverage", {"org_id": tree["commune_a"].pk, "on": "2023-02-31"})
    assert bad.status_code == 422 and bad.json()["field"] == "on"
    client.force_login(outsider)
    assert client.get("/api/v1/meetings/handbook-coverage", {"org_id": tree["commune_a"].pk}).status_code == 404


def test_committee_seats_and_guests_api(client, officer, leader, outsider, system_user, tree, members_a1, admit):
    guest = admit(tree["cell_b1"], "Đỗ Văn Khách")
    client.force_login(officer)
    created = client.post(
        "/api/v1/meetings/committee-seats",
        {"committee_id": tree["province"].pk, "member_id": guest.pk, "valid_from": "2020-10-01"},
        content_type=J,
    )
    assert created.status_code == 201, created.content
    seat_id = created.json()["id"]
    m = meeting_create(
        actor=system_user,
        data=MeetingInput(
            org_id=tree["cell_a1"].pk, kind="monthly", planned_on=date(2024, 3, 5), held_on=date(2024, 3, 5)
        ),
    )
    recorded = client.post(f"/api/v1/meetings/{m.pk}/guests", {"seat_id": seat_id}, content_type=J)
    assert recorded.status_code == 200 and recorded.json() == [
        {"seat_id": seat_id, "member_id": guest.pk, "name": "Đỗ Văn Khách", "attended": True}
    ]
    figures = client.get("/api/v1/meetings/committee-seats", {"committee_id": tree["province"].pk, "year": 2024}).json()
    assert (figures["short"], figures["seats"][0]["visits"], figures["per_year"]) == (1, 1, 2)
    assert AuditEntry.objects.filter(action__in=["meeting.seat_add", "meeting.guest"]).count() == 2
    # bad input: a seat on a committee that is not above the meeting's organization, an end before the start
    own = seat_add(actor=officer, committee_id=tree["commune_b"].pk, member_id=guest.pk, valid_from=date(2020, 1, 1))
    wrong = client.post(f"/api/v1/meetings/{m.pk}/guests", {"seat_id": own.pk}, content_type=J)
    assert wrong.status_code == 422 and wrong.json()["field"] == "seat_id"
    early = client.post(f"/api/v1/meetings/committee-seats/{seat_id}/end", {"valid_to": "2019-01-01"}, content_type=J)
    assert early.status_code == 422 and early.json()["field"] == "valid_to"
    assert MeetingGuest.objects.count() == 1 and CommitteeSeat.objects.get(pk=seat_id).valid_to is None
    # a leader sees but does not write; an officer of another commune does not see
    client.force_login(leader)
    assert (
        client.post(
            "/api/v1/meetings/committee-seats",
            {"committee_id": tree["province"].pk, "member_id": guest.pk, "valid_from": "2021-01-01"},
            content_type=J,
        ).status_code
        == 403
    )
    client.force_login(outsider)
    assert (
        client.get("/api/v1/meetings/committee-seats", {"committee_id": tree["province"].pk, "year": 2024}).status_code
        == 404
    )
    assert client.post(f"/api/v1/meetings/{m.pk}/guests", {"seat_id": seat_id}, content_type=J).status_code == 404
    assert (
        client.post(
            f"/api/v1/meetings/committee-seats/{seat_id}/end", {"valid_to": "2025-01-01"}, content_type=J
        ).status_code
        == 404
    )
    assert CommitteeSeat.objects.filter(valid_to__isnull=False).count() == 0


def test_an_officer_sends_a_study_campaign_through_the_api_and_records_and_reads_the_receipts(
    client, member_user, commune_officer, outsider, tree, members_a1
):
    """POST /api/v1/notices/ sends, GET /{id} lists receipts and study dates, POST /{id}/studied
    records completions; the member confirms through /mine/{id}/studied; out of scope is 404."""
    today = policy.today()
    client.force_login(commune_officer)
    sent = client.post(
        "/api/v1/notices/",
        {
            "org_id": tree["commune_a"].pk,
            "audience_org_id": tree["cell_a1"].pk,
            "title": "Học tập Nghị quyết Đại hội",
            "kind": "study",
            "study_due": (today + timedelta(days=10)).isoformat(),
        },
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    notice = sent.json()
    assert notice["recipients"] == len(members_a1) and notice["studied"] == 0 and notice["receipts"].startswith("0/")
    assert AuditEntry.objects.filter(action__startswith="notice.").exists()
    bad = client.post(
        "/api/v1/notices/",
        {
            "org_id": tree["commune_a"].pk,
            "audience_org_id": tree["cell_a1"].pk,
            "title": "x",
            "study_due": "08/12/2026",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422  # dates are ISO only

    other = members_a1[1]
    done = client.post(
        f"/api/v1/notices/{notice['id']}/studied",
        {"member_ids": [other.pk], "on": today.isoformat()},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["studied"] == 1
    late = client.post(
        f"/api/v1/notices/{notice['id']}/studied",
        {"member_ids": [other.pk], "on": (today + timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert late.status_code == 422 and late.json()["field"] == "on" and "Ngày hoàn thành" in late.json()["detail"]

    client.force_login(member_user)
    mine = client.post(f"/api/v1/notices/mine/{notice['id']}/studied")
    assert mine.status_code == 200 and mine.json()["studied_on"] == today.isoformat()
    client.post(f"/api/v1/notices/mine/{notice['id']}/read")
    assert client.get(f"/api/v1/notices/{notice['id']}").status_code == 404  # a member is not an officer

    client.force_login(commune_officer)
    detail = client.get(f"/api/v1/notices/{notice['id']}").json()
    by_member = {m["member_id"]: m for m in detail["members"]}
    assert detail["studied"] == 2 and detail["read"] == 1
    assert by_member[members_a1[0].pk]["read_at"] and by_member[other.pk]["studied_on"] == today.isoformat()

    client.force_login(outsider)
    assert client.get(f"/api/v1/notices/{notice['id']}").status_code == 404
    assert client.post(f"/api/v1/notices/mine/{notice['id']}/studied").status_code == 404
    refused = client.post(
        "/api/v1/notices/",
        {"org_id": tree["commune_a"].pk, "audience_org_id": tree["commune_a"].pk, "title": "Lộ"},
        content_type="application/json",
    )
    assert refused.status_code == 404 and NoticeRecipient.objects.filter(notice__title="Lộ").count() == 0
