"""`dangbo restore ARCHIVE [--force]`: restore an archive of `dangbo backup` into an empty database
(run as the owner: the `dangbo` entry point connects with DATABASE_OWNER_URL when it is set).
A thin wrapper over `ops.backup.backup_restore`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangbo.core.errors import DomainError, not_found
from dangbo.core.numbers import vn_int
from dangbo.ops.backup import backup_restore


class Command(BaseCommand):
    help = "Khôi phục một tệp sao lưu vào cơ sở dữ liệu trống (cùng tệp tải lên và điểm mốc nhật ký)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Tệp sao lưu (dangbo-backup-….tar hoặc .tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Cho phép khôi phục đè lên cơ sở dữ liệu đã có dữ liệu (xóa dữ liệu hiện có).",
        )

    def handle(self, *args, archive: str, force: bool = False, **options) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(not_found(f"tệp sao lưu {path}."), returncode=1)
        try:
            result = backup_restore(archive=path, force=force)
        except (DomainError, OSError) as exc:
            raise CommandError(f"Khôi phục thất bại: {exc}", returncode=1) from exc
        m = result.manifest
        made = timezone.localtime(datetime.fromisoformat(m["created_at"]))
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {made:%d/%m/%Y %H:%M}: cơ sở dữ liệu {m['database']['vendor']} "
            f"({vn_int(m['audit']['entries'])} bản ghi nhật ký), {vn_int(result.media_files)} tệp tải lên"
            + (", điểm mốc nhật ký" if result.checkpoints else "")
            + "."
        )
        if result.checkpoints_set_aside:
            self.stdout.write(
                f"Các điểm mốc nhật ký trước khi khôi phục được chuyển sang {result.checkpoints_set_aside}."
            )
        self.stdout.write("Hãy chạy `dangbo audit verify` và `dangbo check-data` để kiểm tra.")
