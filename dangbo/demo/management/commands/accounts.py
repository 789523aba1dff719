"""`dangbo accounts`: the demo accounts (tên đăng nhập / mật khẩu / vai trò / phạm vi)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dangbo.demo.builder import accounts_table, demo_accounts_list, demo_totp_rows


class Command(BaseCommand):
    help = "In danh sách tài khoản trình diễn: tên đăng nhập, mật khẩu, vai trò, phạm vi."

    def handle(self, *args, **options) -> None:
        self.stdout.write("Tài khoản trình diễn (mật khẩu ban đầu của bản demo; chỉ dùng để thử nghiệm):")
        self.stdout.write(accounts_table(demo_accounts_list()))
        totp = demo_totp_rows()
        if totp:
            self.stdout.write("")
            self.stdout.write(
                "Quản trị và cán bộ ban tổ chức phải xác thực hai lớp (TOTP). Nhập mã hiện tại dưới đây "
                "(mã đổi sau 30 giây: chạy lại «dangbo accounts» để lấy mã mới), hoặc thêm khóa bí mật "
                "vào ứng dụng xác thực trên điện thoại:"
            )
            for username, secret, code in totp:
                self.stdout.write(f"  {username:<12} mã hiện tại: {code}   khóa bí mật: {secret}")
