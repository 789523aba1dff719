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
    # Internal political protection staff (bảo vệ chính trị nội bộ): the only role that sees
    # political-standard cases (kết luận tiêu chuẩn chính trị); an administrator does not.
    POLITICAL_PROTECTION = "political_protection", "Bảo vệ chính trị nội bộ"


# Actions on political-standard cases: granted ONLY by the political-protection role (never by
# admin or officer), so every other user gets "not found".
POLITICAL_ACTIONS = frozenset({"view_political", "record_political"})


# What each role may do inside its subtree.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"view", "view_personal", "record", "restructure", "manage_users", "meet"}),
    Role.OFFICER: frozenset({"view", "view_personal", "record", "restructure", "meet"}),
    # "meet": record the cell's meetings and their attendance (dangbo/meetings).
    Role.CELL_SECRETARY: frozenset({"view", "view_personal", "meet"}),
    Role.LEADER: frozenset({"view"}),
    Role.MEMBER: frozenset(),
    Role.POLITICAL_PROTECTION: frozenset({"view"}) | POLITICAL_ACTIONS,
}


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("Vai trò", max_length=20, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Trống = toàn hệ thống (chỉ dành cho quản trị).",
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Hồ sơ đảng viên của chính người dùng (vai trò đảng viên).",
    )
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Phân công vai trò"
        verbose_name_plural = "Phân công vai trò"
        indexes = [models.Index(fields=["user", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    @staticmethod
    def active_q(at) -> Q:
        return Q(valid_from__lte=at) & (Q(valid_to__isnull=True) | Q(valid_to__gte=at))


class PersonalToken(models.Model):
    """A personal API token: only the sha256 of the secret is stored; the secret is shown once.

    A token carries the scope of its owner (the API resolves `request.user` to the owner), can
    be revoked, and expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("Tên gợi nhớ", max_length=100)
    prefix = models.CharField(max_length=12, help_text="Đầu mã để nhận diện (không bí mật).")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("Hết hạn")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Mã truy cập API"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} — {self.name}"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now


class UserSession(models.Model):
    """The session keys of a user's logins, so "log out everywhere" can delete them all."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "Phiên đăng nhập"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} — {self.created:%d/%m/%Y %H:%M}"
