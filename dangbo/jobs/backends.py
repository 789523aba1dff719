"""django.tasks keeps its configured backends like the cache handler keeps caches, but Django 6.1
does not rebuild them when the TASKS setting changes (override_settings, pytest-django's
`settings`): this receiver does, so a test can switch between the immediate and the database backend."""

from __future__ import annotations

from asgiref.local import Local
from django.tasks import task_backends


def reset_task_backends(*, setting: str, **kwargs) -> None:
    if setting != "TASKS":
        return
    task_backends._settings = task_backends.settings = task_backends.configure_settings(None)
    task_backends._connections = Local(task_backends.thread_critical)
