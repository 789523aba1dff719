"""Pure cleaning functions for imported cells. Each returns a clean value or raises ValueError
with a Vietnamese reason (the importer adds the row number and the column).

Text goes through the legacy-encoding converter (legacy.py), NFD -> NFC and whitespace clean-up.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from dangbo.core.reference import items
from dangbo.core.spreadsheet import formula_refusal
from dangbo.core.text import fold
from dangbo.imports import legacy

_SPACES = re.compile(r"[\s\u00a0\u200b\ufeff]+")


def _per_value(fn):
    """Cache a pure cleaning function of cell values: a file repeats the same few values in a
    column (sexes, ethnic groups, places, levels), each costing folding and legacy decoding.
    Typed, so that 1, 1.0 and True stay three values; an error (ValueError) is never cached."""
    return lru_cache(maxsize=4096, typed=True)(fn)


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
    """ "NGUYỄN văn AN" -> "Nguyễn Văn An" (every word capitalized, the rest lower-case)."""
    words = []
    for word in clean_text(text).split(" "):
        parts = word.split("-")
        words.append("-".join(p[:1].upper() + p[1:].lower() for p in parts))
    return " ".join(words)


@_per_value
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


@_per_value
def parse_sex(value, *, female_marker: bool = False) -> str:
    """ "M" or "F". Nam/Nữ/nam/nu/1/0/M/F; in a column headed "Nữ", "x" marks a woman and an
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


# --- reference lists: match a name (any accents/case/hyphens/spaces/apostrophes), an alias or a code --
# Spellings found in real member lists, per catalog (folded and compared without spaces, hyphens or
# apostrophes, so "H'Mông", "HMông", "Hmông" are one key). The catalog's own names, the parts of a
# name split at "/", "(", ",", and its `other_names_note` are aliases too.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "ethnic_groups": {
        "01": ("Việt", "Người Kinh", "Kinh (Việt)"),
        "04": ("Hán", "Người Hoa"),
        "05": ("Khmer", "Khơ Me", "Khmer Krom", "Miên"),
        "08": ("H'Mông", "HMông", "Hmông", "Mèo", "Mông (Mèo)"),
        "09": ("Mán",),
        "10": ("Jrai", "Jarai"),
        "12": ("Ê Đê", "Êđê", "Rhade", "Rađê"),
        "13": ("Bahnar", "Ba Na"),
        "14": ("Xê Đăng", "Sedang"),
        "15": ("Cao Lan", "Sán Chỉ"),
        "16": ("K'Ho", "Koho", "Cơ Ho"),
        "17": ("Chàm",),
        "20": ("M'Nông", "Mơ Nông"),
        "21": ("Raglai", "Rắc Lây"),
        "22": ("X'Tiêng", "Stiêng"),
        "23": ("Vân Kiều", "Bru"),
        "26": ("Katu", "Ca Tu"),
        "29": ("Khmú", "Khơ Mú", "Xá Cẩu"),
        "31": ("Pa Cô", "Tà Ôi"),
        "49": ("Bồ Y", "Chủng Chá"),
    },
    "religions": {
        "00": ("Không", "Không có", "Không tôn giáo", "Không theo đạo", "Không đạo", "Ko", "K", "-", "Chưa"),
        "01": ("Phật", "Đạo Phật", "Phật giáo Việt Nam"),
        "02": ("Thiên chúa", "Thiên chúa giáo", "Đạo Thiên chúa", "Công giáo La Mã", "Đạo Công giáo", "Catholic"),
        "03": ("Hòa Hảo", "Đạo Hòa Hảo", "PGHH"),
        "04": ("Hồi", "Islam", "Chăm Bàni", "Bà Ni"),
        "05": ("Đạo Cao Đài", "Cao Đài giáo"),
        "08": ("Đạo Tin Lành", "Tin Lành giáo", "Protestant", "Cơ Đốc giáo Tin Lành"),
        "12": ("Bahai",),
        "13": ("Bà La Môn",),
    },
    "theory_levels": {
        "none": ("Không", "Chưa", "Chưa qua đào tạo", "Chưa học", "Chưa có"),
        "so_cap": ("Sơ cấp", "SC"),
        "trung_cap": ("Trung cấp", "TC"),
        "cao_cap": ("Cao cấp", "CC"),
        "cu_nhan": ("Cử nhân", "CN", "Cử nhân chính trị"),
        "cao_cap_cu_nhan": ("Cao cấp - Cử nhân",),
    },
    "education_levels": {
        "gdpt_thpt": (
            "12/12",
            "10/10",
            "THPT",
            "PTTH",
            "Cấp 3",
            "Cấp III",
            "Tốt nghiệp THPT",
            "Lớp 12",
            "Trung học phổ thông",
        ),
        "gdpt_thcs": ("9/12", "9/10", "7/10", "THCS", "PTCS", "Cấp 2", "Cấp II", "Lớp 9", "Trung học cơ sở"),
        "gdpt_tieu_hoc": ("5/12", "4/10", "Tiểu học", "Cấp 1", "Cấp I", "Lớp 5"),
    },
}
_PREFIXES = {"ethnic_groups": ("dantoc", "nguoi"), "religions": ("tongiao", "dao")}
_SUFFIXES = {"theory_levels": ("lyluanchinhtri", "llct", "chinhtri", "lyluan")}
_GRADE = re.compile(r"^(\d{1,2})/(10|12)$")


def catalog_key(text: str) -> str:
    """A catalog value folded and without spaces, hyphens, apostrophes or other punctuation:
    "H'Mông" -> "hmong", "Ê-đê" -> "ede"."""
    return re.sub(r"[^a-z0-9/]", "", fold(text))


@cache
def _reference_index(kind: str, dimension: str | None) -> dict[str, str]:
    index: dict[str, str] = {}
    chosen = [item for item in items(kind) if not dimension or item.row.get("dimension") == dimension]
    for item in chosen:
        index[item.code.lower()] = item.code
        index[catalog_key(item.name)] = item.code
    for item in chosen:  # the whole names first: a part never takes another item's name
        for part in re.split(r"[/(),]", item.name):
            if catalog_key(part):
                index.setdefault(catalog_key(part), item.code)
        for alias in (item.row.get("other_names_note") or "").split(";"):
            if catalog_key(alias):
                index.setdefault(catalog_key(alias), item.code)
    codes = {item.code for item in chosen}
    for code, aliases in ALIASES.get(kind, {}).items():
        if code in codes:
            for alias in aliases:
                index.setdefault(catalog_key(alias), code)
    return index


@_per_value
def parse_reference(value, kind: str, *, label: str, default: str = "", dimension: str | None = None) -> str:
    """A reference code from its name, an alias or its code: "Kinh" -> "01", "Thiên chúa" -> "02",
    "H'Mông" -> "08". An unknown value is refused with the closest names of the catalog."""
    text = clean_text(value)
    if not text:
        return default
    code = _lookup(text, kind, dimension)
    if code is None:
        close = suggestions(text, kind, dimension)
        hint = (" Có phải: " + ", ".join(f"«{n}»" for n in close) + "?") if close else ""
        raise ValueError(f"{label} «{text}» không có trong danh mục.{hint}")
    return code


def _variants(key: str, kind: str) -> list[str]:
    out = [key]
    for prefix in _PREFIXES.get(kind, ()):
        if key.startswith(prefix) and len(key) > len(prefix):
            out.append(key[len(prefix) :])
    for suffix in _SUFFIXES.get(kind, ()):
        for k in list(out):
            if k.endswith(suffix) and len(k) > len(suffix):
                out.append(k[: -len(suffix)])
    return out


@cache
def _lookup(text: str, kind: str, dimension: str | None) -> str | None:
    index = _reference_index(kind, dimension)
    if text.strip().lower() in index:  # a code ("subordinate_cell", "02")
        return index[text.strip().lower()]
    for key in _variants(catalog_key(text), kind):
        if key in index:
            return index[key]
    if kind == "education_levels" and dimension in (None, "general") and (m := _GRADE.match(catalog_key(text))):
        grade, of = int(m[1]), int(m[2])
        top, lower = (12, 9) if of == 12 else (10, 7)
        if 1 <= grade <= of:
            return "gdpt_thpt" if grade == top else "gdpt_thcs" if grade >= lower else "gdpt_tieu_hoc"
    return None


def suggestions(text: str, kind: str, dimension: str | None = None, n: int = 3) -> list[str]:
    """The catalog names closest to `text` (difflib on the folded keys), best first."""
    names: dict[str, str] = {}
    for item in items(kind):
        if dimension and item.row.get("dimension") != dimension:
            continue
        names.setdefault(catalog_key(item.name), item.name)
        for alias in ALIASES.get(kind, {}).get(item.code, ()):
            names.setdefault(catalog_key(alias), item.name)
    key = _variants(catalog_key(text), kind)[-1]
    out: list[str] = []
    for match in difflib.get_close_matches(key, list(names), n=n * 3, cutoff=0.5):
        if names[match] not in out:
            out.append(names[match])
    return out[:n]


# --- administrative place names --------------------------------------------------------------------
def place_case(text: str) -> str:
    """An administrative place name in its proper case, after NFC and whitespace cleaning: every
    word capitalized ("Ô MÔN, CẦN THƠ" -> "Ô Môn, Cần Thơ"; "ứng Hòa, Hà Nội" -> "Ứng Hòa, Hà
    Nội"), the punctuation kept, one space after a comma."""
    text = re.sub(r"\s*,\s*", ", ", clean_text(text)).strip(" ,")
    return " ".join(
        w.upper()
        if fold(w).rstrip(".") in _PLACE_ABBREVIATIONS
        else "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))
        for w in text.split(" ")
    )


_PLACE_ABBREVIATIONS = {"tp", "tx", "tt"}  # thành phố, thị xã, thị trấn: "TP. Hồ Chí Minh"


@_per_value
def clean_place(value, *, encoding: str | None = None) -> str:
    return place_case(clean_free_text(value, encoding=encoding))
