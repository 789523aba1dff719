"""Vietnamese text helpers: NFC normalization and accent folding for search."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_INLINE_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than a line break
_BLANK_RUNS = re.compile(r"\n{3,}")


def nfc(value: str | None) -> str:
    """Return `value` in Unicode NFC with collapsed whitespace ("" for None)."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def nfc_multiline(value: str | None) -> str:
    """NFC like `nfc`, keeping the line breaks: for text typed in a textarea (the recipients of a
    report one per line, paragraphs of a section). Spaces are collapsed inside each line and
    trimmed at its ends; CR LF and CR become LF; blank lines between paragraphs are kept as one
    blank line; "" for None."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    lines = [_INLINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def fold(value: str | None) -> str:
    """Lower-case, accent-free form used for search ("Nguyễn Văn Ân" -> "nguyen van an")."""
    text = unicodedata.normalize("NFD", nfc(value).lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text)


def person_name(user) -> str:
    """An account's name in Vietnamese order: family name first ("Nguyễn Minh Định"), from Django's
    last_name (họ) and first_name (tên đệm và tên); empty when neither is set."""
    return nfc(" ".join(p for p in (getattr(user, "last_name", ""), getattr(user, "first_name", "")) if p).strip())


def mask_citizen_id(value: str | None) -> str:
    """The one way a citizen ID (số CCCD) is shown without the right to see it in full, on every
    page, API answer and search result: the first and last three digits ("001******345");
    "" when there is none. The full number is shown only through members.selectors.
    member_dossier_read(show=...), which checks the right and writes the audit entry."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 6)}{value[-3:]}"


# --- Vietnamese sort order ----------------------------------------------------------------------
#
# Dictionaries order letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (Đ after D,
# not after Y as byte order puts it) and compare tones only between otherwise equal words, in the
# order ngang, huyền, hỏi, ngã, sắc, nặng ("Anh" < "Ánh" < "Ăn"). PostgreSQL sorts so with the ICU
# collation `dangbo_vi` (core migration); SQLite with the collation "vi" registered on every
# connection (core.apps) from `vi_sort_key`.

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_SHAPE = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_SHAPED = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def vi_sort_key(value: str | None) -> tuple[str, str, str]:
    """A key that sorts Vietnamese text as a dictionary does: letters first (Vietnamese alphabet,
    word by word, case ignored), then tones, then the text itself (a stable tie-break)."""
    text = unicodedata.normalize("NFD", nfc(value).lower())
    primary: list[str] = []
    tones: list[str] = []
    for ch in text:
        if ch in _SHAPE and primary:
            last = primary[-1]
            base = _ALPHABET[ord(last) - 0x41] if "A" <= last <= chr(0x41 + len(_ALPHABET) - 1) else ""
            shaped = _SHAPED.get((base, _SHAPE[ch]))
            if shaped:
                primary[-1] = chr(0x41 + _LETTER_RANK[shaped])
            continue
        if ch in _TONE and tones:
            tones[-1] = str(_TONE[ch])
            continue
        if unicodedata.category(ch) == "Mn":
            continue
        rank = _LETTER_RANK.get(ch)
        if rank is not None:
            primary.append(chr(0x41 + rank))  # "A".."a": above digits and space
            tones.append("0")
        elif ch.isspace():
            primary.append(" ")
        else:
            primary.append(ch if ch.isdigit() else " ")
    return "".join(primary), "".join(tones), nfc(value)


_cached_key = functools.lru_cache(maxsize=65_536)(vi_sort_key)


def vi_compare(a: str | None, b: str | None) -> int:
    """-1, 0 or 1: `a` before, equal to or after `b` in Vietnamese order (SQLite's collation)."""
    ka, kb = _cached_key(a), _cached_key(b)
    return (ka > kb) - (ka < kb)
