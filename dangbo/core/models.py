from __future__ import annotations

from django.db import models


class RuleParameter(models.Model):
    """An administrator's override of a rule parameter (R-000), in force from `valid_from`."""

    name = models.CharField("Tham số", max_length=80)
    value = models.JSONField("Giá trị")
    valid_from = models.DateField("Áp dụng từ")
    source = models.CharField("Văn bản căn cứ", max_length=255)

    class Meta:
        verbose_name = "Tham số quy định"
        constraints = [models.UniqueConstraint(fields=["name", "valid_from"], name="ruleparam_unique")]

    def __str__(self) -> str:
        return f"{self.name} từ {self.valid_from:%d/%m/%Y}"


class DataStamp(models.Model):
    """A token that database triggers renew whenever a source of a cache changes (core.stamps)."""

    name = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "Dấu phiên bản dữ liệu"


class FormSubmission(models.Model):
    """A create form's one-time token, claimed in the transaction that creates (core.once): the same
    form posted twice (double click, resent request) creates once and leads to what was created."""

    token = models.CharField(max_length=64, unique=True)
    user_id = models.IntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "Lần gửi biểu mẫu"
        verbose_name_plural = "Lần gửi biểu mẫu"

    def __str__(self) -> str:
        return self.token
