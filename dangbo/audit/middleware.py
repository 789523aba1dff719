from __future__ import annotations

from dangbo.audit.context import RequestContext, current
from dangbo.core.http import client_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current.set(RequestContext(ip=client_ip(request), user=getattr(request, "user", None)))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)
