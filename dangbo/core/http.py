"""The client's address, read the one configured way (login lockout, audit entries, sessions).

By default the address is the TCP peer, `REMOTE_ADDR`, and nothing a client writes in a header is
believed: an `X-Forwarded-For` sent by the client itself would otherwise let anyone pick the
address a lockout counts against. Behind a reverse proxy, set `DANGBO_TRUSTED_PROXY_HEADER` to the
header that proxy sets (e.g. `X-Forwarded-For` or `X-Real-IP`) and, when several proxies append
to it, `DANGBO_TRUSTED_PROXY_COUNT` to their number: the address is then the entry that the
outermost trusted proxy appended (counted from the right, where proxies append), never one the
client supplied. A value that is not an IP address falls back to `REMOTE_ADDR`.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest


def _meta_key(header: str) -> str:
    """`X-Forwarded-For` → `HTTP_X_FORWARDED_FOR` (a META key is accepted as given)."""
    name = header.strip().upper().replace("-", "_")
    return name if name.startswith("HTTP_") or name == "REMOTE_ADDR" else f"HTTP_{name}"


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as configured (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR") or None
    header = getattr(settings, "DANGBO_TRUSTED_PROXY_HEADER", "")
    if not header:
        return remote
    entries = [e for e in request.META.get(_meta_key(header), "").split(",") if e.strip()]
    count = max(getattr(settings, "DANGBO_TRUSTED_PROXY_COUNT", 1), 1)
    if len(entries) < count:
        return remote
    return _valid_ip(entries[-count]) or remote
