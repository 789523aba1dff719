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
