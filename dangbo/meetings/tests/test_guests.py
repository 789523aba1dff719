"""Provincial committee members at grassroots meetings, twice a year (issue 20): guests on held
meetings below their committee, the figure per seat and the worklist item."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.meetings.guests import figures, guest_record, seat_add, worklist_provider
from dangbo.meetings.services import MeetingInput, meeting_create

pytestmark = pytest.mark.django_db
Y = 2024


def _meeting(actor, org, on):
    return meeting_create(actor=actor, data=MeetingInput(org_id=org.pk, kind="monthly", planned_on=on, held_on=on))


def test_committee_members_attendance_at_grassroots_meetings_against_twice_a_year(
    system_user, officer, tree, members_a1, admit
):
    guest_a = admit(tree["cell_b1"], "Đỗ Văn Khách")
    guest_b = admit(tree["cell_b1"], "Ngô Thị Mời")
    seat_a = seat_add(
        actor=officer, committee_id=tree["province"].pk, member_id=guest_a.pk, valid_from=date(2020, 10, 1)
    )
    seat_b = seat_add(
        actor=officer, committee_id=tree["province"].pk, member_id=guest_b.pk, valid_from=date(2020, 10, 1)
    )
    m1, m2 = (
        _meeting(system_user, tree["cell_a1"], date(Y, 3, 5)),
        _meeting(system_user, tree["cell_a1"], date(Y, 9, 5)),
    )
    guest_record(actor=system_user, meeting=m1, seat_id=seat_a.pk)
    guest_record(actor=system_user, meeting=m2, seat_id=seat_a.pk)
    guest_record(actor=system_user, meeting=m1, seat_id=seat_b.pk)
    guest_record(actor=system_user, meeting=m2, seat_id=seat_b.pk, attended=False)  # assigned, did not come
    rows = {r.name: (r.visits, r.short) for r in figures(actor=officer, committee_id=tree["province"].pk, year=Y)}
    assert rows == {"Đỗ Văn Khách": (2, False), "Ngô Thị Mời": (1, True)}
    assert {r.name: r.visits for r in figures(actor=officer, committee_id=tree["province"].pk, year=Y + 1)} == {
        "Đỗ Văn Khách": 0,
        "Ngô Thị Mời": 0,
    }
    item = worklist_provider(officer, date(Y, 12, 1))[0]
    assert item.count == 1 and "2 lần" in item.label


def test_a_guest_must_sit_on_an_upper_committee_on_the_meeting_day(system_user, officer, tree, members_a1, admit):
    guest = admit(tree["cell_b1"], "Đỗ Văn Khách")
    seat = seat_add(actor=officer, committee_id=tree["commune_b"].pk, member_id=guest.pk, valid_from=date(2020, 10, 1))
    later = seat_add(actor=officer, committee_id=tree["province"].pk, member_id=guest.pk, valid_from=date(Y, 6, 1))
    m = _meeting(system_user, tree["cell_a1"], date(Y, 3, 5))
    for seat_id, field in [(seat.pk, "seat_id"), (later.pk, "seat_id")]:
        with pytest.raises(DomainError) as err:
            guest_record(actor=system_user, meeting=m, seat_id=seat_id)
        assert err.value.field == field
    assert not m.guest_rows.exists()


def test_committee_figures_outside_the_scope_are_not_found(outsider, tree):
    from django.http import Http404

    with pytest.raises(Http404):
        figures(actor=outsider, committee_id=tree["commune_a"].pk, year=Y)
