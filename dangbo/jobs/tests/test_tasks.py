"""Background work on the persistent queue: the database backend of django-tasks-db stores the
task with the change that asked for it, and its worker (`db_worker`, run here in-process in batch
mode) runs it: imports, notification e-mails and the periodic jobs."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dangbo.imports.models import ImportJob
from dangbo.imports.tasks import job_enqueue
from dangbo.imports.tests.files import members, write_xlsx
from dangbo.jobs import periodic
from dangbo.members.models import EventType as E
from dangbo.members.models import Member
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event
from dangbo.notifications.models import Notification
from dangbo.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # the worker closes "old" connections between tasks; inside the test's transaction it must not
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def test_an_import_waits_in_the_queue_until_the_worker_runs_it(db_queue, commune_officer, tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", members(2, code="T01-X01-C02"))
    job = ImportJob.objects.create(file_path=str(path), original_name=path.name, uploaded_by=commune_officer)
    job_enqueue(job, apply=False)
    job.refresh_from_db()
    assert job.status == ImportJob.State.CHECK_QUEUED
    task = DBTaskResult.objects.get()
    assert task.task_path == "dangbo.imports.tasks.import_job_run" and task.args_kwargs["args"] == [job.pk]

    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.State.CHECKED and job.created_count == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Member.objects.count() == 0

    job_enqueue(job, apply=True)
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE and Member.objects.count() == 2


def test_a_job_run_twice_by_the_queue_is_applied_once(db_queue, commune_officer, tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", members(1, code="T01-X01-C02"))
    job = ImportJob.objects.create(file_path=str(path), original_name=path.name, uploaded_by=commune_officer)
    job_enqueue(job, apply=False)
    from dangbo.imports.tasks import import_job_run

    import_job_run.enqueue(job.pk)  # a duplicate task for the same job
    run_worker()
    assert sorted(t.return_value for t in DBTaskResult.objects.all()) == ["checked", "not-queued"]


def test_the_notification_email_is_sent_by_the_worker_after_commit(
    db_queue, commune_officer, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SEND_EMAIL = True
    commune_officer.email = "xa.anbinh@example.invalid"
    commune_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(
            kind="plans.due",
            key="k1",
            message="Nhắc việc: báo cáo quý III.",
            user=commune_officer,
            email_subject="[Đảng bộ số] Nhắc việc",
        )
    assert mail.outbox == [] and DBTaskResult.objects.count() == 1  # queued, not sent in the request
    run_worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].body == "Nhắc việc: báo cáo quý III."
    note.refresh_from_db()
    assert note.emailed
    from dangbo.notifications.tasks import notification_email_send

    assert notification_email_send.call(note.pk, "x") is False  # sent once only


def test_the_periodic_reminder_task_runs_plans_remind(monkeypatch):
    calls = []
    monkeypatch.setattr("dangbo.plans.services.plans_remind", lambda **kw: calls.append(kw) or 3)
    assert periodic.plans_remind.enqueue().return_value == 3 and calls == [{}]


def test_overdue_transfers_and_recognitions_are_notified_to_the_organization_once(tree, system_user):
    moving = member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Ngô Thị Sạch", birth_year=1980, sex="F"),
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )
    member_record_event(actor=system_user, member=moving, data=EventInput(type=E.FULL_RECOGNITION, on=date(2021, 2, 1)))
    member_record_event(
        actor=system_user,
        member=moving,
        data=EventInput(
            type=E.OFFICIAL_TRANSFER_OUT, on=date(2026, 9, 1), org=tree["cell_a1"], counterpart_org=tree["cell_b1"]
        ),
    )
    late = member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Đinh Văn Chậm", birth_year=1981, sex="M"),
        cell=tree["cell_a2"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )

    assert periodic.members_overdue_notify.enqueue("2026-11-20").return_value == 2
    notes = {n.kind: n for n in Notification.objects.filter(kind__startswith="members.")}
    assert notes["members.transfer_overdue"].org_id == tree["cell_a1"].pk
    assert notes["members.transfer_overdue"].message.startswith("Ngô Thị Sạch: Chuyển sinh hoạt quá hạn")
    assert notes["members.probation_overdue"].org_id == tree["cell_a2"].pk
    assert "Đinh Văn Chậm" in notes["members.probation_overdue"].message and late.pk
    assert periodic.members_overdue_notify.enqueue("2026-11-21").return_value == 0  # same cases: once


def test_the_audit_checkpoint_task_anchors_the_head_of_the_chain(db):
    from dangbo.audit.models import AuditEntry
    from dangbo.audit.services import audit_record, checkpoints_read

    audit_record(actor=None, action="test.checkpoint", object_type="test", object_id="1")
    head = AuditEntry.objects.order_by("-id").first()
    assert periodic.audit_checkpoint.enqueue().return_value == head.id
    assert checkpoints_read()[-1].record["last_id"] == head.id


def test_the_prune_job_deletes_old_finished_task_results_only(db_queue):
    from datetime import timedelta

    from django.utils import timezone

    old, recent = periodic.plans_remind.enqueue(), periodic.plans_remind.enqueue()
    waiting = periodic.plans_remind.enqueue()
    DBTaskResult.objects.filter(id__in=[old.id, recent.id]).update(status="SUCCESSFUL")
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=31))
    DBTaskResult.objects.filter(id=recent.id).update(finished_at=timezone.now() - timedelta(days=2))
    assert periodic.tasks_prune.call() == "pruned"
    assert {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)} == {recent.id, waiting.id}


def test_the_prune_job_does_nothing_without_a_database_queue():
    assert periodic.tasks_prune.call() == "not-a-database-queue"


def test_the_study_reminder_is_a_daily_periodic_job(settings, tree, commune_officer, system_user, django_user_model):
    from datetime import timedelta

    from dangbo.access import policy
    from dangbo.access.models import Role, RoleAssignment
    from dangbo.jobs import schedule
    from dangbo.notifications.models import NoticeKind
    from dangbo.notifications.notices import REMIND_KIND, NoticeInput, notice_send

    assert schedule.JOBS["notifications.study_remind"] is periodic.study_remind
    assert settings.DANGBO_PERIODIC["notifications.study_remind"] == 86400  # DANGBO_STUDY_REMIND_EVERY
    member = member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Phan Thị Học", birth_year=1990, sex="F"),
        cell=tree["cell_a1"],
        decided_on=date(2020, 3, 2),
        ceremony_on=date(2020, 3, 2),
    )
    user = django_user_model.objects.create_user("dangvien_hoc", email="hoc@example.vn")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=member, valid_from=date(2020, 1, 1))
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(
            org_id=tree["commune_a"].pk,
            audience_org_id=tree["commune_a"].pk,
            kind=NoticeKind.STUDY,
            title="Quán triệt Nghị quyết",
            study_due=policy.today() + timedelta(days=5),
        ),
    )
    settings.DANGBO_PERIODIC = {"notifications.study_remind": 86400}
    assert schedule.tick() == ["notifications.study_remind"]  # today is before the window: nothing sent
    assert not Notification.objects.filter(kind=REMIND_KIND).exists()
    day = (notice.study_due - timedelta(days=2)).isoformat()
    assert periodic.study_remind.enqueue(day).return_value == 1
    assert periodic.study_remind.enqueue(day).return_value == 0  # once
    assert Notification.objects.get(kind=REMIND_KIND).user == user


def test_rule_r093_r001_the_daily_jobs_close_a_planning_entry_whose_title_was_abolished(settings, tree, system_user):
    """The 2025 restructuring case (issue 18, MODULES §1.6): a planning entry for a district title
    abolished after 30/06/2025 is closed with the reason "title abolished" by the daily job, with
    nobody running anything by hand; it still shows as of 30/06/2025."""
    from dangbo.audit.models import AuditEntry
    from dangbo.cadres.models import PlanningEntry, PlanningTerm, RemovalReason, Title
    from dangbo.cadres.selectors import planning_on
    from dangbo.cadres.services import planning_add
    from dangbo.jobs import schedule
    from tests.factories import CadreFactory

    assert schedule.JOBS["cadres.planning_close"] is periodic.planning_close
    assert settings.DANGBO_PERIODIC["cadres.planning_close"] == 86400  # DANGBO_PLANNING_CLOSE_EVERY: daily
    title = Title.objects.create(
        province=tree["province"],
        code="BT-HUYEN",
        name="Bí thư Huyện ủy",
        is_head=True,
        group="Cấp huyện",
        filled_by="elected",
        term_calendar="party",
        valid_from=date(2015, 1, 1),
        valid_to=date(2025, 6, 30),
    )
    term = PlanningTerm.objects.create(org=tree["province"], name="2025–2030", start_year=2025, end_year=2030)
    cadre = CadreFactory(
        actor=system_user, managing_org=tree["district"], full_name="Lê Văn Huyện", birth_date=date(1976, 4, 1)
    )
    entry = planning_add(actor=system_user, term=term, cadre=cadre, title=title, on=date(2024, 9, 1))
    settings.DANGBO_PERIODIC = {"cadres.planning_close": 86400}

    assert schedule.tick() == ["cadres.planning_close"]  # the tests run tasks inside their caller
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (date(2025, 7, 1), RemovalReason.TITLE_ABOLISHED)
    assert list(planning_on(actor=system_user, term_id=term.pk, at=date(2025, 6, 30))) == [entry]
    assert AuditEntry.objects.filter(action="planning.remove", object_id=str(entry.pk)).count() == 1
    assert schedule.tick() == []  # not due again before tomorrow
    assert periodic.planning_close.enqueue("2025-08-01").return_value == 0  # nothing more to close
    assert PlanningEntry.objects.filter(removed_on__isnull=True).count() == 0
