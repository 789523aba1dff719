"""/api/v1/plans/...: documents, plans with their tasks, «my tasks», a task with its reports, and
submitting a progress report through the service the task's page uses. Scope as on the pages:
outside it, 404 "Không tìm thấy"; a read-only role gets 403 on the write.

Personas (conftest): `officer` (province), `commune_officer` (commune A), `outsider` (commune B),
`leader` (province, read-only)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangbo.audit.models import AuditEntry
from dangbo.plans.models import ProgressReport
from dangbo.plans.services import DocumentInput, document_register, progress_report_submit

NOT_FOUND = {"detail": "Không tìm thấy", "field": None, "rule": None}
DOCS = "/api/v1/plans/documents"
TASKS = "/api/v1/plans/tasks"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def b_plan(tree, outsider, plan):
    return document_register(
        actor=outsider,
        data=DocumentInput(
            number="05-KH/ĐU",
            issued_on=date(2022, 9, 1),
            issuer="Đảng ủy xã Bình Minh",
            doc_type="ke_hoach",
            title="Kế hoạch của xã Bình Minh",
            owner_org_id=tree["commune_b"].pk,
            implements_id=plan.pk,
        ),
    )


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def post(client, user, url, body):
    client.force_login(user)
    return client.post(url, json.dumps(body), content_type="application/json")


def numbers(response) -> list[str]:
    return [d["number"] for d in response.json()["items"]]


def contents(items) -> set[str]:
    return {t["content"] for t in items}


# --- documents -----------------------------------------------------------------------------------


def test_a_commune_lists_its_own_the_provinces_and_central_documents_not_a_siblings(
    client, commune_officer, outsider, b_plan, plan, resolution
):
    response = get(client, commune_officer, DOCS)
    assert response.status_code == 200
    assert numbers(response) == ["15-KH/TU", "21-NQ/TW"] and response.json()["count"] == 2
    assert numbers(get(client, outsider, DOCS)) == ["05-KH/ĐU", "15-KH/TU", "21-NQ/TW"]
    first = get(client, commune_officer, DOCS).json()["items"][0]
    assert first["owner_org"] == {"id": plan.owner_org_id, "name": "Đảng bộ tỉnh Thử Nghiệm"}
    assert first["doc_type_label"] == "Kế hoạch" and first["implements_id"] == resolution.pk


def test_documents_are_filtered_by_type_year_and_text_without_accents(client, officer, plan, resolution):
    assert numbers(get(client, officer, DOCS, doc_type="nghi_quyet")) == ["21-NQ/TW"]
    assert numbers(get(client, officer, DOCS, year=2022, q="thuc hien nghi quyet")) == ["15-KH/TU"]
    assert numbers(get(client, officer, DOCS, year=2021)) == []
    response = get(client, officer, DOCS, year=1800)
    assert response.status_code == 422 and response.json()["field"] == "year"
    response = get(client, officer, DOCS, doc_type="cong_van")
    assert response.status_code == 422 and response.json()["field"] == "doc_type"


def test_a_plans_detail_lists_the_tasks_the_user_may_see_with_their_state(client, commune_officer, plan, tasks):
    response = get(client, commune_officer, f"{DOCS}/{plan.pk}", at="2022-10-15")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "15-KH/TU" and body["can_manage"] is False and body["at"] == "2022-10-15"
    assert contents(body["tasks"]) == {"Xây dựng mô hình chi bộ bốn tốt", "Rà soát quy chế làm việc"}
    both = next(t for t in body["tasks"] if t["id"] == tasks["both"].pk)
    assert both["deadline_label"] and both["late"] is True
    assert {b["org"]["name"]: b["state"] for b in both["bodies"]} == {
        "Đảng bộ xã An Bình": "late",
        "Đảng bộ xã Bình Minh": "late",
    }
    assert body["late_count"] >= 1


def test_the_outsider_gets_not_found_for_a_document_outside_its_scope(client, commune_officer, outsider, b_plan):
    response = get(client, commune_officer, f"{DOCS}/{b_plan.pk}")
    assert response.status_code == 404 and response.json() == NOT_FOUND
    assert get(client, commune_officer, f"{DOCS}/999999").json() == NOT_FOUND
    assert get(client, outsider, f"{DOCS}/{b_plan.pk}").status_code == 200


def test_a_document_lists_only_the_visible_documents_implementing_it(client, commune_officer, outsider, plan, b_plan):
    assert get(client, commune_officer, f"{DOCS}/{plan.pk}").json()["implemented_by"] == []
    implemented = get(client, outsider, f"{DOCS}/{plan.pk}").json()["implemented_by"]
    assert [d["number"] for d in implemented] == ["05-KH/ĐU"]


# --- tasks ---------------------------------------------------------------------------------------


def test_my_tasks_are_those_my_organizations_implement_or_lead_with_only_my_bodies(client, commune_officer, tasks):
    body = get(client, commune_officer, TASKS, at="2022-10-15").json()
    assert contents(body["items"]) == {"Xây dựng mô hình chi bộ bốn tốt", "Rà soát quy chế làm việc"}
    both = next(t for t in body["items"] if t["id"] == tasks["both"].pk)
    assert [b["org"]["name"] for b in both["bodies"]] == ["Đảng bộ xã An Bình"]


def test_late_tasks_only(client, commune_officer, tree, tasks):
    progress_report_submit(
        actor=commune_officer,
        task=tasks["both"],
        org_id=tree["commune_a"].pk,
        status="done",
        percent=100,
        reported_on=date(2022, 9, 20),
    )
    late = get(client, commune_officer, TASKS, at="2022-10-15", late="true").json()
    assert tasks["both"].pk not in [t["id"] for t in late["items"]]  # commune A reported on time
    everything = get(client, commune_officer, TASKS, at="2022-10-15", late="true", mine="false").json()
    assert tasks["both"].pk in [t["id"] for t in everything["items"]]  # commune B did not
    assert everything["count"] == len(everything["items"])


def test_the_task_list_of_one_plan_and_of_a_plan_out_of_scope(client, commune_officer, officer, plan, tasks, b_plan):
    body = get(client, officer, TASKS, plan=plan.pk, mine="false").json()
    assert body["count"] == 4
    response = get(client, commune_officer, TASKS, plan=b_plan.pk)
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_a_task_shows_all_reports_to_the_owner_and_only_its_own_to_a_body(
    client, officer, commune_officer, outsider, tree, tasks
):
    task = tasks["both"]
    for user, org in ((commune_officer, "commune_a"), (outsider, "commune_b")):
        progress_report_submit(
            actor=user,
            task=task,
            org_id=tree[org].pk,
            status="in_progress",
            percent=50,
            text=f"Báo cáo của {org}",
            reported_on=date(2022, 9, 1),
        )
    owner = get(client, officer, f"{TASKS}/{task.pk}").json()
    assert {r["text"] for r in owner["reports"]} == {"Báo cáo của commune_a", "Báo cáo của commune_b"}
    mine = get(client, commune_officer, f"{TASKS}/{task.pk}").json()
    assert [r["text"] for r in mine["reports"]] == ["Báo cáo của commune_a"]
    assert mine["can_report_for"] == [{"id": tree["commune_a"].pk, "name": "Đảng bộ xã An Bình"}]
    assert mine["plan"]["number"] == "15-KH/TU" and mine["percent"] == 50.0


def test_the_outsider_gets_not_found_for_a_task_it_neither_implements_nor_leads(client, outsider, tasks):
    response = get(client, outsider, f"{TASKS}/{tasks['a_leads'].pk}")
    assert response.status_code == 404 and response.json() == NOT_FOUND


# --- progress reports ----------------------------------------------------------------------------


def report_url(task) -> str:
    return f"{TASKS}/{task.pk}/reports"


def test_a_body_reports_progress_through_the_same_service_as_the_page(client, commune_officer, tree, tasks):
    response = post(
        client,
        commune_officer,
        report_url(tasks["both"]),
        {
            "org_id": tree["commune_a"].pk,
            "status": "in_progress",
            "percent": 60,
            "text": "Đã  triển khai",
            "reported_on": "2022-09-10",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["org"] == {"id": tree["commune_a"].pk, "name": "Đảng bộ xã An Bình"} and body["percent"] == 60
    report = ProgressReport.objects.get(pk=body["id"])
    assert report.created_by == commune_officer and report.reported_on == date(2022, 9, 10)
    assert AuditEntry.objects.filter(action="plans.progress_reported", object_id=str(report.pk)).exists()


def test_done_means_one_hundred_percent_and_the_date_defaults_to_today(client, commune_officer, tree, tasks):
    body = post(
        client,
        commune_officer,
        report_url(tasks["both"]),
        {"org_id": tree["commune_a"].pk, "status": "done", "percent": 30},
    ).json()
    assert body["percent"] == 100 and body["reported_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent": 150}, "percent"),
        ({"reported_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "reported_on"),
        ({"status": "xong"}, "status"),
    ],
)
def test_a_refused_report_says_why_in_vietnamese_and_writes_nothing(
    client, commune_officer, tree, tasks, changes, field
):
    response = post(
        client,
        commune_officer,
        report_url(tasks["both"]),
        {"org_id": tree["commune_a"].pk, "status": "in_progress", "percent": 10, **changes},
    )
    assert response.status_code == 422 and response.json()["field"] == field
    assert response.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_a_body_the_task_is_not_assigned_to_is_refused(client, officer, tree, tasks):
    response = post(
        client,
        officer,
        report_url(tasks["both"]),
        {"org_id": tree["district"].pk, "status": "in_progress", "percent": 10},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Tổ chức này không được giao thực hiện nhiệm vụ."
    assert response.json()["field"] == "org"


def test_reporting_for_another_commune_is_not_found(client, commune_officer, outsider, tree, tasks):
    response = post(
        client,
        commune_officer,
        report_url(tasks["both"]),
        {"org_id": tree["commune_b"].pk, "status": "done", "percent": 100},
    )
    assert response.status_code == 404 and response.json() == NOT_FOUND
    response = post(
        client,
        outsider,
        report_url(tasks["a_leads"]),  # a task the outsider cannot see
        {"org_id": tree["district"].pk, "status": "done", "percent": 100},
    )
    assert response.status_code == 404 and response.json() == NOT_FOUND
    assert not ProgressReport.objects.exists()


def test_a_read_only_leader_sees_the_task_but_may_not_report(client, leader, tree, tasks):
    assert get(client, leader, f"{TASKS}/{tasks['both'].pk}").status_code == 200
    response = post(
        client, leader, report_url(tasks["both"]), {"org_id": tree["commune_a"].pk, "status": "done", "percent": 100}
    )
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_anonymous_requests_get_401(client, tree, tasks):
    assert client.get(TASKS).status_code == 401
    response = client.post(
        report_url(tasks["both"]),
        json.dumps({"org_id": tree["commune_a"].pk, "status": "done", "percent": 100}),
        content_type="application/json",
    )
    assert response.status_code == 401 and not ProgressReport.objects.exists()
