"""Recording lifecycle events through members.services: all-or-nothing writes, corrections,
append-only history, and the projections (spans) that follow the events."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.members.models import EventType as E
from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.members.models import Status as S
from dangbo.members.selectors import member_ids_in_org_on, member_timeline
from dangbo.members.services import EventInput, ProfileInput, event_correct, member_admit, member_record_event
from tests.factories import MemberFactory


def admit(actor, cell, *, decided=date(2020, 1, 6), ceremony=date(2020, 1, 20), name="Nguyễn Văn Thử") -> Member:
    return MemberFactory(
        actor=actor,
        cell=cell,
        full_name=name,
        general_education="gdpt_thpt",
        decided_on=decided,
        ceremony_on=ceremony,
        decision_number="12-QĐ/ĐU",
    )


def record(actor, member, type_, on, **kw) -> MemberEvent:
    return member_record_event(actor=actor, member=member, data=EventInput(type=type_, on=on, **kw))


def spans_of(member) -> list[tuple]:
    return list(
        MembershipSpan.objects.filter(member=member)
        .order_by("valid_from")
        .values_list("org_id", "status", "exempt", "temp_org_id", "in_transfer", "valid_from", "valid_to")
    )


def written_state(member) -> tuple:
    return (
        MemberEvent.objects.filter(member=member).count(),
        spans_of(member),
        AuditEntry.objects.count(),
        Member.objects.filter(pk=member.pk).values_list("current_status", "current_org_id", "full_on").get(),
    )


@pytest.fixture
def member(tree, system_user):
    return admit(system_user, tree["cell_a1"])


def test_admission_writes_events_spans_and_audit(member, tree):
    assert member.current_status == S.PROBATIONARY
    assert member.current_org_id == tree["cell_a1"].pk
    assert [e.type for e in member.events.all()] == [E.ADMISSION_DECISION, E.ADMISSION_CEREMONY]
    assert spans_of(member) == [
        (tree["cell_a1"].pk, S.PENDING, False, None, False, date(2020, 1, 6), date(2020, 1, 19)),
        (tree["cell_a1"].pk, S.PROBATIONARY, False, None, False, date(2020, 1, 20), None),
    ]
    assert AuditEntry.objects.filter(
        action="member.admission_ceremony", object_id=str(member.events.last().pk)
    ).exists()


def test_an_event_that_breaks_a_rule_writes_nothing(member, system_user):
    before = written_state(member)
    with pytest.raises(RuleViolation) as info:
        record(system_user, member, E.NAME_REMOVAL, date(2020, 6, 1))  # not yet a full member
    assert info.value.rule == "R-039"
    assert written_state(member) == before


def test_a_refused_admission_creates_no_person(tree, system_user):
    people, audit = Member.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as info:
        member_admit(
            actor=system_user,
            profile=ProfileInput(full_name="Lê Thị Nhỏ", birth_year=2010, sex="F"),
            cell=tree["cell_a1"],
            decided_on=date(2024, 3, 1),
        )
    assert info.value.rule == "R-050"
    assert (Member.objects.count(), AuditEntry.objects.count()) == (people, audit)


def test_a_future_event_is_refused(member, system_user):
    with pytest.raises(DomainError):
        record(system_user, member, E.ACTIVITY_EXEMPTION, date(2999, 1, 1))


def test_rule_r023_spans_show_full_membership_from_the_end_of_probation(member, system_user, tree):
    record(system_user, member, E.FULL_RECOGNITION, date(2021, 4, 5))
    member.refresh_from_db()
    assert member.current_status == S.FULL
    assert member.full_on == date(2021, 1, 20)
    cell = tree["cell_a1"].pk
    assert spans_of(member)[-2:] == [
        (cell, S.PROBATIONARY, False, None, False, date(2020, 1, 20), date(2021, 1, 19)),
        (cell, S.FULL, False, None, False, date(2021, 1, 20), None),
    ]


def test_rule_r035_temporarily_attached_member_stays_counted_at_home(member, system_user, tree):
    home, host = tree["cell_a1"], tree["cell_b1"]
    record(system_user, member, E.TEMPORARY_TRANSFER_OUT, date(2024, 5, 6), org=home, counterpart_org=host)
    member.refresh_from_db()
    assert (member.current_org_id, member.temp_org_id) == (home.pk, host.pk)
    span = MembershipSpan.objects.filter(member=member).valid_on(date(2024, 6, 1)).get()
    assert (span.org_id, span.temp_org_id) == (home.pk, host.pk)
    assert member.pk in member_ids_in_org_on(org_id=home.pk, at=date(2024, 6, 1))
    assert member.pk not in member_ids_in_org_on(org_id=host.pk, at=date(2024, 6, 1))


def test_rule_r033_transfer_in_is_refused_before_the_transfer_out(member, system_user, tree):
    record(
        system_user,
        member,
        E.OFFICIAL_TRANSFER_OUT,
        date(2024, 3, 1),
        org=tree["cell_a1"],
        counterpart_org=tree["cell_b1"],
    )
    before = written_state(member)
    with pytest.raises(RuleViolation) as info:
        record(system_user, member, E.OFFICIAL_TRANSFER_IN, date(2024, 2, 20), org=tree["cell_b1"])
    assert info.value.rule == "R-033"
    assert written_state(member) == before
    record(system_user, member, E.OFFICIAL_TRANSFER_IN, date(2024, 3, 11), org=tree["cell_b1"])
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_b1"].pk
    assert spans_of(member)[-2][0] == tree["cell_a1"].pk
    assert spans_of(member)[-2][4] is True  # in transfer, still counted at the sending cell


# -- corrections ---------------------------------------------------------------------------------


def test_a_correction_voids_the_event_and_recomputes_the_spans(member, system_user, tree):
    wrong = record(
        system_user,
        member,
        E.TEMPORARY_TRANSFER_OUT,
        date(2024, 5, 6),
        org=tree["cell_a1"],
        counterpart_org=tree["cell_b1"],
    )
    correction = event_correct(actor=system_user, event=wrong, reason="Ghi nhầm người")
    member.refresh_from_db()
    assert correction.corrects_id == wrong.pk
    assert correction.type == E.CORRECTION
    assert MemberEvent.objects.filter(pk=wrong.pk).exists()  # history is kept
    assert member.temp_org_id is None
    assert all(s[3] is None for s in spans_of(member))
    assert [e.pk for e in MemberEvent.objects.effective()] == [e.pk for e in member.events.exclude(pk=wrong.pk)]
    assert AuditEntry.objects.filter(action="member.event_voided", object_id=str(correction.pk)).exists()


def test_a_voided_event_cannot_be_voided_twice(member, system_user, tree):
    wrong = record(system_user, member, E.ACTIVITY_EXEMPTION, date(2024, 5, 6))
    event_correct(actor=system_user, event=wrong, reason="Nhầm")
    with pytest.raises(DomainError):
        event_correct(actor=system_user, event=wrong, reason="Nhầm lần nữa")


def test_a_correction_needs_a_reason(member, system_user):
    with pytest.raises(DomainError) as info:
        event_correct(actor=system_user, event=member.events.last(), reason="  ")
    assert info.value.field == "reason"


def test_voiding_an_event_that_later_events_depend_on_is_refused(member, system_user):
    decision = member.events.get(type=E.ADMISSION_DECISION)
    before = written_state(member)
    with pytest.raises(RuleViolation) as info:
        event_correct(actor=system_user, event=decision, reason="Thử hủy quyết định")
    assert "Không thể hủy" in info.value.message
    assert "phụ thuộc" in info.value.message
    assert written_state(member) == before


def test_voiding_the_last_event_is_allowed_and_reopens_the_previous_state(member, system_user):
    recognition = record(system_user, member, E.FULL_RECOGNITION, date(2021, 4, 5))
    event_correct(actor=system_user, event=recognition, reason="Chưa có quyết định")
    member.refresh_from_db()
    assert member.current_status == S.PROBATIONARY
    assert member.full_on is None
    assert member_timeline(member).state.status == S.PROBATIONARY


# -- append-only -----------------------------------------------------------------------------------


def test_a_member_event_cannot_be_updated_through_the_model(member):
    event = member.events.first()
    event.note = "sửa lén"
    with pytest.raises(RuntimeError):
        event.save()


def test_a_member_event_cannot_be_deleted_through_the_model(member):
    with pytest.raises(RuntimeError):
        member.events.first().delete()


def test_the_database_refuses_to_update_a_member_event(member):
    event = member.events.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        MemberEvent.objects.filter(pk=event.pk).update(note="sửa lén")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE members_memberevent SET decision_number = 'X' WHERE id = %s", [event.pk])
    assert MemberEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE possible for flush")
def test_the_database_refuses_to_delete_a_member_event_on_postgresql(member):
    event = member.events.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_memberevent WHERE id = %s", [event.pk])
    assert MemberEvent.objects.filter(pk=event.pk).exists()
