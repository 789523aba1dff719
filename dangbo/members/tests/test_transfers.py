"""Transfers of party activity (chuyển sinh hoạt đảng) as a process: letter → in transit →
received / returned / cancelled; the letter to outside the system; temporary transfers; the
deadline R-033; the receiving side in the access policy; notifications; the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.core.dates import add_working_days
from dangbo.core.errors import DomainError
from dangbo.members import transfers
from dangbo.members.deadlines import (
    recognition_alert_cutoff,
    recognition_alert_from,
    recognition_deadline,
    recognition_overdue_cutoff,
    transfer_deadline,
    transfer_overdue_cutoff,
)
from dangbo.members.models import EventType, Member, MembershipSpan, Status, Transfer
from dangbo.members.selectors import MemberFilters, member_list, overdue_issues
from dangbo.members.transfers import LetterInput, transfer_issue, transfer_receive, transfer_return
from dangbo.notifications.models import Notification
from dangbo.orgs.services import org_establish
from tests.factories import MemberFactory

TODAY = timezone.localdate()


def admit(actor, cell, name="Trần Văn Chuyển") -> Member:
    return MemberFactory(actor=actor, cell=cell, full_name=name, decided_on=date(2019, 3, 4))


def letter(actor, member, to_org=None, on=None, **kw) -> Transfer:
    return transfer_issue(
        actor=actor,
        member=member,
        data=LetterInput(
            on=on or TODAY - timedelta(days=3),
            letter_number="25-GGT/ĐU",
            issued_by="Đảng ủy xã An Bình",
            to_org=to_org,
            **kw,
        ),
    )


@pytest.fixture
def member(tree, system_user):
    return admit(system_user, tree["cell_a1"])


def test_rule_r033_in_transit_member_stays_counted_at_the_sender_until_received(
    tree, member, commune_officer, outsider
):
    t = letter(commune_officer, member, to_org=tree["commune_b"])
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_a1"].pk and member.current_status == Status.PROBATIONARY
    span = MembershipSpan.objects.valid_on(TODAY).get(member=member)
    assert span.in_transfer and span.org_id == tree["cell_a1"].pk
    assert list(Transfer.objects.open(TODAY)) == [t]
    # counted at the sender (member_statuses.csv chuyen_di), not at the destination
    in_a = member_list(actor=commune_officer, at=TODAY, filters=MemberFilters())
    in_b = member_list(actor=outsider, at=TODAY, filters=MemberFilters())
    assert member in in_a and member not in in_b

    received_on = TODAY - timedelta(days=1)
    transfer_receive(actor=outsider, transfer=t, cell=tree["cell_b1"], on=received_on)
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_b1"].pk
    assert not Transfer.objects.open(TODAY).exists()
    # as of the day before the reception the member was still at the sender
    before = MembershipSpan.objects.valid_on(received_on - timedelta(days=1)).get(member=member)
    assert before.org_id == tree["cell_a1"].pk
    assert member in member_list(actor=outsider, at=TODAY, filters=MemberFilters())
    assert transfers.transfer_state(t, TODAY)["state"] == "received"


def test_rule_r033_overdue_after_30_working_days_same_rule_everywhere(tree, member, commune_officer):
    on = TODAY - timedelta(days=60)
    t = letter(commune_officer, member, to_org=tree["commune_b"], on=on)
    deadline = add_working_days(on, 30)
    assert t.deadline == transfer_deadline(on) == deadline
    assert (deadline < TODAY) == Transfer.objects.overdue(TODAY).filter(pk=t.pk).exists() is True
    # check-data and the periodic job (members.overdue) read the same rule
    assert [i.member_id for i in overdue_issues(today=TODAY) if i.kind == "transfer_overdue"] == [member.pk]
    assert not Transfer.objects.overdue(deadline).exists()  # on the deadline itself: not yet late
    assert Transfer.objects.overdue(deadline + timedelta(days=1)).exists()


def test_rule_r033_overdue_cutoff_is_the_inverse_of_the_deadline(db):
    for offset in range(0, 400, 7):
        today = date(2025, 1, 2) + timedelta(days=offset)
        cutoff = transfer_overdue_cutoff(today)
        assert transfer_deadline(cutoff) < today <= transfer_deadline(cutoff + timedelta(days=1))


def test_rule_r022_recognition_cutoffs_are_the_inverse_of_the_deadlines(db):
    for offset in range(0, 400, 11):
        today = date(2025, 1, 2) + timedelta(days=offset)
        c = recognition_overdue_cutoff(today)
        assert recognition_deadline(c) < today <= recognition_deadline(c + timedelta(days=1))
        a = recognition_alert_cutoff(today)
        assert recognition_alert_from(a) <= today < recognition_alert_from(a + timedelta(days=1))


def test_the_destination_sees_only_the_letters_addressed_to_it(tree, system_user, commune_officer, outsider):
    to_b = letter(commune_officer, admit(system_user, tree["cell_a1"], "Nguyễn Văn Đến"), to_org=tree["cell_b1"])
    inside_a = letter(commune_officer, admit(system_user, tree["cell_a1"], "Nguyễn Văn Ở"), to_org=tree["cell_a2"])
    assert list(transfers.incoming(actor=outsider, today=TODAY)) == [to_b]
    assert policy.get_in_scope_or_404(Transfer, outsider, to_b.pk) == to_b
    with pytest.raises(Http404):
        policy.get_in_scope_or_404(Transfer, outsider, inside_a.pk)
    # nothing else of the member: no dossier, no list row
    with pytest.raises(Http404):
        policy.get_member_or_404(outsider, to_b.member_id)
    assert not member_list(actor=outsider, at=TODAY, filters=MemberFilters()).exists()
    # a leader of commune B may see the letter but not receive it
    assert policy.for_user(Transfer, outsider, "record").filter(pk=to_b.pk).exists()


def test_reception_into_a_cell_outside_the_destination_is_refused(tree, member, commune_officer, officer):
    t = letter(commune_officer, member, to_org=tree["commune_b"])
    with pytest.raises(DomainError) as info:
        transfer_receive(actor=officer, transfer=t, cell=tree["cell_a2"], on=TODAY)
    assert info.value.field == "cell"
    assert Transfer.objects.open(TODAY).filter(pk=t.pk).exists()


def test_reception_needs_the_record_right_at_the_destination(tree, member, commune_officer, django_user_model):
    t = letter(commune_officer, member, to_org=tree["commune_b"])
    reader = django_user_model.objects.create_user("lanh_dao_b", password="x")
    RoleAssignment.objects.create(user=reader, role=Role.LEADER, org=tree["commune_b"], valid_from=date(2015, 1, 1))
    assert transfers.receiving_cells(actor=reader, transfer=t, on=TODAY) == []
    with pytest.raises(DomainError):
        transfer_receive(actor=reader, transfer=t, cell=tree["cell_b1"], on=TODAY)


def test_the_destination_returns_a_letter_with_its_reason(tree, member, commune_officer, outsider):
    t = letter(commune_officer, member, to_org=tree["commune_b"])
    audits = AuditEntry.objects.count()
    transfer_return(actor=outsider, transfer=t, reason="Đảng viên không đến nơi cư trú mới")
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_a1"].pk
    assert not MembershipSpan.objects.valid_on(TODAY).get(member=member).in_transfer
    state = transfers.transfer_state(t, TODAY)
    assert (state["state"], state["correction"].note) == ("returned", "Đảng viên không đến nơi cư trú mới")
    assert AuditEntry.objects.count() == audits + 1
    with pytest.raises(DomainError):  # closed: no second return, no reception
        transfer_receive(actor=outsider, transfer=t, cell=tree["cell_b1"], on=TODAY)


def test_the_sender_cancels_a_letter(tree, member, commune_officer):
    t = letter(commune_officer, member, to_org=tree["commune_b"])
    transfer_return(actor=commune_officer, transfer=t, reason="Cấp nhầm giấy")
    assert transfers.transfer_state(t, TODAY)["state"] == "cancelled"
    with pytest.raises(DomainError) as info:
        transfer_return(actor=commune_officer, transfer=t, reason="lần nữa")
    assert info.value.field == "transfer"


def test_a_transfer_out_of_the_system_ends_at_the_letter(tree, member, commune_officer):
    t = letter(commune_officer, member, to_text="Đảng bộ Công ty X (ngoài hệ thống)")
    member.refresh_from_db()
    assert member.current_status == Status.TRANSFERRED_AWAY
    assert member not in member_list(actor=commune_officer, at=TODAY, filters=MemberFilters())
    assert transfers.transfer_state(t, TODAY)["state"] == "left_system"
    assert not Transfer.objects.open(TODAY).exists()


def test_a_letter_needs_a_number_and_a_destination(tree, member, commune_officer):
    with pytest.raises(DomainError) as info:
        transfer_issue(actor=commune_officer, member=member, data=LetterInput(on=TODAY, letter_number=" "))
    assert info.value.field == "letter_number"
    with pytest.raises(DomainError) as info:
        transfer_issue(actor=commune_officer, member=member, data=LetterInput(on=TODAY, letter_number="1"))
    assert info.value.field == "to_org"
    assert not member.events.filter(type=EventType.OFFICIAL_TRANSFER_OUT).exists()


def test_rule_r035_temporary_transfer_has_an_end_date_and_an_overdue_return(tree, member, commune_officer):
    with pytest.raises(DomainError) as info:
        letter(
            commune_officer,
            member,
            to_org=tree["cell_a2"],
            temporary=True,
            on=TODAY - timedelta(days=400),
            until=TODAY - timedelta(days=400) + timedelta(days=500),
        )
    assert info.value.rule is None and info.value.field == "until"
    on = TODAY - timedelta(days=200)
    t = letter(commune_officer, member, to_org=tree["cell_a2"], temporary=True, on=on, until=TODAY - timedelta(days=10))
    member.refresh_from_db()
    assert member.temp_org_id == tree["cell_a2"].pk and member.current_org_id == tree["cell_a1"].pk
    assert list(Transfer.objects.temporary_overdue(TODAY)) == [t]
    assert not Transfer.objects.temporary_overdue(TODAY - timedelta(days=11)).exists()
    assert transfers.transfer_state(t, TODAY)["overdue"]


def test_the_destination_is_notified(tree, member, commune_officer, outsider):
    t = letter(commune_officer, member, to_org=tree["commune_b"])
    note = Notification.objects.get(kind="members.transfer_incoming")
    assert note.org_id == tree["commune_b"].pk and "25-GGT/ĐU" in note.message
    transfer_receive(actor=outsider, transfer=t, cell=tree["cell_b1"], on=TODAY)
    assert Notification.objects.get(kind="members.transfer_received").org_id == tree["cell_a1"].pk


def test_two_provinces_meet_in_the_middle(tree, system_user, member, commune_officer, django_user_model):
    other = org_establish(
        actor=system_user,
        code="T02",
        name="Đảng bộ tỉnh Bên Kia",
        org_type="provincial_party_org",
        parent=None,
        on=date(2015, 1, 1),
    )
    commune = org_establish(
        actor=system_user,
        code="T02-X01",
        name="Đảng bộ phường Hòa Bình",
        org_type="commune_party_org",
        parent=other,
        on=date(2015, 1, 1),
    )
    cell = org_establish(
        actor=system_user,
        code="T02-X01-C01",
        name="Chi bộ khu phố 3",
        org_type="subordinate_cell",
        parent=commune,
        on=date(2015, 1, 1),
    )
    officer2 = django_user_model.objects.create_user("canbo_tinh_2", password="x")
    RoleAssignment.objects.create(user=officer2, role=Role.OFFICER, org=other, valid_from=date(2015, 1, 1))
    t = letter(commune_officer, member, to_org=commune)
    # the same record from both sides
    assert (
        policy.get_in_scope_or_404(Transfer, officer2, t.pk).pk
        == policy.get_in_scope_or_404(Transfer, commune_officer, t.pk).pk
    )
    transfer_receive(actor=officer2, transfer=t, cell=cell, on=TODAY)
    assert (
        transfers.transfer_state(policy.get_in_scope_or_404(Transfer, commune_officer, t.pk), TODAY)["state"]
        == "received"
    )
    member.refresh_from_db()
    assert member.current_org_id == cell.pk


# --- pages -------------------------------------------------------------------------------------


def test_inbox_and_one_click_reception_pages(client, tree, member, commune_officer, outsider):
    client.force_login(commune_officer)
    response = client.post(
        reverse("members:transfer_issue", args=[member.pk]),
        {
            "kind": "official",
            "letter_number": "31-GGT/ĐU",
            "on": TODAY.strftime("%d/%m/%Y"),
            "to_org": str(tree["commune_b"].pk),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Đã cấp giấy giới thiệu số 31-GGT/ĐU" in html
    assert "Đang chuyển sinh hoạt đến Đảng bộ xã Bình Minh, chờ tiếp nhận" in html
    t = Transfer.objects.get()
    client.force_login(outsider)
    inbox = client.get(reverse("members:transfer_inbox")).content.decode()
    assert "Trần Văn Chuyển" in inbox and reverse("members:transfer_receive", args=[t.pk]) in inbox
    assert client.get(reverse("members:member_detail", args=[member.pk])).status_code == 404
    page = client.get(reverse("members:transfer_receive", args=[t.pk])).content.decode()
    assert "Xác nhận tiếp nhận" in page and "Chi bộ thôn Đông" in page
    response = client.post(
        reverse("members:transfer_receive", args=[t.pk]),
        {"cell": str(tree["cell_b1"].pk), "on": TODAY.strftime("%d/%m/%Y")},
        follow=True,
    )
    html = response.content.decode()
    assert "Đã tiếp nhận sinh hoạt đảng của Trần Văn Chuyển." in html and "Chi bộ thôn Đông" in html
    assert AuditEntry.objects.filter(action="member.official_transfer_in").count() == 1


def test_a_bad_letter_form_names_the_field_and_writes_nothing(client, tree, member, commune_officer):
    client.force_login(commune_officer)
    html = client.post(
        reverse("members:transfer_issue", args=[member.pk]),
        {"kind": "official", "letter_number": "", "on": "31/02/2025"},
    ).content.decode()
    assert "Chưa nhập «Số giấy giới thiệu»." in html
    assert not Transfer.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_api_issue_list_and_receive(client, tree, member, commune_officer, outsider):
    client.force_login(commune_officer)
    response = client.post(
        "/api/v1/transfers",
        {
            "member_id": member.pk,
            "letter_number": "40-GGT",
            "on": TODAY.isoformat(),
            "to_org_id": tree["commune_b"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["to_org"]["name"]) == ("in_transit", "Đảng bộ xã Bình Minh")
    client.force_login(outsider)
    listed = client.get("/api/v1/transfers?box=incoming").json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]
    bad = client.post(
        f"/api/v1/transfers/{body['id']}/reception",
        {"cell_id": tree["cell_a2"].pk, "on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert bad.status_code in (403, 422)
    ok = client.post(
        f"/api/v1/transfers/{body['id']}/reception",
        {"cell_id": tree["cell_b1"].pk, "on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["state"] == "received"


def test_the_member_list_marks_a_member_in_transit(client, tree, member, commune_officer):
    letter(commune_officer, member, to_org=tree["commune_b"])
    client.force_login(commune_officer)
    html = client.get(reverse("members:member_list")).content.decode()
    assert "Trần Văn Chuyển" in html and "đang chuyển đi" in html


def test_open_letters_of_given_members_read_only_their_spans(
    tree, member, system_user, commune_officer, django_assert_max_num_queries
):
    """The profile asks for one member's open letter: the spans in transfer are read for that member
    (index member_id), not every member in transit in the registry."""
    other = admit(system_user, tree["cell_a1"], name="Lê Thị Khác")
    mine, theirs = (
        letter(commune_officer, member, to_org=tree["commune_b"]),
        letter(commune_officer, other, to_org=tree["commune_b"]),
    )
    assert set(Transfer.objects.open(TODAY)) == {mine, theirs}
    assert list(Transfer.objects.open(TODAY, member_ids=[member.pk])) == [mine]
    assert transfers.open_transfer_of(member, TODAY) == mine
    assert transfers.open_transfer_of(admit(system_user, tree["cell_a1"], name="Ngô Văn Ở"), TODAY) is None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        transfers.open_transfer_of(other, TODAY)
    spans = [q["sql"] for q in ctx.captured_queries if "in_transfer" in q["sql"]]
    assert len(spans) == 1 and "member_id" in spans[0].split("WHERE", 1)[1]


def test_temporary_open_of_given_members(tree, member, commune_officer):
    t = letter(commune_officer, member, to_org=tree["commune_b"], temporary=True, until=TODAY + timedelta(days=60))
    assert list(Transfer.objects.temporary_open(TODAY, member_ids=[member.pk])) == [t]
    assert list(Transfer.objects.temporary_open(TODAY, member_ids=[member.pk + 1000])) == []
