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
