"""`dangbo rebuild-dues-facts`: rebuild the stored dues facts (what each member owes and paid per
month, `dues.facts`) from the declarations, payments, reliefs, spans and transfer letters. Needed
after a bulk load that writes dues rows directly (demo, benchmarks) or a change of the rate
parameters; the services keep them current otherwise. With `--check`, only report the members
whose stored rows differ, then the organization-months (exit code 1 if any)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangbo.dues import facts


class Command(BaseCommand):
    help = "Tính lại số liệu đảng phí lưu sẵn theo đảng viên và tháng (phải đóng, đã đóng, nơi đóng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Chỉ kiểm tra, không sửa; trả mã lỗi 1 nếu có đảng viên sai số liệu."
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            if facts.facts_until() is None:
                self.stdout.write("Chưa có số liệu đảng phí lưu sẵn (các số liệu được tính trực tiếp).")
                return
            wrong = facts.stale_members()
            if wrong:
                shown = ", ".join(f"#{pk}" for pk in wrong[:20])
                raise CommandError(f"Có {len(wrong)} đảng viên sai số liệu đảng phí lưu sẵn: {shown}.", returncode=1)
            wrong_orgs = facts.stale_org_months()
            if wrong_orgs:
                shown = ", ".join(f"#{org} tháng {m:%m/%Y}" for org, m in wrong_orgs[:20])
                raise CommandError(
                    f"Có {len(wrong_orgs)} tổ chức-tháng sai số liệu đảng phí lưu sẵn: {shown}.", returncode=1
                )
            self.stdout.write("Số liệu đảng phí lưu sẵn khớp với dữ liệu gốc.")
            return
        n = facts.rebuild_all()
        until = facts.facts_until()
        self.stdout.write(f"Đã tính lại {n:,} dòng số liệu đảng phí (đến tháng {until:%m/%Y}).".replace(",", "."))
