"""Cell cleaning: names, dates, sex, citizen ids, reference lists; Vietnamese reasons."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from dangbo.imports.normalize import (
    PartialDate,
    clean_name,
    clean_text,
    name_case,
    parse_citizen_id,
    parse_date,
    parse_full_date,
    parse_reference,
    parse_sex,
)

TODAY = date(2026, 3, 1)


def test_names_get_nfc_single_spaces_and_title_case():
    assert name_case("NGUYỄN văn AN") == "Nguyễn Văn An"
    assert clean_name("  trần   thị\u00a0bích  ") == "Trần Thị Bích"
    assert clean_name(unicodedata.normalize("NFD", "Nguyễn Văn An")) == "Nguyễn Văn An"
    assert clean_name("NguyÔn V¨n An") == "Nguyễn Văn An"
    assert clean_name("Nguyeãn Vaên An") == "Nguyễn Văn An"


def test_a_name_with_digits_or_empty_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="Thiếu họ và tên"):
        clean_name("  ")
    with pytest.raises(ValueError, match="chữ số"):
        clean_name("Nguyễn Văn 2")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("02/09/1975", date(1975, 9, 2)),
        ("2/9/1975", date(1975, 9, 2)),
        ("2/9/75", date(1975, 9, 2)),
        ("5/1/03", date(2003, 1, 5)),
        ("1975-09-02", date(1975, 9, 2)),
        ("02-09-1975", date(1975, 9, 2)),
        ("02.09.1975", date(1975, 9, 2)),
        (27639, date(1975, 9, 2)),
        (27639.0, date(1975, 9, 2)),
        ("27639", date(1975, 9, 2)),
        (datetime(1975, 9, 2, 0, 0), date(1975, 9, 2)),  # noqa: DTZ001 - an openpyxl cell value
        (date(1975, 9, 2), date(1975, 9, 2)),
    ],
)
def test_dates_in_every_shape_found_in_real_files(value, expected):
    assert parse_date(value, today=TODAY) == PartialDate(expected.year, expected)


def test_a_year_alone_is_a_year_only():
    assert parse_date("1975", today=TODAY) == PartialDate(1975, None)
    assert parse_date(1975, today=TODAY) == PartialDate(1975, None)
    assert str(parse_date("1975", today=TODAY)) == "1975"


def test_admission_dates_must_be_complete():
    with pytest.raises(ValueError, match="ngày/tháng/năm"):
        parse_full_date("1975", today=TODAY)
    assert parse_full_date(None) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/1980", "không có trên lịch"),
        ("01/01/2030", "tương lai"),
        ("hôm qua", "Không hiểu ngày"),
        ("1850", "không hợp lệ"),
    ],
)
def test_bad_dates_are_refused_with_a_vietnamese_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(value, today=TODAY)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nam", "M"),
        ("nam", "M"),
        ("NAM", "M"),
        ("Nữ", "F"),
        ("nữ", "F"),
        ("nu", "F"),
        ("Nu", "F"),
        (1, "M"),
        (0, "F"),
        ("1", "M"),
        ("0", "F"),
        (1.0, "M"),
        ("M", "M"),
        ("F", "F"),
        (unicodedata.normalize("NFD", "Nữ"), "F"),
        ("N÷", "F"),
    ],
)
def test_sex_in_every_shape(value, expected):
    assert parse_sex(value) == expected


def test_an_x_in_a_female_column_marks_a_woman():
    assert parse_sex("x", female_marker=True) == "F"
    assert parse_sex(None, female_marker=True) == "M"


def test_unknown_sex_is_refused():
    with pytest.raises(ValueError, match="Nam hoặc Nữ"):
        parse_sex("khác")
    with pytest.raises(ValueError, match="Thiếu giới tính"):
        parse_sex("")


def test_citizen_ids_are_twelve_digits():
    assert parse_citizen_id("001080012345") == "001080012345"
    assert parse_citizen_id(" 001 080 012 345 ") == "001080012345"
    assert parse_citizen_id(123080012345) == "123080012345"
    assert parse_citizen_id(None) is None


def test_a_citizen_id_that_lost_its_leading_zero_in_excel_is_refused_not_padded():
    with pytest.raises(ValueError, match="bỏ số 0 ở đầu"):
        parse_citizen_id(1080012345 * 10 + 1)  # 11 digits, a number cell
    with pytest.raises(ValueError, match="đúng 12 chữ số"):
        parse_citizen_id("12345")
    with pytest.raises(ValueError, match="chỉ được gồm chữ số"):
        parse_citizen_id("00108001234A")


def test_reference_lists_match_names_without_accents_or_case():
    assert parse_reference("kinh", "ethnic_groups", label="Dân tộc") == "01"
    assert parse_reference("Dân tộc Tày", "ethnic_groups", label="Dân tộc") == "02"
    assert parse_reference("", "religions", label="Tôn giáo", default="00") == "00"
    assert parse_reference("Công giáo", "religions", label="Tôn giáo") == "02"
    assert parse_reference("Trung cấp", "theory_levels", label="Lý luận chính trị") == "trung_cap"
    assert parse_reference("12/12", "education_levels", label="Học vấn", dimension="general") == "gdpt_thpt"
    with pytest.raises(ValueError, match="không có trong danh mục"):
        parse_reference("Sao Hỏa", "ethnic_groups", label="Dân tộc")


def test_clean_text_turns_whole_number_floats_into_integers():
    assert clean_text(12.0) == "12"
    assert clean_text(None) == ""


def test_place_names_get_their_proper_case_after_nfc_and_spaces():
    from dangbo.imports.normalize import clean_place

    assert clean_place("Ô MÔN, CẦN THƠ") == "Ô Môn, Cần Thơ"
    assert clean_place("ứng Hòa ,Hà Nội") == "Ứng Hòa, Hà Nội"
    assert (
        clean_place(unicodedata.normalize("NFD", "  xã  an bình,  tp. hồ chí minh ")) == "Xã An Bình, TP. Hồ Chí Minh"
    )
    assert clean_place("thị trấn Nông Cống-Thanh hóa") == "Thị Trấn Nông Cống-Thanh Hóa"
    with pytest.raises(ValueError):
        clean_place('=HYPERLINK("x")')


def test_catalog_values_fold_hyphens_spaces_apostrophes_and_suggest_the_closest():
    from dangbo.imports.normalize import suggestions

    for text in ("H'Mông", "HMông", "Hmông", "Mông", "dân tộc Mông"):
        assert parse_reference(text, "ethnic_groups", label="Dân tộc") == "08"
    for text in ("Ê Đê", "Ê-đê", "Êđê", "ÊĐÊ"):
        assert parse_reference(text, "ethnic_groups", label="Dân tộc") == "12"
    assert parse_reference("Hoà Hảo", "religions", label="Tôn giáo") == "03"
    assert parse_reference("đạo Thiên Chúa", "religions", label="Tôn giáo") == "02"
    assert parse_reference("TC LLCT", "theory_levels", label="Lý luận chính trị") == "trung_cap"
    assert parse_reference("11/12", "education_levels", label="Học vấn", dimension="general") == "gdpt_thcs"
    assert suggestions("Tay", "ethnic_groups")[0] == "Tày"
    with pytest.raises(ValueError, match="Có phải: «Mông»"):
        parse_reference("Môngg", "ethnic_groups", label="Dân tộc")
