"""In-app notifications of every module (plans reminders, grading reminders...), one model.

A notification is addressed either to a user (`user` set; `org` then only says which body it is
about) or to an organization (`user` empty): the latter is read by everyone whose scope holds the
organization. `key` makes a notification idempotent per addressee (a reminder sent twice is
stored once). Whether a user has read it is a row of NotificationRead, so that an organization's
notification is read or unread for each of its officers separately.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="Người nhận",
    )
    org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="Tổ chức"
    )
    kind = models.CharField("Loại", max_length=40)  # "plans.due", "plans.late", "grading.late"
    key = models.CharField(max_length=160)
    message = models.TextField("Nội dung")
    target_type = models.CharField(max_length=40, blank=True)  # what the notification links to: "plans.task"
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "Thông báo"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=Q(user__isnull=False), name="notification_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["org", "key"], condition=Q(user__isnull=True), name="notification_once_per_org"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(org__isnull=False), name="notification_has_addressee"
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return self.message[:80]


class NotificationRead(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "user"], name="notification_read_once")]


class NoticeKind(models.TextChoices):
    NOTICE = "notice", "Thông báo"
    DOCUMENT = "document", "Văn bản"
    STUDY = "study", "Học tập, quán triệt nghị quyết"


class Notice(models.Model):
    """A notice or a document a committee sends to members (thông báo, văn bản gửi đảng viên): to
    the members of an organization subtree, or to a list of members. The recipients are fixed when
    it is sent (one `NoticeRecipient` row each, with the member's home organization that day), so
    "x/y đã đọc" keeps its base when members move later. A document sent to members names its number
    and date (`document_number`, as in the plans register)."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy gửi")
    kind = models.CharField("Loại", max_length=20, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField("Tiêu đề", max_length=300)
    body = models.TextField("Nội dung", blank=True)
    document_number = models.CharField("Số, ký hiệu văn bản", max_length=60, blank=True)
    audience_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Gửi đảng viên thuộc",
    )
    sent_on = models.DateField("Ngày gửi")
    study_due = models.DateField("Hạn hoàn thành học tập", null=True, blank=True)  # kind "study" only
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipients_count = models.PositiveIntegerField("Số người nhận", default=0)

    class Meta:
        verbose_name = "Thông báo gửi đảng viên"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["org", "sent_on"])]

    def __str__(self) -> str:
        return self.title[:80]


class NoticeRecipient(models.Model):
    """One member a notice was sent to, and when they first read it (the read receipt)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    home_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tổ chức đảng của đảng viên vào ngày gửi.",
    )
    read_at = models.DateTimeField("Đã đọc lúc", null=True, blank=True)
    # A resolution-study campaign (kind "study"): the day the member completed the study, recorded by
    # the cell's officer or confirmed by the member themself (audited either way).
    studied_on = models.DateField("Ngày hoàn thành học tập", null=True, blank=True)
    studied_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day a reminder of the study's deadline reached the member's account (once per campaign,
    # notices.study_reminders_send); empty: not reminded (not in the window yet, already studied, or
    # no member account to reach).
    reminded_on = models.DateField("Ngày nhắc hạn học tập", null=True, blank=True)

    class Meta:
        verbose_name = "Người nhận thông báo"
        ordering = ["notice_id", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="notice_recipient_once")]
        indexes = [models.Index(fields=["member", "notice"], name="notice_recipient_member_idx")]


# --- delivery channels (issue 20: notifications that reach people) ------------------------------


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SYNOLOGY = "synology", "Synology Chat (webhook nhận tin)"
    WEBHOOK = "webhook", "Webhook JSON (Mattermost, Rocket.Chat)"


class OrgChannel(models.Model):
    """A delivery channel of an organization: the notifications addressed to the organization
    (read in the app by its officers) are also sent there by the task worker — an e-mail address
    (a mailbox of the committee's office) or the incoming webhook of a chat server on the local
    network (Synology Chat, or a generic JSON webhook: Mattermost, Rocket.Chat). `target` (the
    address or the webhook URL, whose token is a secret) is shown masked and its changes are
    audited with a masked value and a fingerprint, never in clear."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Tổ chức")
    kind = models.CharField("Loại kênh", max_length=20, choices=ChannelKind.choices)
    label = models.CharField("Tên kênh", max_length=120, blank=True)
    target = models.CharField("Địa chỉ nhận", max_length=500)
    enabled = models.BooleanField("Đang dùng", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "Kênh gửi thông báo của tổ chức"
        ordering = ["org_id", "id"]
        indexes = [models.Index(fields=["org", "enabled"], name="notif_orgchannel_org_idx")]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class NotificationPreference(models.Model):
    """What a user chose for their own notifications: e-mail on or off (no row: on)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.BooleanField("Nhận thông báo qua thư điện tử", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Lựa chọn nhận thông báo"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    RETRY = "retry", "Sẽ gửi lại"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Không gửi được"
    SKIPPED = "skipped", "Không gửi"


class Delivery(models.Model):
    """One notification sent on one channel (the delivery log): to a user's e-mail (`user`), or
    to an organization's channel (`channel`, `org`); a test message of a channel has no
    notification. Status, attempts, the last error and the times; the task worker sends it and
    retries with a growing delay (notifications.delivery)."""

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.ForeignKey(OrgChannel, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    medium = models.CharField("Kênh", max_length=20, choices=ChannelKind.choices)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    status = models.CharField(
        "Trạng thái", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("Số lần gửi", default=0)
    last_error = models.CharField("Lỗi gần nhất", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Lần gửi thông báo"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False, channel__isnull=False),
                name="delivery_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["notification", "user", "medium"],
                condition=Q(notification__isnull=False, user__isnull=False),
                name="delivery_once_per_user_medium",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(org__isnull=False), name="delivery_has_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["channel", "created_at"], name="delivery_channel_idx"),
            models.Index(fields=["user", "created_at"], name="delivery_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_medium_display()} · {self.get_status_display()}"
