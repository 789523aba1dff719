"""`dangbo rebuild-search-index`: rebuild what the PostgreSQL name search reads besides its
indexes: the vocabulary of name words and every member's search terms (name words and the
organizations of their history). The triggers keep both on every write; this is for a load that
ran with them off, or when `dangbo check-data` reports missing search terms."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import connection

from dangbo.core.numbers import vn_decimal, vn_int
from dangbo.search.models import refresh_member_terms, refresh_name_words


class Command(BaseCommand):
    help = "Tính lại chỉ mục tìm kiếm đảng viên (từ trong họ tên và tổ chức đã sinh hoạt; chỉ PostgreSQL)."

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite tìm kiếm trực tiếp trên họ tên, không có chỉ mục cần tính lại.")
            return
        t0 = time.perf_counter()
        words = refresh_name_words()
        rows = refresh_member_terms()
        seconds = vn_decimal(time.perf_counter() - t0)
        self.stdout.write(
            f"Đã tính lại chỉ mục tìm kiếm: {vn_int(rows)} đảng viên, thêm {vn_int(words)} từ mới ({seconds} giây)."
        )
