"""The navbar's unread count, computed only when a template shows it."""

from __future__ import annotations

from dangbo.notifications.selectors import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = unread_count(actor=user)
        return request._unread_notifications

    return {"notifications_unread": count}
