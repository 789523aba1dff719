"""Login, failed login and logout go to the audit log; logins are tracked for "log out everywhere"."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from dangbo.access.services import session_forget, session_track
from dangbo.audit.services import audit_record


def _from_http(request) -> bool:
    """A login that came in over HTTP. The test client's `force_login` calls `login()` with a
    bare HttpRequest (no WSGI environ): such logins are not audited, so tests that count audit
    entries around `force_login` are unaffected. Every real request has REQUEST_METHOD."""
    return request is not None and "REQUEST_METHOD" in getattr(request, "META", {})


def on_logged_in(sender, request, user, **kwargs):
    if request is not None:
        session_track(user, request)
    if _from_http(request):
        audit_record(actor=user, action="auth.login", obj=user, summary="Đăng nhập")


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:100]
    locked = bool(getattr(request, "axes_locked_out", False))
    summary = f"Đăng nhập không thành công: «{username}»"
    if locked:
        summary += " (đang bị khóa tạm thời do sai nhiều lần)"
    audit_record(actor=username or "ẩn danh", action="auth.login_failed", object_type="auth.user",
                 summary=summary, after={"username": username, "locked": locked})


def on_logged_out(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        session_forget(request.session.session_key)
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, summary="Đăng xuất")


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="dangbo.access.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="dangbo.access.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="dangbo.access.logged_out")
