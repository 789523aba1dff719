"""Documents, tasks, progress roll-up, relative deadlines, reminders and scope (R-130, R-131)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.notifications.models import Notification
from dangbo.plans import selectors as sel
from dangbo.plans.models import Task
from dangbo.plans.services import (
    DocumentInput,
    TaskInput,
    document_register,
    plans_remind,
    progress_report_submit,
    target_create,
    target_report,
    task_create,
    task_split,
)


def test_documents_are_found_without_accents_and_filtered(plan, officer):
    assert list(sel.document_list(actor=officer, q="cung co xay dung")) == [plan.implements]
    assert list(sel.document_list(actor=officer, q="21-nq/tw", doc_type="ke_hoach")) == [plan]
    assert list(sel.document_list(actor=officer, issuer="thuong vu tinh uy")) == [plan]
    assert list(sel.document_list(actor=officer, year=2021)) == []


def test_registering_a_document_is_audited(plan):
    entry = AuditEntry.objects.filter(action="plans.document_registered", object_id=str(plan.pk)).get()
    assert entry.after["number"] == "15-KH/TU"


def test_a_duplicate_number_is_refused_naming_the_field(system_user, plan):
    with pytest.raises(DomainError) as exc:
        document_register(
            actor=system_user,
            data=DocumentInput(
                number="15-kh/tu",
                issued_on=plan.issued_on,
                issuer="Ban Thường vụ Tỉnh ủy",
                doc_type="ke_hoach",
                title="Trùng",
                owner_org_id=plan.owner_org_id,
            ),
        )
    assert exc.value.field == "number"


def test_communes_see_province_and_central_documents_but_not_a_sibling_commune(tree, plan, commune_officer, outsider):
    b_doc = document_register(
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
    visible = set(sel.document_list(actor=commune_officer))
    assert plan in visible and plan.implements in visible
    assert b_doc not in visible
    assert b_doc in set(sel.document_list(actor=outsider))


def test_a_commune_cannot_register_for_another_commune(tree, commune_officer):
    with pytest.raises(DomainError) as exc:
        document_register(
            actor=commune_officer,
            data=DocumentInput(
                number="1-KH/ĐU",
                issued_on=date(2023, 1, 1),
                issuer="Đảng ủy xã",
                doc_type="ke_hoach",
                title="X",
                owner_org_id=tree["commune_b"].pk,
            ),
        )
    assert exc.value.field == "owner_org"


def test_the_implementation_tree_goes_down_from_the_central_resolution(tree, officer, plan, resolution):
    commune_plan = document_register(
        actor=officer,
        data=DocumentInput(
            number="07-KH/ĐU",
            issued_on=date(2022, 9, 1),
            issuer="Đảng ủy xã An Bình",
            doc_type="ke_hoach",
            title="Kế hoạch của xã",
            owner_org_id=tree["commune_a"].pk,
            implements_id=plan.pk,
        ),
    )
    tree_nodes = sel.implementation_tree(actor=officer, doc=resolution)
    assert [n.doc for n in tree_nodes] == [plan]
    assert [n.doc for n in tree_nodes[0].children] == [commune_plan]


def test_scope_a_commune_sees_only_its_tasks_and_those_it_leads(tasks, commune_officer, outsider, officer):
    assert set(sel.task_list(actor=commune_officer)) == {tasks["both"], tasks["a_leads"]}
    assert set(sel.task_list(actor=outsider)) == {tasks["both"], tasks["b_only"]}
    assert set(sel.task_list(actor=officer)) == set(tasks.values())


def test_rule_r131_the_lead_sees_who_reported_and_who_is_late(tasks, tree, commune_officer, officer):
    task = tasks["both"]
    progress_report_submit(
        actor=commune_officer,
        task=task,
        org_id=tree["commune_a"].pk,
        status="done",
        percent=100,
        text="Đã xây dựng 2 mô hình",
        reported_on=date(2022, 9, 20),
    )
    bodies = {b.org_id: b for b in sel.task_body_statuses(task, as_of=date(2022, 10, 5))}
    assert bodies[tree["commune_a"].pk].status.state == "done"
    assert bodies[tree["commune_b"].pk].late and bodies[tree["commune_b"].pk].latest is None
    assert bodies[tree["commune_a"].pk].latest.text == "Đã xây dựng 2 mô hình"


def test_roll_up_task_percent_is_the_mean_of_bodies_and_plan_percent_the_mean_of_tasks(
    tasks, tree, plan, commune_officer, outsider, officer
):
    a, b = tree["commune_a"].pk, tree["commune_b"].pk
    progress_report_submit(
        actor=commune_officer,
        task=tasks["both"],
        org_id=a,
        status="in_progress",
        percent=20,
        reported_on=date(2022, 8, 10),
    )
    progress_report_submit(
        actor=commune_officer,
        task=tasks["both"],
        org_id=a,
        status="in_progress",
        percent=80,
        reported_on=date(2022, 9, 10),
    )
    progress_report_submit(
        actor=outsider, task=tasks["both"], org_id=b, status="in_progress", percent=40, reported_on=date(2022, 9, 11)
    )
    progress_report_submit(
        actor=outsider, task=tasks["b_only"], org_id=b, status="done", percent=0, reported_on=date(2022, 9, 12)
    )
    progress = sel.plan_progress(actor=officer, plan=plan, as_of=date(2022, 10, 1))
    by_task = {r.task: r.percent for r in progress.rows}
    assert by_task[tasks["both"]] == 60  # latest of A (80) and B (40)
    assert by_task[tasks["b_only"]] == 100  # "done" counts as 100%
    assert by_task[tasks["a_leads"]] == 0 and by_task[tasks["internal"]] == 0
    assert progress.percent == 40  # (60 + 100 + 0 + 0) / 4
    # As of an earlier date only earlier reports count.
    early = sel.plan_progress(actor=officer, plan=plan, as_of=date(2022, 8, 31))
    assert {r.task: r.percent for r in early.rows}[tasks["both"]] == 10


def test_a_body_cannot_report_for_a_task_it_is_not_given_or_outside_its_scope(tasks, tree, commune_officer):
    with pytest.raises(DomainError) as exc:
        progress_report_submit(
            actor=commune_officer, task=tasks["b_only"], org_id=tree["commune_b"].pk, status="done", percent=100
        )
    assert exc.value.field == "org"
    with pytest.raises(DomainError) as exc:
        progress_report_submit(
            actor=commune_officer, task=tasks["both"], org_id=tree["commune_a"].pk, status="in_progress", percent=140
        )
    assert exc.value.field == "percent"


def test_rule_r130_a_relative_deadline_gets_its_date_when_the_document_is_registered(system_user, plan, officer, tree):
    task = task_create(
        actor=system_user,
        plan=plan,
        data=TaskInput(
            content="Ban hành quy chế làm việc của cấp ủy cơ sở",
            deadline_text="Sau 03 tháng kể từ khi có Quy chế mẫu và hướng dẫn thực hiện của Trung ương",
            implementing_org_ids=[tree["commune_a"].pk],
        ),
    )
    assert sel.task_body_statuses(task, as_of=date(2030, 1, 1))[0].status.state == "waiting"
    guidance = document_register(
        actor=system_user,
        data=DocumentInput(
            number="12-HD/BTCTW",
            issued_on=date(2023, 1, 31),
            issuer="Ban Tổ chức Trung ương",
            doc_type="huong_dan",
            title="Hướng dẫn quy chế làm việc mẫu",
        ),
    )
    task.refresh_from_db()
    assert task.relative_document == guidance
    status = sel.task_body_statuses(task, as_of=date(2023, 5, 1))[0].status
    assert (status.due, status.late) == (date(2023, 4, 30), True)


def test_sub_tasks_are_given_by_the_implementing_body_to_its_cells(tasks, tree, commune_officer, outsider):
    sub = task_split(
        actor=commune_officer,
        parent=tasks["both"],
        data=TaskInput(content="Chi bộ thôn 1 xây dựng mô hình", implementing_org_ids=[tree["cell_a1"].pk]),
    )
    assert sub.parent == tasks["both"] and sub.deadline_text == "Quý III/2022"
    with pytest.raises(DomainError):
        task_split(
            actor=outsider,
            parent=tasks["both"],
            data=TaskInput(content="Không được", implementing_org_ids=[tree["cell_a1"].pk]),
        )


def test_reminders_are_created_once_per_period_and_emailed_on_commit(
    tasks, tree, commune_officer, outsider, settings, django_capture_on_commit_callbacks
):
    settings.PLANS_SEND_EMAIL = True
    settings.PLANS_REMIND_OVERDUE_EVERY_DAYS = 7
    commune_officer.email = "xa.anbinh@example.invalid"
    commune_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = plans_remind(as_of=date(2022, 9, 25))  # quarter III due in 5 days: both communes
    assert first == 2
    assert plans_remind(as_of=date(2022, 9, 26)) == 0  # same period, same step: nothing new
    assert len(mail.outbox) == 1 and "30/09/2022" in mail.outbox[0].body
    late = plans_remind(as_of=date(2022, 10, 3))
    assert late >= 2
    assert Notification.objects.filter(user=outsider, kind="plans.late", key__contains=":late:2022-09-30").count() == 1
    assert plans_remind(as_of=date(2022, 10, 4)) == 0


def test_the_remind_command_is_idempotent(tasks, commune_officer, capsys):
    call_command("plans_remind", "--ngay", "03/10/2022")
    n = Notification.objects.count()
    call_command("plans_remind", "--ngay", "03/10/2022")
    assert Notification.objects.count() == n > 0


def test_targets_are_computed_from_indicators_or_reported_by_hand(system_user, plan, tree):
    computed = target_create(
        actor=system_user,
        plan=plan,
        name="Kết nạp 3–4% đảng viên mỗi năm",
        indicator="ket_nap_ty_le",
        measure="percent",
        org_id=tree["province"].pk,
        year=2023,
        target_min=3,
        target_max=4,
    )
    manual = target_create(actor=system_user, plan=plan, name="100% chi bộ quân sự xã có cấp ủy", target_min=100)
    r = sel.target_result(computed, at=date(2024, 1, 1))
    assert r.actual is None and r.met is None  # no members at all in the fixture tree: no denominator
    target_report(actor=system_user, target=manual, value="100")
    assert sel.target_result(manual, at=date(2024, 1, 1)).met is True
    with pytest.raises(DomainError):
        target_report(actor=system_user, target=computed, value="5")


def test_task_create_refuses_a_bad_deadline_and_writes_nothing(system_user, plan):
    before = Task.objects.count()
    with pytest.raises(DomainError) as exc:
        task_create(actor=system_user, plan=plan, data=TaskInput(content="X", deadline_text="31/02/2023"))
    assert exc.value.field == "deadline_text"
    assert Task.objects.count() == before
