"""`dangbo plans-remind [--ngay dd/mm/yyyy]`: create the plan reminders due that day (idempotent)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from dangbo.plans.services import plans_remind


class Command(BaseCommand):
    help = "Tạo nhắc việc cho các nhiệm vụ sắp đến hạn hoặc quá hạn (chạy lại không tạo trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--ngay", default="", help="Ngày tính (dd/mm/yyyy), mặc định hôm nay.")

    def handle(self, *args, ngay: str = "", **options):
        as_of = None
        if ngay:
            try:
                as_of = datetime.strptime(ngay, "%d/%m/%Y").date()  # noqa: DTZ007
            except ValueError as exc:
                raise CommandError("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.") from exc
        created = plans_remind(as_of=as_of)
        self.stdout.write(f"Đã tạo {created} nhắc việc.")
