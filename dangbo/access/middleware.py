"""Two-factor enforcement: a signed-in administrator or officer whose session has not passed
TOTP (django-otp's `request.user.is_verified()`) reaches only the verify/setup/logout pages and
static files; pages redirect to the verify page, the API answers 401 JSON.

Other roles (leader, cell secretary, member) sign in with a password alone. `settings.OTP_REQUIRED`
(env OTP_REQUIRED, default on) switches the enforcement off, for the unit tests that sign users in
with `force_login`."""

from __future__ import annotations

import functools
import pickle
import threading
import time
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject, cached_property
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from dangbo.access.services import otp_required_for
from dangbo.core import stamps

OTP_NEEDED = "Cần xác thực hai lớp (mã TOTP) trước khi dùng API bằng phiên đăng nhập."


class OTPRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def _open_paths(self) -> tuple[str, ...]:
        return (
            reverse("access:otp_verify"),
            reverse("access:otp_setup"),
            reverse("logout"),
            reverse("login"),
            settings.STATIC_URL,
        )

    def __call__(self, request):
        if getattr(settings, "OTP_REQUIRED", True) and self._blocked(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": OTP_NEEDED, "field": None, "rule": None}, status=401)
            target = reverse("access:otp_verify")
            if request.headers.get("HX-Request"):  # an htmx fragment: send the whole page there
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)

    def _blocked(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(self._open_paths):
            return False
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return False
        return otp_required_for(user)


class SessionRefreshMiddleware:
    """Sliding session expiry without a write on every request.

    A session expires `SESSION_COOKIE_AGE` after its last save. Saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) costs a database write per page, which under many concurrent
    users is most of the write load. Instead a signed-in session is saved again only when its
    last refresh is older than `SESSION_REFRESH_INTERVAL` seconds, so an idle user is signed out
    between AGE − INTERVAL and AGE after their last request. Placed after SessionMiddleware, so the
    session is marked modified before SessionMiddleware decides whether to save it."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.session_key:
            return response
        now = int(time.time())
        interval = getattr(settings, "SESSION_REFRESH_INTERVAL", 300)
        try:
            last = int(session.get(self.KEY, 0))
        except (TypeError, ValueError):
            last = 0
        if now - last >= interval:
            session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware without a device query on every request.

    A session that passed TOTP names its device (DEVICE_ID_SESSION_KEY). django-otp loads that
    device on every request to check it still exists, belongs to the user and is confirmed. Here
    the answer "yes" is remembered per process under the "accounts" data stamp, which database
    triggers renew on every write to the users and TOTP devices (access migration 0007): a revoked
    or unconfirmed device, a deactivated user, a changed password take effect at the next request,
    in every process. The stamp costs nothing extra: the request reads all stamps in one query
    (core.stamps.request_snapshot). `user.otp_device` is then a lazy object that loads the device
    only if a page actually uses it; `user.is_verified()` needs no query."""

    _CACHE_SIZE = 10_000
    _verified: OrderedDict[tuple, bool] = OrderedDict()
    _lock = threading.Lock()

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if not user.is_authenticated:
            return user
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if not persistent_id:
            return user
        stamp = stamps.read("accounts")
        key = (user.pk, persistent_id, stamp.token)
        if stamps.cacheable(stamp):
            with self._lock:
                hit = self._verified.get(key)
                if hit:
                    self._verified.move_to_end(key)
            if hit:
                user.otp_device = SimpleLazyObject(functools.partial(self._load_device, request, user, persistent_id))
                return user
        user.otp_device = self._load_device(request, user, persistent_id)
        if user.otp_device is not None and stamps.cacheable(stamp):
            with self._lock:
                self._verified[key] = True
                while len(self._verified) > self._CACHE_SIZE:
                    self._verified.popitem(last=False)
        return user

    def _load_device(self, request, user, persistent_id):
        return self._finalize_device(request, user, self._device_from_persistent_id(persistent_id))


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware without an auth_user query on every request.

    The user a session names is remembered per process under the "accounts" data stamp, which
    database triggers renew on every write to the users (access migration 0007): a deactivated
    user, a changed password, a new permission flag are seen at the next request, in every
    process. Each request gets its own copy (unpickled), never a shared instance. The session's
    auth hash is still checked against the cached user on every request, so a session of an older
    password is flushed as Django does; anything but an exact match (a rotated SECRET_KEY's
    fallback, a flushed session) goes through Django's own `auth.get_user`."""

    _CACHE_SIZE = 10_000
    _users: OrderedDict[tuple, bytes] = OrderedDict()
    _lock = threading.Lock()

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: self.get_user(request))

    @classmethod
    def get_user(cls, request):
        session = request.session
        user_id = session.get(auth.SESSION_KEY)
        backend_path = session.get(auth.BACKEND_SESSION_KEY)
        session_hash = session.get(auth.HASH_SESSION_KEY)
        if not (user_id and session_hash) or backend_path not in settings.AUTHENTICATION_BACKENDS:
            return auth.get_user(request)
        stamp = stamps.read("accounts")
        if not stamps.cacheable(stamp):
            return auth.get_user(request)
        key = (backend_path, str(user_id), stamp.token)
        with cls._lock:
            data = cls._users.get(key)
            if data is not None:
                cls._users.move_to_end(key)
        if data is not None:
            user = pickle.loads(data)  # noqa: S301 - our own bytes, pickled below in this process
            if constant_time_compare(session_hash, user.get_session_auth_hash()):
                return user
            return auth.get_user(request)  # fallback secrets, or flush: Django's own path
        user = auth.get_user(request)
        if user.is_authenticated and str(user.pk) == str(user_id):
            data = pickle.dumps(user)
            with cls._lock:
                cls._users[key] = data
                while len(cls._users) > cls._CACHE_SIZE:
                    cls._users.popitem(last=False)
        return user
