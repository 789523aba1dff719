"""Pages of the plans app: scope on every route (outside = 404), forms through services."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dangbo.plans.models import Document, ProgressReport, Task
from dangbo.plans.services import DocumentInput, document_register

pytestmark = pytest.mark.urls("dangbo.plans.tests.urls")


def test_anonymous_users_are_sent_to_login(client, plan):
    response = client.get(reverse("plans:document_detail", args=[plan.pk]))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_the_register_lists_and_searches_without_accents(client, officer, plan):
    client.force_login(officer)
    response = client.get(reverse("plans:document_list"), {"q": "thuc hien nghi quyet"})
    assert response.status_code == 200 and "15-KH/TU" in response.text


def test_an_officer_registers_a_document_through_the_form(client, officer, tree, resolution):
    client.force_login(officer)
    response = client.post(
        reverse("plans:document_create"),
        {
            "number": "30-CT/TU",
            "issued_on": "05/01/2023",
            "doc_type": "chi_thi",
            "issuer": "Ban Thường vụ Tỉnh ủy",
            "owner_org": tree["province"].pk,
            "title": "Về tăng cường công tác phát triển đảng viên",
            "implements": resolution.pk,
        },
    )
    doc = Document.objects.get(number="30-CT/TU")
    assert response.status_code == 302 and doc.implements == resolution
    page = client.get(reverse("plans:document_detail", args=[resolution.pk]))
    assert "30-CT/TU" in page.text


def test_a_bad_date_shows_a_vietnamese_error_and_writes_nothing(client, officer, tree):
    client.force_login(officer)
    response = client.post(
        reverse("plans:document_create"),
        {
            "number": "31-CT/TU",
            "issued_on": "32/01/2023",
            "doc_type": "chi_thi",
            "issuer": "Tỉnh ủy",
            "owner_org": tree["province"].pk,
            "title": "X",
        },
    )
    assert response.status_code == 200 and "ngày 32/01/2023 không tồn tại" in response.text
    assert not Document.objects.filter(number="31-CT/TU").exists()


def test_a_sibling_communes_document_and_tasks_are_not_found(client, tree, tasks, outsider, commune_officer):
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
    for url in (
        reverse("plans:document_detail", args=[b_doc.pk]),
        reverse("plans:task_detail", args=[tasks["b_only"].pk]),
        reverse("plans:task_create", args=[b_doc.pk]),
        reverse("plans:plan_import", args=[b_doc.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # The province plan is visible, with only the commune's own and led tasks.
    page = client.get(reverse("plans:document_detail", args=[tasks["both"].plan_id]))
    assert page.status_code == 200
    assert "Xây dựng mô hình chi bộ bốn tốt" in page.text and "Tổng kết mô hình chi bộ ghép" not in page.text
    # …and it cannot add tasks to the province's plan.
    assert client.get(reverse("plans:task_create", args=[tasks["both"].plan_id])).status_code == 404


def test_an_implementing_body_reports_progress_with_evidence(client, tree, tasks, commune_officer):
    client.force_login(commune_officer)
    url = reverse("plans:task_detail", args=[tasks["both"].pk])
    evidence = io.BytesIO(b"bien ban")
    evidence.name = "bien-ban.pdf"
    response = client.post(
        url,
        {
            "org": tree["commune_a"].pk,
            "status": "in_progress",
            "percent": 50,
            "text": "Đã triển khai tới các chi bộ",
            "reported_on": "15/09/2022",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.percent == 50 and report.evidence.get().name == "bien-ban.pdf"
    ev_url = reverse("plans:evidence_file", args=[report.evidence.get().pk])
    assert client.get(ev_url).status_code == 200


def test_a_body_cannot_post_a_report_for_another_body(client, tree, tasks, commune_officer):
    client.force_login(commune_officer)
    response = client.post(
        reverse("plans:task_detail", args=[tasks["both"].pk]),
        {"org": tree["commune_b"].pk, "status": "done", "percent": 100},
    )
    assert response.status_code == 200 and not ProgressReport.objects.exists()


def test_the_officer_adds_a_task_for_two_communes(client, officer, tree, plan):
    client.force_login(officer)
    response = client.post(
        reverse("plans:task_create", args=[plan.pk]),
        {
            "content": "Kiện toàn chi bộ quân sự",
            "deadline_text": "Quý I/2023",
            "implementing_orgs": [tree["commune_a"].pk, tree["commune_b"].pk],
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(content="Kiện toàn chi bộ quân sự")
    assert task.due_on == date(2023, 3, 31) and task.assignments.count() == 2


def test_the_document_form_sent_twice_registers_one_document(client, officer, tree):
    """Issue 15: a one-time form token; the second post goes to the document registered first."""
    client.force_login(officer)
    url = reverse("plans:document_create")
    token = client.get(url).context["form"].fields["form_token"].initial
    data = {
        "form_token": token,
        "number": "32-CT/TU",
        "issued_on": "05/01/2023",
        "doc_type": "chi_thi",
        "issuer": "Ban Thường vụ Tỉnh ủy",
        "owner_org": tree["province"].pk,
        "title": "Về công tác cán bộ",
    }
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    doc = Document.objects.get(number="32-CT/TU")
    assert first.status_code == 302 and second.redirect_chain[0][0] == reverse("plans:document_detail", args=[doc.pk])
    assert "đã được gửi và đã ghi" in second.text


def test_the_task_form_sent_twice_adds_one_task(client, officer, tree, plan):
    client.force_login(officer)
    url = reverse("plans:task_create", args=[plan.pk])
    token = client.get(url).context["form"].fields["form_token"].initial
    data = {
        "form_token": token,
        "content": "Rà soát đảng viên miễn sinh hoạt",
        "deadline_text": "Quý I/2023",
        "implementing_orgs": [tree["commune_a"].pk],
    }
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    task = Task.objects.get(content="Rà soát đảng viên miễn sinh hoạt")
    assert second.redirect_chain[0][0] == reverse("plans:task_detail", args=[task.pk])
    assert "đã được gửi và đã ghi" in second.text


def test_the_task_form_picks_organizations_instead_of_listing_every_one(client, officer, tree, plan):
    client.force_login(officer)
    response = client.get(reverse("plans:task_create", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="checkbox"' not in html and "Chi bộ thôn 1" not in html
    assert 'hx-get="/tim-kiem/to-chuc/?action=view&amp;name=implementing_orgs' in html


def test_the_task_form_refuses_an_organization_outside_the_scope(client, system_user, commune_officer, tree):
    own = document_register(
        actor=system_user,
        data=DocumentInput(
            number="3-KH/ĐU",
            issued_on=date(2022, 3, 1),
            issuer="Đảng ủy xã An Bình",
            doc_type="ke_hoach",
            title="Kế hoạch của xã",
            owner_org_id=tree["commune_a"].pk,
        ),
    )
    client.force_login(commune_officer)
    response = client.post(
        reverse("plans:task_create", args=[own.pk]),
        {"content": "Việc của xã khác", "implementing_orgs": [tree["commune_b"].pk]},
    )
    assert response.status_code == 200
    assert "có tổ chức không thuộc phạm vi của bạn" in response.content.decode()
    assert not Task.objects.filter(content="Việc của xã khác").exists()


def test_export_requires_a_purpose_and_returns_the_files(client, officer, tasks, plan):
    client.force_login(officer)
    url = reverse("plans:plan_export", args=[plan.pk])
    assert (
        client.get(url, {"tu": "01/07/2022", "den": "30/09/2022", "so": "1-BC/TU", "dinh_dang": "xlsx"}).status_code
        == 200
    )  # the form again, nothing exported
    for fmt in ("xlsx", "docx"):
        response = client.get(
            url, {"tu": "01/07/2022", "den": "30/09/2022", "so": "1-BC/TU", "dinh_dang": fmt, "muc_dich": "Báo cáo quý"}
        )
        assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_import_dry_run_then_confirm(client, officer, tree, plan):
    wb = Workbook()
    wb.active.append(["Nội dung", "Cơ quan thực hiện", "Thời gian"])
    wb.active.append(["Quán triệt nghị quyết", "Đảng bộ xã An Bình", "Quý IV/2022"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "bang.xlsx"
    client.force_login(officer)
    url = reverse("plans:plan_import", args=[plan.pk])
    response = client.post(url, {"file": buf})
    assert "Xác nhận nhập 1 nhiệm vụ" in response.text and not Task.objects.exists()
    job = response.context["job"]
    assert client.post(url, {"xac_nhan": job.pk}).status_code == 302
    assert Task.objects.get().content == "Quán triệt nghị quyết"


def _upload_one_task(client, plan):
    wb = Workbook()
    wb.active.append(["Nội dung", "Cơ quan thực hiện", "Thời gian"])
    wb.active.append(["Quán triệt nghị quyết", "Đảng bộ xã An Bình", "Quý IV/2022"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "bang.xlsx"
    return client.post(reverse("plans:plan_import", args=[plan.pk]), {"file": buf}).context["job"]


def test_import_confirmed_twice_imports_once(client, officer, tree, plan):
    """A double submit of the confirmation (double click, a second tab) creates the tasks once:
    the job is applied and marked applied in one transaction, under a row lock."""
    client.force_login(officer)
    job = _upload_one_task(client, plan)
    url = reverse("plans:plan_import", args=[plan.pk])
    first = client.post(url, {"xac_nhan": job.pk}, follow=True)
    second = client.post(url, {"xac_nhan": job.pk}, follow=True)
    assert Task.objects.filter(plan=plan).count() == 1
    assert "Đã nhập 1 nhiệm vụ." in first.text
    assert "đã được nhập trước đó" in second.text
    job.refresh_from_db()
    assert job.applied_at is not None and job.tasks_created == 1


def test_import_apply_job_is_idempotent_and_atomic(officer, tree, plan, client):
    from dangbo.plans import importer

    client.force_login(officer)
    job = _upload_one_task(client, plan)
    first = importer.apply_job(actor=officer, plan=plan, job_id=job.pk)
    again = importer.apply_job(actor=officer, plan=plan, job_id=job.pk)
    assert (first.created, first.already) == (1, False)
    assert (again.created, again.already) == (1, True)
    assert Task.objects.filter(plan=plan).count() == 1
    assert importer.apply_job(actor=officer, plan=plan, job_id="abc") is None


def test_my_tasks_flags_late_bodies(client, outsider, tasks):
    client.force_login(outsider)
    response = client.get(reverse("plans:my_tasks"))
    assert response.status_code == 200 and "Trễ hạn" in response.text


def test_task_page_hides_sibling_progress_text(client, django_user_model, system_user, tree, plan):
    """A cell secretary opens a task implemented by their cell and a sibling cell: the sibling's
    latest progress text is not on the page (the body's state and percent are)."""
    from dangbo.access.models import Role, RoleAssignment
    from dangbo.plans.services import TaskInput, progress_report_submit, task_create

    a1, a2 = tree["cell_a1"].pk, tree["cell_a2"].pk
    task = task_create(
        actor=system_user,
        plan=plan,
        data=TaskInput(content="Sinh hoạt chuyên đề", deadline_text="Quý IV/2022", implementing_org_ids=[a1, a2]),
    )
    progress_report_submit(
        actor=system_user,
        task=task,
        org_id=a1,
        status="in_progress",
        percent=40,
        text="Thôn 1 đã họp chi bộ",
        reported_on=date(2022, 9, 1),
    )
    progress_report_submit(
        actor=system_user,
        task=task,
        org_id=a2,
        status="in_progress",
        percent=60,
        text="Riêng của thôn 2: đã rà soát",
        reported_on=date(2022, 9, 2),
    )
    secretary = django_user_model.objects.create_user("bithu_thon_1", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=secretary, role=Role.CELL_SECRETARY, org=tree["cell_a1"], valid_from=date(2015, 1, 1)
    )
    client.force_login(secretary)
    page = client.get(reverse("plans:task_detail", args=[task.pk]))
    assert page.status_code == 200
    assert "Thôn 1 đã họp chi bộ" in page.text
    assert "Riêng của thôn 2" not in page.text
    assert "60%" in page.text  # the sibling's state stays: only its text is hidden
