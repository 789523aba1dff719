"""`dangbo audit verify`: check the hash chain of the audit log, in Vietnamese.

Prints how many entries were checked and either "Chuỗi nhật ký toàn vẹn" (exit code 0) or the
first broken entry with the reason (exit code 1). A thin wrapper over `audit_verify()`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.audit.services import audit_verify
from dangbo.core.numbers import vn_int


class Command(BaseCommand):
    help = "Nhật ký hệ thống. `audit verify`: kiểm tra chuỗi băm của nhật ký (phát hiện sửa, xóa bản ghi)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", title="lệnh", required=True)
        sub.add_parser("verify", help="Kiểm tra toàn bộ chuỗi nhật ký; mã lỗi 1 nếu chuỗi bị phá vỡ.")

    def handle(self, *args, subcommand: str = "verify", **options) -> None:
        if subcommand == "verify":
            self._verify()

    def _verify(self) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"Đã kiểm tra {vn_int(report.checked)} bản ghi nhật ký.")
            self.stdout.write("Chuỗi nhật ký toàn vẹn.")
            return
        self.stdout.write(f"Đã kiểm tra {vn_int(report.checked + 1)} bản ghi nhật ký.")
        self.stdout.write(f"Bản ghi bị phá vỡ đầu tiên: #{report.first_broken_id} — {report.reason}.")
        raise CommandError(
            f"Chuỗi nhật ký không toàn vẹn từ bản ghi #{report.first_broken_id}: {report.reason}.", returncode=1
        )
