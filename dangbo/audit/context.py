"""The request context (user, address) that services stamp on audit entries."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user: Any = None  # the signed-in user of the request (for writes made outside a service, e.g. the admin site)


current: ContextVar[RequestContext] = ContextVar("audit_request", default=RequestContext())  # noqa: B039 (frozen)
