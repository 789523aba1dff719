"""Notifications that reach people (issue 20): channels per organization and per user, sent by the
task worker with retries and a delivery log, against a real HTTP server started by the test."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core import mail
from django.utils import timezone

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.notifications import delivery as dl
from dangbo.notifications.models import Delivery, Notification, OrgChannel
from dangbo.notifications.services import notify

pytestmark = pytest.mark.django_db


class ChatServer:
    """A chat server on the "local network": records every POST (path, content type, body) and
    answers from a script of (status, body) replies, the last one repeated."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.replies: list[tuple[int, str]] = [(200, '{"success": true}')]
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.received.append(
                    {"path": self.path, "type": self.headers.get("Content-Type", ""), "body": raw.decode("utf-8")}
                )
                status, body = server.replies.pop(0) if len(server.replies) > 1 else server.replies[0]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def synology_url(self) -> str:
        return f"{self.base}/webapi/entry.cgi?api=SYNO.Chat.External&method=incoming&version=2&token=%22bimat123%22"

    def texts(self) -> list[str]:
        out = []
        for r in self.received:
            if r["type"].startswith("application/json"):
                out.append(json.loads(r["body"])["text"])
            else:
                out.append(json.loads(parse_qs(r["body"])["payload"][0])["text"])
        return out

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def chat():
    server = ChatServer()
    yield server
    server.close()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _org_note(tree, key="k1", message="Đảng bộ xã An Bình: quá hạn chuyển sinh hoạt của 1 đảng viên."):
    return notify(kind="members.transfer_overdue", key=key, org_id=tree["commune_a"].pk, message=message)


def test_an_organizations_notification_reaches_its_synology_chat_in_the_payload_form_field(
    tree, commune_officer, chat, on_commit
):
    channel = dl.channel_create(
        actor=commune_officer,
        org_id=tree["commune_a"].pk,
        kind="synology",
        target=chat.synology_url(),
        label="Nhóm Văn phòng Đảng ủy",
    )
    with on_commit():
        note = _org_note(tree)
    assert len(chat.received) == 1
    got = chat.received[0]
    assert got["type"].startswith("application/x-www-form-urlencoded")
    assert got["path"].startswith("/webapi/entry.cgi?api=SYNO.Chat.External&method=incoming")
    assert json.loads(parse_qs(got["body"])["payload"][0]) == {"text": "[Đảng bộ số] " + note.message}
    d = Delivery.objects.get(notification=note)
    assert (d.channel, d.status, d.attempts, d.last_error) == (channel, "sent", 1, "")
    assert d.sent_at is not None and d.last_attempt_at is not None


def test_a_generic_json_webhook_gets_a_json_text_body(tree, commune_officer, chat, on_commit):
    dl.channel_create(
        actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target=f"{chat.base}/hooks/abc123"
    )
    with on_commit():
        _org_note(tree)
    assert chat.received[0]["type"] == "application/json"
    assert chat.received[0]["path"] == "/hooks/abc123"
    assert chat.texts() == ["[Đảng bộ số] Đảng bộ xã An Bình: quá hạn chuyển sinh hoạt của 1 đảng viên."]


def test_with_a_base_url_the_message_ends_with_a_link_to_its_page(tree, commune_officer, chat, on_commit, settings):
    settings.DANGBO_BASE_URL = "https://dangbo.tinhuy-thu.vn/"
    settings.NOTIFICATIONS_SEND_EMAIL = True
    dl.channel_create(
        actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target=f"{chat.base}/hooks/abc123"
    )
    dl.channel_create(
        actor=commune_officer, org_id=tree["commune_a"].pk, kind="email", target="vanphong@anbinh.example.invalid"
    )
    with on_commit():
        _org_note(tree)
    assert chat.texts() == [
        "[Đảng bộ số] Đảng bộ xã An Bình: quá hạn chuyển sinh hoạt của 1 đảng viên.\n"
        "https://dangbo.tinhuy-thu.vn/thong-bao/"
    ]
    assert mail.outbox[-1].body.endswith("\n\nXem trên Đảng bộ số: https://dangbo.tinhuy-thu.vn/thong-bao/")


def test_a_500_is_retried_later_with_backoff_and_then_delivered(tree, commune_officer, chat, on_commit, settings):
    settings.NOTIFICATIONS_RETRY_BASE = 60
    chat.replies = [(500, "lỗi"), (200, '{"success": true}')]
    dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="synology", target=chat.synology_url())
    before = timezone.now()
    with on_commit():
        note = _org_note(tree)  # the request that created it is not affected by the failure
    assert Notification.objects.filter(pk=note.pk).exists()
    d = Delivery.objects.get(notification=note)
    assert (d.status, d.attempts, d.last_error) == ("retry", 1, "Máy chủ trả lời HTTP 500.")
    assert before + timedelta(seconds=59) <= d.next_attempt_at <= timezone.now() + timedelta(seconds=61)
    assert dl.deliveries_due(send=True) == 0  # not due yet: nothing sent
    assert len(chat.received) == 1
    assert dl.deliveries_due(now=d.next_attempt_at + timedelta(seconds=1), send=True) == 1
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error, d.next_attempt_at) == ("sent", 2, "", None)
    assert len(chat.received) == 2


def test_the_delay_doubles_and_the_delivery_fails_after_the_last_attempt(
    tree, commune_officer, chat, on_commit, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    chat.replies = [(500, "")]
    dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target=f"{chat.base}/h")
    with on_commit():
        note = _org_note(tree)
    d = Delivery.objects.get(notification=note)
    first = d.next_attempt_at - d.last_attempt_at
    dl.deliveries_due(now=d.next_attempt_at, send=True)
    d.refresh_from_db()
    assert d.status == "retry" and d.next_attempt_at - d.last_attempt_at == 2 * first
    dl.deliveries_due(now=d.next_attempt_at, send=True)
    d.refresh_from_db()
    assert (d.status, d.attempts, d.next_attempt_at) == ("failed", 3, None)
    assert len(chat.received) == 3
    assert dl.deliveries_due(now=timezone.now() + timedelta(days=2), send=True) == 0


def test_synology_refusing_with_http_200_is_a_failure(tree, commune_officer, chat, on_commit):
    chat.replies = [(200, '{"error": {"code": 404, "errors": "token not found"}, "success": false}')]
    dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="synology", target=chat.synology_url())
    with on_commit():
        note = _org_note(tree)
    d = Delivery.objects.get(notification=note)
    assert d.status == "retry" and d.last_error == "Synology Chat từ chối tin (mã lỗi 404)."


def test_an_unreachable_server_never_blocks_the_request(tree, commune_officer, on_commit, settings):
    settings.NOTIFICATIONS_WEBHOOK_TIMEOUT = 2
    dl.channel_create(
        actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target="http://127.0.0.1:9/khong-co"
    )
    with on_commit():
        note = _org_note(tree)
    assert note is not None and Notification.objects.filter(pk=note.pk).exists()
    d = Delivery.objects.get(notification=note)
    assert d.status == "retry" and d.last_error.startswith("Không kết nối được máy chủ nhận")


def test_the_database_queue_defers_the_retry_with_run_after(tree, commune_officer, chat, on_commit, settings):
    from django_tasks_db.models import DBTaskResult

    chat.replies = [(500, "")]
    dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target=f"{chat.base}/h")
    with on_commit():
        note = _org_note(tree)
    d = Delivery.objects.get(notification=note)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Delivery.objects.filter(pk=d.pk).update(status="pending", next_attempt_at=None, attempts=0)
    assert dl.delivery_send(d.pk) == "retry"
    d.refresh_from_db()
    row = DBTaskResult.objects.get()
    assert row.args_kwargs["args"] == [d.pk] and row.run_after == d.next_attempt_at


def test_only_the_organizations_own_notifications_go_to_its_channel(tree, commune_officer, officer, chat, on_commit):
    dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target=f"{chat.base}/h")
    with on_commit():
        notify(kind="x", key="b", org_id=tree["commune_b"].pk, message="Đảng bộ xã Bình An: việc riêng.")
        notify(kind="x", key="u", user=officer, org_id=tree["commune_a"].pk, message="Riêng cho một người.")
    assert chat.received == [] and not Delivery.objects.exists()


def test_a_users_email_follows_their_choice(tree, commune_officer, settings, on_commit):
    settings.NOTIFICATIONS_SEND_EMAIL = True
    commune_officer.email = "xa.anbinh@example.invalid"
    commune_officer.save()
    with on_commit():
        notify(
            kind="plans.due", key="a", user=commune_officer, message="Nhắc việc 1", email_subject="[Đảng bộ số] Nhắc"
        )
    assert [m.to for m in mail.outbox] == [["xa.anbinh@example.invalid"]]
    d = Delivery.objects.get()
    assert (d.medium, d.user, d.status) == ("email", commune_officer, "sent")
    dl.preference_set(actor=commune_officer, email=False)
    assert AuditEntry.objects.filter(action="notification_preference.update", actor=commune_officer).exists()
    with on_commit():
        notify(kind="plans.due", key="b", user=commune_officer, message="Nhắc việc 2")
    assert len(mail.outbox) == 1 and Delivery.objects.count() == 1
    assert Notification.objects.filter(key="b").exists()  # the in-app notice is there all the same


def test_an_email_is_not_sent_to_a_user_who_may_no_longer_see_it(tree, commune_officer, settings, on_commit):
    """The access policy applies to each recipient at sending time: an account deactivated
    between the notification and the delivery gets nothing."""
    settings.NOTIFICATIONS_SEND_EMAIL = True
    commune_officer.email = "xa.anbinh@example.invalid"
    commune_officer.save()
    note = notify(kind="plans.due", key="a", user=commune_officer, message="Nhắc việc")  # on_commit not run
    d = Delivery.objects.get(notification=note)
    type(commune_officer).objects.filter(pk=commune_officer.pk).update(is_active=False)
    assert dl.delivery_send(d.pk) == "skipped"
    assert mail.outbox == []


def test_an_organizations_email_channel(tree, commune_officer, settings, on_commit):
    settings.NOTIFICATIONS_SEND_EMAIL = True
    dl.channel_create(
        actor=commune_officer, org_id=tree["commune_a"].pk, kind="email", target="vanphong@anbinh.example.invalid"
    )
    with on_commit():
        _org_note(tree)
    assert [m.to for m in mail.outbox] == [["vanphong@anbinh.example.invalid"]]


def test_a_delivery_is_sent_once_even_if_its_task_runs_twice(tree, commune_officer, chat, on_commit):
    dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target=f"{chat.base}/h")
    with on_commit():
        note = _org_note(tree)
    d = Delivery.objects.get(notification=note)
    assert dl.delivery_send(d.pk) == "not-due"
    assert len(chat.received) == 1


def test_the_test_message_goes_through_the_worker_and_is_logged(tree, commune_officer, chat, on_commit):
    channel = dl.channel_create(
        actor=commune_officer, org_id=tree["commune_a"].pk, kind="synology", target=chat.synology_url()
    )
    with on_commit():
        d = dl.channel_test(actor=commune_officer, channel=channel)
    d.refresh_from_db()
    assert d.status == "sent" and d.notification is None
    assert chat.texts() == ["Tin thử của Đảng bộ số: kênh nhận thông báo của Đảng bộ xã An Bình hoạt động."]


# --- validation, secrets, scope ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        ("webhook", "", "Phải nhập địa chỉ nhận"),
        ("webhook", "ftp://chat.local/h", "URL webhook không hợp lệ"),
        ("webhook", "http://", "URL webhook không hợp lệ"),
        ("webhook", "http://ai:matkhau@chat.local/h", "không được chứa tên đăng nhập"),
        ("webhook", "http://chat.local/" + "a" * 500, "dài quá 500 ký tự"),
        (
            "synology",
            "http://nas.local/webapi/entry.cgi?api=SYNO.Chat.External&method=chatbot&token=x",
            "URL webhook của Synology Chat phải có dạng",
        ),
        ("email", "khong-phai-thu", "Địa chỉ thư điện tử không hợp lệ"),
        ("sms", "0900000000", "Loại kênh không hợp lệ"),
    ],
)
def test_a_bad_address_is_refused_in_vietnamese_and_nothing_is_written(tree, commune_officer, kind, target, message):
    with pytest.raises(DomainError) as error:
        dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind=kind, target=target)
    assert message in error.value.message and error.value.field in ("target", "kind")
    assert (
        not OrgChannel.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="notification_channel").exists()
    )


def test_the_webhook_url_is_a_secret_masked_in_the_audit_log(tree, commune_officer, chat):
    url = chat.synology_url()
    channel = dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="synology", target=url)
    dl.channel_update(actor=commune_officer, channel=channel, target=url.replace("bimat123", "moi456"))
    dl.channel_update(actor=commune_officer, channel=channel, target="")  # empty: kept
    entries = list(AuditEntry.objects.filter(action__startswith="notification_channel").order_by("id"))
    assert [e.action for e in entries] == ["notification_channel.create", "notification_channel.update"]
    dump = json.dumps([[e.summary, e.before, e.after] for e in entries], ensure_ascii=False)
    assert "bimat123" not in dump and "moi456" not in dump
    assert entries[1].before["fingerprint"] != entries[1].after["fingerprint"]
    assert (
        dl.mask_target("synology", url)
        == f"http://127.0.0.1:{chat.httpd.server_address[1]}/… #{dl.fingerprint(url)[:6]}"
    )
    assert dl.mask_target("email", "vanphong@anbinh.vn") == "v***@anbinh.vn"


def test_an_officer_outside_the_organization_cannot_add_or_see_its_channels(
    tree, commune_officer, outsider, secretary_a1
):
    with pytest.raises(DomainError):
        dl.channel_create(actor=outsider, org_id=tree["commune_a"].pk, kind="email", target="a@b.vn")
    channel = dl.channel_create(actor=commune_officer, org_id=tree["commune_a"].pk, kind="email", target="a@b.vn")
    from dangbo.access import policy

    assert not policy.for_user(OrgChannel, outsider).filter(pk=channel.pk).exists()
    with pytest.raises(DomainError):
        dl.channel_update(actor=outsider, channel=channel, enabled=False)
    with pytest.raises(DomainError):  # a cell secretary does not manage the commune's channels
        dl.channel_test(actor=secretary_a1, channel=channel)
