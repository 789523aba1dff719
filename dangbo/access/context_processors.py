"""What the navigation may offer the signed-in user (asked of the scope function)."""

from __future__ import annotations

from dangbo.access.scope import can, user_scope


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"nav": {}}
    scope = user_scope(user)
    return {
        "nav": {
            "view": can(user, "view"),
            "record": can(user, "record"),
            "admin": can(user, "manage_users"),
            "member": bool(scope.member_ids),
        }
    }
