"""`dangbo db-roles`: create the PostgreSQL role the application connects as and grant it ordinary
DML on every table but only INSERT/SELECT on the audit log (idempotent; run as the owner).

The role and its password come from DATABASE_URL (`--role` overrides the name); the command itself
connects with DATABASE_OWNER_URL (the `dangbo` entry point does so for this command).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from dangbo.audit.db_roles import app_role_create, app_role_grant, audit_table_rights, current_role


class Command(BaseCommand):
    help = (
        "Tạo vai trò PostgreSQL mà ứng dụng dùng để kết nối và cấp quyền: đọc/ghi mọi bảng, riêng bảng nhật ký "
        "chỉ được thêm và đọc (không sửa, xóa, TRUNCATE). Chạy bằng vai trò sở hữu (DATABASE_OWNER_URL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--role", default="", help="Tên vai trò ứng dụng (mặc định: người dùng trong DATABASE_URL)."
        )
        parser.add_argument(
            "--password", default=None, help="Mật khẩu đặt cho vai trò (mặc định: mật khẩu trong DATABASE_URL, nếu có)."
        )

    def handle(self, *args, role: str = "", password: str | None = None, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Phân quyền vai trò chỉ dùng với PostgreSQL; SQLite không có vai trò.", returncode=1)
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError(
                "Chưa biết vai trò ứng dụng: đặt DATABASE_OWNER_URL (vai trò sở hữu) và DATABASE_URL (vai trò ứng "
                "dụng), hoặc dùng --role.",
                returncode=1,
            )
        owner = current_role(connection=connection)
        if role == owner:
            raise CommandError(
                f"Vai trò ứng dụng «{role}» trùng với vai trò đang kết nối (sở hữu bảng): ứng dụng phải dùng một vai "
                "trò khác thì mới không sửa, xóa được nhật ký.",
                returncode=1,
            )
        if password is None and role == settings.DATABASE_APP_ROLE:
            password = settings.DATABASE_APP_PASSWORD or None
        created = app_role_create(role, password=password, connection=connection)
        self.stdout.write(f"{'Đã tạo' if created else 'Đã có'} vai trò «{role}».")
        app_role_grant(role, connection=connection)
        rights = audit_table_rights(role, connection=connection)
        granted = ", ".join(r for r, ok in rights.items() if ok) or "không có"
        self.stdout.write(f"Đã cấp quyền cho «{role}» (sở hữu: «{owner}»). Quyền trên bảng nhật ký: {granted}.")
