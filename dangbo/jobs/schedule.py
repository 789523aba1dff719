"""Periodic jobs without cron: `dangbo scheduler` calls `tick()` every few seconds; each job whose
`PeriodicRun.next_run_at` has passed is claimed by one conditional UPDATE (one winner across
processes and machines) and its task is enqueued in the same transaction, so a claimed run is
never lost and never enqueued twice. Intervals: setting DANGBO_PERIODIC (name -> seconds)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from dangbo.jobs import periodic
from dangbo.jobs.models import PeriodicRun

log = logging.getLogger(__name__)

JOBS = {
    "plans.remind": periodic.plans_remind,
    "members.overdue": periodic.members_overdue_notify,
    "audit.checkpoint": periodic.audit_checkpoint,
    "audit.drain_reads": periodic.audit_drain_reads,
    "tasks.prune": periodic.tasks_prune,
    "notifications.deliver": periodic.notifications_deliver,
    "exports.prune": periodic.exports_prune,
    "dues.facts": periodic.dues_facts,
    "notifications.study_remind": periodic.study_remind,
    "cadres.planning_close": periodic.planning_close,
    "cadres.planning_sweep": periodic.planning_sweep,
}


def intervals() -> dict[str, timedelta]:
    configured = getattr(settings, "DANGBO_PERIODIC", {})
    return {name: timedelta(seconds=int(configured[name])) for name in JOBS if int(configured.get(name, 0)) > 0}


def claim(name: str, *, every: timedelta, now: datetime) -> bool:
    """True for the one caller that moves the job's next run from due (<= now) to now + every."""
    try:
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=name, defaults={"next_run_at": now})
    except IntegrityError:  # another scheduler created the row at the same moment
        pass
    won = PeriodicRun.objects.filter(name=name, next_run_at__lte=now).update(
        next_run_at=now + every, last_run_at=now, runs=F("runs") + 1
    )
    return won == 1


def tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every due job once; returns the names enqueued by this caller."""
    now = now or timezone.now()
    enqueued = []
    for name, every in intervals().items():
        with transaction.atomic():
            if not claim(name, every=every, now=now):
                continue
            result = JOBS[name].enqueue()
            PeriodicRun.objects.filter(name=name).update(last_task_id=str(result.id)[:64])
        enqueued.append(name)
        log.info("periodic job %s enqueued (task %s)", name, result.id)
    return enqueued


def run_forever(*, poll: float = 15.0, stop=lambda: False) -> None:
    while not stop():
        close_old_connections()
        try:
            tick()
        except Exception:  # a failing tick (database restarting...) must not stop the scheduler
            log.exception("scheduler tick failed")
        close_old_connections()
        slept = 0.0
        while slept < poll and not stop():
            time.sleep(0.5)
            slept += 0.5
