"""Writes of the plans app: one function per operation, atomic, audited (audit_record in the same
transaction); notifications' e-mails go out on_commit. Bad input raises DomainError with a
Vietnamese message naming the field, and nothing is written.

One module per concept: `documents`, `tasks`, `edits` (corrections and deletions), `progress`
(progress reports, targets, reminders)."""

from .documents import DocumentInput, document_register, task_link_relative
from .edits import (
    DOC_LABELS,
    TASK_LABELS,
    DocumentEdit,
    TaskEdit,
    document_delete,
    document_update,
    task_delete,
    task_update,
)
from .progress import (
    notification_create,
    plans_remind,
    progress_report_submit,
    reminder_rules,
    target_create,
    target_report,
)
from .tasks import TaskInput, task_create, task_split

__all__ = [
    "DOC_LABELS",
    "TASK_LABELS",
    "DocumentEdit",
    "DocumentInput",
    "TaskEdit",
    "TaskInput",
    "document_delete",
    "document_register",
    "document_update",
    "notification_create",
    "plans_remind",
    "progress_report_submit",
    "reminder_rules",
    "target_create",
    "target_report",
    "task_create",
    "task_delete",
    "task_link_relative",
    "task_split",
    "task_update",
]
