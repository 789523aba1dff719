"""Account names are shown in Vietnamese order, family name first (navbar, account page, export watermark)."""

from __future__ import annotations

import unicodedata

import pytest
from django.template import engines

from dangbo.core.text import person_name


class _User:
    def __init__(self, first_name="", last_name="", username="u"):
        self.first_name, self.last_name, self.username = first_name, last_name, username


def test_family_name_first_and_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert person_name(_User(first_name="Minh Định", last_name=decomposed)) == "Nguyễn Minh Định"
    assert person_name(_User(first_name="Lan")) == "Lan"
    assert person_name(_User()) == ""


def test_template_filter_falls_back_to_the_username():
    render = engines["django"].from_string("{{ u|vnname }}").render
    assert render({"u": _User(first_name="Thị Hoa", last_name="Trần")}) == "Trần Thị Hoa"
    assert render({"u": _User(username="canbo_xa")}) == "canbo_xa"


@pytest.mark.django_db
def test_navbar_shows_family_name_first(client, django_user_model):
    user = django_user_model.objects.create_user(
        "dv_dinh", password="Kiemthu@2026x", first_name="Minh Định", last_name="Nguyễn"
    )
    client.force_login(user)
    body = client.get("/tai-khoan/").content.decode()
    assert "Nguyễn Minh Định" in body and "Minh Định Nguyễn" not in body
