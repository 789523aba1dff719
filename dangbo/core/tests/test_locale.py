"""The project's own Vietnamese catalogue (dangbo/locale/vi): what Django's catalogue lacks is in
Vietnamese on every page (an optional select showed "- Select an option -"), and the compiled
django.mo says what django.po says."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django import forms
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.M)}


def test_the_compiled_catalogue_matches_its_source():
    with (CATALOGUE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    entries = _po_entries()
    assert entries
    for msgid, msgstr in entries.items():
        assert compiled.gettext(msgid) == msgstr, msgid


def test_an_optional_select_offers_a_vietnamese_blank_choice():
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("vi"):
        assert str(BLANK_CHOICE_LABEL) == "- Chọn -"
        html = forms.Select(choices=[("", BLANK_CHOICE_LABEL), ("a", "A")]).render("kind", "")
    assert "- Chọn -" in html and "Select an option" not in html
