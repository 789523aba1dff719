"""Every answer under /api/ is JSON in the one error shape of dangbo.core.api (`ErrorOut`:
`{"detail": "<Vietnamese message>", "field": ..., "rule": ...}`), whatever produced it.

ninja's own handlers (dangbo.core.api.register_error_handlers) cover what happens inside an API
operation. This middleware covers the rest:
- answers made outside ninja: a path that no route matches (a non-integer id such as
  /api/v1/members/abc is such a path) → JSON 404; a method a route does not have → JSON 405
  (with its `Allow` header); any other non-JSON error answer → JSON with the same status;
- an exception no handler took → JSON 500 "Lỗi máy chủ", logged with its traceback on the
  server (`django.request`), never sent to the client;
- input with a NUL character (U+0000) in a query parameter or in a JSON string → 422 before any
  handler sees it (PostgreSQL cannot store NUL in text, so it used to surface as a 500).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from dangbo.core.api import NOT_FOUND, NOT_SIGNED_IN, SERVER_ERROR

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
NUL_REFUSED = "Dữ liệu gửi lên không được chứa ký tự NUL (U+0000)."
MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: NOT_SIGNED_IN,
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: NOT_FOUND,
    405: "Phương thức HTTP này không được hỗ trợ ở địa chỉ này.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Quá nhiều yêu cầu; vui lòng thử lại sau.",
}


# Exceptions Django itself turns into a 4xx answer: not server errors.
CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


def api_error(status: int, detail: str, *, field: str | None = None, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, "field": field, "rule": None, **extra}, status=status)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _nul_field(request: HttpRequest) -> str | None:
    """The name of the first parameter or body field holding a NUL character, else None."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    if request.method in {"POST", "PUT", "PATCH", "DELETE"} and request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"null")
        except ValueError:  # not JSON at all: ninja answers 422 for it
            return None
        if isinstance(data, dict):
            for key, value in data.items():
                if _has_nul(key) or _has_nul(value):
                    return key.replace("\x00", "")
        elif _has_nul(data):
            return "body"
    return None


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiJsonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        field = _nul_field(request)
        if field is not None:
            return api_error(422, NUL_REFUSED, field=field)
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response) and not getattr(response, "streaming", False):
            status = response.status_code
            detail = SERVER_ERROR if status >= 500 else MESSAGES.get(status, MESSAGES[400])
            replaced = api_error(status, detail)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX) or isinstance(exception, CLIENT_ERRORS):
            return None  # Django answers these (404, 403, 400), and __call__ turns them into JSON
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return api_error(500, SERVER_ERROR)
