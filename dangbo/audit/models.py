"""The append-only, hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One write (or sensitive read) in the system.

    `hash` = sha256(prev_hash + canonical JSON of the entry), so editing or deleting a row
    breaks the chain at that row (`dangbo audit verify`).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    org_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The party member the entry is about (a profile read, an event of that member...), so a
    # member's trail and "who viewed my profile" are one indexed lookup. Part of the hash only
    # when set, so entries written before the field existed still verify.
    subject_member_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("AuditEntry is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("AuditEntry is append-only")


class PendingRead(models.Model):
    """A sensitive read (R-165) waiting to join the hash chain: appended here without the chain's
    lock, so concurrent profile reads do not wait for each other, and moved into `AuditEntry` in
    order, with their own time, by `audit.services.drain_reads` (the periodic job
    "audit.drain_reads", `dangbo audit verify`, every checkpoint and the audit log pages)."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    org_id = models.BigIntegerField(null=True, blank=True)
    subject_member_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "Lượt xem chờ ghi nhật ký"
        verbose_name_plural = "Lượt xem chờ ghi nhật ký"
