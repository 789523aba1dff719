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
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name="Người nhận")
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                            verbose_name="Tổ chức")
    kind = models.CharField("Loại", max_length=40)  # "plans.due", "plans.late", "grading.late"
    key = models.CharField(max_length=160)
    message = models.TextField("Nội dung")
    target_type = models.CharField(max_length=40, blank=True)  # what the notification links to: "plans.task"
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "Thông báo"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=Q(user__isnull=False),
                                    name="notification_once_per_user"),
            models.UniqueConstraint(fields=["org", "key"], condition=Q(user__isnull=True),
                                    name="notification_once_per_org"),
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(org__isnull=False),
                                   name="notification_has_addressee"),
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

    class Meta:
        verbose_name = "Người nhận thông báo"
        ordering = ["notice_id", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="notice_recipient_once")]
        indexes = [models.Index(fields=["member", "notice"], name="notice_recipient_member_idx")]
