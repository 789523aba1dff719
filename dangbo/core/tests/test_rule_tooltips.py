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


# -- outside the report pages: forms, worklist lists, transfers, messages ---------------------


def _visible(html: str) -> str:
    return re.sub(r'(title|aria-label)="[^"]*"', "", html)


def _no_rule_id_shown(html: str) -> None:
    assert not re.search(r"\(R-\d{3}", _visible(html)), re.search(r".{80}\(R-\d{3}.{20}", _visible(html), re.S)


def test_forms_and_lists_outside_the_reports_show_no_rule_id_as_text(client, officer, tree, settings):
    client.force_login(officer)
    pages = [
        reverse("members:member_admit") + f"?cell={tree['cell_a1'].pk}",  # help text R-050
        reverse("orgs:org_sector", args=[tree["commune_a"].pk]),  # intro and help text R-014
        reverse("exports:member_list_export"),  # help text R-165
        reverse("members:worklist_members") + "?muc=du_bi_qua_han",  # title R-022
        reverse("members:transfer_inbox"),  # column R-033
    ]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        _no_rule_id_shown(r.content.decode())
        assert "(R-" not in re.search(r"<title>(.*?)</title>", r.content.decode(), re.S).group(1)
    assert 'title="Căn cứ: R-050"' in client.get(reverse("members:member_admit")).content.decode()


def test_a_message_with_a_rule_id_shows_it_as_a_tooltip(rf, officer, tree):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = officer
    # the message a refused temporary transfer puts on the next page
    html = render_to_string(
        "base.html", {"messages": ["Phải nhập «Sinh hoạt tạm thời đến ngày» (R-035)."]}, request=request
    )
    assert "Phải nhập «Sinh hoạt tạm thời đến ngày»" in html
    _no_rule_id_shown(html)
    assert 'title="Căn cứ: R-035"' in html


# -- the grading pages: rule ids and grade abbreviations -----------------------------------------

_ABBREVIATIONS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV", "KXL")


def _no_bare_abbreviation(html: str) -> None:
    """Every grade abbreviation shown is an <abbr> whose tooltip spells it out."""
    text = _visible(re.sub(r"<abbr title=\"[^\"]+\">(?:HTXSNV|HTTNV|HTNV|KHTNV|KXL)</abbr>", "", html))
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    for abbr in _ABBREVIATIONS:
        assert not re.search(rf"\b{abbr}\b", text), re.search(rf".{{80}}\b{abbr}\b.{{20}}", text, re.S)


def test_the_grading_pages_show_no_rule_id_nor_bare_abbreviation(client, officer, tree, system_user):
    from datetime import date

    from dangbo.grading.services import campaign_open
    from dangbo.members.services import ProfileInput, member_admit

    campaign = campaign_open(
        actor=officer,
        year=2025,
        root_org=tree["province"],
        opens_on=date(2025, 11, 15),
        self_assessment_due=date(2025, 11, 30),
        cell_meeting_due=date(2025, 12, 10),
        decision_due=date(2025, 12, 20),
        deadline=date(2025, 12, 25),
    )
    # admitted in October: probationary for less than the months asked, so not graded
    member_admit(
        actor=system_user,
        cell=tree["cell_a1"],
        decided_on=date(2025, 10, 1),
        ceremony_on=date(2025, 10, 6),
        profile=ProfileInput(full_name="Nguyễn Văn Mới", birth_year=1998, sex="M"),
    )
    client.force_login(officer)
    pages = {
        "cap_exception": reverse("grading:cap_exception", args=[campaign.pk]),  # R-072, HTXSNV/HTTNV
        "results": reverse("grading:results", args=[campaign.pk]),  # HTTNV in the text and the headers
        "cell_bulk": reverse("grading:cell_bulk", args=[campaign.pk, tree["cell_a1"].pk, "de-xuat"]),  # R-075 reason
        "campaign_detail": reverse("grading:campaign_detail", args=[campaign.pk]),
        "campaign_list": reverse("grading:campaign_list"),
    }
    shown = {}
    for name, url in pages.items():
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        _no_rule_id_shown(html)
        _no_bare_abbreviation(html)
        shown[name] = html
    assert 'title="Căn cứ: R-072"' in shown["cap_exception"]
    assert "hoàn thành xuất sắc nhiệm vụ không vượt quá 20%" in shown["cap_exception"]
    assert '<abbr title="Hoàn thành tốt nhiệm vụ">HTTNV</abbr> trở lên' in shown["results"]
    assert "Nguyễn Văn Mới" in shown["cell_bulk"] and 'title="Căn cứ: R-075"' in shown["cell_bulk"]


def test_abbrtip_spells_out_a_grade_abbreviation_and_escapes_anything_else():
    from dangbo.core.templatetags.vn import abbrtip

    assert str(abbrtip("KHTNV")) == '<abbr title="Không hoàn thành nhiệm vụ">KHTNV</abbr>'
    assert str(abbrtip("<i>x</i>")) == "&lt;i&gt;x&lt;/i&gt;"
    assert (
        str(abbrtip("Hoàn thành tốt nhiệm vụ (HTTNV)"))
        == '<span title="Viết tắt: HTTNV">Hoàn thành tốt nhiệm vụ</span>'
    )
