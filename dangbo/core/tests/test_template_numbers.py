"""Ids printed into forms and links must not be localized: with USE_THOUSAND_SEPARATOR an id from
1000 up renders as "2.374", which no form accepts (the meetings roster came back empty on
PostgreSQL once the sequences passed 1000). Numbers shown to people keep their separators. An id
is printed with the one filter made for it, `{{ x.pk|id }}` (core.templatetags.vn)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

ROOT = Path(settings.BASE_DIR)
# An id (x.pk, x.id, x_id, id, pk) printed bare into an attribute or a query string.
BARE_ID = re.compile(r'="?\{\{ *[A-Za-z_.]*(?:\.pk|\.id|_id|\bid|\bpk) *\}\}')
# An id unlocalized by hand instead of with |id.
HAND_ID = re.compile(r'\{\{ *[A-Za-z_.]*(?:\.pk|\.id|_id|\bid|\bpk) *\|(?:unlocalize|stringformat:"d") *\}\}')


def _template_lines():
    for path in sorted([*ROOT.glob("dangbo/**/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{path.relative_to(ROOT)}:{n}: {line.strip()[:120]}", line


def test_no_template_prints_a_bare_id_into_an_attribute_or_a_link():
    found = [where for where, line in _template_lines() if BARE_ID.search(line)]
    assert not found, "ids must be printed with |id:\n" + "\n".join(found)


def test_ids_are_printed_with_the_id_filter_not_unlocalized_by_hand():
    found = [where for where, line in _template_lines() if HAND_ID.search(line)]
    assert not found, "ids are printed with |id (not |unlocalize or |stringformat):\n" + "\n".join(found)


def test_the_check_sees_what_it_guards_against(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    bare = Template('<option value="{{ org.pk }}">').render(Context({"org": {"pk": 2374}}))
    fixed = Template('{% load l10n %}<option value="{{ org.pk|unlocalize }}">').render(Context({"org": {"pk": 2374}}))
    assert bare == '<option value="2.374">' and BARE_ID.search('<option value="{{ org.pk }}">')
    assert fixed == '<option value="2374">'
    by_filter = Template('<option value="{{ org.pk|id }}">').render(Context({"org": {"pk": 2374}}))
    assert by_filter == '<option value="2374">' and not BARE_ID.search('<option value="{{ org.pk|id }}">')
    assert HAND_ID.search('<option value="{{ org.pk|unlocalize }}">')
