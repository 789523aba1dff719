from __future__ import annotations

from dangbo.audit.context import RequestContext, current


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current.set(RequestContext(ip=request.META.get("REMOTE_ADDR"), user=getattr(request, "user", None)))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)
