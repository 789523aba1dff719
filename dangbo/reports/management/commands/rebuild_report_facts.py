"""`dangbo rebuild-report-facts`: rebuild the report fact projections (ReportSpan, ReportFlow)
from the spans, events, profiles and e-handbook accounts. Needed after a bulk load that writes
spans directly (synthetic data, benchmarks); the services keep them current otherwise."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from dangbo.reports.facts import rebuild_all


class Command(BaseCommand):
    help = "Tính lại bảng số liệu phục vụ báo cáo (khoảng sinh hoạt và biến động của đảng viên) từ dữ liệu gốc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=20_000, help="Số đảng viên mỗi lượt đọc.")

    def handle(self, *args, chunk: int = 20_000, **options) -> None:
        spans, flows = rebuild_all(chunk=chunk, log=lambda m: self.stdout.write(m))
        self.stdout.write(f"Đã tính lại số liệu báo cáo: {spans} khoảng sinh hoạt, {flows} sự kiện biến động.")
