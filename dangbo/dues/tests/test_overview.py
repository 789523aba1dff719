"""The dues page of an officer over several organizations (/dang-phi/ without a chosen one): the
month's overview of the organizations directly under the officer's top organization: due,
collected, collection rate, closed or not, each linking to its sheet (a cell) or ledger (a level
with units below); a fixed number of queries whatever the number of organizations."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.dues import facts, services
from dangbo.dues import selectors as sel
from dangbo.dues.models import Category
from dangbo.dues.tests.factories import declare
from tests.factories import OrganizationFactory

MARCH = date(2025, 3, 1)


def _collect(client, org, member):
    r = client.post(reverse("dues:collect"), {"org": org.pk, "thang": "03/2025", "member": member.pk})
    assert r.status_code == 302


def _setup(client, system_user, tree, members_a1, secretary_a1, admit):
    an, binh, cuong = members_a1[:3]
    for m, base in ((an, 10_000_000), (binh, 5_000_000), (cuong, 6_000_000)):
        declare(system_user, m, Category.SI_SALARY, base)  # 100.000 + 50.000 + 60.000 = 210.000 đ due in March
    dong = admit(tree["cell_b1"], "Phạm Văn Đông")
    declare(system_user, dong, Category.SI_SALARY, 4_000_000)  # commune B: 40.000 đ
    client.force_login(secretary_a1)
    _collect(client, tree["cell_a1"], an)
    _collect(client, tree["cell_a1"], cuong)  # 160.000 of 210.000 đ: 76,2%
    services.month_close(actor=secretary_a1, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 4, 2))


def test_a_commune_officer_sees_the_month_of_each_cell(
    client, system_user, tree, members_a1, secretary_a1, admit, commune_officer, django_assert_max_num_queries
):
    _setup(client, system_user, tree, members_a1, secretary_a1, admit)
    client.force_login(commune_officer)
    with django_assert_max_num_queries(20):
        r = client.get(reverse("dues:sheet") + "?thang=03/2025")
    assert r.status_code == 200
    page = r.content.decode()
    rows = {row.org_id: row for row in r.context["overview"]}
    assert set(rows) == {tree["cell_a1"].pk, tree["cell_a2"].pk}
    a1 = rows[tree["cell_a1"].pk]
    assert (a1.due, a1.collected, a1.close is not None, a1.has_units) == (210_000, 160_000, True, False)
    assert (rows[tree["cell_a2"].pk].due, rows[tree["cell_a2"].pk].close) == (0, None)
    assert "210.000" in page and "160.000" in page and "76,2%" in page
    assert "Đã chốt 02/04/2025" in page and "Chưa chốt" in page
    assert f'href="?org={tree["cell_a1"].pk}&thang=03/2025"' in page  # a cell: its sheet
    assert "Phạm Văn Đông" not in page and "Chi bộ thôn Đông" not in page  # commune B is not in scope


def test_a_province_officer_sees_the_level_below_linking_to_its_ledger(
    client, system_user, tree, members_a1, secretary_a1, admit, officer
):
    _setup(client, system_user, tree, members_a1, secretary_a1, admit)
    client.force_login(officer)
    r = client.get(reverse("dues:sheet") + "?thang=03/2025")
    assert r.status_code == 200
    (district,) = r.context["overview"]
    assert (district.org_id, district.due, district.collected, district.close, district.has_units) == (
        tree["district"].pk,
        250_000,
        160_000,
        None,
        True,
    )
    page = r.content.decode()
    assert "250.000" in page and "64,0%" in page
    assert f"{reverse('dues:ledger')}?org={tree['district'].pk}&thang=03/2025" in page


def test_the_overview_reads_the_stored_facts_with_the_same_figures(
    client, system_user, tree, members_a1, secretary_a1, admit, commune_officer
):
    _setup(client, system_user, tree, members_a1, secretary_a1, admit)
    live = sel.children_overview(actor=commune_officer, org_id=tree["commune_a"].pk, month=MARCH)
    facts.rebuild_all(until=date(2025, 6, 1), today=date(2025, 6, 15))
    stored = sel.children_overview(actor=commune_officer, org_id=tree["commune_a"].pk, month=MARCH)
    assert [(r.org_id, r.due, r.collected) for r in stored] == [(r.org_id, r.due, r.collected) for r in live]


def test_the_overview_takes_a_fixed_number_of_queries(
    client, system_user, tree, members_a1, secretary_a1, admit, commune_officer, django_assert_max_num_queries
):
    _setup(client, system_user, tree, members_a1, secretary_a1, admit)
    client.force_login(commune_officer)
    url = reverse("dues:sheet") + "?thang=03/2025"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(3, 9):
        cell = OrganizationFactory(
            actor=system_user,
            code=f"T01-X01-C{i:02d}",
            name=f"Chi bộ thôn {i}",
            org_type="subordinate_cell",
            parent=tree["commune_a"],
        )
        declare(system_user, admit(cell, f"Đảng viên thôn {i}"), Category.SI_SALARY, 3_000_000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(url)
    assert r.status_code == 200
    assert len(r.context["overview"]) == 8
