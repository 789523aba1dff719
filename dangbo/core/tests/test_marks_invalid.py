"""core.forms.MarksInvalid: the one `is-invalid` marking shared by the organization and plan forms."""

from __future__ import annotations

from django import forms

from dangbo.core.forms import MarksInvalid


class _Form(MarksInvalid, forms.Form):
    name = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control"}))


def test_a_field_given_an_error_is_marked_invalid_once_and_the_error_kept():
    form = _Form(data={"name": "x"})
    assert form.is_valid()
    form.add_error("name", "«Tên»: sai.")
    form.add_error("name", "«Tên»: sai lần nữa.")
    assert form.fields["name"].widget.attrs["class"] == "form-control is-invalid"
    assert form.errors["name"] == ["«Tên»: sai.", "«Tên»: sai lần nữa."]


def test_a_form_wide_error_marks_no_field():
    form = _Form(data={"name": "x"})
    form.is_valid()
    form.add_error(None, "Không ghi được.")
    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert form.non_field_errors() == ["Không ghi được."]
