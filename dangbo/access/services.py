"""Login security: who needs a second factor, TOTP devices, tracked sessions, personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangbo.access.models import PersonalToken, Role, RoleAssignment, UserSession
from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import NOT_FOUND, DomainError
from dangbo.core.http import client_ip
from dangbo.orgs.models import OrgLineage

# Roles whose accounts must confirm a TOTP device and verify it at every login.
OTP_ROLES = frozenset({Role.ADMIN, Role.OFFICER})
TOKEN_PREFIX = "dbs_"
TOKEN_MAX_DAYS = 365


# --- two-factor ------------------------------------------------------------------------------


def otp_required_for(user) -> bool:
    """True when `user` must pass TOTP: an active administrator or officer assignment today
    (or a Django superuser, who can reach the admin site)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(
        RoleAssignment.active_q(timezone.localdate()), user=user, role__in=OTP_ROLES
    ).exists()


def totp_device_create(user, *, confirmed: bool = True, key_hex: str | None = None, name: str = "Ứng dụng xác thực"):
    """Create a TOTP device for `user` (30 s step, 6 digits, SHA-1: what authenticator apps expect).

    `key_hex` (40 hex chars = 20 bytes) fixes the secret, e.g. for demo accounts whose current
    code must be printable; by default a random secret is generated."""
    kwargs = {"user": user, "name": name, "confirmed": confirmed}
    if key_hex is not None:
        bytes.fromhex(key_hex)  # fail early on a malformed key
        kwargs["key"] = key_hex.lower()
    return TOTPDevice.objects.create(**kwargs)


def totp_devices_confirmed(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def totp_device_pending(user) -> TOTPDevice:
    """The unconfirmed device being set up for `user` (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or totp_device_create(user, confirmed=False)


def totp_current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for `device` (demo and tests)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def totp_secret_base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii")


# --- sessions --------------------------------------------------------------------------------


def session_track(user, request) -> None:
    """Remember the session key of a login so that "log out everywhere" can delete it."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


def session_forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_end_all(user) -> int:
    """Delete every tracked session of `user` from the session store; returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    audit_record(
        actor=user,
        action="auth.logout_everywhere",
        obj=user,
        summary=f"Đăng xuất khỏi mọi thiết bị ({len(keys)} phiên)",
    )
    return len(keys)


# --- personal API tokens ---------------------------------------------------------------------


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(user, *, name: str, days: int = 90) -> tuple[PersonalToken, str]:
    """Create a token; returns it with its secret, which is never stored and shown only once."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Cần đặt tên cho mã truy cập.", field="name")
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise DomainError(f"Thời hạn phải từ 1 đến {TOKEN_MAX_DAYS} ngày.", field="days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:12],
        token_hash=token_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=user,
        action="auth.token_created",
        obj=token,
        summary=f"Tạo mã truy cập API «{token.name}» ({token.prefix}…), hết hạn sau {days} ngày",
    )
    return token, secret


@transaction.atomic
def token_revoke(user, token_id: int) -> PersonalToken:
    """Revoke one of `user`'s own tokens (another user's token is "not found")."""
    token = PersonalToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise DomainError(NOT_FOUND)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=user,
            action="auth.token_revoked",
            obj=token,
            summary=f"Thu hồi mã truy cập API «{token.name}» ({token.prefix}…)",
        )
    return token


def token_resolve(secret: str):
    """The active owner of a token secret, or None (unknown, revoked, expired, inactive user)."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        PersonalToken.objects.select_related("user")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # At most one write per minute per token.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- assignments after a merger ------------------------------------------------------------------


def assignment_successor(assignment: RoleAssignment):
    """The organization that absorbed the assignment's organization in a merger, with the date, or
    (None, None) when there is none or more than one (a split: the administrator assigns by hand)."""
    if assignment.org_id is None:
        return None, None
    links = list(OrgLineage.objects.filter(predecessor_id=assignment.org_id).select_related("successor"))
    if len({link.successor_id for link in links}) != 1:
        return None, None
    return links[0].successor, links[0].on


@transaction.atomic
def assignment_carry_to_successor(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    """An administrator's decision that an assignment on a merged organization carries to its
    successor: the old assignment ends the day before the merger, a new one starts on it. Without
    this decision the assignment keeps only the history of the old organization: a merger never
    widens anyone's scope by itself."""
    if not can(actor, "manage_users"):
        raise DomainError("Chỉ quản trị hệ thống được chuyển phân công vai trò.", field="actor")
    successor, on = assignment_successor(assignment)
    if successor is None:
        raise DomainError(
            f"Tổ chức của phân công «{assignment}» không được hợp nhất vào đúng một tổ chức kế thừa; "
            "hãy giao vai trò mới bằng tay.",
            field="org",
        )
    if assignment.valid_to is not None and assignment.valid_to < on - timedelta(days=1):
        raise DomainError(f"Phân công «{assignment}» đã hết hiệu lực trước ngày hợp nhất.", field="valid_to")
    if RoleAssignment.objects.filter(user=assignment.user, role=assignment.role, org=successor, valid_from=on).exists():
        raise DomainError(f"Phân công «{assignment}» đã được chuyển sang tổ chức kế thừa.", field="org")
    assignment.valid_to = on - timedelta(days=1)
    assignment.save(update_fields=["valid_to"])
    return RoleAssignment.objects.create(
        user=assignment.user, role=assignment.role, org=successor, valid_from=max(on, assignment.valid_from)
    )
