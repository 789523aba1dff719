"""The members of an organization, as the orgs app sees them without importing the members app.

The members app sits above orgs (core ← audit ← orgs ← access ← members): it registers these
functions in its `AppConfig.ready` (`register(...)`). Restructurings call them: a merge moves the
members of each source to the target, a split moves each member to the part the user chose, a
dissolution is refused while members remain; the structure checks count members per organization.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_HOOKS: dict[str, Callable[..., Any]] = {}
NAMES = ("member_ids_on", "names", "choices", "reassign", "counts_on")


def register(**hooks: Callable[..., Any]) -> None:
    """Register the members app's implementation of the hooks in `NAMES`."""
    unknown = set(hooks) - set(NAMES)
    if unknown:
        raise ImproperlyConfigured(f"Unknown membership hooks: {sorted(unknown)}")
    _HOOKS.update(hooks)


def _hook(name: str) -> Callable[..., Any]:
    try:
        return _HOOKS[name]
    except KeyError:
        raise ImproperlyConfigured(f"No membership hook {name!r}: is dangbo.members installed?") from None


def member_ids_on(*, org_id: int, at: date) -> list[int]:
    """Members whose home organization is exactly `org_id` on `at` (active or pending)."""
    return _hook("member_ids_on")(org_id=org_id, at=at)


def names(member_ids: Iterable[int]) -> list[str]:
    """The full names of these members, by id."""
    return _hook("names")(list(member_ids))


def choices(member_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(id, "name (birth year)") of these members, in name order: the split form's checkboxes."""
    return _hook("choices")(list(member_ids))


def reassign(*, actor, member_id: int, to_org, on: date, reason) -> Any:
    """Move a member to `to_org` on `on` because of the restructuring event `reason`."""
    return _hook("reassign")(actor=actor, member_id=member_id, to_org=to_org, on=on, reason=reason)


def counts_on(*, at: date, org_ids=None) -> dict[int, tuple[int, int]]:
    """(active, full) members per home organization on `at`."""
    return _hook("counts_on")(at=at, org_ids=org_ids)
