"""`dangbo import [--kind members|orgs] FILE [--dry-run]`: check (and without --dry-run, write) a
member file (default) or an organization file.

Prints counts, every refusal (row, column, reason) and the likely duplicates. Exits with status 1
when rows are refused (nothing is written then).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from dangbo.access.policy import SYSTEM
from dangbo.imports.orgs import OrgImportRefused, OrgReport, org_import_apply, org_import_dry_run
from dangbo.imports.parse import FileFormatError
from dangbo.imports.services import ImportRefused, Report, import_apply, import_dry_run


class Command(BaseCommand):
    help = "Nhập danh sách đảng viên (hoặc tổ chức đảng, --kind orgs) từ tệp .xlsx hoặc .csv."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")
        parser.add_argument("--kind", choices=["members", "orgs"], default="members",
                            help="members: danh sách đảng viên (mặc định); orgs: danh sách tổ chức đảng.")

    def handle(self, *args, file: str, dry_run: bool = False, kind: str = "members", **options):
        last = [0]

        def progress(done: int) -> None:
            if done - last[0] >= 10_000:
                last[0] = done
                self.stderr.write(f"  … đã đọc {done:,} dòng".replace(",", "."))

        if kind == "orgs":
            check, apply = org_import_dry_run, org_import_apply
        else:
            check, apply = import_dry_run, import_apply
        try:
            if dry_run:
                report = check(file, actor=SYSTEM.named("dòng lệnh"), progress=progress)
            else:
                report = apply(file, actor=SYSTEM.named("dòng lệnh"), progress=progress)
        except (ImportRefused, OrgImportRefused) as exc:
            self._print(exc.report, dry_run=dry_run)
            self.stdout.write(exc.message)
            sys.exit(1)
        except (FileFormatError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self._print(report, dry_run=dry_run)
        if dry_run and report.refused_rows:
            sys.exit(1)

    def _print(self, report: Report | OrgReport, *, dry_run: bool) -> None:
        def n(x: int) -> str:
            return f"{x:,}".replace(",", ".")

        out = self.stdout
        if dry_run:
            out.write("KIỂM TRA (chưa ghi)")
        else:
            out.write("NHẬP DỮ LIỆU" if report.applied else "NHẬP DỮ LIỆU: KHÔNG GHI DÒNG NÀO")
        if report.encoding:
            out.write(f"Bảng mã cũ phát hiện: {report.encoding.upper()} (đã chuyển sang Unicode)")
        out.write(f"Tổng số dòng: {n(report.total)}")
        if dry_run:
            created = "Sẽ tạo mới"
        elif report.applied:
            created = "Đã tạo mới"
        else:  # refused: the transaction was rolled back, nothing was created
            created = "Dòng hợp lệ (chưa ghi vì tệp có dòng bị từ chối)"
        out.write(f"{created}: {n(report.created)}")
        out.write(f"Không thay đổi: {n(report.unchanged)}")
        out.write(f"Bị từ chối: {n(report.refused_rows)}")
        for r in report.refusals:
            out.write(f"  dòng {r['row']}, cột «{r['column']}»: {r['reason']}")
        if report.duplicate_count:
            out.write(f"Có thể trùng: {n(report.duplicate_count)}")
            for d in report.duplicates:
                out.write(f"  dòng {d['row']}: {d['reason']}")
