"""Stored roster counts of a meeting (issue 20): kept by the services in the transaction of the
attendance writes, always equal to a recount of the attendance rows; rebuilt by a command."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from dangbo.meetings import selectors as sel
from dangbo.meetings.models import Attendance, Meeting
from dangbo.meetings.services import (
    MeetingInput,
    attendance_mark,
    meeting_create,
    meeting_held,
    meeting_not_held,
    miscounted,
)

Y = 2025


def _recount(meeting: Meeting) -> tuple[int, int, int, int]:
    rows = list(Attendance.objects.filter(meeting=meeting).values_list("presence", flat=True))
    return len(rows), rows.count("present"), rows.count("excused"), rows.count("unexcused")


def _stored(meeting: Meeting) -> tuple[int, int, int, int]:
    m = Meeting.objects.get(pk=meeting.pk)
    return m.listed, m.present, m.excused, m.unexcused


def test_stored_counts_equal_a_recount_after_marks_re_marks_and_a_meeting_not_held(system_user, tree, members_a1):
    a, b, c, d = members_a1
    cell = tree["cell_a1"]
    held = meeting_create(
        actor=system_user,
        data=MeetingInput(org_id=cell.pk, kind="monthly", planned_on=date(Y, 3, 5), held_on=date(Y, 3, 5)),
        marks={a.pk: ("present", ""), b.pk: ("unexcused", "")},
    )
    assert _stored(held) == _recount(held) == (4, 1, 0, 1)
    attendance_mark(
        actor=system_user, meeting=held, marks={b.pk: ("excused", "Ốm"), c.pk: ("present", ""), d.pk: ("unexcused", "")}
    )
    assert _stored(held) == _recount(held) == (4, 2, 1, 1)
    attendance_mark(actor=system_user, meeting=held, marks={d.pk: ("present", ""), b.pk: ("unexcused", "")})
    assert _stored(held) == _recount(held) == (4, 3, 0, 1) == (held.listed, held.present, held.excused, held.unexcused)

    planned = meeting_create(
        actor=system_user, data=MeetingInput(org_id=cell.pk, kind="monthly", planned_on=date(Y, 4, 5))
    )
    assert _stored(planned) == _recount(planned) == (4, 0, 0, 0)
    meeting_not_held(actor=system_user, meeting=planned, reason="Bão lũ")
    assert _stored(planned) == _recount(planned) == (4, 0, 0, 0)
    later = meeting_create(
        actor=system_user, data=MeetingInput(org_id=cell.pk, kind="monthly", planned_on=date(Y, 5, 5))
    )
    meeting_held(actor=system_user, meeting=later, held_on=date(Y, 5, 6))
    attendance_mark(actor=system_user, meeting=later, marks={a.pk: ("present", "")})
    assert _stored(later) == _recount(later) == (4, 1, 0, 0)
    assert not miscounted().exists()

    # the figures read the stored counts: held meetings only (the not-held one lists no one)
    f = sel.figures(actor=system_user, org_id=tree["commune_a"].pk, year=Y)
    assert (f.listed, f.present, f.excused, f.unexcused, f.unmarked) == (8, 4, 0, 1, 3)


def test_rebuild_command_repairs_counts_after_a_bulk_write(system_user, tree, members_a1):
    m = meeting_create(
        actor=system_user,
        data=MeetingInput(org_id=tree["cell_a1"].pk, kind="monthly", planned_on=date(Y, 3, 5), held_on=date(Y, 3, 5)),
    )
    Attendance.objects.filter(meeting=m).update(presence="present")  # a bulk write bypassing the services
    assert list(miscounted().values_list("pk", flat=True)) == [m.pk]
    with pytest.raises(CommandError):
        call_command("rebuild_meeting_counts", "--check")
    call_command("rebuild_meeting_counts")
    call_command("rebuild_meeting_counts", "--check")
    assert _stored(m) == _recount(m) == (4, 4, 0, 0)


def test_figures_over_a_long_period_equal_the_sum_of_the_years(system_user, tree, members_a1):
    """More than 30 months: the month masks are split over several columns (the other code path)."""
    cell = tree["cell_a1"]
    for y, m, kind in ((Y - 2, 3, "monthly"), (Y - 1, 5, "thematic"), (Y, 11, "monthly"), (Y, 2, "thematic")):
        meeting_create(
            actor=system_user,
            data=MeetingInput(org_id=cell.pk, kind=kind, planned_on=date(y, m, 5), held_on=date(y, m, 5)),
            marks={members_a1[0].pk: ("present", "")},
        )
    subtree = sel._subtree_ids(tree["commune_a"].pk, date(Y, 12, 31))
    whole = sel.held_vs_due(subtree=subtree, start=date(Y - 2, 1, 1), end=date(Y, 12, 31))
    years = [sel.held_vs_due(subtree=subtree, start=date(y, 1, 1), end=date(y, 12, 31)) for y in (Y - 2, Y - 1, Y)]
    for k in ("due", "held", "thematic_quarters_due", "thematic_quarters_held"):
        assert getattr(whole, k) == sum(getattr(f, k) for f in years), k
    assert len(whole.missing) == sum(len(f.missing) for f in years)
    assert (whole.held, whole.thematic_quarters_held) == (4, 2)
    counted = sel.figures_between(org_id=tree["commune_a"].pk, start=date(Y - 2, 1, 1), end=date(Y, 12, 31))
    assert (counted.listed, counted.present, counted.unmarked) == (16, 4, 12)


def test_check_data_reports_stale_meeting_counts(system_user, tree, members_a1):
    from io import StringIO

    m = meeting_create(
        actor=system_user,
        data=MeetingInput(org_id=tree["cell_a1"].pk, kind="monthly", planned_on=date(Y, 3, 5), held_on=date(Y, 3, 5)),
    )
    out = StringIO()
    call_command("check_data", stdout=out)
    assert "Số liệu điểm danh" not in out.getvalue()
    Attendance.objects.filter(meeting=m, member=members_a1[0]).update(presence="unexcused")
    out = StringIO()
    call_command("check_data", stdout=out)
    assert "Số liệu điểm danh của buổi sinh hoạt không khớp: 4" in out.getvalue()
    assert "rebuild-meeting-counts" in out.getvalue()
