"""TCVN3 / VNI conversion: the hand-written tables round-trip every Vietnamese letter, and
detection leaves real Unicode alone."""

from __future__ import annotations

import unicodedata

import pytest

from dangbo.imports import legacy
from dangbo.imports.legacy import (
    FileEncodingGuess,
    decode_tcvn3,
    decode_vni,
    detect,
    encode_tcvn3,
    encode_vni,
    to_unicode,
)

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VOWELS = "aăâeêioôơuưy"
ALL_LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
ALL_UPPER = [c.upper() for c in ALL_LOWER]
# One word per letter, each letter between consonants as in a real syllable.
WORDS = [f"t{c}n" for c in ALL_LOWER]


def test_the_tables_cover_all_72_toned_vowels_and_d_bar():
    assert len(ALL_LOWER) == 73
    assert all(c in legacy.TCVN3_ENCODE or c in "aeiouy" for c in ALL_LOWER)
    assert all(c in legacy.VNI_ENCODE or c.lower() in "aeiouy" for c in ALL_LOWER + ALL_UPPER)


def test_tcvn3_examples_from_the_chart_decode():
    assert decode_tcvn3("NguyÔn V¨n An") == "Nguyễn Văn An"
    assert decode_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert decode_tcvn3("§éc lËp - Tù do - H¹nh phóc") == "Độc lập - Tự do - Hạnh phúc"


def test_vni_examples_decode():
    assert decode_vni("Nguyeãn Vaên An") == "Nguyễn Văn An"
    assert decode_vni("Tröôøng Ñaïi hoïc") == "Trường Đại học"
    assert decode_vni("NGUYEÃN THÒ") == "NGUYỄN THỊ"


@pytest.mark.parametrize("word", WORDS)
def test_every_vowel_with_every_tone_round_trips_through_tcvn3(word):
    encoded = encode_tcvn3(word)
    assert encoded.isascii() or all(ord(c) <= 0xFF for c in encoded)
    assert decode_tcvn3(encoded) == word


@pytest.mark.parametrize("word", WORDS + [w.upper() for w in WORDS] + [w.capitalize() for w in WORDS])
def test_every_vowel_with_every_tone_round_trips_through_vni(word):
    encoded = encode_vni(word)
    assert all(ord(c) <= 0xFF for c in encoded)
    assert decode_vni(encoded) == word


def test_tcvn3_capitals_of_the_single_byte_letters_round_trip():
    for word in ("ĂN", "ÂU", "ÊM", "ÔNG", "ƠN", "ƯU", "ĐI"):
        assert decode_tcvn3(encode_tcvn3(word)) == word


def test_tcvn3_words_in_capitals_get_their_toned_letters_back_in_capitals():
    # .VnTimeH draws lower-case codes as capitals: "NGUYỄN" is stored as "NGUYÔN".
    assert encode_tcvn3("NGUYỄN VĂN AN") == "NGUYÔN V¡N AN"
    assert decode_tcvn3("NGUYÔN V¡N AN") == "NGUYỄN VĂN AN"


def test_a_sentence_with_every_letter_is_detected_in_each_encoding():
    sentence = " ".join(WORDS)
    assert detect(encode_tcvn3(sentence)) == "tcvn3"
    assert detect(encode_vni(sentence)) == "vni"
    assert to_unicode(encode_tcvn3(sentence)) == sentence
    assert to_unicode(encode_vni(sentence)) == sentence


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Văn An",
        "Trần Thị Bích Ngọc",
        "Đặng Hữu Phước",
        "Lò Thị Tươi",
        "Hoàng Quốc Việt",
        "Phạm Ngọc Yến",
        "Bùi Thị Thuỷ",
    ],
)
def test_realistic_names_are_detected_in_both_legacy_encodings(name):
    assert to_unicode(encode_tcvn3(name)) == name
    assert to_unicode(encode_vni(name)) == name


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Văn An",
        "Lê Bá Hà",
        "Tô Hoài",
        "Hoà",
        "Thuý",
        "Tiên",
        "Hà Nội",
        "Quý",
        "Café",
        "An",
        "12/05/1980",
        "Ngô Thị Lý",
    ],
)
def test_detection_never_touches_real_unicode(text):
    assert to_unicode(text) == text
    assert detect(text) in ("unicode", "ascii")


def test_decomposed_unicode_is_recomposed_not_converted():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    assert detect(nfd) == "unicode"
    assert to_unicode(nfd) == "Nguyễn Thị Hoà"


def test_a_vni_file_converts_its_ambiguous_cells_too():
    guess = FileEncodingGuess()
    for cell in (encode_vni("Nguyễn Văn Tơ"), encode_vni("Trần Thị Lợi"), encode_vni("Hà Tĩnh")):
        guess.feed(cell)
    assert guess.encoding == "vni"
    assert guess.convert("Toâ") == "Tô"
    assert guess.convert("Tô") == "Tơ"  # in a VNI file "ô" is ơ
    assert guess.convert("Nguyễn Văn An") == "Nguyễn Văn An"  # a Unicode cell stays


def test_a_unicode_file_converts_nothing():
    guess = FileEncodingGuess()
    for cell in ("Nguyễn Văn An", "Trần Thị Lợi", "Tô Hoài"):
        guess.feed(cell)
    assert guess.encoding is None
    assert guess.convert("Tô Hoài") == "Tô Hoài"
