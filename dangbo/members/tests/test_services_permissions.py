"""Who may record what: member services refuse an actor without the "record" right on the
member's organization; the system itself (access.policy.SYSTEM) may record, a missing actor
(None, a string) is refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from dangbo.access.policy import SYSTEM, ActorError
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members.models import EventType as E
from dangbo.members.models import Member, MemberEvent
from dangbo.members.models import Status as S
from dangbo.members.services import (
    NO_RIGHT,
    EventInput,
    ProfileInput,
    event_correct,
    member_admit,
    member_record_event,
    member_update_profile,
)
from dangbo.orgs.services import org_merge, org_split


def profile(name="Phạm Văn Quyền") -> ProfileInput:
    return ProfileInput(full_name=name, birth_year=1988, sex="M", general_education="gdpt_thpt")


def admit(actor, cell, name="Phạm Văn Quyền") -> Member:
    return member_admit(
        actor=actor, profile=profile(name), cell=cell, decided_on=date(2020, 1, 6), ceremony_on=date(2020, 1, 20)
    )


def exempt(actor, member, on=date(2024, 5, 6)) -> MemberEvent:
    return member_record_event(actor=actor, member=member, data=EventInput(type=E.ACTIVITY_EXEMPTION, on=on))


@pytest.fixture
def member(tree, system_user):
    return admit(system_user, tree["cell_a1"])


def test_an_officer_records_events_for_members_of_their_subtree(member, commune_officer):
    event = exempt(commune_officer, member)
    assert event.recorded_by == commune_officer


def test_an_officer_of_another_commune_may_not_record(member, outsider):
    events, audit = MemberEvent.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        exempt(outsider, member)
    assert info.value.message == NO_RIGHT == "Bạn không có quyền ghi nhận sự kiện cho tổ chức này."
    assert (MemberEvent.objects.count(), AuditEntry.objects.count()) == (events, audit)


def test_a_view_only_leader_may_not_record(member, leader):
    with pytest.raises(DomainError, match="không có quyền"):
        exempt(leader, member)


def test_an_anonymous_user_may_not_record(member):
    with pytest.raises(DomainError, match="không có quyền"):
        exempt(AnonymousUser(), member)


def test_the_system_actor_may_record(member):
    event = exempt(SYSTEM, member)
    assert event.recorded_by is None
    assert AuditEntry.objects.filter(object_id=str(event.pk), actor_label="hệ thống").exists()


@pytest.mark.parametrize("actor", [None, "hệ thống"])
def test_a_missing_actor_is_refused(member, actor):
    before = MemberEvent.objects.count()
    with pytest.raises(ActorError):
        exempt(actor, member)
    assert MemberEvent.objects.count() == before


def test_naming_an_outside_org_on_the_event_is_refused(member, commune_officer, tree):
    with pytest.raises(DomainError, match="không có quyền"):
        member_record_event(
            actor=commune_officer,
            member=member,
            data=EventInput(
                type=E.TEMPORARY_TRANSFER_OUT, on=date(2024, 5, 6), org=tree["cell_b1"], counterpart_org=tree["cell_a2"]
            ),
        )


def test_admission_is_refused_outside_scope_and_creates_nobody(tree, outsider):
    people = Member.objects.count()
    with pytest.raises(DomainError, match="không có quyền"):
        admit(outsider, tree["cell_a1"], name="Đỗ Thị Ngoài")
    assert Member.objects.count() == people


def test_admission_in_scope_is_allowed(tree, commune_officer):
    member = admit(commune_officer, tree["cell_a2"], name="Vũ Thị Trong")
    assert member.current_status == S.PROBATIONARY


def test_a_correction_is_refused_outside_scope(member, outsider, system_user):
    wrong = exempt(system_user, member)
    with pytest.raises(DomainError, match="không có quyền"):
        event_correct(actor=outsider, event=wrong, reason="Không phải việc của tôi")
    assert not MemberEvent.objects.filter(corrects=wrong).exists()


def test_a_correction_in_scope_is_allowed(member, commune_officer, system_user):
    wrong = exempt(system_user, member)
    assert event_correct(actor=commune_officer, event=wrong, reason="Ghi nhầm").corrects == wrong


def test_a_profile_update_is_refused_outside_scope(member, outsider):
    with pytest.raises(DomainError, match="không có quyền"):
        member_update_profile(actor=outsider, member=member, profile=profile("Phạm Văn Đổi"), on=date(2024, 5, 6))


def test_the_receiving_org_records_the_transfer_in(member, commune_officer, outsider, tree):
    member_record_event(
        actor=commune_officer,
        member=member,
        data=EventInput(
            type=E.OFFICIAL_TRANSFER_OUT, on=date(2024, 3, 1), org=tree["cell_a1"], counterpart_org=tree["cell_b1"]
        ),
    )
    member_record_event(
        actor=outsider,
        member=member,
        data=EventInput(type=E.OFFICIAL_TRANSFER_IN, on=date(2024, 3, 11), org=tree["cell_b1"]),
    )
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_b1"].pk


def test_a_merge_by_an_officer_in_scope_moves_the_members(tree, commune_officer, system_user):
    member = admit(system_user, tree["cell_a2"])
    org_merge(actor=commune_officer, sources=[tree["cell_a2"]], target=tree["cell_a1"], on=date(2025, 3, 3))
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_a1"].pk
    assert member.events.filter(type=E.ORG_REASSIGNED, recorded_by=commune_officer).count() == 1


def test_a_merge_by_an_officer_without_rights_on_the_members_is_refused(tree, outsider, system_user):
    member = admit(system_user, tree["cell_a2"])
    with pytest.raises(DomainError, match="không có quyền"):
        org_merge(actor=outsider, sources=[tree["cell_a2"]], target=tree["cell_b1"], on=date(2025, 3, 3))
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_a2"].pk
    assert not member.events.filter(type=E.ORG_REASSIGNED).exists()


def test_a_split_into_new_cells_by_an_officer_in_scope_moves_the_members(tree, commune_officer, system_user):
    first = admit(system_user, tree["cell_a2"], name="Hoàng Văn Một")
    second = admit(system_user, tree["cell_a2"], name="Hoàng Văn Hai")
    new_a, new_b = org_split(
        actor=commune_officer,
        org=tree["cell_a2"],
        on=date(2025, 3, 3),
        parts=[
            {"code": "T01-X01-C02A", "name": "Chi bộ thôn 2A", "member_ids": [first.pk]},
            {"code": "T01-X01-C02B", "name": "Chi bộ thôn 2B", "member_ids": [second.pk]},
        ],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.current_org_id, second.current_org_id) == (new_a.pk, new_b.pk)
