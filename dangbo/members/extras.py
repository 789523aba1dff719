"""Writers of member records kept by the feature apps, for the other feature apps: the apps of one
layer do not import each other, so an app that owns a record registers its service here (from its
AppConfig.ready) and another app calls it by name. Today: the e-handbook account (reports, R-043)
opened by the member import (imports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_WRITERS: dict[str, Callable[..., Any]] = {}

HANDBOOK_OPEN = "handbook_open"  # fn(*, actor, member, on) -> the account (reports.services)
HANDBOOK_CLOSE = "handbook_close"  # fn(*, actor, member, on) -> the account (reports.services)


def register_writer(name: str, fn: Callable[..., Any]) -> None:
    _WRITERS[name] = fn


def writer(name: str) -> Callable[..., Any] | None:
    return _WRITERS.get(name)
