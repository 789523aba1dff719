"""Who may see and do what: a role on an organization subtree, valid over a date range."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    OFFICER = "officer", "Cán bộ ban tổ chức"
    CELL_SECRETARY = "cell_secretary", "Bí thư chi bộ"
    LEADER = "leader", "Lãnh đạo (chỉ xem)"
    MEMBER = "member", "Đảng viên"


# What each role may do inside its subtree.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"view", "view_personal", "record", "restructure", "manage_users"}),
    Role.OFFICER: frozenset({"view", "view_personal", "record", "restructure"}),
    Role.CELL_SECRETARY: frozenset({"view", "view_personal"}),
    Role.LEADER: frozenset({"view"}),
    Role.MEMBER: frozenset(),
}


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("Vai trò", max_length=20, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Trống = toàn hệ thống (chỉ dành cho quản trị).",
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Hồ sơ đảng viên của chính người dùng (vai trò đảng viên).",
    )
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Phân công vai trò"
        indexes = [models.Index(fields=["user", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    @staticmethod
    def active_q(at) -> Q:
        return Q(valid_from__lte=at) & (Q(valid_to__isnull=True) | Q(valid_to__gte=at))
