"""Pages and API of cell life: the secretary's one-screen form (one post writes the meeting and
its attendance, a second post of the same token writes nothing), the member portal, the API."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.meetings.models import Attendance, Meeting
from dangbo.meetings.services import MeetingInput, meeting_create


def test_secretary_form_lists_members_and_one_post_records_meeting_and_attendance(client, secretary, tree, members_a1):
    client.force_login(secretary)
    page = client.get(
        reverse("meetings:meeting_create"), {"org": tree["cell_a1"].pk, "held_on": "05/03/2025", "kind": "monthly"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    for m in members_a1:
        assert m.full_name in html
    token = page.context["form"]["form_token"].value()
    a, b = members_a1[0], members_a1[1]
    post = {
        "org": tree["cell_a1"].pk,
        "kind": "monthly",
        "held_on": "05/03/2025",
        "form_token": token,
        "save": "1",
        **{f"p{m.pk}": "present" for m in members_a1},
        f"p{a.pk}": "unexcused",
        f"p{b.pk}": "excused",
        f"r{b.pk}": "Ốm",
    }
    response = client.post(reverse("meetings:meeting_create"), post)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("meetings:meeting_detail", args=[meeting.pk])
    assert meeting.held_on == date(2025, 3, 5)
    got = dict(meeting.attendances.values_list("member_id", "presence"))
    assert got[a.pk] == "unexcused" and got[b.pk] == "excused" and got[members_a1[2].pk] == "present"
    again = client.post(reverse("meetings:meeting_create"), post)  # double tap
    assert again.status_code == 302 and Meeting.objects.count() == 1
    detail = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "Vắng không lý do 1" in detail.content.decode()


def test_a_cell_secretary_cannot_record_for_another_cell(client, secretary, tree, members_a1):
    client.force_login(secretary)
    response = client.post(
        reverse("meetings:meeting_create"),
        {"org": tree["cell_b1"].pk, "kind": "monthly", "held_on": "05/03/2025", "save": "1"},
    )
    assert response.status_code == 200 and Meeting.objects.count() == 0


def test_member_portal_lists_own_meetings_and_records_a_reply(client, member_user, system_user, tree, members_a1):
    m = meeting_create(
        actor=system_user,
        data=MeetingInput(
            org_id=tree["cell_a1"].pk, kind="thematic", planned_on=date(2099, 1, 5), agenda="Học nghị quyết"
        ),
    )
    client.force_login(member_user)
    page = client.get(reverse("meetings:my_meetings"))
    assert "Học nghị quyết" in page.content.decode()
    mine = m.attendances.get(member=members_a1[0])
    client.post(reverse("meetings:my_reply", args=[mine.pk]), {"reply": "will_attend"})
    mine.refresh_from_db()
    assert mine.reply == "will_attend"
    other = m.attendances.get(member=members_a1[1])
    assert client.post(reverse("meetings:my_reply", args=[other.pk]), {"reply": "will_attend"}).status_code == 404
    assert client.get(reverse("meetings:meeting_detail", args=[m.pk])).status_code == 302  # to their own page


def test_api_creates_a_meeting_with_attendance_and_reads_figures(client, commune_officer, secretary, tree, members_a1):
    client.force_login(commune_officer)
    a = members_a1[0]
    response = client.post(
        "/api/v1/meetings/",
        {
            "org_id": tree["cell_a1"].pk,
            "kind": "monthly",
            "planned_on": "2025-01-06",
            "held_on": "2025-01-06",
            "attendance": [{"member_id": a.pk, "presence": "unexcused"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["attendance"]) == 4
    assert {r["member_id"]: r["presence"] for r in body["attendance"]}[a.pk] == "unexcused"
    mid = body["id"]
    response = client.post(
        f"/api/v1/meetings/{mid}/attendance",
        {"attendance": [{"member_id": a.pk, "presence": "excused", "reason": ""}]},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["field"] == "reason"
    figures = client.get("/api/v1/meetings/figures", {"org_id": tree["commune_a"].pk, "year": 2025}).json()
    assert figures["held"] == 1 and figures["due"] == 12 and figures["unexcused"] == 1
    assert client.get(f"/api/v1/meetings/{mid}").json()["id"] == mid
    # a cell secretary may not write for another cell: not found
    client.force_login(secretary)
    assert (
        client.post(
            "/api/v1/meetings/",
            {"org_id": tree["cell_a2"].pk, "planned_on": "2025-01-06"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Attendance.objects.filter(meeting_id=mid).count() == 4


def test_worklist_shows_r039_items(client, officer, system_user, tree, members_a1):
    from dangbo.access import policy
    from dangbo.access.worklist import worklist

    year = policy.today().year
    for month in (1, 2, 3):
        if date(year, month, 8) <= policy.today():
            meeting_create(
                actor=system_user,
                data=MeetingInput(
                    org_id=tree["cell_a1"].pk,
                    kind="monthly",
                    planned_on=date(year, month, 8),
                    held_on=date(year, month, 8),
                ),
                marks={members_a1[0].pk: ("unexcused", "")},
            )
    items = {i.key: i for i in worklist(officer, policy.today())}
    assert items["sinh_hoat_vang_3"].count == 1 and items["sinh_hoat_vang_2"].count == 0
    client.force_login(officer)
    page = client.get(items["sinh_hoat_vang_3"].url)
    assert members_a1[0].full_name in page.content.decode()


def test_figures_page_defaults_to_the_top_of_the_scope(client, commune_officer, system_user, tree, members_a1):
    meeting_create(
        actor=system_user,
        data=MeetingInput(
            org_id=tree["cell_a1"].pk, kind="monthly", planned_on=date(2025, 1, 6), held_on=date(2025, 1, 6)
        ),
    )
    client.force_login(commune_officer)
    html = client.get(reverse("meetings:figures"), {"nam": 2025}).content.decode()
    assert "Đảng bộ xã An Bình" in html and "1/12 (8,3%)" in html


def test_ids_and_years_from_1000_up_are_not_written_with_a_thousands_dot_in_forms_and_links(rf, secretary):
    """The root cause of the empty roster in the long PostgreSQL run: with USE_THOUSAND_SEPARATOR
    the template wrote organization 2374 as «2.374» in the cell select and member 1234 as
    «p1.234» in the marks, so once the test database's sequences passed 1000 the posted cell was
    not a valid choice (empty roster) and the marks did not match the roster."""
    from django.template.loader import render_to_string

    from dangbo.meetings.forms import MeetingForm
    from dangbo.members.models import Member

    form = MeetingForm(org_choices=[(2374, "Chi bộ thôn 1")])
    member = Member(pk=1234, full_name="Nguyễn Văn An", birth_year=1985, sex="M")
    html = render_to_string(
        "meetings/meeting_form.html",
        {"form": form, "rows": [{"m": member, "temporary": False, "p": "present", "r": ""}]},
        request=rf.get("/sinh-hoat/moi/"),
    )
    assert 'value="2374"' in html and 'name="p1234"' in html and 'name="r1234"' in html
    assert "2.374" not in html and "1.234" not in html
    listing = render_to_string(
        "meetings/meeting_list.html",
        {"page": None, "rows": [], "year": 2024, "org_id": 2374},
        request=rf.get("/sinh-hoat/"),
    )
    assert "?nam=2024&org=2374" in listing and "2.024" not in listing
