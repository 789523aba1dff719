"""`dangbo demo`: wipe the database and build the demo province (synthetic data only, R-167).

`--if-empty` leaves a database that already has organizations alone (used by `make run`).
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from dangbo.audit.services import checkpoints_set_aside
from dangbo.core.numbers import vn_decimal, vn_int
from dangbo.demo.builder import DEFAULT_MEMBERS, DEFAULT_SEED, build_demo
from dangbo.orgs.models import Organization


class Command(BaseCommand):
    help = "Xóa dữ liệu hiện có và tạo dữ liệu trình diễn: hai tỉnh cũ, mười năm biến động, hợp nhất tỉnh 01/7/2025."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Chỉ tạo khi cơ sở dữ liệu chưa có tổ chức đảng nào (không xóa gì)."
        )
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            help=f"Số đảng viên gần đúng (mặc định {DEFAULT_MEMBERS}; dưới 1500 thì cây tổ chức thu nhỏ).",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Hạt giống ngẫu nhiên (mặc định cố định).")

    def handle(
        self, *args, if_empty: bool = False, members: int = DEFAULT_MEMBERS, seed: int = DEFAULT_SEED, **options
    ) -> None:
        if if_empty and Organization.objects.exists():
            self.stdout.write(
                f"Cơ sở dữ liệu đã có {vn_int(Organization.objects.count())} tổ chức đảng; giữ nguyên, không tạo dữ liệu trình diễn."
            )
            call_command("accounts", stdout=self.stdout)
            return
        if Organization.objects.exists():  # nothing to say on an empty database
            self.stdout.write("Xóa dữ liệu hiện có…")
        call_command("flush", interactive=False, verbosity=0)
        # The audit log was emptied on purpose: its checkpoints belong to the old data.
        if aside := checkpoints_set_aside("demo"):
            self.stdout.write(f"Các điểm mốc nhật ký cũ được chuyển sang {aside}.")
        self.stdout.write("Tạo dữ liệu trình diễn (dữ liệu tổng hợp, không phải người thật)…")
        result = build_demo(members=members, seed=seed, log=lambda msg: self.stdout.write(f"  {msg}"))
        self.stdout.write(
            f"Xong sau {vn_decimal(result.seconds)} giây: {vn_int(result.organizations)} tổ chức đảng, "
            f"{vn_int(result.active_members)} đảng viên đang sinh hoạt ({vn_int(result.members)} hồ sơ), "
            f"{vn_int(result.events)} sự kiện, {vn_int(result.spans)} khoảng thời gian sinh hoạt."
        )
        self.stdout.write("")
        call_command("accounts", stdout=self.stdout)
