"""What the navigation may offer the signed-in user (asked of the scope function)."""

from __future__ import annotations

from dangbo.access.policy import can, own_member_ids


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"nav": {}}
    return {
        "nav": {
            "view": can(user, "view"),
            "record": can(user, "record"),
            "admin": can(user, "manage_users"),
            "member": bool(own_member_ids(user)),
        }
    }
