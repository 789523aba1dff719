"""`dangbo backup [DIR]`: one archive with the database, the uploaded files and the audit checkpoints
(default directory var/backups). A thin wrapper over `ops.backup.backup_create`."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.core.errors import DomainError
from dangbo.core.numbers import vn_int
from dangbo.ops.backup import backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu, tệp tải lên và điểm mốc nhật ký vào một tệp (mặc định trong var/backups)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="Thư mục ghi tệp sao lưu.",
        )

    def handle(self, *args, directory: str, **options) -> None:
        try:
            result = backup_create(directory=Path(directory))
        except (DomainError, OSError) as exc:
            raise CommandError(f"Sao lưu thất bại: {exc}", returncode=1) from exc
        m = result.manifest
        media = sum(1 for p in m["parts"] if p["path"].startswith("media/"))
        self.stdout.write(
            f"Đã sao lưu: cơ sở dữ liệu {m['database']['vendor']} ({vn_int(m['audit']['entries'])} bản ghi nhật ký), "
            f"{vn_int(media)} tệp tải lên"
            + (", điểm mốc nhật ký" if any(p["path"] == "audit-checkpoints.jsonl" for p in m["parts"]) else "")
            + "."
        )
        self.stdout.write(f"Tệp sao lưu: {result.path}")
        self.stdout.write("Lưu ý: khóa ký điểm mốc nhật ký không nằm trong tệp sao lưu; hãy sao lưu riêng khóa đó.")
