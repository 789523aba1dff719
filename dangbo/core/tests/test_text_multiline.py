"""nfc_multiline: NFC and collapsed spaces like nfc, but the line breaks of a textarea are kept."""

import unicodedata

from dangbo.core.text import nfc, nfc_multiline


def test_line_breaks_are_kept_and_each_line_is_normalized():
    decomposed = unicodedata.normalize("NFD", "Ban Tổ chức Trung ương")
    raw = f"  {decomposed}  (báo cáo)\r\n- Thường   trực Tỉnh ủy\rLưu\tVT  "
    assert nfc_multiline(raw) == "Ban Tổ chức Trung ương (báo cáo)\n- Thường trực Tỉnh ủy\nLưu VT"
    assert nfc(raw).count("\n") == 0  # the single-line normalizer still collapses them


def test_paragraphs_keep_one_blank_line_between_them():
    assert nfc_multiline("Đoạn một.\n\n\n\n  Đoạn hai.\n\n") == "Đoạn một.\n\nĐoạn hai."
    assert nfc_multiline(None) == "" and nfc_multiline(" \n \n") == ""
