"""`dangbo rebuild-projections`: spans and current state rebuilt from the events."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangbo.members.models import EventType as E
from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.members.models import Status as S
from dangbo.members.services import projections_rebuild
from tests.factories import MemberFactory


def admit(actor, cell, name) -> Member:
    return MemberFactory(actor=actor, cell=cell, full_name=name, birth_year=1979)


def spans(member) -> list[tuple]:
    return list(
        MembershipSpan.objects.filter(member=member)
        .order_by("valid_from")
        .values_list("org_id", "status", "valid_from", "valid_to")
    )


@pytest.fixture
def members(tree, system_user):
    return [admit(system_user, tree["cell_a1"], "Trịnh Văn Một"), admit(system_user, tree["cell_b1"], "Trịnh Thị Hai")]


def test_it_rebuilds_lost_spans_and_prints_counts(members):
    expected = [spans(m) for m in members]
    MembershipSpan.objects.all().delete()
    Member.objects.update(current_status="", current_org=None)
    out = StringIO()
    call_command("rebuild_projections", stdout=out)
    assert "Đã tính lại 2 đảng viên, 4 khoảng thời gian; 0 đảng viên có lịch sử sự kiện không hợp lệ." in out.getvalue()
    assert [spans(m) for m in members] == expected
    assert set(Member.objects.values_list("current_status", flat=True)) == {S.PROBATIONARY}


def test_it_can_rebuild_one_member(members):
    MembershipSpan.objects.all().delete()
    out = StringIO()
    call_command("rebuild_projections", "--member", str(members[0].pk), stdout=out)
    assert "Đã tính lại 1 đảng viên, 2 khoảng thời gian" in out.getvalue()
    assert spans(members[1]) == []


def test_it_reports_a_member_whose_events_no_longer_replay_and_keeps_its_spans(members):
    broken = members[0]
    kept = spans(broken)
    MemberEvent.objects.create(member=broken, type=E.NAME_REMOVAL, on=date(2020, 6, 1))  # R-039 broken
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command("rebuild_projections", stdout=out, stderr=err)
    assert info.value.returncode == 1
    assert f"Đảng viên #{broken.pk}: không tính lại được" in err.getvalue()
    assert "Đã tính lại 1 đảng viên" in out.getvalue()
    assert spans(broken) == kept


def test_the_service_returns_the_report(members):
    report = projections_rebuild()
    assert (report.members, report.spans, report.failures) == (2, 4, [])
