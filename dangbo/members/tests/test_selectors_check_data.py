"""`dangbo check-data`: the integrity report (selectors.data_issues) and its command."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangbo.members.models import EventType as E
from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.members.selectors import data_issues
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event

TODAY = date(2026, 11, 20)


def admit(actor, cell, *, name, ceremony=date(2020, 1, 20), recognize=True) -> Member:
    member = member_admit(
        actor=actor,
        profile=ProfileInput(full_name=name, birth_year=1980, sex="F"),
        cell=cell,
        decided_on=date(2020, 1, 6),
        ceremony_on=ceremony,
    )
    if recognize:
        record(actor, member, E.FULL_RECOGNITION, date(2021, 2, 1))
    return member


def record(actor, member, type_, on, **kw) -> MemberEvent:
    return member_record_event(actor=actor, member=member, data=EventInput(type=type_, on=on, **kw))


def check(*args) -> str:
    out = StringIO()
    call_command("check_data", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def member(tree, system_user):
    return admit(system_user, tree["cell_a1"], name="Ngô Thị Sạch")


def kinds(member_id: int) -> set[str]:
    return {i.kind for i in data_issues(today=TODAY) if i.member_id == member_id}


def test_spans_equal_a_fresh_replay_after_a_varied_history(member, system_user, tree):
    record(system_user, member, E.ACTIVITY_EXEMPTION, date(2023, 2, 6))
    record(system_user, member, E.ACTIVITY_EXEMPTION_END, date(2023, 8, 7))
    record(
        system_user,
        member,
        E.TEMPORARY_TRANSFER_OUT,
        date(2024, 1, 8),
        org=tree["cell_a1"],
        counterpart_org=tree["cell_b1"],
    )
    record(system_user, member, E.TEMPORARY_TRANSFER_RETURN, date(2024, 7, 1))
    record(
        system_user,
        member,
        E.OFFICIAL_TRANSFER_OUT,
        date(2025, 2, 3),
        org=tree["cell_a1"],
        counterpart_org=tree["cell_a2"],
    )
    record(system_user, member, E.OFFICIAL_TRANSFER_IN, date(2025, 2, 10), org=tree["cell_a2"])
    assert data_issues(today=TODAY) == []


def test_a_clean_registry_reports_zero_issues(member):
    out = check("--strict")
    assert "Tổng cộng: 0 vấn đề" in out
    assert "20/11/2026" in out


def test_it_reports_a_member_whose_history_no_longer_replays(tree, system_user):
    member = admit(system_user, tree["cell_a1"], name="Lý Văn Lỗi", recognize=False)
    # Written behind the services' back: name removal (R-039) of a probationary member.
    MemberEvent.objects.create(member=member, type=E.NAME_REMOVAL, on=date(2020, 6, 1))
    # the report facts never saw the removal either
    assert kinds(member.pk) == {"replay_failed", "report_facts_stale"}
    out = check()
    assert "Lịch sử sự kiện không còn hợp lệ: 1" in out
    assert f"Đảng viên #{member.pk} Lý Văn Lỗi" in out
    assert "[R-039]" in out
    assert "Tổng cộng: 2 vấn đề" in out


def test_it_reports_an_active_member_without_an_organization(member):
    Member.objects.filter(pk=member.pk).update(current_org=None)
    assert "no_org" in kinds(member.pk)
    assert "Đảng viên đang sinh hoạt nhưng không có tổ chức: 1" in check()


def test_it_reports_an_overdue_recognition(tree, system_user):
    member = admit(system_user, tree["cell_a1"], name="Đinh Văn Chậm", ceremony=date(2020, 1, 20), recognize=False)
    assert kinds(member.pk) == {"probation_overdue"}
    out = check()
    assert "Quá hạn đề nghị công nhận đảng viên chính thức (R-022): 1" in out
    assert "Hết dự bị ngày 20/01/2021" in out


def test_it_reports_a_transfer_not_received_after_30_working_days(member, system_user, tree):
    record(
        system_user,
        member,
        E.OFFICIAL_TRANSFER_OUT,
        date(2026, 9, 1),
        org=tree["cell_a1"],
        counterpart_org=tree["cell_b1"],
    )
    assert kinds(member.pk) == {"transfer_overdue"}
    assert "Chuyển sinh hoạt quá hạn chưa được tiếp nhận (R-033): 1" in check()
    # Within the 30 working days it is not an issue yet.
    assert {i.kind for i in data_issues(today=date(2026, 9, 15))} == set()


def test_it_reports_spans_that_differ_from_the_events(member):
    MembershipSpan.objects.filter(member=member).delete()
    # the report facts were built from the deleted spans: stale as well
    assert kinds(member.pk) == {"spans_mismatch", "report_facts_stale"}
    assert "Dữ liệu tổng hợp không khớp với các sự kiện: 1" in check()


def test_it_reports_a_stale_current_status(member):
    Member.objects.filter(pk=member.pk).update(current_status="du_bi")
    assert kinds(member.pk) == {"spans_mismatch"}


def test_strict_mode_exits_with_code_1_when_an_issue_is_found(member):
    MembershipSpan.objects.filter(member=member).delete()
    with pytest.raises(CommandError) as info:
        check("--strict")
    assert info.value.returncode == 1
    assert "2 vấn đề" in str(info.value)


def test_without_strict_mode_issues_do_not_fail_the_command(member):
    MembershipSpan.objects.filter(member=member).delete()
    assert "Tổng cộng: 2 vấn đề" in check()
