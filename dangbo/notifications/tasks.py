"""E-mail of a notification, sent by the task worker (django.tasks) rather than in the request
that created the notification; best effort: the in-app notification stays if sending fails.

New notifications go through the delivery log instead (`delivery_run`, notifications.delivery:
every channel, retries); `notification_email_send` stays for the tasks queued before it."""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task

from dangbo.notifications.delivery import delivery_run  # noqa: F401 - the delivery task, defined with its sender
from dangbo.notifications.models import Notification


@task
def notification_email_send(note_id: int, subject: str) -> bool:
    """Send notification `note_id` to its addressee's e-mail once; True when it was sent now."""
    note = Notification.objects.select_related("user").filter(pk=note_id, emailed=False).first()
    if note is None or note.user is None or not note.user.email:
        return False
    try:
        send_mail(subject, note.message, None, [note.user.email])
    except OSError:
        return False
    return bool(Notification.objects.filter(pk=note_id, emailed=False).update(emailed=True))
