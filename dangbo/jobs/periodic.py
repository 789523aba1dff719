"""The periodic jobs, as django.tasks tasks (the scheduler enqueues them, the worker runs them):

- `plans_remind`: reminders for plan tasks due or late (`dangbo plans-remind`, idempotent per day);
- `members_overdue_notify`: overdue recognitions (R-022) and transfers (R-033) notified to the
  member's organization (read by its officers), once per case;
- `notifications_deliver`: the deliveries of notifications whose retry time has come, or whose
  task was lost, are queued again (notifications.delivery.deliveries_due);
- `dues_facts`: stores the dues facts when there are none and extends them each new year
  (dues.facts.ensure_current);
- `study_remind`: reminds the members who have not studied yet of a resolution-study campaign's
  deadline, once per campaign (notifications.notices.study_reminders_send);
- `planning_close`: closes, with the reason "title abolished", the planning entries whose title
  has ended (cadres.services.planning_close_abolished; e.g. the district titles after 30/06/2025);
- `planning_sweep`: removes automatically (R-093) the open planning entries an event made invalid
  (discipline from a reprimand up, a political-standard conclusion "not met", over age), each
  dated on its event (cadres.planning_rules.planning_sweep);
- `tasks_prune`: deletes the queue's finished task results older than 30 days (django-tasks-db);
- `audit_checkpoint`: anchors the head of the audit hash chain outside the table
  (`dangbo.audit.services.checkpoint_write()`), so `dangbo audit verify` detects truncation,
  deletion of the last entries and a rewritten chain.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from django.core.management import call_command
from django.tasks import task, task_backends
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from dangbo.access import policy
from dangbo.audit import services as audit_services
from dangbo.cadres import planning_rules
from dangbo.cadres.services import planning_close_abolished
from dangbo.dues.facts import ensure_current as dues_facts_current
from dangbo.exports.tasks import export_files_prune
from dangbo.members.models import Member
from dangbo.members.selectors import member_last_org_id, overdue_issues
from dangbo.notifications.delivery import deliveries_due
from dangbo.notifications.notices import study_reminders_send
from dangbo.notifications.services import notify
from dangbo.plans import services as plan_services

log = logging.getLogger(__name__)


@task
def plans_remind() -> int:
    return plan_services.plans_remind()


@task
def members_overdue_notify(today: str = "") -> int:
    """Notify each overdue case once to the member's organization; `today` (ISO date) for tests."""
    created = 0
    for issue in overdue_issues(today=date.fromisoformat(today) if today else timezone.localdate()):
        org_id = member_last_org_id(Member.objects.get(pk=issue.member_id))
        if org_id is None:
            continue
        digest = hashlib.sha256(issue.message.encode()).hexdigest()[:16]  # one per case (its dates)
        note = notify(
            kind=f"members.{issue.kind}",
            key=f"members.{issue.kind}:{issue.member_id}:{digest}",
            org_id=org_id,
            message=f"{issue.member_name}: {issue.kind_label}. {issue.message}"[:500],
        )
        created += note is not None
    return created


@task
def audit_checkpoint() -> int:
    """Write one signed checkpoint of the audit chain's head; returns the last entry id it covers."""
    return audit_services.checkpoint_write()["last_id"]


@task
def audit_drain_reads() -> int:
    """Move the sensitive reads waiting outside the chain into it (audit.services.drain_reads)."""
    return audit_services.drain_reads()


@task
def notifications_deliver() -> int:
    """Queue the notification deliveries that are due (retries, lost tasks); returns how many."""
    return deliveries_due()


@task
def tasks_prune() -> str:
    """Delete finished task results older than 30 days, when the queue is the database backend."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return "not-a-database-queue"
    call_command("prune_db_task_results", "--min-age-days", "30", "--queue-name", "*", verbosity=0)
    return "pruned"


@task
def exports_prune() -> int:
    """Delete the export files past their retention (DANGBO_EXPORT_TTL hours); returns how many."""
    return export_files_prune()


@task
def dues_facts() -> int:
    """Store or extend the dues facts when they do not reach December of next year; rows written
    (0 when they were current)."""
    return dues_facts_current() or 0


@task
def study_remind(today: str = "") -> int:
    """Remind of a study campaign's deadline the members who have not studied yet, once each;
    returns how many were reminded. `today` (ISO date) for tests."""
    return study_reminders_send(today=date.fromisoformat(today) if today else None)


@task
def planning_sweep(today: str = "") -> int:
    """Remove automatically (R-093) the open planning entries that an event on or before today made
    invalid, each dated on its event and audited as the system; returns how many. Idempotent: a
    removed entry is not open any more. `today` (ISO date) for tests."""
    on = date.fromisoformat(today) if today else timezone.localdate()
    return len(planning_rules.planning_sweep(actor=policy.SYSTEM, on=on))


@task
def planning_close(today: str = "") -> int:
    """Close the open planning entries of titles abolished before today (reason "title
    abolished", removed the day after the title's last day, audited as the system); returns how
    many. Idempotent: a closed entry is not open any more. `today` (ISO date) for tests."""
    return planning_close_abolished(
        actor=policy.SYSTEM, on=date.fromisoformat(today) if today else timezone.localdate()
    )
