"""`dangbo audit verify` / `dangbo audit checkpoint`, in Vietnamese.

`verify` checks the hash chain of the audit log and compares the table with every signed
checkpoint of AUDIT_CHECKPOINT_FILE. It prints how many entries and checkpoints were checked and
either "Chuỗi nhật ký toàn vẹn" (exit code 0) or the first broken entry and each checkpoint the
table no longer matches (exit code 1). `checkpoint` appends one signed checkpoint (the task worker
runs it periodically through `checkpoint_write()`). Thin wrappers over the audit services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.audit.services import audit_verify, checkpoint_write, drain_reads
from dangbo.core.errors import DomainError
from dangbo.core.numbers import vn_int


class Command(BaseCommand):
    help = (
        "Nhật ký hệ thống. `audit verify`: kiểm tra chuỗi băm và các điểm mốc của nhật ký (phát hiện sửa, "
        "xóa bản ghi, xóa sạch, tính lại chuỗi). `audit checkpoint`: ghi một điểm mốc có chữ ký."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", title="lệnh", required=True)
        sub.add_parser("verify", help="Kiểm tra toàn bộ chuỗi nhật ký và các điểm mốc; mã lỗi 1 nếu không khớp.")
        sub.add_parser("checkpoint", help="Ghi một điểm mốc (số bản ghi, bản ghi cuối, băm) có chữ ký HMAC.")

    def handle(self, *args, subcommand: str = "verify", **options) -> None:
        if subcommand == "verify":
            self._verify()
        elif subcommand == "checkpoint":
            self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            cp = checkpoint_write()
        except (DomainError, OSError) as exc:
            raise CommandError(f"Không ghi được điểm mốc nhật ký: {exc}", returncode=1) from exc
        last = f"bản ghi cuối #{cp['last_id']}" if cp["last_id"] is not None else "nhật ký trống"
        self.stdout.write(
            f"Đã ghi điểm mốc nhật ký: {vn_int(cp['count'])} bản ghi, {last}, băm {cp['head_hash'][:16]}… "
            f"vào tệp {settings.AUDIT_CHECKPOINT_FILE}."
        )

    def _verify(self) -> None:
        try:
            drain_reads()  # pending reads join the chain first: the whole log is verified
            report = audit_verify()
        except DomainError as exc:
            raise CommandError(f"Không kiểm tra được nhật ký: {exc}", returncode=1) from exc
        broken = report.first_broken_id is not None
        self.stdout.write(f"Đã kiểm tra {vn_int(report.checked + (1 if broken else 0))} bản ghi nhật ký.")
        if report.checkpoints:
            self.stdout.write(f"Đã đối chiếu {vn_int(report.checkpoints)} điểm mốc.")
        else:
            self.stdout.write("Chưa có điểm mốc nào (dangbo audit checkpoint).")
        if report.ok:
            self.stdout.write("Chuỗi nhật ký toàn vẹn.")
            return
        if broken:
            self.stdout.write(f"Bản ghi bị phá vỡ đầu tiên: #{report.first_broken_id} — {report.reason}.")
        for problem in report.checkpoint_problems:
            self.stdout.write(f"Không khớp điểm mốc: {problem}.")
        if broken:
            raise CommandError(
                f"Chuỗi nhật ký không toàn vẹn từ bản ghi #{report.first_broken_id}: {report.reason}.", returncode=1
            )
        raise CommandError(
            f"Nhật ký không khớp với {vn_int(len(report.checkpoint_problems))} điểm mốc: nhật ký đã bị cắt bớt, "
            "xóa hoặc viết lại (hoặc tệp điểm mốc bị sửa).",
            returncode=1,
        )
