"""Query counts of the pages that summarize a subtree (issue 14): the organization tree, the
dashboard, the indicator overview and the annual report page. Each is asked for, the subtree is
then doubled (more communes, cells and members), and the same page must answer with the same
number of SQL queries: an N+1 or a loop over the subtree's organizations would add queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.services import org_establish

START = date(2015, 1, 1)
AS_OF = "31/12/2025"


def _grow(system_user, tree, start: int, n: int) -> None:
    """n more communes directly under the province (so the tree's open level and the dashboard's
    children grow), each with two cells and a member in each cell."""
    for i in range(start, start + n):
        commune = org_establish(
            actor=system_user,
            code=f"T01-X9{i:02d}",
            name=f"Đảng bộ xã Thêm {i}",
            org_type="commune_party_org",
            parent=tree["province"],
            on=START,
        )
        for k in (1, 2):
            cell = org_establish(
                actor=system_user,
                code=f"T01-X9{i:02d}-C{k}",
                name=f"Chi bộ thêm {i}-{k}",
                org_type="subordinate_cell",
                parent=commune,
                on=START,
            )
            member_admit(
                actor=system_user,
                cell=cell,
                decided_on=date(2020, 3, 1),
                ceremony_on=date(2020, 3, 10),
                profile=ProfileInput(full_name=f"Nguyễn Văn Thêm {i} {k}", birth_year=1980 + k, sex="M"),
            )


def _pages(tree) -> dict[str, tuple[str, dict]]:
    org = {"org": tree["province"].pk, "ngay": AS_OF}
    return {
        "tree": (reverse("orgs:org_tree"), {"ngay": AS_OF}),
        "dashboard": (reverse("reports:dashboard"), org),
        "overview": (reverse("reports:indicator_overview"), org),
        "annual_report": (reverse("reports:periodic_report"), {"org": tree["province"].pk, "loai": "nam", "nam": 2025}),
    }


def _counts(client, pages) -> dict[str, int]:
    out = {}
    for name, (url, query) in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, query)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = len(ctx.captured_queries)
    return out


@pytest.mark.parametrize("who", ["officer", "admin_user"])
def test_summary_pages_do_not_query_per_organization(client, request, system_user, tree, who):
    client.force_login(request.getfixturevalue(who))
    pages = _pages(tree)
    _counts(client, pages)  # first views: the report period is created, the scope computed
    _grow(system_user, tree, 1, 3)
    small = _counts(client, pages)
    _grow(system_user, tree, 4, 6)  # more than twice the organizations and members
    large = _counts(client, pages)
    assert large == small
    html = client.get(reverse("reports:dashboard"), {"org": tree["province"].pk, "ngay": AS_OF}).content.decode()
    assert 'id="kpi-total"' in html


def test_the_tree_counts_each_node_s_whole_subtree(client, officer, system_user, tree):
    _grow(system_user, tree, 1, 2)
    client.force_login(officer)
    response = client.get(reverse("orgs:org_tree"), {"ngay": AS_OF})
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 đảng viên" in html  # the province: both new communes' members
    assert html.count("2 đảng viên") == 2  # each new commune (open below the province): its two cells' members
    assert "0 đảng viên" in html  # the district


def test_tree_and_dashboard_counts_read_the_per_organization_summary(client, officer, system_user, tree):
    """The tree's node counts and the dashboard's children come from OrgCountSpan (one probe per
    organization), never from the fact rows; on PostgreSQL the age pyramid comes from the
    marginals' pass (no second GROUP BY birth year, sex over the fact rows)."""
    from dangbo.reports.models import FigureSnapshot, SummarySnapshot

    _grow(system_user, tree, 1, 2)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:org_tree"), {"ngay": AS_OF})
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    assert any("reports_orgcountspan" in s for s in sql)
    assert not [s for s in sql if "reports_reportspan" in s]
    SummarySnapshot.objects.all().delete()
    FigureSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:dashboard"), {"org": tree["province"].pk, "ngay": AS_OF})
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [
        s for s in sql if "reports_reportspan" in s and "JOIN" in s and "GROUP BY" in s
    ]  # the old children pass
    pyramid_pass = [s for s in sql if s.startswith('SELECT "reports_reportspan"."birth_year"')]
    assert len(pyramid_pass) == (0 if connection.vendor == "postgresql" else 1)
