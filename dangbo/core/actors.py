"""Who acts: a signed-in user, or the system itself, named explicitly.

Management commands, the demo and synthetic-data builders and background tasks act as
`SYSTEM` (or a labelled copy, `SYSTEM.named("demo")`): an object a service recognises, never a
missing argument. `None`, a string or any other object where an actor is required is a
programming error (`ActorError`), so a caller that forgets the actor cannot act as a
superuser. The rights of the system actor are decided in access/scope.py (everything); this
module sits in core so every layer (orgs, audit, members…) can recognise it.
"""

from __future__ import annotations

from typing import Any


class ActorError(TypeError):
    """A service was called without a valid actor (None, a string, some other object)."""


class SystemActor:
    """The system itself. Not a user: no row, `is_authenticated` is False (nothing stores it in a
    user column); its label goes to the audit log."""

    is_authenticated = False
    is_anonymous = False
    is_superuser = False
    pk = None
    id = None

    __slots__ = ("label",)

    def __init__(self, label: str = "hệ thống"):
        object.__setattr__(self, "label", label)

    def __setattr__(self, name: str, value: Any) -> None:  # immutable: shared by every caller
        raise AttributeError("SystemActor is immutable")

    def named(self, label: str) -> SystemActor:
        """The system acting under another label in the audit log ("demo", "dòng lệnh")."""
        return SystemActor(label)

    def get_username(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"SystemActor({self.label!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SystemActor) and other.label == self.label

    def __hash__(self) -> int:
        return hash(("SystemActor", self.label))


SYSTEM = SystemActor()


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def require_actor(actor: object) -> None:
    """Refuse a missing or malformed actor: services must be told who acts (a user, anonymous
    included, whose rights are then checked; or SYSTEM)."""
    if isinstance(actor, SystemActor):
        return
    if actor is None or isinstance(actor, str) or not hasattr(actor, "is_authenticated"):
        raise ActorError(
            f"Thiếu người thực hiện hợp lệ (nhận được {actor!r}): truyền người dùng, hoặc "
            "dangbo.access.policy.SYSTEM cho lệnh quản trị, dữ liệu mẫu và tác vụ nền."
        )
