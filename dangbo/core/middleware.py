"""Per-request plumbing shared by every page."""

from __future__ import annotations

from dangbo.core import stamps


class StampSnapshotMiddleware:
    """Every data stamp a request asks for is read once, in one query (core.stamps.request_snapshot),
    until the request writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with stamps.request_snapshot():
            return self.get_response(request)
