"""Planning (quy hoạch) entries, and the 2025 restructuring: a title abolished on 01/07/2025."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.cadres.models import RemovalReason
from dangbo.cadres.selectors import planning_on
from dangbo.cadres.services import planning_add, planning_close_abolished, planning_remove
from dangbo.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_planning_entry_for_an_abolished_district_title_closes_with_title_abolished(system_user, cadre, titles, term):
    entry = planning_add(
        actor=system_user,
        term=term,
        cadre=cadre,
        title=titles["district_secretary"],
        on=date(2024, 9, 1),
        decision="120-QĐ/TU",
        round="Đợt I",
    )
    assert planning_close_abolished(actor=system_user, on=date(2025, 7, 1)) == 1
    entry.refresh_from_db()
    assert entry.removal_reason == RemovalReason.TITLE_ABOLISHED
    assert entry.removed_on == date(2025, 7, 1)
    assert list(planning_on(actor=system_user, term_id=term.pk, at=date(2025, 6, 30))) == [entry]
    assert list(planning_on(actor=system_user, term_id=term.pk, at=date(2025, 7, 1))) == []
    # A later run finds nothing more to close.
    assert planning_close_abolished(actor=system_user, on=date(2025, 8, 1)) == 0


def test_planning_add_twice_and_remove_twice_are_refused(system_user, cadre, titles, term):
    entry = planning_add(actor=system_user, term=term, cadre=cadre, title=titles["dept_director"], on=date(2025, 1, 2))
    with pytest.raises(DomainError):
        planning_add(actor=system_user, term=term, cadre=cadre, title=titles["dept_director"], on=date(2025, 2, 2))
    planning_remove(actor=system_user, entry=entry, on=date(2025, 3, 1), reason="discipline")
    with pytest.raises(DomainError):
        planning_remove(actor=system_user, entry=entry, on=date(2025, 4, 1), reason="moved")


def test_planning_for_an_abolished_title_cannot_be_added_after_it_ended(system_user, cadre, titles, term):
    with pytest.raises(DomainError) as err:
        planning_add(actor=system_user, term=term, cadre=cadre, title=titles["district_secretary"], on=date(2025, 7, 2))
    assert err.value.field == "title_id"


def test_the_outsider_cannot_add_to_the_province_planning(outsider, cadre, titles, term):
    with pytest.raises(DomainError):
        planning_add(actor=outsider, term=term, cadre=cadre, title=titles["dept_director"], on=date(2025, 1, 2))
