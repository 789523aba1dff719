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
    body = {
        "year": 2025,
        "receiving_id": app["d2"].pk,
        "category": "cb_cc",
        "number": 9,
        "decision_number": "QĐ-API",
        "decision_date": "2025-03-01",
    }
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
    r = client.post(
        f"{API}/agencies/{app['prov'].pk}/headcounts",
        {"category": "cb_cc", "on": "2025-03-01", "count": 1, "source": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404
    client.force_login(leader)
    r = client.post(
        f"{API}/agencies/{app['prov'].pk}/headcounts",
        {"category": "cb_cc", "on": "2025-03-01", "count": 1, "source": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert not Headcount.objects.filter(source="x").exists()


# --- projects, catalogues, reference lists ------------------------------------------------------------


def _project_body(app, tree):
    return {
        "org_id": tree["district"].pk,
        "name": "Đề án hợp nhất cơ quan tham mưu",
        "model": "Cơ quan Tổ chức - Nội vụ",
        "number": "05-ĐA/HU",
        "units": [
            {"label": "Ban Tổ chức Huyện ủy Sông Xanh", "agency_id": app["d1"].pk},
            {"label": "Ủy ban Kiểm tra Huyện ủy Sông Xanh", "agency_id": app["d2"].pk},
        ],
    }


def test_project_create_plan_approve_apply(client, officer, app, tree):
    from dangbo.audit.models import AuditEntry
    from dangbo.staffing.models import AgencyLineage

    client.force_login(officer)
    r = client.post(f"{API}/projects", _project_body(app, tree), content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["units_total"] == 2 and not r.json()["applied"]
    r = client.post(
        f"{API}/projects/{pid}/plan",
        {
            "before": [
                {"agency_id": app["d1"].pk, "internal_units": 3},
                {"agency_id": app["d2"].pk, "internal_units": 2},
            ],
            "after": [{"agency_id": app["bloc"].pk, "internal_units": 4}],
            "surplus": [
                {"agency_id": app["bloc"].pk, "position": "deputy", "norm": 2, "actual": 3, "deadline": "2030-07-01"}
            ],
            "departures": [{"kind": "early_retirement", "category": "cb_cc", "count": 2}],
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert [x["code"] for x in r.json()["before"]] == ["H01-BTC", "H01-UBKT"]
    r = client.post(f"{API}/projects/{pid}/apply", content_type="application/json")
    assert r.status_code == 422 and "chưa có quyết định phê duyệt" in r.json()["detail"]
    r = client.post(
        f"{API}/projects/{pid}/approve",
        {"decision_number": "12-QĐ/HU", "approved_on": "2025-06-01", "applied_on": "2025-07-01"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["applied_on"] == "2025-07-01"
    r = client.post(f"{API}/projects/{pid}/apply", content_type="application/json")
    assert r.status_code == 200 and r.json()["applied"] and r.json()["units_done"] == 2
    assert AgencyLineage.objects.filter(project_id=pid).count() == 2
    assert [p["id"] for p in client.get(f"{API}/projects").json()] == [pid]
    assert client.get(f"{API}/projects/{pid}").json()["departures"] == [
        {"kind": "early_retirement", "category": "cb_cc", "count": 2, "policy": ""}
    ]
    assert AuditEntry.objects.filter(action__startswith="staffing.project_").count() == 4


def test_project_bad_input_is_422_naming_the_field_and_nothing_written(client, officer, app, tree):
    from dangbo.staffing.models import ProjectAgency, RestructuringProject

    client.force_login(officer)
    r = client.post(f"{API}/projects", {**_project_body(app, tree), "model": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "model" and "Mô hình" in r.json()["detail"]
    r = client.post(
        f"{API}/projects",
        {**_project_body(app, tree), "units": [{"label": "X", "agency_id": 999999}]},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"] == "Đơn vị dòng 1: không tìm thấy cơ quan"
    assert not RestructuringProject.objects.exists()
    pid = client.post(f"{API}/projects", _project_body(app, tree), content_type="application/json").json()["id"]
    r = client.post(
        f"{API}/projects/{pid}/plan",
        {  # a split without a total of 100%
            "before": [{"agency_id": app["d1"].pk}],
            "after": [{"agency_id": app["bloc"].pk, "share_pct": 60}, {"agency_id": app["d2"].pk, "share_pct": 30}],
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "after" and "100%" in r.json()["detail"]
    r = client.post(
        f"{API}/projects/{pid}/plan",
        {"before": [{"agency_id": app["d1"].pk, "internal_units": 99999}], "after": [{"agency_id": app["bloc"].pk}]},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "before"
    r = client.post(
        f"{API}/projects/{pid}/approve",
        {"decision_number": "1", "approved_on": "01/06/2025", "applied_on": "2025-07-01"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert not ProjectAgency.objects.exists()


def test_projects_scope(client, outsider, leader, officer, app, tree):
    client.force_login(officer)
    pid = client.post(f"{API}/projects", _project_body(app, tree), content_type="application/json").json()["id"]
    client.force_login(outsider)
    assert client.get(f"{API}/projects").json() == []
    assert client.get(f"{API}/projects/{pid}").status_code == 404
    assert client.post(f"{API}/projects/{pid}/apply", content_type="application/json").status_code == 404
    assert client.post(f"{API}/projects", _project_body(app, tree), content_type="application/json").status_code == 404
    client.force_login(leader)
    assert client.get(f"{API}/projects/{pid}").status_code == 200
    r = client.post(
        f"{API}/projects/{pid}/approve",
        {"decision_number": "1", "approved_on": "2025-06-01", "applied_on": "2025-07-01"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_catalogues_and_reference_lists(client, officer, outsider, app):
    from dangbo.staffing.models import JobCatalogue

    client.force_login(officer)
    body = {
        "agency_id": app["d1"].pk,
        "name": "Danh mục vị trí việc làm",
        "positions": [
            {"name": "Trưởng ban", "category": "cb_cc", "number": 1},
            {"name": "Chuyên viên", "category": "cb_cc", "number": 6},
        ],
    }
    r = client.post(
        f"{API}/catalogues",
        {**body, "positions": [{"name": "X", "category": "khong_co", "number": 1}]},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "category"
    assert not JobCatalogue.objects.exists()
    r = client.post(f"{API}/catalogues", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "draft" and len(r.json()["positions"]) == 2
    cid = r.json()["id"]
    r = client.post(
        f"{API}/catalogues/{cid}/advance", {"to": "approved", "on": "2025-03-01"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["field"] == "status"
    r = client.post(
        f"{API}/catalogues/{cid}/advance", {"to": "submitted", "on": "2025-03-01"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["submitted_on"] == "2025-03-01"
    assert [c["id"] for c in client.get(f"{API}/catalogues", {"agency_id": app["d1"].pk}).json()] == [cid]
    cats = {c["code"]: c["target_pct"] for c in client.get(f"{API}/categories").json()}
    assert cats["cb_cc"] == 5 and cats["vc_nsnn"] == 10 and cats["hd_ld"] is None
    assert "public_service" in {k["code"] for k in client.get(f"{API}/agency-kinds").json()}
    client.force_login(outsider)
    assert client.get(f"{API}/catalogues").json() == []
    assert client.get(f"{API}/catalogues/{cid}").status_code == 404
    assert (
        client.post(
            f"{API}/catalogues/{cid}/advance", {"to": "appraised", "on": "2025-03-02"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.post(f"{API}/catalogues", body, content_type="application/json").status_code == 404


def test_project_unit_done_api(client, officer, outsider, leader, app, tree):
    from dangbo.audit.models import AuditEntry
    from dangbo.staffing.models import ProjectUnit

    client.force_login(officer)
    pid = client.post(f"{API}/projects", _project_body(app, tree), content_type="application/json").json()["id"]
    other = client.post(f"{API}/projects", _project_body(app, tree), content_type="application/json").json()["id"]
    u1, u2 = ProjectUnit.objects.filter(project_id=pid).order_by("id")
    done = f"{API}/projects/{pid}/units/{u1.pk}/done"
    # Bad dates: 422 naming the field, nothing written.
    r = client.post(done, {"done_on": "15/07/2025"}, content_type="application/json")
    assert r.status_code == 422
    r = client.post(done, {"done_on": "2999-01-01"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "done_on" and "sau ngày hôm nay" in r.json()["detail"]
    # Out of scope 404, view-only 403, a unit of another project 404.
    client.force_login(outsider)
    assert client.post(done, {"done_on": "2025-07-15"}, content_type="application/json").status_code == 404
    client.force_login(leader)
    assert client.post(done, {"done_on": "2025-07-15"}, content_type="application/json").status_code == 403
    client.force_login(officer)
    other_unit = ProjectUnit.objects.filter(project_id=other).first().pk
    r = client.post(
        f"{API}/projects/{pid}/units/{other_unit}/done", {"done_on": "2025-07-15"}, content_type="application/json"
    )
    assert r.status_code == 404
    assert not ProjectUnit.objects.filter(done_on__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="staffing.project_unit_done").exists()
    # Done: the figures move.
    r = client.post(done, {"done_on": "2025-07-15"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert (r.json()["units_done"], r.json()["units_total"]) == (1, 2)
    assert [u["done_on"] for u in r.json()["units"]] == ["2025-07-15", None]
    assert AuditEntry.objects.filter(action="staffing.project_unit_done").count() == 1
    progress = client.get(f"{API}/restructuring", {"at": "2025-12-31"}).json()
    assert any(p["done"] == 1 and p["total"] == 4 for p in progress), progress
    u2.refresh_from_db()
    assert u2.done_on is None
