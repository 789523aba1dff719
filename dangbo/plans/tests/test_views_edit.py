"""The correction and deletion pages: buttons for the plan's owner only, forms through the
services, a refusal shown in Vietnamese on the field with nothing changed, 404 out of scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.plans.models import Document, Task
from dangbo.plans.services import DocumentInput, document_register, progress_report_submit

pytestmark = pytest.mark.urls("dangbo.plans.tests.urls")


def doc_post(doc: Document, **changes) -> dict:
    data = {
        "number": doc.number,
        "issued_on": doc.issued_on.strftime("%d/%m/%Y"),
        "doc_type": doc.doc_type,
        "issuer": doc.issuer,
        "title": doc.title,
        "summary": doc.summary,
        "implements": doc.implements_id or "",
        "replaces": doc.replaces_id or "",
        "place": doc.place,
        "recipients": doc.recipients,
    }
    return {**data, **changes}


def task_post(task: Task, **changes) -> dict:
    data = {
        "number": task.number,
        "content": task.content,
        "directing_text": task.directing_text,
        "lead_text": task.lead_text,
        "lead_org": task.lead_org_id or "",
        "cooperating_text": task.cooperating_text,
        "implementing_orgs": list(task.assignments.values_list("org_id", flat=True)),
        "deadline_text": task.deadline_text,
    }
    return {**data, **changes}


def test_the_owner_sees_edit_and_delete_buttons_others_do_not(client, officer, commune_officer, tasks, plan):
    client.force_login(officer)
    page = client.get(reverse("plans:document_detail", args=[plan.pk]))
    assert reverse("plans:document_edit", args=[plan.pk]) in page.text
    page = client.get(reverse("plans:task_detail", args=[tasks["both"].pk]))
    assert reverse("plans:task_edit", args=[tasks["both"].pk]) in page.text
    client.force_login(commune_officer)
    page = client.get(reverse("plans:document_detail", args=[plan.pk]))
    assert page.status_code == 200 and reverse("plans:document_edit", args=[plan.pk]) not in page.text
    page = client.get(reverse("plans:task_detail", args=[tasks["both"].pk]))
    assert page.status_code == 200 and reverse("plans:task_edit", args=[tasks["both"].pk]) not in page.text


def test_an_officer_corrects_a_document_through_the_form(client, officer, plan):
    client.force_login(officer)
    url = reverse("plans:document_edit", args=[plan.pk])
    form = client.get(url)
    assert form.status_code == 200 and "15-KH/TU" in form.text and "01/08/2022" in form.text
    response = client.post(url, doc_post(plan, number="16-KH/TU", issued_on="02/08/2022"), follow=True)
    plan.refresh_from_db()
    assert (plan.number, plan.issued_on) == ("16-KH/TU", date(2022, 8, 2))
    assert "Đã lưu thay đổi của văn bản." in response.text
    assert AuditEntry.objects.filter(action="plans.document_updated", object_id=str(plan.pk)).count() == 1


def test_a_bad_correction_is_shown_on_the_field_and_changes_nothing(client, officer, plan):
    client.force_login(officer)
    url = reverse("plans:document_edit", args=[plan.pk])
    response = client.post(url, doc_post(plan, issued_on="31/02/2022", title="Đổi"))
    assert response.status_code == 200 and "ngày 31/02/2022 không tồn tại" in response.text
    response = client.post(url, doc_post(plan, title=""))
    assert response.status_code == 200 and "Trường này là bắt buộc" in response.text
    plan.refresh_from_db()
    assert plan.title == "Thực hiện Nghị quyết số 21-NQ/TW"


def test_a_plan_with_tasks_keeps_its_type_on_the_form(client, officer, plan, tasks):
    client.force_login(officer)
    response = client.post(reverse("plans:document_edit", args=[plan.pk]), doc_post(plan, doc_type="chi_thi"))
    assert response.status_code == 200
    assert "Kế hoạch đã có nhiệm vụ hoặc chỉ tiêu nên không đổi được" in response.text
    plan.refresh_from_db()
    assert plan.doc_type == "ke_hoach"


def test_deleting_a_document_asks_first_then_deletes(client, officer, tree):
    doc = document_register(
        actor=officer,
        data=DocumentInput(
            number="99-TB/TU",
            issued_on=date(2023, 5, 1),
            issuer="Tỉnh ủy",
            doc_type="thong_bao",
            title="Nhầm",
            owner_org_id=tree["province"].pk,
        ),
    )
    client.force_login(officer)
    url = reverse("plans:document_delete", args=[doc.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Xóa Thông báo số 99-TB/TU" in confirm.text
    assert Document.objects.filter(pk=doc.pk).exists()
    response = client.post(url, follow=True)
    assert "Đã xóa Thông báo số 99-TB/TU." in response.text
    assert not Document.objects.filter(pk=doc.pk).exists()


def test_a_plan_with_tasks_says_why_it_cannot_be_deleted(client, officer, plan, tasks):
    client.force_login(officer)
    url = reverse("plans:document_delete", args=[plan.pk])
    confirm = client.get(url)
    assert "Không xóa được vì đã có 4 nhiệm vụ" in confirm.text and 'name="xoa"' not in confirm.text
    response = client.post(url, follow=True)
    assert "Không xóa được Kế hoạch số 15-KH/TU vì đã có 4 nhiệm vụ" in response.text
    assert Document.objects.filter(pk=plan.pk).exists()


def test_an_officer_corrects_a_tasks_deadline_through_the_form(client, officer, tasks):
    task = tasks["both"]
    client.force_login(officer)
    url = reverse("plans:task_edit", args=[task.pk])
    assert "Quý III/2022" in client.get(url).text
    response = client.post(url, task_post(task, deadline_text="30/11/2022"), follow=True)
    task.refresh_from_db()
    assert task.due_on == date(2022, 11, 30)
    assert "Đã lưu thay đổi của nhiệm vụ." in response.text and "30/11/2022" in response.text


def test_an_unreadable_deadline_is_shown_on_its_field(client, officer, tasks):
    task = tasks["both"]
    client.force_login(officer)
    response = client.post(
        reverse("plans:task_edit", args=[task.pk]), task_post(task, deadline_text="31/02/2023", content="Khác")
    )
    assert response.status_code == 200 and "Ngày không hợp lệ trong thời hạn" in response.text
    task.refresh_from_db()
    assert task.content == "Xây dựng mô hình chi bộ bốn tốt" and task.deadline_text == "Quý III/2022"


def test_a_reported_task_cannot_be_deleted_and_says_why(client, officer, commune_officer, tree, tasks):
    task = tasks["both"]
    progress_report_submit(
        actor=commune_officer,
        task=task,
        org_id=tree["commune_a"].pk,
        status="done",
        percent=100,
        reported_on=date(2022, 9, 1),
    )
    client.force_login(officer)
    url = reverse("plans:task_delete", args=[task.pk])
    assert "Không xóa được vì đã có 1 báo cáo tiến độ" in client.get(url).text
    response = client.post(url, follow=True)
    assert "Không xóa được nhiệm vụ a) vì đã có 1 báo cáo tiến độ." in response.text
    assert Task.objects.filter(pk=task.pk).exists()


def test_a_task_is_deleted_after_confirmation(client, officer, plan, tasks):
    client.force_login(officer)
    response = client.post(reverse("plans:task_delete", args=[tasks["internal"].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("plans:document_detail", args=[plan.pk])
    assert not Task.objects.filter(pk=tasks["internal"].pk).exists()


@pytest.mark.parametrize("route", ["plans:task_edit", "plans:task_delete"])
def test_a_commune_reaches_neither_the_edit_nor_the_delete_of_a_provincial_task(client, commune_officer, tasks, route):
    """Commune A sees the task it leads but does not own the plan: 404 for GET and POST."""
    client.force_login(commune_officer)
    url = reverse(route, args=[tasks["a_leads"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"content": "x"}).status_code == 404
    assert Task.objects.get(pk=tasks["a_leads"].pk).content == "Rà soát quy chế làm việc"


@pytest.mark.parametrize("route", ["plans:document_edit", "plans:document_delete"])
def test_a_sibling_communes_document_is_not_found(client, tree, outsider, commune_officer, route):
    b_doc = document_register(
        actor=outsider,
        data=DocumentInput(
            number="05-KH/ĐU",
            issued_on=date(2022, 9, 1),
            issuer="Đảng ủy xã Bình Minh",
            doc_type="ke_hoach",
            title="Kế hoạch của xã Bình Minh",
            owner_org_id=tree["commune_b"].pk,
        ),
    )
    client.force_login(commune_officer)
    url = reverse(route, args=[b_doc.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, doc_post(b_doc, title="x")).status_code == 404
    assert Document.objects.get(pk=b_doc.pk).title == "Kế hoạch của xã Bình Minh"
