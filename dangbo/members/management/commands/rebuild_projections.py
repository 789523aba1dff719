"""`dangbo rebuild-projections`: rebuild every member's spans and current state from the events."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.members.services import projections_rebuild


class Command(BaseCommand):
    help = "Tính lại các khoảng thời gian sinh hoạt và trạng thái hiện tại của đảng viên từ các sự kiện."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--member",
            type=int,
            action="append",
            dest="member_ids",
            help="Chỉ tính lại cho đảng viên có mã này (có thể lặp lại).",
        )

    def handle(self, *args, member_ids: list[int] | None = None, **options) -> None:
        report = projections_rebuild(member_ids=member_ids)
        for member_id, message in report.failures:
            self.stderr.write(f"Đảng viên #{member_id}: không tính lại được — {message}")
        self.stdout.write(
            f"Đã tính lại {report.members} đảng viên, {report.spans} khoảng thời gian; "
            f"{len(report.failures)} đảng viên có lịch sử sự kiện không hợp lệ."
        )
        if report.failures:
            raise CommandError(
                f"{len(report.failures)} đảng viên không tính lại được; chạy «dangbo check-data» để xem chi tiết.",
                returncode=1,
            )
