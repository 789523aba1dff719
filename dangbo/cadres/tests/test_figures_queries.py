"""Query counts of the cadre figures (issue 18 bench: the figures of a province were 853 ms):
the subtree is read once, then one query each for actions, planning entries, training and
salary events, whatever the number of cadres, actions and organizations."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.cadres.models import PlanningTerm
from dangbo.cadres.selectors import report_figures
from dangbo.cadres.services import ActionInput, CadreInput, DecisionInput, cadre_create, decision_record, planning_add
from dangbo.cadres.training import SalaryInput, course_create, enrol, salary_record

pytestmark = pytest.mark.django_db

CEILING = 8  # org check (2), subtree (2), actions, planning, training, salary


def _cadres(system_user, tree, titles, org_key: str, n: int, tag: str) -> None:
    """`n` (at most 4: R-094) cadres of the organization, each appointed, planned, trained, ranked."""
    org = tree[org_key].pk
    term = PlanningTerm.objects.create(org=tree[org_key], name=f"2025–2030 {tag}", start_year=2025, end_year=2030)
    course = course_create(
        actor=system_user, org_id=org, name=f"Lớp {tag}", kind="theory", level="cao_cap", starts_on=date(2024, 2, 1)
    )
    for i in range(n):
        c = cadre_create(
            actor=system_user,
            data=CadreInput(full_name=f"Cán Bộ {tag}{i}", birth_date=date(1980, 1, 1), sex="M", managing_org_id=org),
        )
        title = titles["commune_secretary"] if i % 2 else titles["commune_deputy"]
        decision_record(
            actor=system_user,
            data=DecisionInput(
                number=f"{tag}{i}-QĐ",
                signed_on=date(2024, 3, 1),
                body="BTV",
                org_id=org,
                actions=[ActionInput(cadre_id=c.pk, type="appointment", on=date(2024, 3, 1), title_id=title.pk)],
            ),
        )
        planning_add(actor=system_user, term=term, cadre=c, title=titles["dept_director"], on=date(2024, 4, 1))
        enrol(actor=system_user, course=course, cadre_id=c.pk, sent_on=date(2024, 2, 1))
        salary_record(
            actor=system_user,
            data=SalaryInput(
                cadre_id=c.pk, type="rank_appointment", on=date(2024, 5, 1), rank_name="Chuyên viên", step=1
            ),
        )


def _count(actor, org_id) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as q:
        r = report_figures(actor=actor, org_id=org_id, start=date(2024, 1, 1), end=date(2024, 12, 31))
    return len(q.captured_queries), r


def test_cadre_figures_read_a_constant_number_of_queries(system_user, officer, tree, titles):
    _cadres(system_user, tree, titles, "commune_a", 2, "A")
    _count(officer, tree["province"].pk)  # warm the per-process caches (the officer's scope, stamps)
    few, r = _count(officer, tree["province"].pk)
    assert r.actions["appointed"].total == 2 and r.training.senior_theory == 2
    _cadres(system_user, tree, titles, "commune_a", 3, "B")
    _cadres(system_user, tree, titles, "commune_b", 4, "C")
    _count(officer, tree["province"].pk)
    many, r = _count(officer, tree["province"].pk)
    assert r.actions["appointed"].vn() == "04 cấp trưởng, 05 cấp phó"
    assert r.actions["planning_added"].total == 9 and r.training.senior_theory == 9
    assert sum(r.salary.rank_appointments.values()) == 9
    assert many == few <= CEILING, (few, many)


def test_the_figures_page_does_not_grow_with_the_cadres(
    client, system_user, officer, tree, titles, django_assert_max_num_queries
):
    _cadres(system_user, tree, titles, "commune_a", 2, "A")
    client.force_login(officer)
    url = reverse("cadres:figures")
    params = {"org": tree["province"].pk, "tu": "01/01/2024", "den": "31/12/2024"}
    client.get(url, params)  # warm the per-process caches (session, stamps)
    with CaptureQueriesContext(connection) as q:
        client.get(url, params)
    few = len(q.captured_queries)
    _cadres(system_user, tree, titles, "commune_b", 4, "C")
    with django_assert_max_num_queries(few):
        page = client.get(url, params)
    assert "Cán Bộ C3" in page.content.decode()
