"""Pure cleaning functions for imported cells. Each returns a clean value or raises ValueError
with a Vietnamese reason (the importer adds the row number and the column).

Text goes through the legacy-encoding converter (legacy.py), NFD -> NFC and whitespace clean-up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from dangbo.core.reference import items
from dangbo.core.spreadsheet import formula_refusal
from dangbo.core.text import fold
from dangbo.imports import legacy

_SPACES = re.compile(r"[\s\u00a0\u200b\ufeff]+")
EXCEL_EPOCH = date(1899, 12, 30)  # 1900 date system, after Lotus' 29/02/1900 bug
MIN_YEAR = 1890


def clean_text(value, *, encoding: str | None = None) -> str:
    """Any cell -> NFC text with single spaces; legacy TCVN3/VNI converted ("" for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    text = legacy.to_unicode(text, encoding) if encoding else legacy.to_unicode(text)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


def clean_free_text(value, *, encoding: str | None = None) -> str:
    """clean_text for a free-text column (a name, a place, a note): a text that a spreadsheet
    would run as a formula ("=HYPERLINK(...)", "@SUM(...)", "-2+3+cmd|...") is refused; a signed
    number ("+84 912 345 678") is not (dangbo/core/spreadsheet.py)."""
    text = clean_text(value, encoding=encoding)
    if reason := formula_refusal(text):
        raise ValueError(reason)
    return text


def name_case(text: str) -> str:
    """"NGUYỄN văn AN" -> "Nguyễn Văn An" (every word capitalized, the rest lower-case)."""
    words = []
    for word in clean_text(text).split(" "):
        parts = word.split("-")
        words.append("-".join(p[:1].upper() + p[1:].lower() for p in parts))
    return " ".join(words)


def clean_name(value, *, encoding: str | None = None) -> str:
    name = name_case(clean_free_text(value, encoding=encoding))
    if len(name) < 2:
        raise ValueError("Thiếu họ và tên.")
    if any(ch.isdigit() for ch in name):
        raise ValueError(f"Họ và tên không được chứa chữ số: «{name}».")
    return name


@dataclass(frozen=True)
class PartialDate:
    """A date, or only a year when the record knows only the year ("1975")."""

    year: int
    date: date | None = None

    def __str__(self) -> str:
        return self.date.strftime("%d/%m/%Y") if self.date else str(self.year)


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_YEAR = re.compile(r"^(\d{4})$")


def _check_year(year: int, today: date) -> int:
    if not (MIN_YEAR <= year <= today.year):
        raise ValueError(f"Năm {year} không hợp lệ.")
    return year


def _mk(year: int, month: int, day: int, today: date) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError(f"Ngày {day:02d}/{month:02d}/{year} không có trên lịch.") from None
    if result > today:
        raise ValueError(f"Ngày {result:%d/%m/%Y} ở tương lai.")
    _check_year(year, today)
    return result


def parse_date(value, *, today: date | None = None, allow_year: bool = True) -> PartialDate | None:
    """dd/mm/yyyy, d/m/yy, yyyy-mm-dd, an Excel serial number, a datetime cell, or a year alone.
    Returns None for an empty cell."""
    today = today or date.today()  # noqa: DTZ011 - calendar date of the import, no time part
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return PartialDate(value.year, _mk(value.year, value.month, value.day, today))
    if isinstance(value, date):
        return PartialDate(value.year, _mk(value.year, value.month, value.day, today))
    if isinstance(value, bool):
        raise ValueError("Ngày không hợp lệ.")
    if isinstance(value, (int, float)):
        number = float(value)
        if number.is_integer() and 1000 <= number <= 2100:  # a year, never a serial
            if not allow_year:
                raise ValueError(f"Chỉ có năm {int(number)}: cần ghi đủ ngày/tháng/năm.")
            return PartialDate(_check_year(int(number), today))
        if 2100 < number < 2_958_466:  # an Excel serial (days since 30/12/1899)
            d = EXCEL_EPOCH + timedelta(days=int(number))
            return PartialDate(d.year, _mk(d.year, d.month, d.day, today))
        raise ValueError(f"Không hiểu giá trị ngày «{value}».")
    text = clean_text(value)
    if m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            year += 2000 if year <= today.year % 100 else 1900
        return PartialDate(year, _mk(year, month, day, today))
    if m := _YMD.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        return PartialDate(year, _mk(year, month, day, today))
    if m := _YEAR.match(text):
        if not allow_year:
            raise ValueError(f"Chỉ có năm {m[1]}: cần ghi đủ ngày/tháng/năm.")
        return PartialDate(_check_year(int(m[1]), today))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_date(float(text), today=today, allow_year=allow_year)
    raise ValueError(f"Không hiểu ngày «{text}»: ghi theo dạng ngày/tháng/năm, ví dụ 02/09/1975.")


def parse_full_date(value, *, today: date | None = None) -> date | None:
    """A date that must be complete (admission dates): a year alone is refused."""
    result = parse_date(value, today=today, allow_year=False)
    return result.date if result else None


_MALE = {"nam", "m", "male", "1", "trai"}
_FEMALE = {"nu", "f", "female", "0", "gai"}


def parse_sex(value, *, female_marker: bool = False) -> str:
    """"M" or "F". Nam/Nữ/nam/nu/1/0/M/F; in a column headed "Nữ", "x" marks a woman and an
    empty cell a man."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = fold(clean_text(value))
    if female_marker:
        return "F" if text in {"x", "1", "nu", "co", "f"} else "M"
    if text in _MALE:
        return "M"
    if text in _FEMALE:
        return "F"
    if not text:
        raise ValueError("Thiếu giới tính (Nam hoặc Nữ).")
    raise ValueError(f"Giới tính «{clean_text(value)}» không hợp lệ: ghi Nam hoặc Nữ.")


def parse_citizen_id(value) -> str | None:
    """12 digits. A number cell that lost its leading zero (11 digits) is refused, not guessed."""
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("Số CCCD phải là 12 chữ số.")
        value = int(value)
    text = re.sub(r"[\s.\-]", "", clean_text(value))
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"Số CCCD «{text}» chỉ được gồm chữ số.")
    if len(text) == 11 and isinstance(value, int):
        raise ValueError(
            "Số CCCD chỉ có 11 chữ số: có lẽ Excel đã bỏ số 0 ở đầu. Hãy định dạng cột «Số CCCD» là "
            "Văn bản (Text) và nhập lại đủ 12 chữ số."
        )
    if len(text) != 12:
        raise ValueError(f"Số CCCD phải gồm đúng 12 chữ số (đang có {len(text)}).")
    return text


def parse_code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


# --- reference lists: match a name (any accents/case) or a code -----------------------------------
_ALIASES = {
    "theory_levels": {"khong": "none", "chua": "none", "chua qua dao tao": "none", "so cap": "so_cap",
                      "trung cap": "trung_cap", "cao cap": "cao_cap", "cu nhan": "cu_nhan"},
    "ethnic_groups": {"viet": "01"},
    "religions": {"khong": "00", "": "00", "phat": "01", "thien chua": "02", "thien chua giao": "02",
                  "cong giao": "02", "tin lanh": "08"},
    "education_levels": {"12/12": "gdpt_thpt", "10/10": "gdpt_thpt", "9/12": "gdpt_thcs", "9/10": "gdpt_thcs",
                         "thpt": "gdpt_thpt", "thcs": "gdpt_thcs", "cap 3": "gdpt_thpt", "cap 2": "gdpt_thcs",
                         "tieu hoc": "gdpt_tieu_hoc"},
}


@cache
def _reference_index(kind: str, dimension: str | None) -> dict[str, str]:
    index: dict[str, str] = {}
    for item in items(kind):
        if dimension and item.row.get("dimension") != dimension:
            continue
        index[item.code.lower()] = item.code
        index[fold(item.name)] = item.code
        for part in re.split(r"[/(),]", item.name):
            if fold(part).strip():
                index.setdefault(fold(part).strip(), item.code)
        for alias in (item.row.get("other_names_note") or "").split(";"):
            if fold(alias).strip():
                index.setdefault(fold(alias).strip(), item.code)
    for alias, code in _ALIASES.get(kind, {}).items():
        index.setdefault(alias, code)
    return index


def parse_reference(value, kind: str, *, label: str, default: str = "", dimension: str | None = None) -> str:
    """A reference code from its name or code: "Kinh" -> "01", "Công giáo" -> "02"."""
    text = clean_text(value)
    if not text:
        return default
    code = _lookup(text, kind, dimension)
    if code is None:
        raise ValueError(f"{label} «{text}» không có trong danh mục.")
    return code


@cache
def _lookup(text: str, kind: str, dimension: str | None) -> str | None:
    key = fold(text)
    key = re.sub(r"^(dan toc|ton giao|dao)\s+", "", key) if kind in ("ethnic_groups", "religions") else key
    code = _reference_index(kind, dimension).get(key)
    if code is None:
        code = _reference_index(kind, dimension).get(re.sub(r"\s*(ly luan chinh tri|llct)$", "", key))
    return code
