"""Formula injection (issue 13): one rule, core.spreadsheet, applied by every spreadsheet export."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from dangbo.core.sheets import Column, Sheet, write_csv, write_xlsx
from dangbo.core.spreadsheet import formula_refusal, is_formula_like, neutralize, workbook_bytes

DANGBO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+SUM(A1)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\t=1",
        "\r=1",
        '=HYPERLINK("http://x.example","a")',
        "- 2+cmd|'/C calc'!A0",
    ],
)
def test_formula_like_texts_are_prefixed_with_a_quote(text):
    assert is_formula_like(text) and neutralize(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "+84 912 345 678",
        "-5",
        "-1.234,5",
        "+1",
        "-",
        "- -",
        "Nguyễn Văn An",
        "",
        "001080000001",
        -5,
        3.5,
        None,
        date(2020, 1, 2),
        "'=already quoted",
    ],
)
def test_numbers_and_ordinary_texts_are_left_alone(value):
    assert not is_formula_like(value) and neutralize(value) is value


def test_a_list_bullet_may_be_kept_where_asked():
    assert formula_refusal("- Phát động thi đua", bullets=True) is None
    assert "bắt đầu bằng «-»" in formula_refusal("- Phát động thi đua")
    assert "bắt đầu bằng «=»" in formula_refusal("=1+1", bullets=True)


def test_workbook_bytes_neutralizes_every_sheet_and_keeps_numbers():
    wb = Workbook()
    wb.active.append(["=cmd|' /C calc'!A0", -5, "+84 912 345 678"])
    wb.create_sheet("Hai")["B3"] = "@SUM(1)"
    out = load_workbook(io.BytesIO(workbook_bytes(wb)))
    first, second = out.worksheets
    assert [c.value for c in first[1]] == ["'=cmd|' /C calc'!A0", -5, "+84 912 345 678"]
    assert [c.data_type for c in first[1]] == ["s", "n", "s"]
    assert second["B3"].value == "'@SUM(1)"


def test_the_member_writers_neutralize_text_and_write_numbers_as_numbers():
    sheet = Sheet("=Tiêu đề", [Column("=Cột"), Column("Số", kind="int")], [("=1+1", -5), ("+84 912 345 678", 7)])
    ws = load_workbook(io.BytesIO(write_xlsx(sheet, watermark="@người xuất", exporter="x"))).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values == [
        ["'@người xuất", None],
        ["'=Tiêu đề", None],
        ["'=Cột", "Số"],
        ["'=1+1", -5],
        ["+84 912 345 678", 7],
    ]
    assert ws["B4"].data_type == "n"
    text = write_csv(sheet, watermark="@người xuất").decode("utf-8-sig")
    assert text.splitlines() == ["'@người xuất", "'=Cột;Số", "'=1+1;-5", "+84 912 345 678;7"]


def test_every_spreadsheet_export_goes_through_the_one_helper():
    """No module saves an openpyxl workbook or writes CSV except through core.spreadsheet (normal
    workbooks: workbook_bytes) or core/sheets.py (write-only workbook and CSV: neutralize on
    every cell). A new export that saves a workbook itself fails here."""
    allowed = {"core/spreadsheet.py", "core/sheets.py"}
    offenders = []
    for path in DANGBO.rglob("*.py"):
        rel = path.relative_to(DANGBO).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel in allowed:
            continue
        source = path.read_text(encoding="utf-8")
        if "openpyxl" in source and re.search(r"\bwb\.save\(|\bworkbook\.save\(", source):
            offenders.append(rel)
        if re.search(r"csv\.(writer|DictWriter)\(", source):
            offenders.append(rel)
    assert offenders == []
