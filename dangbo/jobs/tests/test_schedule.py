"""The scheduler: each periodic job is enqueued once per interval, never twice across schedulers,
and a restart does not run a job again before its interval has passed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangbo.jobs import schedule
from dangbo.jobs.models import PeriodicRun

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EVERY = {"plans.remind": 3600, "members.overdue": 86400, "audit.checkpoint": 3600}


@pytest.fixture
def db_queue(settings):
    settings.TASKS = DB_TASKS
    settings.DANGBO_PERIODIC = EVERY


def queued() -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in DBTaskResult.objects.values_list("task_path", flat=True):
        counts[path] = counts.get(path, 0) + 1
    return counts


@pytest.mark.django_db
def test_it_enqueues_each_job_once_per_interval(db_queue):
    now = timezone.now()
    assert sorted(schedule.tick(now=now)) == sorted(EVERY)
    assert schedule.tick(now=now + timedelta(minutes=59)) == []
    assert schedule.tick(now=now + timedelta(hours=1)) == ["plans.remind", "audit.checkpoint"]
    assert queued() == {
        "dangbo.jobs.periodic.plans_remind": 2,
        "dangbo.jobs.periodic.audit_checkpoint": 2,
        "dangbo.jobs.periodic.members_overdue_notify": 1,
    }
    run = PeriodicRun.objects.get(name="plans.remind")
    assert run.runs == 2 and run.next_run_at == now + timedelta(hours=2)
    assert DBTaskResult.objects.filter(id=run.last_task_id).exists()


@pytest.mark.django_db
def test_a_restarted_scheduler_does_not_run_a_job_again_before_its_interval(db_queue):
    now = timezone.now()
    schedule.tick(now=now)
    # a new process: nothing in memory, only the rows of PeriodicRun
    assert schedule.tick(now=now + timedelta(seconds=5)) == []
    assert DBTaskResult.objects.count() == 3


@pytest.mark.django_db
def test_a_job_with_a_zero_interval_is_not_scheduled(db_queue, settings):
    settings.DANGBO_PERIODIC = {**EVERY, "members.overdue": 0}
    assert "members.overdue" not in schedule.tick()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_each_run_once(db_queue):
    now = timezone.now()
    barrier = threading.Barrier(2)
    won: list[list[str]] = []
    errors: list[BaseException] = []

    def scheduler_process():
        try:
            barrier.wait(timeout=10)
            won.append(schedule.tick(now=now))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(name for names in won for name in names) == sorted(EVERY)
    assert sum(queued().values()) == 3
    assert set(PeriodicRun.objects.values_list("runs", flat=True)) == {1}


def test_scheduler_command_once_prints_what_it_enqueued(db_queue, db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "Đã đưa vào hàng đợi: plans.remind, members.overdue, audit.checkpoint." in out.getvalue()
    call_command("scheduler", "--once", stdout=out)
    assert "Đã đưa vào hàng đợi: không có." in out.getvalue()
