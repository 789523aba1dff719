"""Notifications that reach people (issue 20): delivery channels and the delivery log.

Channels are chosen per organization (`OrgChannel`: an e-mail address, a Synology Chat incoming
webhook, a generic JSON webhook for Mattermost / Rocket.Chat) and per user (`NotificationPreference`:
e-mail on or off). When a notification is written, `deliveries_plan` adds one `Delivery` row per
channel in the same transaction and enqueues the task `delivery_run` once it commits: a
notification to a user goes to the user's e-mail (when e-mail is configured, the user has an
address and did not turn it off); a notification to an organization goes to that organization's
enabled channels. Sending happens in the task worker, never in the request: a chat server that is
down only leaves the delivery "to retry" (the in-app notification is there already).

The worker claims a delivery with one conditional UPDATE (one winner even when a task runs twice),
checks the recipient may still see the notification (the access policy, for each recipient: the
user must still read it in the app; an organization's channel only carries that organization's
notifications), sends it, and records the outcome. A failure is retried after 1, 2, 4, 8 … minutes
(setting NOTIFICATIONS_RETRY_BASE seconds, doubled each time) up to NOTIFICATIONS_MAX_ATTEMPTS
attempts, then marked failed; the retry is a deferred task when the queue supports it (the
database queue does) and the periodic job "notifications.deliver" (`deliveries_due`) enqueues any
delivery whose time has come (the immediate backend of the tests, a lost task, a crashed worker).

Formats: Synology Chat takes a form field `payload={"text": "..."}` (application/x-www-form-urlencoded)
and answers HTTP 200 with `{"success": false, "error": {...}}` when it refuses: that is a failure
too. The generic webhook takes a JSON body `{"text": "..."}` (Mattermost, Rocket.Chat, Slack-like).
Redirects are not followed and no proxy from the environment is used (chat servers are on the
local network).

Writes (`channel_create`, `channel_update`, `channel_delete`, `channel_test`, `preference_set`)
check the access policy ("record" on the organization for its channels) and are audited in their
transaction; a webhook URL is a secret: the audit log and the pages show it masked
(`mask_target`) with a short fingerprint, never in clear.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import task, task_backends
from django.utils import timezone

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.notifications.models import (
    ChannelKind,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    OrgChannel,
)

log = logging.getLogger(__name__)
S = DeliveryStatus
WEBHOOKS = (ChannelKind.SYNOLOGY, ChannelKind.WEBHOOK)
PREFIX = "[Đảng bộ số] "
TEST_TEXT = "Tin thử của Đảng bộ số: kênh nhận thông báo của {org} hoạt động."


# --- visibility (access policy) ---------------------------------------------------------------

# An organization's channels hold secrets: seen (masked) and changed with "record" on it.
policy.scoped_by(OrgChannel, field="org_id", as_action=lambda action: "record")


@policy.scoped(Delivery)
def _deliveries_for(qs: QuerySet, user, action: str) -> QuerySet:
    """The deliveries of the organizations' channels the user may manage, and the user's own e-mails."""
    if policy.is_system(user):
        return qs
    orgs = policy.scope_orgs(Delivery.objects.filter(org__isnull=False), user, field="org_id", action="record")
    return qs.filter(Q(user=user) | Q(pk__in=orgs.values("pk")))


# --- settings --------------------------------------------------------------------------------


def max_attempts() -> int:
    return max(1, int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2×base, 4×base … (capped at a day)."""
    base = int(getattr(settings, "NOTIFICATIONS_RETRY_BASE", 60))
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 86400))


def _timeout() -> float:
    return float(getattr(settings, "NOTIFICATIONS_WEBHOOK_TIMEOUT", 10))


def email_enabled() -> bool:
    """Setting NOTIFICATIONS_SEND_EMAIL (PLANS_SEND_EMAIL still honoured), else EMAIL_HOST is set."""
    import os

    for name in ("NOTIFICATIONS_SEND_EMAIL", "PLANS_SEND_EMAIL"):
        flag = getattr(settings, name, None)
        if flag is not None:
            return bool(flag)
    return bool(os.environ.get("EMAIL_HOST"))


# --- secrets shown masked ----------------------------------------------------------------------


def fingerprint(target: str) -> str:
    """A short digest of a channel's address: the audit log tells changes apart without the secret."""
    return hashlib.sha256(target.encode()).hexdigest()[:10]


def mask_target(kind: str, target: str) -> str:
    """The address as pages and the audit log show it: an e-mail as «a***@domain», a webhook URL
    as its scheme, host and port, «…» and a short fingerprint (no character of its path or token:
    a Synology token ends the URL, so even its last characters are not shown)."""
    if not target:
        return ""
    if kind == ChannelKind.EMAIL:
        local, _, domain = target.partition("@")
        return f"{local[:1]}***@{domain}"
    parts = urllib.parse.urlsplit(target)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/… #{fingerprint(target)[:6]}"


# --- validation --------------------------------------------------------------------------------

_url = URLValidator(schemes=["http", "https"])


def clean_target(kind: str, target: str) -> str:
    """The channel's address, checked (Vietnamese message naming the field, nothing written)."""
    if kind not in ChannelKind.values:
        raise DomainError("Loại kênh không hợp lệ.", field="kind")
    value = nfc(target or "").strip()
    if not value:
        raise DomainError("Phải nhập địa chỉ nhận (thư điện tử hoặc URL webhook).", field="target")
    if len(value) > 500:
        raise DomainError("Địa chỉ nhận dài quá 500 ký tự.", field="target")
    if kind == ChannelKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError("Địa chỉ thư điện tử không hợp lệ.", field="target") from None
        return value
    try:
        _url(value)
    except ValidationError:
        raise DomainError(
            "URL webhook không hợp lệ: phải bắt đầu bằng http:// hoặc https:// và có tên máy.", field="target"
        ) from None
    parts = urllib.parse.urlsplit(value)
    if parts.username or parts.password:
        raise DomainError("URL webhook không được chứa tên đăng nhập, mật khẩu.", field="target")
    if kind == ChannelKind.SYNOLOGY:
        query = urllib.parse.parse_qs(parts.query)
        if query.get("api") != ["SYNO.Chat.External"] or query.get("method") != ["incoming"] or not query.get("token"):
            raise DomainError(
                "URL webhook của Synology Chat phải có dạng …/webapi/entry.cgi?api=SYNO.Chat.External"
                "&method=incoming&version=2&token=… (sao chép từ Tích hợp › Webhook đến).",
                field="target",
            )
    return value


def _clean_label(label: str) -> str:
    value = nfc(label or "").strip()
    if len(value) > 120:
        raise DomainError("Tên kênh dài quá 120 ký tự.", field="label")
    return value


def _snapshot(channel: OrgChannel) -> dict:
    return {
        "kind": channel.kind,
        "label": channel.label,
        "enabled": channel.enabled,
        "target": mask_target(channel.kind, channel.target),
        "fingerprint": fingerprint(channel.target),
    }


# --- writes -----------------------------------------------------------------------------------


def channel_create(*, actor, org_id: int, kind: str, target: str, label: str = "", enabled: bool = True) -> OrgChannel:
    """Add a delivery channel to organization `org_id` ("record" right on it), audited (masked)."""
    policy.require(actor, "record", org_id, message=policy.NOT_FOUND, field="org")
    value = clean_target(kind, target)
    name = _clean_label(label)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        channel = OrgChannel.objects.create(
            org_id=org_id, kind=kind, target=value, label=name, enabled=enabled, updated_by=user
        )
        audit_record(
            actor=actor,
            action="notification_channel.create",
            obj=channel,
            org_id=org_id,
            summary=f"Thêm kênh gửi thông báo: {channel.get_kind_display()} {mask_target(kind, value)}",
            after=_snapshot(channel),
        )
    return channel


def channel_update(
    *, actor, channel: OrgChannel, label: str | None = None, target: str | None = None, enabled: bool | None = None
) -> OrgChannel:
    """Change a channel's name, address (None or empty: kept as it is) or whether it is used; audited,
    the address masked with its fingerprint (a changed secret shows as a changed fingerprint)."""
    policy.require(actor, "record", channel.org_id, message=policy.NOT_FOUND, field="org")
    before = _snapshot(channel)
    changes: dict = {}
    if label is not None:
        changes["label"] = _clean_label(label)
    if target is not None and nfc(target).strip():
        changes["target"] = clean_target(channel.kind, target)
    if enabled is not None:
        changes["enabled"] = bool(enabled)
    changes = {k: v for k, v in changes.items() if getattr(channel, k) != v}
    if not changes:
        return channel
    with transaction.atomic():
        for k, v in changes.items():
            setattr(channel, k, v)
        channel.updated_at = timezone.now()
        channel.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        channel.save(update_fields=[*changes, "updated_at", "updated_by"])
        what = ", ".join({"label": "tên", "target": "địa chỉ nhận", "enabled": "trạng thái dùng"}[k] for k in changes)
        audit_record(
            actor=actor,
            action="notification_channel.update",
            obj=channel,
            org_id=channel.org_id,
            summary=f"Sửa kênh gửi thông báo «{channel}»: {what}",
            before=before,
            after=_snapshot(channel),
        )
    return channel


def channel_delete(*, actor, channel: OrgChannel) -> None:
    """Remove a channel (its delivery log stays, without the channel); audited."""
    policy.require(actor, "record", channel.org_id, message=policy.NOT_FOUND, field="org")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="notification_channel.delete",
            obj=channel,
            org_id=channel.org_id,
            summary=f"Xóa kênh gửi thông báo «{channel}»",
            before=_snapshot(channel),
        )
        Delivery.objects.filter(channel=channel, status__in=[S.PENDING, S.RETRY]).update(
            status=S.SKIPPED, last_error="Kênh đã bị xóa.", next_attempt_at=None
        )
        channel.delete()


def channel_test(*, actor, channel: OrgChannel) -> Delivery:
    """Queue a test message on the channel (sent by the task worker; the result is in its log)."""
    policy.require(actor, "record", channel.org_id, message=policy.NOT_FOUND, field="org")
    from dangbo.orgs.selectors import org_name_on

    org = org_name_on(channel.org_id, policy.today()) or "tổ chức"
    with transaction.atomic():
        delivery = Delivery.objects.create(
            channel=channel,
            org_id=channel.org_id,
            medium=channel.kind,
            subject=f"{PREFIX}Tin thử",
            text=TEST_TEXT.format(org=org),
        )
        audit_record(
            actor=actor,
            action="notification_channel.test",
            obj=channel,
            org_id=channel.org_id,
            summary=f"Gửi tin thử trên kênh «{channel}»",
        )
        _enqueue_on_commit([delivery.pk])
    return delivery


def preference_get(user) -> bool:
    """Does the user take e-mail for their notifications (no row: yes)?"""
    return NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first() is not False


def preference_set(*, actor, email: bool) -> NotificationPreference:
    """The signed-in user turns e-mail for their own notifications on or off; audited."""
    if not getattr(actor, "is_authenticated", False):
        raise DomainError(policy.NO_RIGHT, field="email")
    with transaction.atomic():
        pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
        if pref.email != bool(email):
            before = pref.email
            pref.email = bool(email)
            pref.updated_at = timezone.now()
            pref.save(update_fields=["email", "updated_at"])
            audit_record(
                actor=actor,
                action="notification_preference.update",
                obj=pref,
                summary="Bật nhận thông báo qua thư điện tử" if email else "Tắt nhận thông báo qua thư điện tử",
                before={"email": before},
                after={"email": pref.email},
            )
    return pref


# --- planning the deliveries of new notifications ---------------------------------------------


def deliveries_plan(notes: Iterable[Notification], *, subject: str = "") -> list[int]:
    """Add the deliveries of freshly written notifications (in the caller's transaction) and
    enqueue them once it commits; returns their ids. A user's notification: their e-mail; an
    organization's: its enabled channels."""
    notes = list(notes)
    if not notes:
        return []
    rows: list[Delivery] = []
    to_users = [n for n in notes if n.user_id is not None]
    if to_users and email_enabled():
        user_ids = {n.user_id for n in to_users}
        from django.contrib.auth import get_user_model

        emails = dict(
            get_user_model()
            .objects.filter(pk__in=user_ids, is_active=True)
            .exclude(email="")
            .values_list("pk", "email")
        )
        off = set(
            NotificationPreference.objects.filter(user_id__in=user_ids, email=False).values_list("user_id", flat=True)
        )
        for n in to_users:
            if n.user_id in emails and n.user_id not in off:
                rows.append(
                    Delivery(
                        notification=n,
                        user_id=n.user_id,
                        medium=ChannelKind.EMAIL,
                        subject=(subject or f"{PREFIX}Thông báo mới")[:200],
                    )
                )
    to_orgs = [n for n in notes if n.user_id is None and n.org_id is not None]
    if to_orgs:
        channels: dict[int, list[OrgChannel]] = {}
        for ch in OrgChannel.objects.filter(org_id__in={n.org_id for n in to_orgs}, enabled=True):
            channels.setdefault(ch.org_id, []).append(ch)
        for n in to_orgs:
            for ch in channels.get(n.org_id, []):
                rows.append(
                    Delivery(
                        notification=n,
                        channel=ch,
                        org_id=ch.org_id,
                        medium=ch.kind,
                        subject=(subject or f"{PREFIX}Thông báo mới")[:200],
                    )
                )
    if not rows:
        return []
    Delivery.objects.bulk_create(rows)
    ids = [r.pk for r in rows if r.pk is not None]
    if len(ids) != len(rows):  # a backend that does not return the ids of a bulk insert
        ids = list(Delivery.objects.filter(notification__in=notes, status=S.PENDING).values_list("pk", flat=True))
    _enqueue_on_commit(ids)
    return ids


def _enqueue_on_commit(ids: list[int]) -> None:
    def enqueue() -> None:
        for pk in ids:
            try:
                delivery_run.enqueue(pk)
            except Exception:  # the queue is down: the periodic sweep enqueues it later
                log.exception("delivery %s could not be enqueued", pk)

    transaction.on_commit(enqueue)


# --- sending (the task worker) ---------------------------------------------------------------


class SendError(Exception):
    """The channel refused or could not be reached; the message says why (kept in the log)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - never follow
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _post(url: str, data: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": content_type, "User-Agent": "dang-bo-so"}
    )
    try:
        with _opener.open(request, timeout=_timeout()) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendError(f"Máy chủ trả lời HTTP {exc.code}.") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(f"Không kết nối được máy chủ nhận: {reason}.") from None


def send_synology(url: str, text: str) -> None:
    """Synology Chat incoming webhook: form field `payload` holding `{"text": …}`; HTTP 200 with
    `"success": false` is a refusal."""
    body = urllib.parse.urlencode({"payload": json.dumps({"text": text}, ensure_ascii=False)}).encode()
    status, raw = _post(url, body, "application/x-www-form-urlencoded; charset=utf-8")
    if status >= 300:
        raise SendError(f"Máy chủ trả lời HTTP {status}.")
    try:
        answer = json.loads(raw.decode("utf-8", errors="replace") or "{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("success") is False:
        error = answer.get("error") or {}
        code = error.get("code") if isinstance(error, dict) else error
        raise SendError(f"Synology Chat từ chối tin (mã lỗi {code}).")


def send_json_webhook(url: str, text: str) -> None:
    """Generic JSON webhook (Mattermost, Rocket.Chat): body `{"text": …}`; any 2xx is delivered."""
    status, _ = _post(url, json.dumps({"text": text}, ensure_ascii=False).encode(), "application/json")
    if status >= 300:
        raise SendError(f"Máy chủ trả lời HTTP {status}.")


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    row = (
        Delivery.objects.filter(due, pk=delivery_id, status__in=[S.PENDING, S.RETRY])
        .values_list("attempts", flat=True)
        .first()
    )
    if row is None:
        return None
    won = Delivery.objects.filter(due, pk=delivery_id, status__in=[S.PENDING, S.RETRY], attempts=row).update(
        status=S.SENDING, attempts=row + 1, last_attempt_at=now
    )
    if not won:
        return None
    return Delivery.objects.select_related("notification", "channel", "user").get(pk=delivery_id)


def _refusal(d: Delivery) -> str:
    """Why the delivery must not go out at all (the access policy for its recipient), or ""."""
    note = d.notification
    if d.user_id is not None:
        if not d.user.is_active or not d.user.email:
            return "Tài khoản không còn hoạt động hoặc không có địa chỉ thư."
        if note is not None:
            from dangbo.notifications.selectors import notification_list

            if not notification_list(actor=d.user).filter(pk=note.pk).exists():
                return "Người nhận không còn được xem thông báo này."
        return ""
    if d.channel is None:
        return "Kênh đã bị xóa."
    if not d.channel.enabled and note is not None:
        return "Kênh đang tạm dừng."
    if note is not None and (note.user_id is not None or note.org_id != d.channel.org_id):
        return "Thông báo không thuộc tổ chức của kênh."
    return ""


def page_url(note: Notification) -> str:
    """The absolute address of the page a notification leads to (its target, else the list of
    notifications), on DANGBO_BASE_URL (e.g. https://dangbo.tinhuy.vn); "" when that is not set:
    a chat message or an e-mail then carries no link rather than one that does not open."""
    base = (getattr(settings, "DANGBO_BASE_URL", "") or "").rstrip("/")
    if not base:
        return ""
    from django.urls import reverse

    from dangbo.notifications.selectors import link

    return base + (link(note) or reverse("notifications:notification_list"))


def _text(d: Delivery) -> str:
    if d.text or d.notification is None:
        return d.text
    url = page_url(d.notification)
    return PREFIX + d.notification.message + (f"\n{url}" if url else "")


def _send(d: Delivery) -> None:
    text = _text(d)
    if d.medium == ChannelKind.EMAIL:
        address = d.user.email if d.user_id is not None else d.channel.target
        if d.user_id is None and not email_enabled():
            raise SendError("Máy chủ chưa được cấu hình gửi thư điện tử.")
        body = text
        if d.notification is not None:
            url = page_url(d.notification)
            body = d.notification.message + (f"\n\nXem trên Đảng bộ số: {url}" if url else "")
        try:
            send_mail(d.subject or f"{PREFIX}Thông báo mới", body, None, [address])
        except OSError as exc:
            raise SendError(f"Không gửi được thư: {exc}") from None
    elif d.medium == ChannelKind.SYNOLOGY:
        send_synology(d.channel.target, text)
    else:
        send_json_webhook(d.channel.target, text)


def delivery_send(delivery_id: int, *, now: datetime | None = None) -> str:
    """Send one delivery if it is due (claimed by one caller); returns its new status or "not-due"."""
    now = now or timezone.now()
    d = _claim(delivery_id, now)
    if d is None:
        return "not-due"
    reason = _refusal(d)
    if reason:
        Delivery.objects.filter(pk=d.pk).update(status=S.SKIPPED, last_error=reason[:500], next_attempt_at=None)
        return S.SKIPPED
    try:
        _send(d)
    except SendError as exc:
        return _failed(d, str(exc), now)
    except Exception as exc:  # a delivery never stays "sending": record, log, retry
        log.exception("delivery %s failed", d.pk)
        return _failed(d, f"Lỗi hệ thống khi gửi: {exc.__class__.__name__}", now)
    Delivery.objects.filter(pk=d.pk).update(status=S.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None)
    if d.medium == ChannelKind.EMAIL and d.user_id is not None and d.notification_id is not None:
        Notification.objects.filter(pk=d.notification_id, emailed=False).update(emailed=True)
    return S.SENT


def _failed(d: Delivery, error: str, now: datetime) -> str:
    if d.attempts >= max_attempts():
        Delivery.objects.filter(pk=d.pk).update(status=S.FAILED, last_error=error[:500], next_attempt_at=None)
        return S.FAILED
    when = now + retry_delay(d.attempts)
    Delivery.objects.filter(pk=d.pk).update(status=S.RETRY, last_error=error[:500], next_attempt_at=when)
    backend = task_backends[delivery_run.backend]
    if backend.supports_defer:
        try:
            delivery_run.using(run_after=when).enqueue(d.pk)
        except Exception:  # the periodic sweep picks it up
            log.exception("retry of delivery %s could not be enqueued", d.pk)
    return S.RETRY


@task
def delivery_run(delivery_id: int) -> str:
    """The task: send delivery `delivery_id` (see `delivery_send`); returns its new status."""
    return delivery_send(delivery_id)


STUCK_AFTER = timedelta(minutes=15)
LOST_AFTER = timedelta(minutes=5)


def deliveries_due(*, now: datetime | None = None, send: bool = False) -> int:
    """The periodic sweep: deliveries to retry whose time has come, deliveries left pending (their
    task lost) and deliveries left "sending" by a crashed worker are (re)queued; `send=True` sends
    them here instead (the command line, the tests). Returns how many."""
    now = now or timezone.now()
    Delivery.objects.filter(status=S.SENDING, last_attempt_at__lt=now - STUCK_AFTER).update(
        status=S.RETRY, next_attempt_at=now, last_error="Lần gửi trước bị gián đoạn."
    )
    due = (
        Delivery.objects.filter(
            Q(status=S.RETRY, next_attempt_at__lte=now)
            | Q(status=S.PENDING, created_at__lt=now - LOST_AFTER)
            | Q(status=S.PENDING) & Q(next_attempt_at__isnull=False, next_attempt_at__lte=now)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:1000]
    )
    ids = list(due)
    for pk in ids:
        if send:
            delivery_send(pk, now=now)
        else:
            delivery_run.enqueue(pk)
    return len(ids)


# --- reads ------------------------------------------------------------------------------------


def channel_list(*, actor, org_id: int) -> QuerySet:
    return policy.for_user(OrgChannel, actor).filter(org_id=org_id).order_by("id")


def delivery_log(*, actor, channel: OrgChannel | None = None, limit: int = 50) -> list[Delivery]:
    """The latest deliveries of a channel (its managers) or of the user's own e-mails."""
    qs = policy.for_user(Delivery, actor)
    qs = qs.filter(channel=channel) if channel is not None else qs.filter(user=actor)
    return list(qs.select_related("notification").order_by("-created_at", "-id")[:limit])
