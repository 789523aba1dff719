"""Pages under /bien-che/: tree as of a date, agency figures and roadmap, the allocation form with
the remaining balance (a refusal shown on the form, nothing written), headcount entry; scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.staffing.models import Headcount, QuotaAllocation

pytestmark = pytest.mark.django_db


def test_tree_as_of_a_date(client, officer, app, system_user):
    from dangbo.staffing.services import agency_merge

    agency_merge(actor=system_user, predecessors=[app["d1"]], into=app["prov"], on=date(2025, 7, 1))
    client.force_login(officer)
    body = client.get(reverse("staffing:agency_tree"), {"ngay": "30/06/2025"}).content.decode()
    assert "Ban Tổ chức Huyện ủy Sông Xanh" in body and "Ban Tổ chức Tỉnh ủy" in body
    body = client.get(reverse("staffing:agency_tree"), {"ngay": "31/12/2025"}).content.decode()
    assert "Ban Tổ chức Huyện ủy Sông Xanh" not in body


def test_agency_page_figures_and_roadmap(client, officer, app):
    client.force_login(officer)
    r = client.get(reverse("staffing:agency_detail", kwargs={"pk": app["root"].pk}), {"ngay": "01/03/2025"})
    body = r.content.decode()
    assert r.status_code == 200
    assert "5,00%" in body  # 60 → 57: 5,00% cut vs 2021
    assert "Lộ trình tinh giản biên chế 2021–2026" in body
    # The roadmap chart's data (drawn by js/staffing_roadmap.js; browser test test_staffing_pages):
    # the baseline, the year-end quotas so far, the line from 60 in 2021 to the target 57 in 2026.
    chart = r.context["roadmap_chart"]
    assert chart["years"] == ["2021", "2022", "2023", "2024", "2025", "2026"]
    assert chart["quota"] == [60, None, None, None, 57, None]
    assert chart["headcount"] == [None, None, None, None, 53, None]
    assert chart["target"][0] == 60 and chart["target"][-1] == 57
    assert 'id="staffing-roadmap-data"' in body and "js/staffing_roadmap.js" in body


def test_allocation_form_shows_the_balance_and_refuses_over_allocation(client, officer, app, settings):
    client.force_login(officer)
    url = reverse("staffing:allocation_create")
    body = client.get(url, {"co_quan": app["d2"].pk}).content.decode()
    assert "Khối cơ quan Huyện ủy Sông Xanh" in body and "Số còn lại để giao" in body
    count = QuotaAllocation.objects.count()
    data = {
        "year": 2025,
        "receiving": app["d2"].pk,
        "category": app["cb"].pk,
        "number": 9,
        "decision_number": "QĐ-99",
        "decision_date": "01/03/2025",
    }
    r = client.post(url, data)
    assert r.status_code == 200 and "thiếu 1" in r.content.decode()
    assert QuotaAllocation.objects.count() == count
    r = client.post(url, {**data, "number": 8})
    assert r.status_code == 302 and QuotaAllocation.objects.count() == count + 1


def test_headcount_entry(client, officer, app):
    client.force_login(officer)
    url = reverse("staffing:headcount_create", kwargs={"pk": app["d1"].pk})
    r = client.post(url, {"category": app["cb"].pk, "on": "01/04/2025", "count": 9, "source": "Báo cáo quý I"})
    assert r.status_code == 302
    assert Headcount.objects.filter(agency=app["d1"], count=9, on=date(2025, 4, 1)).exists()


def test_outsider_gets_not_found_and_leader_cannot_write(client, outsider, leader, app):
    client.force_login(outsider)
    assert client.get(reverse("staffing:agency_detail", kwargs={"pk": app["prov"].pk})).status_code == 404
    assert client.get(reverse("staffing:headcount_create", kwargs={"pk": app["prov"].pk})).status_code == 404
    assert "Ban Tổ chức Tỉnh ủy" not in client.get(reverse("staffing:agency_tree")).content.decode()
    client.force_login(leader)
    assert client.get(reverse("staffing:agency_detail", kwargs={"pk": app["prov"].pk})).status_code == 200
    assert client.get(reverse("staffing:headcount_create", kwargs={"pk": app["prov"].pk})).status_code == 403
