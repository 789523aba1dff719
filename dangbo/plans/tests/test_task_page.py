"""#15 rough edge «Task page: the chosen lead organization shows "—"; progress reports show an
internal id ("104 Đảng bộ xã …"); the assigned organization gets no notification»."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.notifications.models import Notification
from dangbo.plans.services import TaskInput, progress_report_submit, task_create
from dangbo.plans.services.edits import TaskEdit, task_update

pytestmark = pytest.mark.django_db


def test_the_lead_organization_chosen_with_the_picker_is_shown_by_name(client, officer, tasks):
    client.force_login(officer)
    html = client.get(reverse("plans:task_detail", args=[tasks["a_leads"].pk])).content.decode()
    assert '<dd class="col-sm-9" id="co-quan-chu-tri">Đảng bộ xã An Bình</dd>' in html
    typed = client.get(reverse("plans:task_detail", args=[tasks["both"].pk])).content.decode()
    assert '<dd class="col-sm-9" id="co-quan-chu-tri">Ban Tổ chức Tỉnh ủy</dd>' in typed  # typed text kept


def test_a_progress_report_names_its_organization_without_an_internal_id(client, officer, commune_officer, tree, tasks):
    progress_report_submit(
        actor=commune_officer,
        task=tasks["both"],
        org_id=tree["commune_a"].pk,
        status="in_progress",
        percent=40,
        text="Đã chọn 3 chi bộ làm điểm",
        reported_on=date(2022, 9, 1),
    )
    client.force_login(officer)
    html = client.get(reverse("plans:task_detail", args=[tasks["both"].pk])).content.decode()
    listed = html.split('id="cac-bao-cao"')[1].split("</ul>")[0]
    assert "01/09/2022 · Đảng bộ xã An Bình · Đang thực hiện 40%" in listed
    assert f"{tree['commune_a'].pk} Đảng bộ xã" not in listed and f"· {tree['commune_a'].pk} " not in listed


def test_the_assigned_organizations_are_notified_once_each(system_user, plan, tree, commune_officer, client):
    a, b = tree["commune_a"].pk, tree["commune_b"].pk
    task = task_create(
        actor=system_user,
        plan=plan,
        data=TaskInput(
            content="Rà soát đảng viên miễn sinh hoạt",
            number="đ)",
            deadline_text="Quý IV/2022",
            implementing_org_ids=[a],
            lead_org_id=tree["district"].pk,
        ),
    )
    notes = Notification.objects.filter(kind="plans.assigned", target_id=task.pk)
    assert sorted(notes.values_list("org_id", flat=True)) == sorted([a, tree["district"].pk])
    note = notes.get(org_id=a)
    assert (
        note.message
        == "Được giao nhiệm vụ «đ) Rà soát đảng viên miễn sinh hoạt» theo " + str(plan) + "; thời hạn: Quý IV/2022."
    )
    # the commune's officer reads it and it links to the task
    client.force_login(commune_officer)
    page = client.get("/thong-bao/").content.decode()
    assert "Rà soát đảng viên miễn sinh hoạt" in page and reverse("plans:task_detail", args=[task.pk]) in page
    # an edit that adds commune B tells commune B only; nothing twice
    task_update(
        actor=system_user,
        task=task,
        data=TaskEdit(
            content=task.content,
            number=task.number,
            deadline_text=task.deadline_text,
            lead_org_id=tree["district"].pk,
            implementing_org_ids=[a, b],
        ),
    )
    assert notes.filter(org_id=b).count() == 1 and notes.count() == 3
    task_update(
        actor=system_user,
        task=task,
        data=TaskEdit(
            content=task.content + " năm 2022",
            number=task.number,
            deadline_text=task.deadline_text,
            lead_org_id=tree["district"].pk,
            implementing_org_ids=[a, b],
        ),
    )
    assert notes.count() == 3


def test_an_unassigned_organization_gets_no_notification(system_user, plan, tree):
    task = task_create(
        actor=system_user, plan=plan, data=TaskInput(content="Việc nội bộ", deadline_text="Thường xuyên")
    )
    assert not Notification.objects.filter(kind="plans.assigned", target_id=task.pk).exists()
