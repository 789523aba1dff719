"""Correcting and deleting documents and tasks: audited before/after, refused with a Vietnamese
message naming the field when the input is bad or something depends on the record; a refusal
writes nothing."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.notifications.models import Notification
from dangbo.plans import deadlines as dl
from dangbo.plans.models import Document, Task, TaskAssignment
from dangbo.plans.services import (
    DocumentEdit,
    DocumentInput,
    TaskEdit,
    TaskInput,
    document_delete,
    document_register,
    document_update,
    notification_create,
    progress_report_submit,
    target_create,
    task_create,
    task_delete,
    task_split,
    task_update,
)


def edit_of(doc: Document, **changes) -> DocumentEdit:
    data = DocumentEdit(
        number=doc.number,
        issued_on=doc.issued_on,
        issuer=doc.issuer,
        doc_type=doc.doc_type,
        title=doc.title,
        summary=doc.summary,
        implements_id=doc.implements_id,
        replaces_id=doc.replaces_id,
        place=doc.place,
        recipients=doc.recipients,
    )
    return DocumentEdit(**{**asdict(data), **changes})


def task_edit_of(task: Task, **changes) -> TaskEdit:
    data = TaskEdit(
        content=task.content,
        deadline_text=task.deadline_text,
        number=task.number,
        directing_text=task.directing_text,
        lead_text=task.lead_text,
        lead_org_id=task.lead_org_id,
        cooperating_text=task.cooperating_text,
        implementing_org_ids=list(task.assignments.order_by("id").values_list("org_id", flat=True)),
    )
    return TaskEdit(**{**asdict(data), **changes})


def audit_count() -> int:
    return AuditEntry.objects.count()


@pytest.fixture
def directive(officer, tree):
    return document_register(
        actor=officer,
        data=DocumentInput(
            number="30-CT/TU",
            issued_on=date(2023, 1, 5),
            issuer="Ban Thường vụ Tỉnh ủy",
            doc_type="chi_thi",
            title="Về tăng cường công tác phát trỉen đảng viên",
            owner_org_id=tree["province"].pk,
        ),
    )


# --- documents: correction -----------------------------------------------------------------------


def test_an_officer_corrects_a_typo_and_the_audit_keeps_before_and_after(officer, directive):
    document_update(
        actor=officer,
        doc=directive,
        data=edit_of(
            directive,
            title="Về tăng cường công tác phát triển đảng viên",
            issued_on=date(2023, 1, 6),
            recipients="- Các huyện ủy,\n- Lưu.",
        ),
    )
    directive.refresh_from_db()
    assert directive.title == "Về tăng cường công tác phát triển đảng viên"
    assert directive.issued_on == date(2023, 1, 6)
    assert "phat trien dang vien" in directive.search_key  # still found without accents
    entry = AuditEntry.objects.get(action="plans.document_updated", object_id=str(directive.pk))
    assert entry.before == {
        "title": "Về tăng cường công tác phát trỉen đảng viên",
        "issued_on": "2023-01-05",
        "recipients": "",
    }
    assert entry.after["title"] == "Về tăng cường công tác phát triển đảng viên"
    assert entry.after["issued_on"] == "2023-01-06"
    assert set(entry.after) == {"title", "issued_on", "recipients"}


def test_saving_without_a_change_writes_no_audit_entry(officer, directive):
    before = audit_count()
    document_update(actor=officer, doc=directive, data=edit_of(directive))
    assert audit_count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "  "}, "number"),
        ({"issuer": ""}, "issuer"),
        ({"title": ""}, "title"),
        ({"doc_type": "cong_van"}, "doc_type"),
        ({"issued_on": None}, "issued_on"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(officer, directive, changes, field):
    before = audit_count()
    with pytest.raises(DomainError) as exc:
        document_update(actor=officer, doc=directive, data=edit_of(directive, **changes))
    assert exc.value.field == field
    directive.refresh_from_db()
    assert directive.number == "30-CT/TU" and directive.doc_type == "chi_thi" and directive.issuer
    assert audit_count() == before


def test_a_correction_may_not_duplicate_another_registered_number(officer, tree, directive):
    other = document_register(
        actor=officer,
        data=DocumentInput(
            number="31-CT/TU",
            issued_on=date(2023, 1, 6),
            issuer="Ban Thường vụ Tỉnh ủy",
            doc_type="chi_thi",
            title="Khác",
            owner_org_id=tree["province"].pk,
        ),
    )
    with pytest.raises(DomainError) as exc:
        document_update(actor=officer, doc=other, data=edit_of(other, number="30-ct/tu", issued_on=date(2023, 1, 5)))
    assert exc.value.field == "number" and "đã được đăng ký" in exc.value.message


def test_a_document_cannot_implement_itself_or_close_a_loop(officer, tree, plan):
    with pytest.raises(DomainError) as exc:
        document_update(actor=officer, doc=plan, data=edit_of(plan, implements_id=plan.pk))
    assert exc.value.field == "implements"
    child = document_register(
        actor=officer,
        data=DocumentInput(
            number="02-HD/TU",
            issued_on=date(2022, 9, 1),
            issuer="Ban Tổ chức Tỉnh ủy",
            doc_type="huong_dan",
            title="Hướng dẫn thực hiện",
            owner_org_id=tree["province"].pk,
            implements_id=plan.pk,
        ),
    )
    with pytest.raises(DomainError) as exc:
        document_update(actor=officer, doc=plan, data=edit_of(plan, implements_id=child.pk))
    assert exc.value.field == "implements" and "vòng lặp" in exc.value.message
    plan.refresh_from_db()
    assert plan.implements_id != child.pk


def test_a_plan_with_tasks_keeps_its_type(officer, plan, tasks):
    with pytest.raises(DomainError) as exc:
        document_update(actor=officer, doc=plan, data=edit_of(plan, doc_type="chi_thi"))
    assert exc.value.field == "doc_type"


def test_a_commune_cannot_correct_the_provinces_document(commune_officer, directive):
    with pytest.raises(DomainError):
        document_update(actor=commune_officer, doc=directive, data=edit_of(directive, title="Sửa trộm"))
    directive.refresh_from_db()
    assert directive.title != "Sửa trộm"


def test_a_central_document_is_corrected_only_by_an_administrator(officer, admin_user, resolution):
    with pytest.raises(DomainError):
        document_update(actor=officer, doc=resolution, data=edit_of(resolution, number="21-NQ/TW (sửa)"))
    document_update(actor=admin_user, doc=resolution, data=edit_of(resolution, number="21-NQ/TW (sửa)"))
    resolution.refresh_from_db()
    assert resolution.number == "21-NQ/TW (sửa)"


# --- documents: deletion -------------------------------------------------------------------------


def test_a_document_nothing_depends_on_is_deleted_with_its_full_snapshot(officer, directive):
    pk = directive.pk
    document_delete(actor=officer, doc=directive)
    assert not Document.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="plans.document_deleted", object_id=str(pk))
    assert entry.before["number"] == "30-CT/TU"
    assert entry.before["title"] == "Về tăng cường công tác phát trỉen đảng viên"
    assert entry.before["issued_on"] == "2023-01-05" and entry.before["owner_org_id"] == directive.owner_org_id
    assert entry.summary == "Xóa Chỉ thị số 30-CT/TU"


@pytest.mark.parametrize("dependant", ["task", "target", "implementing", "replacing"])
def test_a_document_something_depends_on_is_not_deleted(officer, tree, plan, dependant):
    expected = {
        "task": "1 nhiệm vụ",
        "target": "1 chỉ tiêu",
        "implementing": "văn bản thực hiện",
        "replacing": "văn bản thay thế",
    }[dependant]
    if dependant == "task":
        task_create(actor=officer, plan=plan, data=TaskInput(content="Việc", deadline_text="Quý IV/2022"))
    elif dependant == "target":
        target_create(actor=officer, plan=plan, name="Kết nạp", target_min=3)
    else:
        document_register(
            actor=officer,
            data=DocumentInput(
                number="09-KH/TU",
                issued_on=date(2023, 2, 1),
                issuer="Ban Thường vụ Tỉnh ủy",
                doc_type="ke_hoach",
                title="Kế hoạch khác",
                owner_org_id=tree["province"].pk,
                **({"implements_id": plan.pk} if dependant == "implementing" else {"replaces_id": plan.pk}),
            ),
        )
    before = audit_count()
    with pytest.raises(DomainError) as exc:
        document_delete(actor=officer, doc=plan)
    assert "Không xóa được" in exc.value.message and expected in exc.value.message
    assert Document.objects.filter(pk=plan.pk).exists()
    assert audit_count() == before


def test_the_document_a_relative_deadline_counts_from_is_not_deleted(officer, admin_user, plan):
    task = task_create(
        actor=officer,
        plan=plan,
        data=TaskInput(content="Sửa đổi quy chế", deadline_text="3 tháng sau khi có hướng dẫn của Trung ương"),
    )
    guide = document_register(
        actor=admin_user,
        data=DocumentInput(
            number="12-HD/BTCTW",
            issued_on=date(2023, 3, 1),
            issuer="Ban Tổ chức Trung ương",
            doc_type="huong_dan",
            title="Hướng dẫn",
        ),
    )
    task.refresh_from_db()
    assert task.relative_document == guide
    with pytest.raises(DomainError) as exc:
        document_delete(actor=admin_user, doc=guide)
    assert "thời hạn tính từ văn bản này" in exc.value.message


def test_a_commune_cannot_delete_the_provinces_document(commune_officer, directive):
    with pytest.raises(DomainError):
        document_delete(actor=commune_officer, doc=directive)
    assert Document.objects.filter(pk=directive.pk).exists()


# --- tasks: correction ---------------------------------------------------------------------------


def test_a_deadline_correction_is_parsed_again_and_audited(officer, tasks):
    task = tasks["both"]
    assert task.due_on == date(2022, 9, 30)
    task_update(actor=officer, task=task, data=task_edit_of(task, deadline_text="Quý IV/2022"))
    task.refresh_from_db()
    assert (task.deadline_kind, task.due_on, task.deadline_text) == (dl.QUARTER, date(2022, 12, 31), "Quý IV/2022")
    entry = AuditEntry.objects.get(action="plans.task_updated", object_id=str(task.pk))
    assert entry.before["deadline_text"] == "Quý III/2022" and entry.after["deadline_text"] == "Quý IV/2022"
    assert entry.before["due"] == "2022-09-30" and entry.after["due"] == "2022-12-31"


def test_a_deadline_turned_relative_finds_its_registered_anchor(officer, admin_user, tasks):
    guide = document_register(
        actor=admin_user,
        data=DocumentInput(
            number="12-HD/BTCTW",
            issued_on=date(2023, 3, 1),
            issuer="Ban Tổ chức Trung ương",
            doc_type="huong_dan",
            title="Hướng dẫn",
        ),
    )
    task = tasks["internal"]
    task_update(
        actor=officer, task=task, data=task_edit_of(task, deadline_text="3 tháng sau khi có hướng dẫn của Trung ương")
    )
    task.refresh_from_db()
    assert task.deadline_kind == dl.RELATIVE and task.relative_document == guide
    task_update(actor=officer, task=task, data=task_edit_of(task, deadline_text="31/12/2023"))
    task.refresh_from_db()
    assert task.deadline_kind == dl.DATE and task.relative_document is None


def test_content_lead_and_bodies_are_corrected(officer, tree, tasks):
    task = tasks["b_only"]
    task_update(
        actor=officer,
        task=task,
        data=task_edit_of(
            task,
            content="Tổng kết mô hình chi bộ ghép (sửa)",
            lead_org_id=tree["district"].pk,
            implementing_org_ids=[tree["commune_a"].pk],
        ),
    )
    task.refresh_from_db()
    assert task.content == "Tổng kết mô hình chi bộ ghép (sửa)" and task.lead_org_id == tree["district"].pk
    assert list(task.assignments.values_list("org_id", flat=True)) == [tree["commune_a"].pk]
    entry = AuditEntry.objects.get(action="plans.task_updated", object_id=str(task.pk))
    assert entry.before["implementing_orgs"] == [tree["commune_b"].pk]
    assert entry.after["implementing_orgs"] == [tree["commune_a"].pk]
    assert entry.before["lead_org"] is None and entry.after["lead_org"] == tree["district"].pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": " "}, "content"),
        ({"deadline_text": "31/02/2023"}, "deadline_text"),
        ({"lead_org_id": 987654}, "lead_org"),
        ({"implementing_org_ids": [987654]}, "implementing_orgs"),
    ],
)
def test_bad_task_input_names_the_field_and_changes_nothing(officer, tasks, changes, field):
    task = tasks["both"]
    before = audit_count()
    with pytest.raises(DomainError) as exc:
        task_update(actor=officer, task=task, data=task_edit_of(task, number="z)", **changes))
    assert exc.value.field == field
    task.refresh_from_db()
    assert task.number == "a)" and task.deadline_text == "Quý III/2022" and task.assignments.count() == 2
    assert audit_count() == before


def test_a_body_that_reported_cannot_be_taken_off_the_task(officer, commune_officer, tree, tasks):
    task = tasks["both"]
    progress_report_submit(
        actor=commune_officer,
        task=task,
        org_id=tree["commune_a"].pk,
        status="in_progress",
        percent=40,
        reported_on=date(2022, 9, 1),
    )
    with pytest.raises(DomainError) as exc:
        task_update(actor=officer, task=task, data=task_edit_of(task, implementing_org_ids=[tree["commune_b"].pk]))
    assert exc.value.field == "implementing_orgs" and "Đảng bộ xã An Bình" in exc.value.message
    assert task.assignments.count() == 2


def test_only_the_plans_owner_corrects_a_task(commune_officer, tasks):
    task = tasks["a_leads"]  # commune A leads it but the province owns the plan
    with pytest.raises(DomainError):
        task_update(actor=commune_officer, task=task, data=task_edit_of(task, content="Sửa trộm"))


# --- tasks: deletion -----------------------------------------------------------------------------


def test_a_task_without_reports_is_deleted_with_its_full_snapshot(officer, tree, tasks):
    task = tasks["both"]
    notification_create(user=officer, key="thu", message="Nhắc", task=task)
    pk = task.pk
    task_delete(actor=officer, task=task)
    assert not Task.objects.filter(pk=pk).exists()
    assert not TaskAssignment.objects.filter(task_id=pk).exists()
    assert not Notification.objects.filter(target_type="plans.task", target_id=pk).exists()
    entry = AuditEntry.objects.get(action="plans.task_deleted", object_id=str(pk))
    assert entry.before["content"] == "Xây dựng mô hình chi bộ bốn tốt"
    assert entry.before["deadline_text"] == "Quý III/2022" and entry.before["due_on"] == "2022-09-30"
    assert entry.before["implementing_orgs"] == [tree["commune_a"].pk, tree["commune_b"].pk]


def test_a_task_with_a_progress_report_is_not_deleted(officer, commune_officer, tree, tasks):
    task = tasks["both"]
    progress_report_submit(
        actor=commune_officer,
        task=task,
        org_id=tree["commune_a"].pk,
        status="done",
        percent=100,
        reported_on=date(2022, 9, 1),
    )
    before = audit_count()
    with pytest.raises(DomainError) as exc:
        task_delete(actor=officer, task=task)
    assert exc.value.message == "Không xóa được nhiệm vụ a) vì đã có 1 báo cáo tiến độ."
    assert Task.objects.filter(pk=task.pk).exists() and audit_count() == before


def test_a_task_with_a_subtask_is_not_deleted(officer, commune_officer, tree, tasks):
    task_split(
        actor=commune_officer,
        parent=tasks["both"],
        data=TaskInput(content="Chi bộ thôn 1 xây dựng mô hình", implementing_org_ids=[tree["cell_a1"].pk]),
    )
    with pytest.raises(DomainError) as exc:
        task_delete(actor=officer, task=tasks["both"])
    assert "1 nhiệm vụ con" in exc.value.message


def test_a_commune_cannot_delete_the_provinces_task(commune_officer, tasks):
    with pytest.raises(DomainError):
        task_delete(actor=commune_officer, task=tasks["a_leads"])
    assert Task.objects.filter(pk=tasks["a_leads"].pk).exists()
