"""`dangbo rebuild-meeting-counts`: recount the stored roster counts of every meeting (listed,
present, excused, unexcused) from the attendance rows. Needed after a bulk load that writes
attendance rows directly (demo, benchmarks); the services keep them current otherwise.
With `--check`, only report the meetings whose stored counts differ (exit code 1 if any)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.meetings.models import Meeting
from dangbo.meetings.services import miscounted, recount


class Command(BaseCommand):
    help = "Tính lại số đảng viên có mặt, vắng có lý do, vắng không lý do của từng buổi sinh hoạt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Chỉ kiểm tra, không sửa; trả mã lỗi 1 nếu có buổi sinh hoạt sai số liệu.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        wrong = list(miscounted().values_list("pk", flat=True)[:1000])
        if check:
            if wrong:
                shown = ", ".join(f"#{pk}" for pk in wrong[:20])
                raise CommandError(f"Có {len(wrong)} buổi sinh hoạt sai số liệu điểm danh: {shown}.", returncode=1)
            self.stdout.write("Số liệu điểm danh của các buổi sinh hoạt nhất quán.")
            return
        n = recount(Meeting.objects.all())
        self.stdout.write(f"Đã tính lại số liệu điểm danh của {n} buổi sinh hoạt ({len(wrong)} buổi sai trước đó).")
