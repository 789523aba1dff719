"""Login, failed login and logout go to the audit log; logins are tracked for "log out everywhere"."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save

from dangbo.access.models import RoleAssignment
from dangbo.access.services import session_forget, session_track
from dangbo.audit.context import current
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
    audit_record(
        actor=username or "ẩn danh",
        action="auth.login_failed",
        object_type="auth.user",
        summary=summary,
        after={"username": username, "locked": locked},
    )


def on_logged_out(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        session_forget(request.session.session_key)
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, summary="Đăng xuất")


def _role_snapshot(a) -> dict:
    return {
        "user": a.user_id,
        "role": a.role,
        "org": a.org_id,
        "member": a.member_id,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
    }


def on_role_pre_save(sender, instance, **kwargs):
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = _role_snapshot(old) if old else None


def _role_actor():
    user = current.get().user
    return user if getattr(user, "is_authenticated", False) else "hệ thống"


def on_role_saved(sender, instance, created, **kwargs):
    """Role changes are audited wherever they are made (the admin site included)."""
    action = "access.role_assigned" if created else "access.role_changed"
    verb = "Giao" if created else "Sửa"
    audit_record(
        actor=_role_actor(),
        action=action,
        obj=instance,
        org_id=instance.org_id,
        summary=f"{verb} vai trò «{instance.get_role_display()}» cho {instance.user}",
        before=getattr(instance, "_audit_before", None),
        after=_role_snapshot(instance),
    )


def on_role_deleted(sender, instance, **kwargs):
    audit_record(
        actor=_role_actor(),
        action="access.role_removed",
        obj=instance,
        org_id=instance.org_id,
        summary=f"Thu hồi vai trò «{instance.get_role_display()}» của {instance.user}",
        before=_role_snapshot(instance),
    )


def connect() -> None:
    pre_save.connect(on_role_pre_save, sender=RoleAssignment, dispatch_uid="dangbo.access.role_pre_save")
    post_save.connect(on_role_saved, sender=RoleAssignment, dispatch_uid="dangbo.access.role_saved")
    post_delete.connect(on_role_deleted, sender=RoleAssignment, dispatch_uid="dangbo.access.role_deleted")
    user_logged_in.connect(on_logged_in, dispatch_uid="dangbo.access.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="dangbo.access.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="dangbo.access.logged_out")
