"""The request context (user, address) that services stamp on audit entries."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None


current: ContextVar[RequestContext] = ContextVar("audit_request", default=RequestContext())  # noqa: B039 (frozen)
