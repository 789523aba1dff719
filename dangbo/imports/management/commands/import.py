"""`dangbo import [--kind members|orgs] FILE [--dry-run] [--under ORG] [--create-cells]
[--confirm-duplicates]`: check (and without --dry-run, write) a member file (default) or an
organization file.

--under ORG (a code or an id): the superior organization the member file is about; cell names are
matched inside its subtree. --create-cells: a cell name not found there is created under it (listed
first by the dry run). --confirm-duplicates: the rows flagged as likely duplicates (same name and
birth as another row or member, other details different) are imported as separate members.

Prints the columns (file header -> field, and the ignored ones), counts, every refusal (row,
column, reason), the rows skipped or flagged and why. Exits with status 1 when rows are refused
(nothing is written then).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from dangbo.access.policy import SYSTEM, not_found
from dangbo.imports.orgs import OrgImportRefused, OrgReport, org_import_apply, org_import_dry_run
from dangbo.imports.parse import FileFormatError
from dangbo.imports.services import ImportRefused, Report, import_apply, import_dry_run
from dangbo.orgs.models import Organization


class Command(BaseCommand):
    help = "Nhập danh sách đảng viên (hoặc tổ chức đảng, --kind orgs) từ tệp .xlsx hoặc .csv."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")
        parser.add_argument(
            "--kind",
            choices=["members", "orgs"],
            default="members",
            help="members: danh sách đảng viên (mặc định); orgs: danh sách tổ chức đảng.",
        )
        parser.add_argument(
            "--under",
            metavar="ORG",
            help="Mã hoặc số hiệu tổ chức cấp trên mà tệp nói về: tên chi bộ được tìm trong đó.",
        )
        parser.add_argument(
            "--create-cells", action="store_true", help="Lập chi bộ chưa có (theo tên trong tệp) dưới tổ chức --under."
        )
        parser.add_argument(
            "--confirm-duplicates",
            action="store_true",
            help="Nhập các dòng có thể trùng người thành hồ sơ riêng (đã xem xét).",
        )

    def handle(
        self,
        *args,
        file: str,
        dry_run: bool = False,
        kind: str = "members",
        under: str | None = None,
        create_cells: bool = False,
        confirm_duplicates: bool = False,
        **options,
    ):
        last = [0]

        def progress(done: int) -> None:
            if done - last[0] >= 10_000:
                last[0] = done
                self.stderr.write(f"  … đã đọc {done:,} dòng".replace(",", "."))

        extra: dict = {}
        if kind == "orgs":
            check, apply = org_import_dry_run, org_import_apply
            if under or create_cells or confirm_duplicates:
                raise CommandError("--under, --create-cells, --confirm-duplicates chỉ dùng khi nhập đảng viên.")
        else:
            check, apply = import_dry_run, import_apply
            if create_cells and not under:
                raise CommandError("--create-cells cần --under (tổ chức cấp trên của các chi bộ mới).")
            extra = {"under": self._org(under) if under else None, "create_cells": create_cells}
        try:
            if dry_run:
                report = check(file, actor=SYSTEM.named("dòng lệnh"), progress=progress, **extra)
            else:
                if kind != "orgs":
                    extra["confirm_duplicates"] = confirm_duplicates
                report = apply(file, actor=SYSTEM.named("dòng lệnh"), progress=progress, **extra)
        except (ImportRefused, OrgImportRefused) as exc:
            self._print(exc.report, dry_run=dry_run)
            self.stdout.write(exc.message)
            sys.exit(1)
        except (FileFormatError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self._print(report, dry_run=dry_run)
        if dry_run and report.refused_rows:
            sys.exit(1)

    @staticmethod
    def _org(ref: str) -> Organization:
        org = Organization.objects.filter(code__iexact=ref.strip()).first()
        if org is None and ref.strip().isdigit():
            org = Organization.objects.filter(pk=int(ref)).first()
        if org is None:
            raise CommandError(not_found(f"tổ chức «{ref}» (ghi mã hoặc số hiệu tổ chức)."))
        return org

    def _print(self, report: Report | OrgReport, *, dry_run: bool) -> None:
        def n(x: int) -> str:
            return f"{x:,}".replace(",", ".")

        out = self.stdout
        if report.under:
            out.write(f"Tổ chức cấp trên của tệp: {report.under}")
        for m in report.mapped:
            target = f"«{m['label']}»" if m["field"] else "BỎ QUA (không nhận ra cột này)"
            if m["how"] == "officer":
                target += " (theo cách ghép đã lưu)" if m["field"] else " (đã chọn bỏ qua)"
            out.write(f"Cột «{m['header']}» → {target}")
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
        if getattr(report, "skipped", 0):
            out.write(f"Bỏ qua (trùng hoàn toàn): {n(report.skipped)}")
        for d in getattr(report, "notes", []):
            out.write(f"  dòng {d['row']}: {d['reason']}")
        if getattr(report, "review_count", 0):
            out.write(f"Cần xem lại: {n(report.review_count)}")
            for d in report.reviews:
                out.write(f"  dòng {d['row']}: {d['reason']}")
        for o in getattr(report, "new_orgs", []):
            made = f"đã lập {o['code']}" if o["code"] else "sẽ lập"
            out.write(
                f"Chi bộ mới ({made}): «{o['name']}» thuộc {o['parent']}, {o['rows']} dòng "
                f"(dòng đầu {o['first_row']}), ngày {o['on']}"
            )
