"""Writing notifications: one function for every module. Idempotent on (addressee, key). Each new
notification is also delivered on its addressee's channels (notifications.delivery: the user's
e-mail, the organization's e-mail and chat webhooks) by the task worker, enqueued on commit, with
retries and a delivery log (best effort: the in-app notification stays if sending fails)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangbo.access.policy import SYSTEM, not_found, require_actor
from dangbo.core.errors import DomainError
from dangbo.notifications.delivery import deliveries_plan, email_enabled
from dangbo.notifications.models import Notification, NotificationRead
from dangbo.notifications.selectors import notification_list, unread

__all__ = ["email_enabled", "forget", "mark_all_read", "mark_read", "notify"]


def _target(target) -> tuple[str, int | None]:
    if target is None:
        return "", None
    return target._meta.label_lower, target.pk


@transaction.atomic
def notify(
    *,
    kind: str,
    key: str,
    message: str,
    user=None,
    org_id: int | None = None,
    target=None,
    actor=SYSTEM,
    email_subject: str = "",
) -> Notification | None:
    """Create one notification for `user` (or, without a user, for the organization `org_id`)
    unless one with the same key exists for that addressee; returns it, or None when it existed.
    `actor`: who caused it (a user, or SYSTEM for reminders and tasks; never None)."""
    require_actor(actor)
    if user is None and org_id is None:
        raise DomainError("Thông báo phải có người nhận hoặc tổ chức nhận.", field="user")
    target_type, target_id = _target(target)
    addressee = {"user": user} if user is not None else {"user__isnull": True, "org_id": org_id}
    if Notification.objects.filter(key=key[:160], **addressee).exists():
        return None
    try:
        with transaction.atomic():  # a concurrent twin hits the unique constraint: keep the first
            note = Notification.objects.create(
                user=user,
                org_id=org_id,
                kind=kind,
                key=key[:160],
                message=message,
                target_type=target_type,
                target_id=target_id,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return None
    # its deliveries (e-mail, the organization's chat webhooks): the task worker sends them once committed
    deliveries_plan([note], subject=email_subject)
    return note


def forget(*, target) -> int:
    """Remove the notifications about a record that is being deleted (their link would be dead)."""
    target_type, target_id = _target(target)
    count, _ = Notification.objects.filter(target_type=target_type, target_id=target_id).delete()
    return count


@transaction.atomic
def mark_read(*, actor, note: Notification) -> None:
    """Mark one notification the actor can see as read by the actor (404-like error otherwise)."""
    if not notification_list(actor=actor).filter(pk=note.pk).exists():
        raise DomainError(not_found("thông báo."), field="notification")
    NotificationRead.objects.get_or_create(notification=note, user=actor, defaults={"read_at": timezone.now()})


@transaction.atomic
def mark_all_read(*, actor) -> int:
    now = timezone.now()
    rows = [
        NotificationRead(notification_id=pk, user=actor, read_at=now)
        for pk in unread(actor=actor).values_list("pk", flat=True)
    ]
    NotificationRead.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
