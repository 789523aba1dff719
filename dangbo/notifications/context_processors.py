"""The navbar's unread count, computed only when a template shows it (cached under data stamps)."""

from __future__ import annotations

from dangbo.notifications.selectors import navbar_unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = navbar_unread_count(actor=user)
        return request._unread_notifications

    return {"notifications_unread": count}
