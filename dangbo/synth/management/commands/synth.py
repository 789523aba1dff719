"""dangbo synth --members N [--scale province|national] [--seed S] [--database-url URL]"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Tạo dữ liệu tổng hợp (cây tổ chức, đảng viên, 10 năm sự kiện) để đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=None,
            help="Số đảng viên (mặc định: 60.000 cho một tỉnh, 5.300.000 cho toàn quốc).",
        )
        parser.add_argument(
            "--scale",
            choices=["province", "national"],
            default="province",
            help="province: một tỉnh; national: 34 tỉnh (chỉ trên PostgreSQL).",
        )
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--database-url",
            default="",
            help="Cơ sở dữ liệu đích; đặt DATABASE_URL trước khi chạy lệnh để dùng cơ sở khác.",
        )

    def handle(self, *args, members, scale, seed, database_url, **opts):
        if database_url and database_url != os.environ.get("DATABASE_URL"):
            raise CommandError("Hãy chạy: DATABASE_URL=<url> dangbo synth ... (cấu hình được đọc khi khởi động).")
        # Lazy: the builder (and its generators) load only when the command runs, not for `--help`/listing.
        from dangbo.synth.builder import NATIONAL_MEMBERS, PROVINCE_MEMBERS, SynthError, synth_build

        n = members or (NATIONAL_MEMBERS if scale == "national" else PROVINCE_MEMBERS)
        try:
            r = synth_build(members=n, scale=scale, seed=seed, log=lambda m: self.stdout.write(m))
        except SynthError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo {r.members} đảng viên, {r.events} sự kiện, {r.spans} khoảng sinh hoạt, "
                f"{r.organizations} tổ chức trong {r.seconds:.1f} giây."
            )
        )
