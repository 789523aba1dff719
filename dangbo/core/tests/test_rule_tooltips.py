"""Rule ids are not shown to users as text ("(R-142)"): they move into a tooltip (issue 15)."""

from __future__ import annotations

import re

from django.urls import reverse

from dangbo.core.templatetags.vn import ruletip


def test_ruletip_moves_the_rule_id_into_a_tooltip():
    html = str(ruletip("Đảng viên được miễn công tác và sinh hoạt đảng (R-037)"))
    assert html.startswith("Đảng viên được miễn công tác và sinh hoạt đảng <span")
    assert 'title="Căn cứ: R-037"' in html
    assert "(R-037)" not in html


def test_ruletip_escapes_and_leaves_other_text_alone():
    assert str(ruletip("<b>Tên</b>")) == "&lt;b&gt;Tên&lt;/b&gt;"


def test_the_indicator_overview_shows_no_rule_id_as_text(client, officer, tree):
    client.force_login(officer)
    html = client.get(reverse("reports:indicator_overview"), {"org": tree["province"].pk}).content.decode()
    visible = re.sub(r'(title|aria-label)="[^"]*"', "", html)
    assert not re.search(r"\(R-\d{3}", visible)
    assert 'title="Căn cứ: R-' in html
