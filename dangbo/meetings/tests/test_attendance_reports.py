"""Attendance in the reports: the indicator «Tỷ lệ đảng viên dự sinh hoạt» (present / marked, of
the meetings held in the period) in the catalog, the indicator overview and the dashboard, as of a
date; computed from the same query as R-012."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dangbo.access import policy
from dangbo.meetings.indicators import SECTION
from dangbo.meetings.services import MeetingInput, meeting_create
from dangbo.notifications.models import NoticeKind
from dangbo.notifications.notices import NoticeInput, notice_send, study_record
from dangbo.reports.indicators import IndicatorContext, compute

pytestmark = pytest.mark.django_db
Y = 2024


def _meet(actor, org, on, marks):
    return meeting_create(
        actor=actor, data=MeetingInput(org_id=org.pk, kind="monthly", planned_on=on, held_on=on), marks=marks
    )


@pytest.fixture
def held(system_user, tree, members_a1, admit):
    b = admit(tree["cell_b1"], "Vũ Thị Gấm")
    a = members_a1
    # March: 3 present, 1 absent without reason; June: 2 present, 1 excused, 1 absent; B1: 1 present
    here = {m.pk: ("present", "") for m in a}
    _meet(system_user, tree["cell_a1"], date(Y, 3, 5), {**here, a[0].pk: ("unexcused", "")})
    _meet(system_user, tree["cell_a1"], date(Y, 6, 5), {**here, a[0].pk: ("unexcused", ""), a[1].pk: ("excused", "Ốm")})
    _meet(system_user, tree["cell_b1"], date(Y, 6, 9), {b.pk: ("present", "")})
    _meet(system_user, tree["cell_a1"], date(Y, 9, 5), {})  # held, nobody marked yet: not in the rate
    return a, b


def test_attendance_rate_in_the_catalog_by_organization_and_as_of_a_date(tree, held):
    commune = IndicatorContext(org_id=tree["commune_a"].pk, at=date(Y, 12, 31))
    assert compute("sh_ty_le_du", commune).text == "5/8 lượt có mặt (62,5%)"
    march = IndicatorContext(org_id=tree["commune_a"].pk, at=date(Y, 4, 30))
    assert compute("sh_ty_le_du", march).text == "3/4 lượt có mặt (75,0%)"
    province = IndicatorContext(org_id=tree["province"].pk, at=date(Y, 12, 31))
    assert compute("sh_ty_le_du", province).text == "6/9 lượt có mặt (66,7%)"
    empty = IndicatorContext(org_id=tree["commune_a"].pk, at=date(Y, 2, 28))
    assert compute("sh_ty_le_du", empty).text.startswith("0/0 lượt")


def test_the_dashboard_and_the_overview_show_attendance_in_scope_only(client, commune_officer, outsider, tree, held):
    client.force_login(commune_officer)
    page = client.get(reverse("reports:dashboard"), {"org": tree["commune_a"].pk, "ngay": f"31/12/{Y}"})
    html = page.content.decode()
    assert page.status_code == 200 and "5/8 lượt có mặt (62,5%)" in html and 'id="kpi-du-sinh-hoat"' in html
    overview = client.get(reverse("reports:indicator_overview"), {"org": tree["commune_a"].pk, "ngay": f"31/12/{Y}"})
    assert "Tỷ lệ đảng viên dự sinh hoạt" in overview.content.decode()
    client.force_login(outsider)
    assert client.get(reverse("reports:dashboard"), {"org": tree["commune_a"].pk}).status_code == 404


def test_the_figures_page_shows_attendance_per_organization_below(client, commune_officer, outsider, tree, held):
    client.force_login(commune_officer)
    page = client.get(reverse("meetings:figures"), {"org": tree["commune_a"].pk, "nam": str(Y)})
    rows = {r["o"].name: (r["o"].present, r["o"].marked, r["rate"]) for r in page.context["by_org"]}
    assert rows == {"Chi bộ thôn 1": (5, 8, "62,5%"), "Chi bộ thôn 2": (0, 0, "—")}
    client.force_login(outsider)
    assert client.get(reverse("meetings:figures"), {"org": tree["commune_a"].pk, "nam": str(Y)}).status_code == 404


def test_cell_life_and_study_figures_have_their_section_in_the_periodic_report_and_are_on_the_dashboard(
    client, commune_officer, tree, members_a1
):
    """Attendance (R-012 held/due, rate) and resolution-study completion are printed under their own
    heading of the periodic report (page, XLSX and DOCX share report_rows) and on the dashboard."""
    today = policy.today()
    due = today + timedelta(days=3)
    _meet(commune_officer, tree["cell_a1"], today, {m.pk: ("present", "") for m in members_a1})
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(
            org_id=tree["commune_a"].pk,
            audience_org_id=tree["commune_a"].pk,
            kind=NoticeKind.STUDY,
            title="Học tập Nghị quyết Đại hội Đảng bộ xã",
            study_due=due,
        ),
    )
    study_record(actor=commune_officer, notice=notice, member_ids=[members_a1[0].pk], on=today)
    client.force_login(commune_officer)

    dash = client.get(reverse("reports:dashboard"), {"org": tree["commune_a"].pk, "ngay": f"{due:%d/%m/%Y}"})
    html = dash.content.decode()
    n = len(members_a1)
    assert f"{n}/{n} lượt có mặt (100,0%)" in html
    assert f"Học tập nghị quyết: 1/{n} lượt đúng hạn" in html and 'id="kpi-hoc-tap"' in html

    report = client.get(
        reverse("reports:periodic_report"), {"org": tree["commune_a"].pk, "loai": "nam", "nam": due.year}
    )
    rows = {r.code: r for r in report.context["rows"]}
    for code in ("sh_thuong_ky", "sh_chuyen_de", "sh_ty_le_du", "hoc_tap_nghi_quyet"):
        assert rows[code].section == SECTION
    assert rows["sh_ty_le_du"].text == f"{n}/{n} lượt có mặt (100,0%)"
    page = report.content.decode()
    assert f'data-section="{SECTION}"' in page and page.index(f'data-section="{SECTION}"') < page.index(
        'data-code="sh_ty_le_du"'
    )
