"""Vietnamese text helpers: NFC normalization and accent folding for search."""

from __future__ import annotations

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
