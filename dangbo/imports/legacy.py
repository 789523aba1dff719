"""Vietnamese legacy 8-bit encodings (TCVN3/ABC and VNI-Windows) to Unicode NFC.

Old Excel files typed with the .VnTime (TCVN3, "ABC") or VNI-Times fonts store Vietnamese text as
Latin-1 code points that only look right in those fonts. openpyxl (and a CSV read as cp1252) hands
them to us as those Latin-1 characters, e.g. "NguyÔn V¨n An" (TCVN3) or "Nguyeãn Vaên An" (VNI).

The tables below are written out from the published code charts (TCVN 5712:1993 VN3, and the
VNI-Windows chart): one row per vowel, tones in the order plain, sắc, huyền, hỏi, ngã, nặng.

- TCVN3 is single-byte: one code per precomposed lower-case letter, plus the seven upper-case
  letters Ă Â Ê Ô Ơ Ư Đ. Upper-case toned letters were shown with a separate font (.VnTimeH) that
  draws the lower-case codes as capitals, so a TCVN3 word in capitals comes out as "NGUYễN";
  `decode_tcvn3` restores the capital when the rest of the word is in capitals.
- VNI is a base letter followed by one modifier character (tone, or circumflex/breve + tone),
  with single codes for đ, ơ, ư and the i's (and ỵ).

`detect()` never touches real Unicode: any character above U+00FF (precomposed Vietnamese, or
combining marks of NFD text) means the text is already Unicode.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # plain, sắc, huyền, hỏi, ngã, nặng


def _toned(base: str) -> list[str]:
    return [unicodedata.normalize("NFC", base + t) for t in TONES]


# --- TCVN3 (ABC): vowel -> codes for (plain, sắc, huyền, hỏi, ngã, nặng) ----------------------
# On the chart the toned letters run huyền, hỏi, ngã, sắc, nặng; they are re-ordered here.
_TCVN3_ROWS = {
    "a": ("a", "\xb8", "\xb5", "\xb6", "\xb7", "\xb9"),
    "ă": ("\xa8", "\xbe", "\xbb", "\xbc", "\xbd", "\xc6"),
    "â": ("\xa9", "\xca", "\xc7", "\xc8", "\xc9", "\xcb"),
    "e": ("e", "\xd0", "\xcc", "\xce", "\xcf", "\xd1"),
    "ê": ("\xaa", "\xd5", "\xd2", "\xd3", "\xd4", "\xd6"),
    "i": ("i", "\xdd", "\xd7", "\xd8", "\xdc", "\xde"),
    "o": ("o", "\xe3", "\xdf", "\xe1", "\xe2", "\xe4"),
    "ô": ("\xab", "\xe8", "\xe5", "\xe6", "\xe7", "\xe9"),
    "ơ": ("\xac", "\xed", "\xea", "\xeb", "\xec", "\xee"),
    "u": ("u", "\xf3", "\xef", "\xf1", "\xf2", "\xf4"),
    "ư": ("\xad", "\xf8", "\xf5", "\xf6", "\xf7", "\xf9"),
    "y": ("y", "\xfd", "\xfa", "\xfb", "\xfc", "\xfe"),
}
_TCVN3_SINGLES = {
    "đ": "\xae",
    "Ă": "\xa1",
    "Â": "\xa2",
    "Ê": "\xa3",
    "Ô": "\xa4",
    "Ơ": "\xa5",
    "Ư": "\xa6",
    "Đ": "\xa7",
}

TCVN3_ENCODE: dict[str, str] = dict(_TCVN3_SINGLES)
for _vowel, _codes in _TCVN3_ROWS.items():
    for _letter, _code in zip(_toned(_vowel), _codes, strict=True):
        if ord(_code) >= 0x80:  # plain a e i o u y stay ASCII; ý keeps its Latin-1 code
            TCVN3_ENCODE[_letter] = _code
TCVN3_DECODE: dict[str, str] = {code: letter for letter, code in TCVN3_ENCODE.items()}

# --- VNI-Windows: modifiers after a base letter ---------------------------------------------------
_VNI_TONE = ("", "\xf9", "\xf8", "\xfb", "\xf5", "\xef")  # ù ø û õ ï
_VNI_CIRCUMFLEX = ("\xe2", "\xe1", "\xe0", "\xe5", "\xe3", "\xe4")  # â á à å ã ä
_VNI_BREVE = ("\xea", "\xe9", "\xe8", "\xfa", "\xfc", "\xeb")  # ê é è ú ü ë
# Letters with their own code: đ ơ ư, and the i row and ỵ.
_VNI_SINGLE_LOWER = {
    "đ": "\xf1",
    "ơ": "\xf4",
    "ư": "\xf6",
    "í": "\xed",
    "ì": "\xec",
    "ỉ": "\xe6",
    "ĩ": "\xf3",
    "ị": "\xf2",
    "ỵ": "\xee",
}


def _vni_lower_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in "aeouy":
        for letter, mod in zip(_toned(base), _VNI_TONE, strict=True):
            if mod:
                table[letter] = base + mod
    for base, circ in (("a", "â"), ("e", "ê"), ("o", "ô")):
        for letter, mod in zip(_toned(circ), _VNI_CIRCUMFLEX, strict=True):
            table[letter] = base + mod
    for letter, mod in zip(_toned("ă"), _VNI_BREVE, strict=True):
        table[letter] = "a" + mod
    for horn in ("ơ", "ư"):
        code = _VNI_SINGLE_LOWER[horn]
        for letter, mod in zip(_toned(horn), _VNI_TONE, strict=True):
            table[letter] = code + mod
    table.update(_VNI_SINGLE_LOWER)
    return table


VNI_ENCODE: dict[str, str] = {}
for _letter, _seq in _vni_lower_table().items():
    VNI_ENCODE[_letter] = _seq
    # Capitals: capital base, and the capital (Latin-1 minus 0x20) form of every modifier.
    VNI_ENCODE[_letter.upper()] = "".join(ch.upper() for ch in _seq)
VNI_DECODE: dict[str, str] = {seq: letter for letter, seq in VNI_ENCODE.items()}
_VNI_MODIFIERS = frozenset(
    ch for mods in (_VNI_TONE, _VNI_CIRCUMFLEX, _VNI_BREVE) for m in mods if m for ch in (m, m.upper())
)
_VNI_SINGLES = {seq: letter for seq, letter in VNI_DECODE.items() if len(seq) == 1}

# Latin-1 letters that occur in ordinary Unicode Vietnamese (precomposed, one code point each).
UNICODE_VI_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_VOWELS = frozenset("aeiouyAEIOUY")


class NotLegacy(ValueError):
    """The text is not valid in the asked-for legacy encoding."""


def encode_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 (for tests and the template's sample file). Capital toned vowels have no
    TCVN3 code and are written with the lower-case code, as the .VnTimeH font does."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = TCVN3_ENCODE.get(ch)
        if code is None and ch != ch.lower():
            code = TCVN3_ENCODE.get(ch.lower())
        out.append(code if code is not None else ch)
    return "".join(out)


def decode_tcvn3(text: str, *, strict: bool = False) -> str:
    out: list[str] = []
    for ch in text:
        out.append(_single(ch, TCVN3_DECODE, strict) if ord(ch) >= 0x80 else ch)
    return _restore_capitals("".join(out))


def _single(ch: str, table: dict[str, str], strict: bool) -> str:
    """The letter a non-ASCII character `ch` stands for in a legacy font's `table`; an unknown one
    is kept as it is, or (strict) means the text is not in that font."""
    letter = table.get(ch)
    if letter is None:
        if strict:
            raise NotLegacy(ch)
        return ch
    return letter


def _restore_capitals(text: str) -> str:
    """ "NGUYễN" -> "NGUYỄN": a word whose other letters are all capitals is in capitals."""
    words = text.split(" ")
    for i, word in enumerate(words):
        letters = [c for c in word if c.isalpha()]
        lower = [c for c in letters if c.islower()]
        if lower and len(letters) - len(lower) >= 2 and all(ord(c) > 0x7F for c in lower):
            words[i] = word.upper()
    return " ".join(words)


def encode_vni(text: str) -> str:
    return "".join(VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def decode_vni(text: str, *, strict: bool = False) -> str:
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if nxt in _VNI_MODIFIERS:
            # A modifier of either case applies to the base; the base decides the case.
            for mod in (nxt, nxt.upper() if ch.isupper() else nxt.lower()):
                letter = VNI_DECODE.get(ch + mod)
                if letter is not None:
                    out.append(letter)
                    i += 2
                    break
            else:
                letter = None
            if letter is not None:
                continue
        out.append(_single(ch, _VNI_SINGLES, strict) if ord(ch) >= 0x80 else ch)
        i += 1
    return "".join(out)


_ABOVE_LATIN1 = re.compile(r"[^\x00-\xff]")


def _high(text: str) -> list[str]:
    return [] if text.isascii() else [c for c in text if ord(c) >= 0x80]


def is_unicode(text: str) -> bool:
    """Already Unicode: a code point above U+00FF (precomposed Vietnamese or combining marks)."""
    return _ABOVE_LATIN1.search(text) is not None


def _valid(text: str, decoder) -> str | None:
    try:
        return decoder(text, strict=True)
    except NotLegacy:
        return None


def _vni_evidence(text: str) -> int:
    """How many VNI sequences in `text` could not be ordinary Unicode Vietnamese."""
    score = 0
    for i, ch in enumerate(text):
        if ord(ch) < 0x80:
            continue
        if ch not in UNICODE_VI_LATIN1:
            score += 1  # ñ ö ø û ï å ä ë ü æ î ... never in Unicode Vietnamese
            continue
        prev = text[i - 1] if i else ""
        if prev and prev in _VOWELS | {"\xf4", "\xd4", "\xf6", "\xd6"} and ch in _VNI_MODIFIERS:
            pair = (prev + ch).lower()
            if pair not in {"oà", "oá", "oã", "uâ", "uê", "uô", "iê", "yê", "uý", "uá", "uà", "uã"}:
                score += 1
    return score


def detect(text: str) -> str:
    """ "unicode", "ascii", "tcvn3" or "vni" for one string (see `FileEncodingGuess` for a file)."""
    if not text or is_unicode(text):
        return "unicode"
    high = _high(text)
    if not high:
        return "ascii"
    vni = _valid(text, decode_vni)
    tcvn = _valid(text, decode_tcvn3)
    unicode_ok = all(c in UNICODE_VI_LATIN1 for c in high)
    vni_score = _vni_evidence(text) if vni is not None else -1
    if unicode_ok and vni_score <= 0:
        return "unicode"  # "Lê Bá Hà", "Tô Hoài": plausible Unicode wins when nothing says otherwise
    if vni is not None and vni_score > 0:
        return "vni"
    if tcvn is not None:
        return "tcvn3"
    return "unicode"


def to_unicode(text: str, encoding: str | None = None) -> str:
    """Convert `text` from a legacy encoding (detected when `encoding` is None) to NFC Unicode.
    Text that is already Unicode, or not valid in the encoding, is only NFC-normalized."""
    if text is None:
        return ""
    if text.isascii():
        return text
    return _to_unicode(text, encoding)


@lru_cache(maxsize=8192)
def _to_unicode(text: str, encoding: str | None) -> str:
    """to_unicode of a non-ASCII text, cached: an import decodes each cell when it reads the row
    and again when it cleans the value, and a column repeats its values (places, groups)."""
    if is_unicode(text):
        return unicodedata.normalize("NFC", text)
    enc = encoding or detect(text)
    if enc == "vni":
        decoded = _valid(text, decode_vni)
    elif enc == "tcvn3":
        decoded = _valid(text, decode_tcvn3)
    else:
        decoded = None
    return unicodedata.normalize("NFC", decoded if decoded is not None else text)


class FileEncodingGuess:
    """Votes over a file's text cells: one file is typed in one font, so a file with clear VNI or
    TCVN3 evidence converts its ambiguous cells ("Tô" is "Tơ" in a VNI file) too."""

    def __init__(self) -> None:
        self.votes = {"unicode": 0, "vni": 0, "tcvn3": 0}

    def feed(self, text: str) -> None:
        if not isinstance(text, str):
            return
        kind = detect(text)
        if kind == "unicode" and is_unicode(text):
            self.votes["unicode"] += 1
        elif kind in ("vni", "tcvn3"):
            self.votes[kind] += 1

    @property
    def encoding(self) -> str | None:
        legacy = max(("vni", "tcvn3"), key=lambda k: self.votes[k])
        if self.votes[legacy] and self.votes[legacy] >= self.votes["unicode"]:
            return legacy
        return None

    def convert(self, text: str) -> str:
        enc = self.encoding
        if enc is None or is_unicode(text):
            return to_unicode(text)
        return to_unicode(text, enc)
