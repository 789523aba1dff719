"""Cell-life rules: R-012 (monthly meeting held / due), R-039 (months absent without reason:
warning at 2, removal ground at 3), temporary attachment (R-035) and mid-month transfer."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.meetings import selectors as sel
from dangbo.meetings.models import Attendance
from dangbo.meetings.services import MeetingInput, attendance_mark, meeting_create, member_reply
from dangbo.members.models import EventType as E
from dangbo.members.services import EventInput, member_record_event

Y = 2025


def meet(actor, org, on, kind="monthly", marks=None):
    return meeting_create(
        actor=actor, data=MeetingInput(org_id=org.pk, kind=kind, planned_on=on, held_on=on), marks=marks
    )


def record(actor, member, type_, on, **kw):
    return member_record_event(actor=actor, member=member, data=EventInput(type=type_, on=on, **kw))


def test_roster_is_prelisted_from_the_registry_on_the_meeting_date(system_user, tree, members_a1, admit):
    late = admit(tree["cell_a1"], "Hoàng Văn Muộn", ceremony=date(Y, 6, 2))
    m = meet(system_user, tree["cell_a1"], date(Y, 5, 10))
    assert {a.member_id for a in m.attendances.all()} == {p.pk for p in members_a1}
    assert late.pk not in set(m.attendances.values_list("member_id", flat=True))
    june = meet(system_user, tree["cell_a1"], date(Y, 6, 10))
    assert late.pk in set(june.attendances.values_list("member_id", flat=True))
    assert AuditEntry.objects.filter(action="meeting.create").count() == 2


def test_rule_r012_meetings_held_vs_due_per_cell_per_month(system_user, tree, members_a1, admit):
    admit(tree["cell_a2"], "Vũ Thị Hai")
    for month in (1, 2, 3):
        meet(system_user, tree["cell_a1"], date(Y, month, 5), kind="thematic" if month == 2 else "monthly")
    meet(system_user, tree["cell_a2"], date(Y, 1, 20))
    meet(system_user, tree["cell_a2"], date(Y, 2, 20), kind="extraordinary")  # not the monthly meeting
    f = sel.figures(actor=system_user, org_id=tree["commune_a"].pk, year=Y)
    assert f.due == 24  # two cells with members × 12 months
    assert f.held == 4
    assert (tree["cell_a2"].pk, 2) in f.missing and (tree["cell_a1"].pk, 2) not in f.missing
    assert (f.thematic_quarters_held, f.thematic_quarters_due) == (1, 8)
    # the same figures in the reports indicator catalog
    from dangbo.reports.indicators import IndicatorContext, compute

    ctx = IndicatorContext(org_id=tree["commune_a"].pk, at=date(Y, 12, 31))
    assert compute("sh_thuong_ky", ctx).text == "4/24 chi bộ·tháng (16,7%)"
    assert compute("sh_chuyen_de", ctx).text == "1/8 chi bộ·quý (12,5%)"


def test_a_cell_without_members_is_not_due(system_user, tree, members_a1):
    f = sel.figures(actor=system_user, org_id=tree["commune_b"].pk, year=Y)
    assert f.due == 0 and f.held_rate is None


def _absent(actor, cell, member, months, presence="unexcused"):
    for month in months:
        meet(actor, cell, date(Y, month, 8), marks={member.pk: (presence, "Ốm" if presence == "excused" else "")})


def test_rule_r039_two_months_absent_without_reason_warns_three_is_removal_ground(
    system_user, tree, members_a1, officer
):
    a, b, c, d = members_a1
    cell = tree["cell_a1"]
    for month in (1, 2, 3, 4):
        marks = {a.pk: ("unexcused", "")}
        if month <= 2:
            marks[b.pk] = ("unexcused", "")
        marks[c.pk] = ("excused", "Đi công tác")  # excused absences never count
        meet(system_user, cell, date(Y, month, 8), marks=marks)
    # d: absent at the monthly meeting but present at the thematic one the same month → not absent
    meet(system_user, cell, date(Y, 5, 8), marks={d.pk: ("unexcused", "")})
    meet(system_user, cell, date(Y, 5, 22), kind="thematic", marks={d.pk: ("present", "")})
    months = sel.unexcused_months(year=Y)
    assert months[a.pk] == 4 and months[b.pk] == 2
    assert c.pk not in months and d.pk not in months
    f = sel.figures(actor=officer, org_id=tree["province"].pk, year=Y)
    assert set(f.warn_members) == {b.pk}
    assert set(f.removal_members) == {a.pk}


def test_rule_r039_count_follows_the_member_to_the_host_cell(system_user, tree, members_a1):
    """Temporary attachment (R-035): the member attends at the host cell and is not listed at
    home; the host cell's absences count in the member's R-039 months."""
    a = members_a1[0]
    home, host = tree["cell_a1"], tree["cell_b1"]
    meet(system_user, home, date(Y, 1, 8), marks={a.pk: ("unexcused", "")})
    record(system_user, a, E.TEMPORARY_TRANSFER_OUT, date(Y, 2, 1), org=home, counterpart_org=host)
    at_home = meet(system_user, home, date(Y, 2, 8))
    at_host = meet(system_user, host, date(Y, 2, 9), marks={a.pk: ("unexcused", "")})
    assert a.pk not in set(at_home.attendances.values_list("member_id", flat=True))
    row = at_host.attendances.get(member=a)
    assert row.temporary and row.home_org_id == home.pk
    meet(system_user, host, date(Y, 3, 9), marks={a.pk: ("unexcused", "")})
    assert sel.unexcused_months(year=Y)[a.pk] == 3
    # the host cell is due while the member attends there (it has no member of its own)
    f = sel.figures(actor=system_user, org_id=tree["commune_b"].pk, year=Y)
    assert (host.pk, 2) not in f.missing and (host.pk, 4) in f.missing


def test_member_transferred_mid_month_is_counted_in_one_cell(system_user, tree, members_a1):
    """Meetings on both sides of a mid-month transfer: listed at both, counted once (the cell
    of the month's last meeting), not absent twice."""
    a = members_a1[0]
    old, new = tree["cell_a1"], tree["cell_a2"]
    meet(system_user, old, date(Y, 3, 5), marks={a.pk: ("unexcused", "")})
    record(system_user, a, E.OFFICIAL_TRANSFER_OUT, date(Y, 3, 10), org=old, counterpart_org=new)
    record(system_user, a, E.OFFICIAL_TRANSFER_IN, date(Y, 3, 12), org=new)
    meet(system_user, new, date(Y, 3, 25), marks={a.pk: ("unexcused", "")})
    assert sel.unexcused_months(year=Y)[a.pk] == 1  # one month, not two
    months = sel.member_months(a.pk, Y)
    assert months[3] == (new.pk, "unexcused")
    assert months[2][0] == old.pk and months[4][0] == new.pk


def test_member_transferred_between_the_two_meeting_days_is_counted_once_not_absent(system_user, tree, members_a1):
    """The new cell met before the member arrived and the old one after they left: the member is
    on no list that month; the month is counted in the new cell as "not listed", never absent."""
    a = members_a1[0]
    old, new = tree["cell_a1"], tree["cell_a2"]
    meet(system_user, new, date(Y, 4, 3))
    record(system_user, a, E.OFFICIAL_TRANSFER_OUT, date(Y, 4, 10), org=old, counterpart_org=new)
    record(system_user, a, E.OFFICIAL_TRANSFER_IN, date(Y, 4, 12), org=new)
    late = meet(system_user, old, date(Y, 4, 28))
    assert not Attendance.objects.filter(member=a).exists()
    assert a.pk not in set(late.attendances.values_list("member_id", flat=True))
    assert sel.member_months(a.pk, Y)[4] == (new.pk, sel.NOT_LISTED)
    assert a.pk not in sel.unexcused_months(year=Y)


def test_member_in_transit_is_listed_nowhere(system_user, tree, members_a1):
    a = members_a1[0]
    record(
        system_user, a, E.OFFICIAL_TRANSFER_OUT, date(Y, 4, 10), org=tree["cell_a1"], counterpart_org=tree["cell_a2"]
    )
    m1 = meet(system_user, tree["cell_a1"], date(Y, 4, 15))
    m2 = meet(system_user, tree["cell_a2"], date(Y, 4, 16))
    assert a.pk not in set(m1.attendances.values_list("member_id", flat=True))
    assert a.pk not in set(m2.attendances.values_list("member_id", flat=True))


def test_secretary_records_only_for_their_cell_and_an_excused_absence_needs_a_reason(
    secretary, tree, members_a1, admit
):
    admit(tree["cell_a2"], "Vũ Thị Hai")
    m = meet(secretary, tree["cell_a1"], date(Y, 1, 8))
    with pytest.raises(DomainError):
        meet(secretary, tree["cell_a2"], date(Y, 1, 8))
    with pytest.raises(DomainError, match="lý do"):
        attendance_mark(actor=secretary, meeting=m, marks={members_a1[1].pk: ("excused", "")})
    assert attendance_mark(actor=secretary, meeting=m, marks={members_a1[1].pk: ("excused", "Ốm")}) == 1
    assert AuditEntry.objects.filter(action="meeting.attendance").count() == 1


def test_member_replies_only_on_their_own_list(member_user, system_user, tree, members_a1):
    m = meeting_create(
        actor=system_user, data=MeetingInput(org_id=tree["cell_a1"].pk, kind="monthly", planned_on=date(2099, 1, 5))
    )
    mine = m.attendances.get(member=members_a1[0])
    other = m.attendances.get(member=members_a1[1])
    with pytest.raises(DomainError):
        member_reply(actor=member_user, attendance_id=other.pk, will_attend=True)
    with pytest.raises(DomainError, match="lý do"):
        member_reply(actor=member_user, attendance_id=mine.pk, will_attend=False)
    member_reply(actor=member_user, attendance_id=mine.pk, will_attend=False, reason="Đi viện")
    mine.refresh_from_db()
    assert (mine.reply, mine.reply_reason) == ("cannot_attend", "Đi viện")
