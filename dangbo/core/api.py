"""What every API router shares: authentication, one error format, and small shared schemas.

Authentication: dangbo/api_urls.py tries the personal API token first (`access.api_auth.TokenAuth`,
`Authorization: Bearer dbs_...`, same scope as its owner; no CSRF check: a browser never sends that
header by itself), then the Django session cookie (`API_AUTH`: `CookieSessionAuth`, which checks
CSRF on unsafe methods, and only when a signed-in session cookie came with the request).

Errors, all as JSON `{"detail": "<Vietnamese message>", "field": ..., "rule": ...}` (`ErrorOut`);
every answer under /api/ has that shape, including those made outside ninja
(dangbo.core.api_middleware):
- 401 not signed in; 403 CSRF failure, or a record that is visible but read-only for the user;
- 404 "Không tìm thấy" for anything outside the user's scope (as for a record that does not exist),
  and for a path no route matches (a non-integer id);
- 405 a method the route does not have (with `Allow`);
- 422 a refused business rule (`RuleViolation`/`DomainError` from the services, nothing written) or
  input that does not parse or is out of range, NUL characters included (`errors` then lists
  pydantic's details);
- 500 "Lỗi máy chủ" for an unexpected error: logged on the server, no traceback in the answer.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from math import ceil
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth
from ninja.utils import check_csrf
from pydantic import BeforeValidator, Field

from dangbo.core.errors import NOT_FOUND, DomainError

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from ninja import NinjaAPI

NOT_SIGNED_IN = "Bạn chưa đăng nhập."
READ_ONLY = "Bạn chỉ có quyền xem, không có quyền ghi nhận cho tổ chức này."
CSRF_FAILED = "Phiên làm việc không hợp lệ (kiểm tra CSRF không thành công); hãy tải lại trang."
INVALID_INPUT = "Dữ liệu gửi lên không hợp lệ."
SERVER_ERROR = "Lỗi máy chủ; sự cố đã được ghi lại. Vui lòng thử lại sau."

logger = logging.getLogger("django.request")


class CookieSessionAuth(SessionAuth):
    """The browser's session cookie; CSRF is checked for cookie sessions only.

    ninja's `django_auth` checks CSRF before it even looks for the cookie, so on an unsafe method a
    request without a session (a token client whose token was tried first and failed, or nobody)
    got 403 "CSRF" instead of 401. Here: no signed-in session → None (the next method, else 401);
    a signed-in session → the CSRF check (403 on failure), then the user."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.COOKIES.get(self.param_name) or not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check Failed")
        return request.user


# Session authentication; api_urls.py tries the personal token before it.
API_AUTH: list[Any] = [CookieSessionAuth()]

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # far beyond any list; keeps the SQL OFFSET inside bigint

# Query parameters of every paged list: out of range is 422 (pydantic), never a 500.
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Số trang, từ 1.")]
PageSize = Annotated[
    int | None,
    Field(
        ge=1, description=f"Số dòng mỗi trang: mặc định {PAGE_SIZE}, lớn hơn {MAX_PAGE_SIZE} thì lấy {MAX_PAGE_SIZE}."
    ),
]


class ReadOnly(Exception):  # noqa: N818 - reads as the condition it signals
    """The user sees the record but may not write to it: 403 (see `members.api.require_record`)."""


# --- shared schemas ------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    field: str | None = None
    rule: str | None = None


class ValidationErrorOut(ErrorOut):
    errors: list[dict[str, Any]] = []


class OrgRef(Schema):
    id: int
    name: str


# Documented error responses, to add to each operation's `response=` dict.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


# --- helpers for the routers ---------------------------------------------------------------------


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_only(value):
    """Dates are yyyy-mm-dd only (pydantic would also take a number as a Unix timestamp)."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO.match(value)):
        return value
    raise ValueError("Ngày phải theo dạng yyyy-mm-dd")


# A date parameter or field of the API: yyyy-mm-dd and nothing else.
IsoDate = Annotated[date, BeforeValidator(_iso_only)]


def as_of(at: date | None) -> date:
    """The `at` query parameter, today (Asia/Ho_Chi_Minh) when absent."""
    return at or timezone.localdate()


def paginate(qs: QuerySet, *, page: int, page_size: int | None, count: int | None = None) -> dict[str, Any]:
    """One page of `qs` with its scoped count: {count, page, page_size, pages, items}. `count`: the
    caller's (cached) count of `qs`, else counted here."""
    size = max(min(page_size or PAGE_SIZE, MAX_PAGE_SIZE), 1)
    page = max(page, 1)
    count = qs.count() if count is None else count
    start = (page - 1) * size
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "pages": max(ceil(count / size), 1),
        "items": list(qs[start : start + size]),
    }


# --- error handlers ------------------------------------------------------------------------------


def _error(api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    body = {"detail": detail, "field": extra.pop("field", None), "rule": extra.pop("rule", None), **extra}
    return api.create_response(request, body, status=status)


def register_error_handlers(api: NinjaAPI) -> None:
    """Map exceptions to the one JSON error format (Vietnamese messages)."""

    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return _error(api, request, 422, exc.message, field=exc.field, rule=exc.rule)

    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            return _error(api, request, 422, str(errors[0].message), field=field)
        return _error(api, request, 422, str(exc.messages[0]))

    def input_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        loc = [str(part) for part in first.get("loc", ())]
        field = loc[-1] if loc else None
        return _error(api, request, 422, INVALID_INPUT, field=field, errors=exc.errors)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 404, NOT_FOUND)

    def read_only(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 403, str(exc) or READ_ONLY)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            return _error(api, request, 401, NOT_SIGNED_IN)
        if exc.status_code == 403 and "CSRF" in exc.message:
            return _error(api, request, 403, CSRF_FAILED)
        if exc.status_code == 400:  # a body that does not parse as JSON: invalid input
            return _error(api, request, 422, INVALID_INPUT, field="body")
        return _error(api, request, exc.status_code, exc.message)

    def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # a number the schema allows but the database cannot hold (an id or offset past bigint:
        # OverflowError on SQLite, "out of range" DataError on PostgreSQL): invalid input, not a 500
        return _error(api, request, 422, INVALID_INPUT)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback on the server; the client gets the error shape, nothing more.
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
        )
        return _error(api, request, 500, SERVER_ERROR)

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(DjangoValidationError, django_validation_error)
    api.add_exception_handler(NinjaValidationError, input_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ReadOnly, read_only)
    api.add_exception_handler(PermissionDenied, read_only)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(OverflowError, out_of_range)
    api.add_exception_handler(DataError, out_of_range)
    api.add_exception_handler(Exception, server_error)
