"""The worklist home page («Việc cần làm»): counts per item in the user's scope, each linking to
the list behind it (same queryset: count == list), set-based (the number of queries does not
grow with the data)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.access.worklist import worklist
from dangbo.core.dates import add_months
from dangbo.members.deadlines import recognition_deadline
from dangbo.members.models import EventType
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_create, member_record_event
from dangbo.members.transfers import LetterInput, transfer_issue
from dangbo.members.worklist import item_members, next_award_day

TODAY = timezone.localdate()


def admit(actor, cell, name, ceremony_on, decided_on=None):
    decided_on = decided_on or ceremony_on - timedelta(days=7)
    return member_admit(
        actor=actor,
        profile=ProfileInput(full_name=name, birth_year=1990, sex="F"),
        cell=cell,
        decided_on=decided_on,
        ceremony_on=ceremony_on,
    )


def counts(user) -> dict[str, int]:
    return {i.key: i.count for i in worklist(user, TODAY)}


def test_rule_r022_probation_due_and_overdue_are_counted_in_scope(tree, system_user, commune_officer, outsider):
    # at month 11 of probation: due (alert); past 12 months + 30 working days: overdue
    due = admit(system_user, tree["cell_a1"], "Dự Bị Đến Hạn", add_months(TODAY, -11) - timedelta(days=3))
    late = admit(system_user, tree["cell_a1"], "Dự Bị Quá Hạn", add_months(TODAY, -14))
    admit(system_user, tree["cell_a1"], "Dự Bị Mới", add_months(TODAY, -3))
    assert recognition_deadline(late.ceremony_on) < TODAY
    mine = counts(commune_officer)
    assert (mine["du_bi_den_han"], mine["du_bi_qua_han"]) == (1, 1)
    assert list(item_members("du_bi_den_han", commune_officer, TODAY)) == [due]
    assert list(item_members("du_bi_qua_han", commune_officer, TODAY)) == [late]
    assert (counts(outsider)["du_bi_den_han"], counts(outsider)["du_bi_qua_han"]) == (0, 0)


def test_rule_r029_badge_due_in_the_next_award_round_unless_awarded(tree, system_user, commune_officer):
    award = next_award_day(TODAY)
    reach = award.replace(year=award.year - 30) - timedelta(days=20)  # 30 years by the award day

    def veteran(name, admitted=reach):
        m = member_create(actor=system_user, profile=ProfileInput(full_name=name, birth_year=1960, sex="M"))
        member_record_event(
            actor=system_user,
            member=m,
            data=EventInput(
                type=EventType.OFFICIAL_TRANSFER_IN,
                on=date(2015, 2, 2),
                org=tree["cell_a1"],
                payload={"status": "chinh_thuc", "admitted_on": admitted.isoformat()},
            ),
        )
        return m

    old, awarded = veteran("Lão Thành"), veteran("Đã Tặng")
    veteran("Chưa Đủ", admitted=reach + timedelta(days=60))  # 30 years only after the award day
    assert counts(commune_officer)["huy_hieu"] == 2
    member_record_event(
        actor=system_user,
        member=awarded,
        data=EventInput(type=EventType.BADGE_AWARDED, on=TODAY, payload={"years": 30, "early_reason": "ill"}),
    )
    assert list(item_members("huy_hieu", commune_officer, TODAY)) == [old]


def test_transfers_waiting_and_overdue_are_counted_on_both_sides(tree, system_user, commune_officer, outsider):
    member = admit(system_user, tree["cell_a1"], "Người Chuyển", date(2019, 3, 18))
    transfer_issue(
        actor=commune_officer,
        member=member,
        data=LetterInput(on=TODAY - timedelta(days=70), letter_number="9-GGT", to_org=tree["commune_b"]),
    )
    a, b = counts(commune_officer), counts(outsider)
    assert (a["chuyen_den"], a["chuyen_qua_han"]) == (0, 1)  # the sender sees it overdue
    assert (b["chuyen_den"], b["chuyen_qua_han"]) == (1, 1)  # the destination waits for it


def test_every_item_links_to_a_list_with_the_same_count(client, tree, system_user, commune_officer):
    admit(system_user, tree["cell_a1"], "Dự Bị Quá Hạn", add_months(TODAY, -14))
    client.force_login(commune_officer)
    html = client.get("/").content.decode()
    assert 'id="viec-du_bi_qua_han"' in html
    for key in ("du_bi_den_han", "du_bi_qua_han", "huy_hieu", "tam_thoi_qua_han"):
        page = client.get(reverse("members:worklist_members"), {"muc": key}).content.decode()
        expected = item_members(key, commune_officer, TODAY).count()
        assert f'<strong id="tong-so">{expected}</strong>' in page
    assert client.get(reverse("members:worklist_members"), {"muc": "khong_co"}).status_code == 404


def test_the_home_page_query_count_does_not_grow_with_the_data(
    client, tree, system_user, commune_officer, django_assert_max_num_queries
):
    # the baseline has one letter in transit and one temporary attachment (with none, the empty
    # list of members in transit makes Django skip those queries altogether)
    first = admit(system_user, tree["cell_a1"], "Đầu Tiên", date(2020, 1, 20))
    transfer_issue(
        actor=system_user,
        member=first,
        data=LetterInput(on=TODAY - timedelta(days=5), letter_number="1-GGT", to_org=tree["commune_b"]),
    )
    second = admit(system_user, tree["cell_a1"], "Thứ Hai", date(2020, 1, 20))
    transfer_issue(
        actor=system_user,
        member=second,
        data=LetterInput(
            on=TODAY - timedelta(days=5),
            letter_number="2-GGT",
            to_org=tree["cell_a2"],
            temporary=True,
            until=TODAY + timedelta(days=100),
        ),
    )
    client.force_login(commune_officer)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    for i in range(8):
        m = admit(system_user, tree["cell_a1" if i % 2 else "cell_a2"], f"Đảng Viên {i}", add_months(TODAY, -14 + i))
        if i % 3 == 0:
            transfer_issue(
                actor=system_user,
                member=m,
                data=LetterInput(on=TODAY - timedelta(days=10 * i), letter_number=f"{i}-GGT", to_org=tree["commune_b"]),
            )
    client.get("/")  # warm again: the letters renewed the stamps the cached counts hang on (notifications)
    with CaptureQueriesContext(connection) as big:
        assert client.get("/").status_code == 200
    assert len(big) == len(small)
    with django_assert_max_num_queries(
        27
    ):  # + 1: the dues worklist aggregate (R-122), + 1: committee members' visits (meetings.guests)
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["member_only"])
def test_a_member_without_registry_rights_still_starts_at_their_profile(
    client, tree, system_user, django_user_model, username
):
    from dangbo.access.models import Role, RoleAssignment

    me = admit(system_user, tree["cell_a1"], "Chính Tôi", date(2020, 1, 20))
    user = django_user_model.objects.create_user(username, password="x")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=me, valid_from=date(2020, 1, 1))
    client.force_login(user)
    assert client.get("/")["Location"] == f"/dang-vien/{me.pk}/"
