"""`dangbo rebuild-org-facts`: rebuild the per-organization summaries (reports.orgfacts: the
ranges each organization owed its regular meeting, its counted members by date range) from the
membership spans and the report facts, set-based (two statements). Needed after a bulk load that
writes spans directly; the services keep them current otherwise (and `rebuild-report-facts`
rebuilds them too). With `--check`, only compare the stored rows with the live computation from
the spans and report the organizations that differ (exit code 1 if any)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.reports.orgfacts import rebuild, stale_orgs


class Command(BaseCommand):
    help = "Tính lại bảng tổng hợp theo tổ chức (thời gian phải sinh hoạt, số đảng viên theo thời gian)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Chỉ kiểm tra, không sửa; trả mã lỗi 1 nếu có tổ chức sai số liệu tổng hợp.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            wrong = stale_orgs()
            if wrong:
                shown = ", ".join(f"#{pk}" for pk in wrong[:20])
                raise CommandError(f"Có {len(wrong)} tổ chức sai số liệu tổng hợp: {shown}.", returncode=1)
            self.stdout.write("Số liệu tổng hợp theo tổ chức nhất quán với dữ liệu gốc.")
            return
        due, counts = rebuild(log=lambda m: self.stdout.write(m))
        self.stdout.write(
            f"Đã tính lại số liệu tổng hợp theo tổ chức: {due} khoảng phải sinh hoạt, {counts} khoảng số đảng viên."
        )
