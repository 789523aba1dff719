"""The worklist («Việc cần làm») of the home page: what needs doing in the user's scope.

The apps above this one register their items (`register(provider)` from their AppConfig.ready):
a provider is `provider(user, today) -> list[WorkItem]`, each item a count and a link to the
filtered list of the members or records behind it. Providers run set-based queries bounded by
the user's scope (a count per item, no per-member Python): the home page of a province officer
stays fast (bench/worklist.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class WorkItem:
    key: str  # stable code (tests, anchors)
    label: str  # Vietnamese, what needs doing
    count: int
    url: str  # the filtered list behind the count
    level: str = "info"  # "info" | "warning" (due) | "danger" (overdue)
    help: str = ""  # the rule behind it, shown as a tooltip
    group: str = ""  # Vietnamese heading


Provider = Callable[[object, date], list[WorkItem]]
_PROVIDERS: list[tuple[int, Provider]] = []


def register(provider: Provider, *, order: int = 100) -> Provider:
    if all(p is not provider for _, p in _PROVIDERS):
        _PROVIDERS.append((order, provider))
        _PROVIDERS.sort(key=lambda x: x[0])
    return provider


def worklist(user, today: date) -> list[WorkItem]:
    """Every registered item for `user` on `today`, in registration order (counts of 0 included:
    the page says "nothing to do" for them)."""
    items: list[WorkItem] = []
    for _, provider in _PROVIDERS:
        items.extend(provider(user, today))
    return items
