"""Spreadsheet cells that cannot run: the one rule against formula (CSV) injection.

A text starting with "=", "+", "-", "@", a tab or a carriage return is read by Excel and
LibreOffice as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, DDE), whether it comes from a
CSV file or is written by openpyxl, which stores such a string as a live formula. Following the
OWASP CSV-injection guidance, every export prefixes such a text with a single quote
(`neutralize`); XLSX files written by a normal openpyxl workbook go through `workbook_bytes`,
which applies it to every cell of every sheet just before saving, so no cell is forgotten.
Numbers stay numbers (only `str` values are touched), and a text that is only a signed number
("+84 912 345 678", "-5", "-1.234,5") or only signs ("-", the usual "none") is left as it is: it
cannot call anything.

Imports refuse such texts in free-text columns (names, places, notes, bodies) with
`formula_refusal`, where a formula makes no sense; columns holding numbers or dates are not
checked, and a long content column may keep its list bullets ("- ").
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,]*|[+-][+ -]*")  # "-5", "+84 912 345 678"; "-" = none
_SIGNS = {"\t": "một dấu tab", "\r": "một dấu xuống dòng (CR)"}


def is_formula_like(value: Any) -> bool:
    """A text a spreadsheet would evaluate as a formula (a signed number excepted)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _SIGNED_NUMBER.fullmatch(value)


def neutralize(value: Any) -> Any:
    """The value to write into a spreadsheet cell (XLSX or CSV): formula-like text prefixed with
    a single quote, anything else unchanged."""
    if is_formula_like(value):
        return "'" + value
    return value


def neutralize_workbook(wb: Workbook) -> Workbook:
    """Every string cell of every worksheet of a (normal, not write-only) workbook neutralized,
    including those openpyxl already typed as formulas."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and is_formula_like(value):
                    cell.value = neutralize(value)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The XLSX file of a workbook, every cell neutralized: how every export saves a workbook."""
    buffer = io.BytesIO()
    neutralize_workbook(wb).save(buffer)
    return buffer.getvalue()


def formula_refusal(value: Any, *, bullets: bool = False) -> str | None:
    """The Vietnamese reason an imported free-text cell is refused, or None. With `bullets`, a
    list item "- text" / "+ text" (sign, then a space: usual in the content of a document) is
    accepted; exports neutralize it anyway."""
    if not is_formula_like(value) or (bullets and value[:2] in ("- ", "+ ")):
        return None
    shown = value.strip()[:40]
    sign = _SIGNS.get(value[0], f"«{value[0]}»")
    return (
        f"Nội dung «{shown}» bắt đầu bằng {sign} nên Excel sẽ coi là công thức; "
        "hệ thống không nhận công thức trong cột chữ. Hãy bỏ ký tự đó ở đầu ô."
    )
