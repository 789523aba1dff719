"""Two-factor pages, the account page (sessions, log out everywhere) and personal API tokens."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from dangbo.access import services
from dangbo.access.forms import OTPCodeForm, TokenCreateForm
from dangbo.access.models import PersonalToken, RoleAssignment, UserSession
from dangbo.access.policy import can, own_member_ids
from dangbo.access.qr import qr_svg
from dangbo.access.worklist import worklist
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError

WRONG_CODE = "Mã xác thực không đúng hoặc đã hết hạn."
THROTTLED = "Nhập sai mã nhiều lần. Vui lòng đợi ít giây rồi thử lại."


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() would read a bare word ("828698") as a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def _check_code(request: HttpRequest, device, code: str) -> str | None:
    """Verify `code` on `device` (django-otp throttles repeated failures); an error or None."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return THROTTLED
    if device.verify_token(code):
        return None
    audit_record(actor=request.user, action="auth.otp_failed", obj=request.user, summary="Nhập sai mã xác thực hai lớp")
    return WRONG_CODE


# --- two-factor ------------------------------------------------------------------------------


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if _is_verified(request):
        return redirect(next_url)
    devices = list(services.totp_devices_confirmed(request.user))
    if not devices:
        return redirect(f"{reverse('access:otp_setup')}?{urlencode({'next': next_url})}")
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = WRONG_CODE
        for device in devices:
            error = _check_code(request, device, form.cleaned_data["code"])
            if error is None:
                otp_login(request, device)
                audit_record(
                    actor=request.user,
                    action="auth.otp_verified",
                    obj=request.user,
                    summary="Xác thực hai lớp thành công",
                )
                return redirect(next_url)
        form.add_error("code", error)
    return render(request, "access/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First-time set-up. Once a device is confirmed, adding another needs a verified session
    (otherwise a stolen password would be enough to enrol the thief's phone)."""
    next_url = _next_url(request)
    if services.totp_devices_confirmed(request.user).exists():
        return redirect("access:otp_verify") if not _is_verified(request) else redirect("access:account")
    device = services.totp_device_pending(request.user)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _check_code(request, device, form.cleaned_data["code"])
        if error is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(
                actor=request.user,
                action="auth.otp_device_confirmed",
                obj=request.user,
                summary="Thiết lập ứng dụng xác thực hai lớp",
            )
            messages.success(request, "Đã thiết lập xác thực hai lớp.")
            return redirect(next_url)
        form.add_error("code", error)
    return render(
        request,
        "access/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "secret": services.totp_secret_base32(device),
            "config_url": device.config_url,
            "qr": qr_svg(device.config_url),
        },
    )


# --- account ---------------------------------------------------------------------------------


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assignments = RoleAssignment.objects.filter(
        RoleAssignment.active_q(timezone.localdate()), user=user
    ).select_related("org")
    return render(
        request,
        "access/account.html",
        {
            "assignments": assignments,
            "otp_required": services.otp_required_for(user),
            "otp_device": services.totp_devices_confirmed(user).exists(),
            "otp_verified": _is_verified(request),
            "sessions": UserSession.objects.filter(user=user),
            "current_session": request.session.session_key,
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end_all(request.user)
    logout(request)
    messages.success(request, f"Đã đăng xuất khỏi mọi thiết bị ({count} phiên).")
    return redirect("login")


# --- personal API tokens ---------------------------------------------------------------------


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(
                request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            form = TokenCreateForm()
    return render(
        request,
        "access/tokens.html",
        {
            "form": form,
            "secret": secret,  # shown once, on this response only
            "tokens": PersonalToken.objects.filter(user=request.user),
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = services.token_revoke(request.user, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, f"Đã thu hồi mã truy cập «{token.name}».")
    return redirect("access:token_list")


# --- lockout (django-axes AXES_LOCKOUT_CALLABLE) ---------------------------------------------


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(
        request,
        "access/lockout.html",
        {
            "minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Officers, secretaries and leaders start at their worklist («Việc cần làm», the items the
    apps register in access.worklist); a member at their own profile.
    (Here, not in core: who starts where is an access decision, and core sits below access.)"""
    own = own_member_ids(request.user)
    if not can(request.user, "view"):
        if own:
            return redirect("members:member_detail", pk=min(own))
        return redirect("orgs:org_tree")
    today = timezone.localdate()
    items = worklist(request.user, today)
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return render(
        request, "access/home.html", {"today": today, "groups": groups, "todo": sum(1 for i in items if i.count)}
    )
