"""`dangbo check-data`: integrity report of the member registry, in Vietnamese.

Exit code 0 with a summary line; with `--strict`, exit code 1 when any issue is found.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangbo.members.selectors import ISSUE_KINDS, data_issues


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn dữ liệu đảng viên (sự kiện, tổ chức, thời hạn, dữ liệu tổng hợp)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--strict", action="store_true", help="Trả mã lỗi 1 nếu có bất kỳ vấn đề nào.")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Ngày dùng để tính thời hạn (YYYY-MM-DD); mặc định là hôm nay.",
        )

    def handle(self, *args, strict: bool = False, today: date | None = None, **options) -> None:
        today = today or timezone.localdate()
        issues = data_issues(today=today)
        self.stdout.write(f"Kiểm tra dữ liệu đảng viên tính đến ngày {today:%d/%m/%Y}")
        for kind, label in ISSUE_KINDS.items():
            found = [i for i in issues if i.kind == kind]
            if not found:
                continue
            self.stdout.write("")
            self.stdout.write(f"{label}: {len(found)}")
            for i in found:
                self.stdout.write(f"  - Đảng viên #{i.member_id} {i.member_name}: {i.message}")
        summary = (
            f"Tổng cộng: {len(issues)} vấn đề"
            + (" (" + ", ".join(f"{label}: {n}" for label, n in self._counts(issues)) + ")" if issues else "")
            + "."
        )
        if not issues:
            summary = "Tổng cộng: 0 vấn đề. Dữ liệu nhất quán."
        self.stdout.write("")
        self.stdout.write(summary)
        if strict and issues:
            raise CommandError(f"Có {len(issues)} vấn đề về dữ liệu.", returncode=1)

    @staticmethod
    def _counts(issues) -> list[tuple[str, int]]:
        return [(label, n) for kind, label in ISSUE_KINDS.items() if (n := sum(1 for i in issues if i.kind == kind))]
