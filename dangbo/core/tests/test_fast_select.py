"""FastSelect renders the same HTML as Django's Select (without a template per option)."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from dangbo.core.forms import FastSelect

CHOICES = [
    ("", "Tất cả tổ chức"),
    ("1", "Chi bộ <thôn> 1 & 2"),
    ("Đảng bộ xã", [("2", 'Chi bộ "Đông"'), ("3", "Tổ đảng")]),
]


@pytest.mark.parametrize("value", ["", "1", "3", ["1", "3"], None])
def test_it_renders_what_djangos_select_renders(value):
    attrs = {"class": "form-select", "required": True, "disabled": False, "data-x": 'a"b'}
    django_select, fast = forms.Select(attrs=attrs), FastSelect(attrs=attrs)
    django_select.choices = fast.choices = CHOICES
    expected = django_select.render("org", value, attrs={"id": "id_org"})
    assert parse_html(fast.render("org", value, attrs={"id": "id_org"})) == parse_html(expected)


def test_the_forms_of_the_pages_use_it_for_plain_selects():
    from dangbo.orgs.forms import VNForm

    class F(VNForm):
        org = forms.ChoiceField(choices=CHOICES)
        many = forms.MultipleChoiceField(choices=CHOICES)

    form = F()
    assert type(form.fields["org"].widget) is FastSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert "&lt;thôn&gt; 1 &amp; 2" in str(form["org"])
