"""The seed reports' cadre figures come out of the product's own selectors.

A province shaped like seed 000 (year 2023, §II.3) and seed 004 (first 5 months of 2024): the
decisions and planning entries are recorded, then `cadre_figures` reads the report's wording.
"""

from __future__ import annotations

from datetime import date
from itertools import cycle

import pytest

from dangbo.cadres.models import Cadre, PlanningEntry
from dangbo.cadres.selectors import cadre_figures, planned_people
from dangbo.cadres.services import ActionInput, DecisionInput, action_void, decision_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_people(tree):
    orgs = cycle([tree["province"], tree["district"], tree["commune_a"], tree["commune_b"]])
    Cadre.objects.bulk_create(
        Cadre(
            full_name=f"Cán Bộ Thử {i:03d}",
            birth_date=date(1970 + i % 20, 1 + i % 12, 1 + i % 28),
            sex="F" if i % 3 == 0 else "M",
            managing_org=next(orgs),
        )
        for i in range(300)
    )
    return list(Cadre.objects.order_by("pk"))


def _decide(actor, tree, on, number, rows):
    """rows: (type, title, cadre) — one decision carrying every action."""
    return decision_record(
        actor=actor,
        data=DecisionInput(
            number=number,
            signed_on=on,
            body="Ban Thường vụ Tỉnh ủy",
            org_id=tree["province"].pk,
            actions=[
                ActionInput(
                    cadre_id=c.pk, type=t, on=on, title_id=title.pk, planned_months=36 if t == "rotation" else None
                )
                for t, title, c in rows
            ],
        ),
    )


def _plan(term, people, title, added_on, removed_on=None, reason=""):
    PlanningEntry.objects.bulk_create(
        PlanningEntry(
            term=term,
            cadre=c,
            title=title,
            added_on=added_on,
            removed_on=removed_on,
            removal_reason=reason,
            round="Đợt I",
        )
        for c in people
    )


def test_seed_000_cadre_figures_for_2023(system_user, tree, titles, term, province_people):
    head, deputy = titles["dept_director"], titles["dept_deputy"]
    p = iter(province_people)
    take = lambda n: [next(p) for _ in range(n)]  # noqa: E731
    rows = (
        [("appointment", head, c) for c in take(1)]
        + [("nomination", head, c) for c in take(1)]
        + [("appointment", deputy, c) for c in take(5)]
        + [("nomination", deputy, c) for c in take(3)]
        + [("agreement", head, c) for c in take(4)]
        + [("concurrence", head, c) for c in take(2)]
        + [("agreement", deputy, c) for c in take(9)]
    )
    decision = _decide(system_user, tree, date(2023, 6, 15), "101-QĐ/TU", rows)
    # Outside the year, and a voided action: neither is counted.
    _decide(system_user, tree, date(2022, 12, 31), "99-QĐ/TU", [("appointment", head, province_people[-1])])
    wrong = _decide(system_user, tree, date(2023, 7, 1), "102-QĐ/TU", [("appointment", head, province_people[-2])])
    action_void(actor=system_user, action=wrong.actions.get(), reason="ghi nhầm")
    assert decision.actions.count() == 25

    # Planning: 65 + 162 planned before 2023, 17 + 25 added in 2023, 3 removed in 2022 (not planned).
    people = province_people
    _plan(term, people[0:65], head, date(2021, 5, 1))
    _plan(term, people[65:227], deputy, date(2021, 5, 1))
    _plan(term, people[227:244], head, date(2023, 9, 1))
    _plan(term, people[244:269], deputy, date(2023, 9, 1))
    _plan(term, people[269:272], deputy, date(2021, 5, 1), removed_on=date(2022, 3, 1), reason="over_age")

    figs = cadre_figures(actor=system_user, org_id=tree["province"].pk, start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert figs["appointed_or_nominated"].vn() == "02 cấp trưởng, 08 cấp phó"
    assert figs["agreed"].vn() == "06 cấp trưởng, 09 cấp phó"
    assert figs["planning_added"].vn() == "17 cấp trưởng, 25 cấp phó"
    assert figs["planned"].vn() == "82 cấp trưởng, 187 cấp phó"
    assert planned_people(actor=system_user, org_id=tree["province"].pk, at=date(2023, 12, 31)) == 269
    # Click-through: the people behind a figure.
    assert set(figs["appointed_or_nominated"].cadre_ids) == {c.pk for c in province_people[:10]}


def test_seed_004_cadre_figures_for_the_first_five_months_of_2024(system_user, tree, titles, term, province_people):
    head, deputy = titles["dept_director"], titles["dept_deputy"]
    p = iter(province_people)
    take = lambda n: [next(p) for _ in range(n)]  # noqa: E731
    rows = (
        [("transfer", deputy, c) for c in take(13)]
        + [("appointment", deputy, c) for c in take(25)]
        + [("appointment", head, c) for c in take(5)]
        + [("reappointment", deputy, c) for c in take(4)]
        + [("nomination", head, c) for c in take(20)]
        + [("designation", deputy, c) for c in take(17)]
        + [("concurrence", head, c) for c in take(31)]
    )
    _decide(system_user, tree, date(2024, 4, 10), "205-QĐ/TU", rows)
    _decide(system_user, tree, date(2024, 6, 1), "230-QĐ/TU", [("appointment", head, province_people[-1])])
    # Planning round "đợt I": 81 removed, 86 added between 01/01 and 31/05/2024.
    _plan(term, province_people[0:81], deputy, date(2021, 5, 1), removed_on=date(2024, 3, 20), reason="over_age")
    _plan(term, province_people[100:186], head, date(2024, 3, 20))

    figs = cadre_figures(actor=system_user, org_id=tree["province"].pk, start=date(2024, 1, 1), end=date(2024, 5, 31))
    assert f"{figs['planning_removed'].total:02d}" == "81"
    assert f"{figs['planning_added'].total:02d}" == "86"
    assert f"{figs['transferred_or_appointed'].total:02d}" == "43"
    assert f"{figs['reappointed'].total:02d}" == "04"
    assert f"{figs['nominated'].total:02d}" == "20"
    assert f"{figs['designated'].total:02d}" == "17"
    assert f"{figs['concurrence'].total:02d}" == "31"


def test_figures_of_a_commune_count_only_its_cadres_and_outside_scope_is_not_found(
    system_user, tree, titles, outsider, province_people
):
    from django.http import Http404

    commune_a_people = [c for c in province_people if c.managing_org_id == tree["commune_a"].pk][:3]
    _decide(
        system_user,
        tree,
        date(2024, 2, 1),
        "7-QĐ/TU",
        [("appointment", titles["commune_secretary"], commune_a_people[0])]
        + [("appointment", titles["commune_deputy"], c) for c in commune_a_people[1:]],
    )
    figs = cadre_figures(actor=system_user, org_id=tree["commune_a"].pk, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert figs["appointed"].vn() == "01 cấp trưởng, 02 cấp phó"
    figs_b = cadre_figures(
        actor=system_user, org_id=tree["commune_b"].pk, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    assert figs_b["appointed"].total == 0
    with pytest.raises(Http404):
        cadre_figures(actor=outsider, org_id=tree["commune_a"].pk, start=date(2024, 1, 1), end=date(2024, 12, 31))
