"""Date input (core.forms.VNDateField), rough edges of issue 15: a two-digit year is refused
("15/03/65" became 2065), and an impossible date in the right form says the date does not
exist instead of asking for the form dd/mm/yyyy it was already in."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from dangbo.core.forms import VNDateField
from dangbo.orgs.forms import VNForm


class DateForm(VNForm):
    on = VNDateField(label="Ngày hiệu lực")


def errors(raw: str) -> list[str]:
    form = DateForm({"on": raw})
    assert not form.is_valid()
    return form.errors["on"]


def test_a_two_digit_year_is_refused():
    assert errors("15/03/65") == ["«Ngày hiệu lực»: năm phải có đủ 4 chữ số (ví dụ 15/03/1965 hoặc …/2065)."]


def test_an_impossible_date_is_said_not_to_exist():
    assert errors("31/02/2025") == ["«Ngày hiệu lực»: ngày 31/02/2025 không tồn tại."]
    assert errors("29/02/2023") == ["«Ngày hiệu lực»: ngày 29/02/2023 không tồn tại."]


def test_a_date_in_another_form_asks_for_dd_mm_yyyy():
    assert errors("mai") == ["«Ngày hiệu lực»: ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."]


@pytest.mark.parametrize(
    "raw, value", [("29/02/2024", date(2024, 2, 29)), ("1/7/2025", date(2025, 7, 1)), ("2025-07-01", date(2025, 7, 1))]
)
def test_valid_dates_are_read(raw, value):
    assert VNDateField().clean(raw) == value


def test_the_bare_field_refuses_a_two_digit_year_too():
    with pytest.raises(forms.ValidationError, match="4 chữ số"):
        VNDateField().clean("01/07/25")
