"""`dangbo accounts`: the demo accounts (tên đăng nhập / mật khẩu / vai trò / phạm vi)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dangbo.demo.builder import accounts_table, demo_accounts_list


class Command(BaseCommand):
    help = "In danh sách tài khoản trình diễn: tên đăng nhập, mật khẩu, vai trò, phạm vi."

    def handle(self, *args, **options) -> None:
        self.stdout.write("Tài khoản trình diễn (mật khẩu ban đầu của bản demo; chỉ dùng để thử nghiệm):")
        self.stdout.write(accounts_table(demo_accounts_list()))
