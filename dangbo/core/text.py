"""Vietnamese text helpers: NFC normalization and accent folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """Return `value` in Unicode NFC with collapsed whitespace ("" for None)."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str | None) -> str:
    """Lower-case, accent-free form used for search ("Nguyễn Văn Ân" -> "nguyen van an")."""
    text = unicodedata.normalize("NFD", nfc(value).lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text)


def person_name(user) -> str:
    """An account's name in Vietnamese order: family name first ("Nguyễn Minh Định"), from Django's
    last_name (họ) and first_name (tên đệm và tên); empty when neither is set."""
    return nfc(" ".join(p for p in (getattr(user, "last_name", ""), getattr(user, "first_name", "")) if p).strip())
