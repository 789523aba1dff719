"""/api/v1/staffing/: figures with yyyy-mm-dd dates, allocation refused (422, nothing written),
scope (404 outside, 403 for a view-only role)."""

from __future__ import annotations

import pytest

from dangbo.staffing.models import Headcount, QuotaAllocation

pytestmark = pytest.mark.django_db

API = "/api/v1/staffing"


def test_figures_and_tree(client, officer, app):
    client.force_login(officer)
    r = client.get(f"{API}/agencies/{app['root'].pk}/figures", {"at": "2025-03-01"})
    assert r.status_code == 200
    row = next(x for x in r.json()["rows"] if x["category"] == "cb_cc")
    assert (row["baseline"], row["quota"], row["headcount"], row["reduction"]) == (60, 57, 53, 3)
    assert row["reduction_pct"] == 5.0 and row["target_pct"] == 5 and row["shortfall"] == 0
    assert r.json()["at"] == "2025-03-01"
    tree = client.get(f"{API}/agencies", {"at": "2025-03-01"}).json()
    assert [a["name"] for a in tree][:2] == ["Khối cơ quan Đảng tỉnh Thử Nghiệm", "Ban Tổ chức Tỉnh ủy"]
    assert client.get(f"{API}/agencies", {"at": "01/03/2025"}).status_code == 422


def test_allocation_over_the_balance_is_422_and_nothing_written(client, officer, app):
    client.force_login(officer)
    count = QuotaAllocation.objects.count()
    body = {"year": 2025, "receiving_id": app["d2"].pk, "category": "cb_cc", "number": 9,
            "decision_number": "QĐ-API", "decision_date": "2025-03-01"}
    r = client.post(f"{API}/allocations", body, content_type="application/json")
    assert r.status_code == 422 and "thiếu 1" in r.json()["detail"]
    assert QuotaAllocation.objects.count() == count
    r = client.post(f"{API}/allocations", {**body, "number": 8}, content_type="application/json")
    assert r.status_code == 201 and r.json()["allocating_id"] == app["bloc"].pk
    assert r.json()["effective_from"] == "2025-03-01"


def test_scope_and_rights(client, outsider, leader, app):
    client.force_login(outsider)
    assert client.get(f"{API}/agencies/{app['prov'].pk}/figures").status_code == 404
    assert client.get(f"{API}/agencies").json() == []
    r = client.post(f"{API}/agencies/{app['prov'].pk}/headcounts",
                    {"category": "cb_cc", "on": "2025-03-01", "count": 1, "source": "x"}, content_type="application/json")
    assert r.status_code == 404
    client.force_login(leader)
    r = client.post(f"{API}/agencies/{app['prov'].pk}/headcounts",
                    {"category": "cb_cc", "on": "2025-03-01", "count": 1, "source": "x"}, content_type="application/json")
    assert r.status_code == 403
    assert not Headcount.objects.filter(source="x").exists()
