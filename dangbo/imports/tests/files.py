"""Messy member files built by the tests themselves (synthetic names only)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from dangbo.imports.parse import TEMPLATE_HEADERS

HEADERS = TEMPLATE_HEADERS


def row(
    name="Nguyễn Văn An",
    birth="02/09/1980",
    sex="Nam",
    cid="001080000001",
    code="T01-X01-C01",
    org_name="",
    admitted="15/03/2010",
    ceremony="",
    full="15/03/2011",
    ethnicity="Kinh",
    religion="",
    hometown="Xã An Bình",
    card="",
    education="12/12",
    theory="Sơ cấp",
    occupation="Nông dân",
):
    return {
        "Họ và tên": name,
        "Ngày sinh": birth,
        "Giới tính": sex,
        "Dân tộc": ethnicity,
        "Tôn giáo": religion,
        "Quê quán": hometown,
        "Số CCCD": cid,
        "Số thẻ đảng viên": card,
        "Mã chi bộ": code,
        "Tên chi bộ": org_name,
        "Ngày vào Đảng": admitted,
        "Ngày lễ kết nạp": ceremony,
        "Ngày chính thức": full,
        "Trình độ học vấn": education,
        "Lý luận chính trị": theory,
        "Nghề nghiệp": occupation,
    }


def as_text(wb) -> None:
    """Cells openpyxl typed as formulas ("=..." strings) written as the text typed instead, as
    Excel stores a cell formatted as Text or a value pasted as text."""
    for ws in wb.worksheets:
        for r in ws.iter_rows():
            for cell in r:
                if cell.data_type == "f":
                    cell.data_type = "s"


def write_xlsx(path: Path, rows: list[dict], *, headers: list[str] | None = None, title_rows: int = 0) -> Path:
    """The rows under the headers; a text starting with "=" stays text (as_text)."""
    headers = headers or HEADERS
    wb = Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"DANH SÁCH ĐẢNG VIÊN {i + 1}"])
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, r.get(h.lower())) for h in headers])
    as_text(wb)
    wb.save(path)
    return path


def write_csv(
    path: Path, rows: list[dict], *, encoding: str = "utf-8", headers: list[str] | None = None, delimiter: str = ","
) -> Path:
    headers = headers or HEADERS
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter)
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def members(n: int, *, start: int = 1, code: str = "T01-X01-C01") -> list[dict]:
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    middle = ["Văn", "Thị", "Hữu", "Ngọc", "Đức", "Minh"]
    given = ["An", "Bình", "Cường", "Dung", "Hằng", "Khoa", "Lợi", "Tươi", "Yến", "Thuỷ"]
    out = []
    for i in range(start, start + n):
        out.append(
            row(
                name=f"{family[i % 8]} {middle[i % 6]} {given[i % 10]}",
                cid=f"{1_000_000_000 + i:012d}",
                birth=f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 40}",
                sex="Nữ" if i % 3 == 0 else "Nam",
                code=code,
                hometown=f"Xóm {i % 50}",
                admitted=f"{1 + i % 28}/{1 + i % 12}/2012",
                full=(f"{1 + i % 28}/{1 + i % 12}/2013" if i % 4 else ""),
            )
        )
    return out
