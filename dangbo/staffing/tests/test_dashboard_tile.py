"""The staffing tile of the leader's dashboard (reports:dashboard): quota, headcount and
vacancies of the area's agencies, the reduction against 2021 with the 2026 target and its
shortfall, restructured units, approved job-position catalogues; only for an area that manages
agencies; the page's queries do not grow with the number of agencies."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.staffing.services import (
    PositionInput,
    UnitInput,
    agency_create,
    baseline_set,
    catalogue_create,
    headcount_record,
    project_create,
)

pytestmark = pytest.mark.django_db
AS_OF = {"ngay": "01/03/2025"}


def _dashboard(client, org):
    response = client.get(reverse("reports:dashboard"), {"org": org.pk, **AS_OF})
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_shows_the_staffing_tile_of_the_area(client, officer, app, tree, system_user):
    project_create(
        actor=system_user,
        org_id=tree["district"].pk,
        name="Đề án",
        model="Văn phòng cấp huyện",
        units=[UnitInput("Văn phòng Huyện ủy", done_on=date(2024, 10, 1)), UnitInput("Văn phòng HĐND")],
    )
    client.force_login(officer)
    body = _dashboard(client, tree["province"])
    assert 'id="tile-staffing"' in body
    assert "Biên chế: 57 được giao, 53 thực có, 4 chưa sử dụng" in body
    assert "Tinh giản so với năm 2021: 3/60 (5,00%); phải giảm 3 đến năm 2026, còn thiếu 0" in body
    assert "Sắp xếp theo đề án: 1/2 Văn phòng cấp huyện" in body
    assert "Danh mục vị trí việc làm được phê duyệt: 0/5 cơ quan" in body
    district = _dashboard(client, tree["district"])
    assert "Biên chế: 19 được giao, 17 thực có, 2 chưa sử dụng" in district


def test_an_area_without_agencies_has_no_staffing_tile(client, commune_officer, app, tree):
    client.force_login(commune_officer)
    assert 'id="tile-staffing"' not in _dashboard(client, tree["commune_a"])


def _grow(system_user, tree, app, start: int, n: int) -> None:
    """n more district bodies, each with its 2021 baseline, a headcount and a catalogue."""
    for i in range(start, start + n):
        a = agency_create(
            actor=system_user,
            code=f"H01-P{i:02d}",
            name=f"Phòng thêm {i}",
            managing_org_id=tree["district"].pk,
            on=date(2015, 1, 1),
            parent=app["bloc"],
        )
        baseline_set(actor=system_user, agency=a, category=app["cb"], year=2021, number=3, source="Năm gốc")
        headcount_record(
            actor=system_user, agency=a, category=app["cb"], on=date(2025, 1, 2), count=2, source="Báo cáo"
        )
        catalogue_create(
            actor=system_user, agency=a, name=f"Danh mục {i}", positions=[PositionInput("Chuyên viên", app["cb"].pk, 2)]
        )


def test_the_dashboard_queries_do_not_grow_with_the_agencies(
    client, officer, app, tree, system_user, django_assert_max_num_queries
):
    client.force_login(officer)
    _dashboard(client, tree["province"])  # first view: the report period, the scope
    _grow(system_user, tree, app, 1, 2)
    with CaptureQueriesContext(connection) as small:
        body = _dashboard(client, tree["province"])
    assert "0/7 cơ quan" in body
    _grow(system_user, tree, app, 3, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("reports:dashboard"), {"org": tree["province"].pk, **AS_OF})
    assert response.status_code == 200 and "0/13 cơ quan" in response.content.decode()
