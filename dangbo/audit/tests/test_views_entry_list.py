"""audit:entry_list /nhat-ky/: search the whole log, administrators only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_read, audit_record
from dangbo.audit.tests.conftest import START

pytestmark = pytest.mark.urls("dangbo.audit.tests.urls")


def url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("audit:entry_list") + (f"?{urlencode(params)}" if params else "")


def test_it_sends_anonymous_visitors_to_the_login_page(client, tree):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["officer", "commune_officer", "leader"])
def test_it_is_not_found_for_anyone_but_an_administrator(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url()).status_code == 404


def test_it_lists_who_when_from_where_what_and_the_before_after(client, admin_user, member_a1, tree):
    audit_record(
        actor=admin_user,
        action="member.profile_updated",
        obj=member_a1,
        org_id=tree["cell_a1"].pk,
        summary="Cập nhật hồ sơ Nguyễn Văn Thử",
        before={"occupation": "Nông dân"},
        after={"occupation": "Giáo viên"},
    )
    client.force_login(admin_user)

    response = client.get(url(), REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhật ký hệ thống" in html
    assert "Cập nhật hồ sơ Nguyễn Văn Thử" in html
    assert "Cập nhật hồ sơ đảng viên" in html  # the action's Vietnamese label
    assert "quantri" in html  # who
    assert timezone.localtime().strftime("%d/%m/%Y") in html  # when, dd/mm/yyyy
    assert "Nông dân" in html and "Giáo viên" in html  # before / after
    assert "Chi bộ thôn 1" in html  # the organization's name
    assert "Thành lập" in html  # org.established entries of the tree


def test_it_shows_the_address_a_logged_action_came_from(client, admin_user, officer, member_a1):
    client.force_login(officer)
    client.get(reverse("audit:member_trail", args=[member_a1.pk]), REMOTE_ADDR="10.9.8.7")  # a logged read
    client.force_login(admin_user)

    response = client.get(url(action="read.member_trail"))

    assert [e.ip for e in response.context["page"].object_list] == ["10.9.8.7"]
    assert "10.9.8.7" in response.content.decode()


def test_it_searches_by_action_actor_object_and_dates(client, admin_user, officer, member_a1, tree):
    audit_read(actor=officer, obj=member_a1, org_id=tree["cell_a1"].pk)
    client.force_login(admin_user)

    by_action = client.get(url(action="read.member_profile")).context["page"].object_list
    assert [e.action for e in by_action] == ["read.member_profile"]

    by_actor = client.get(url(actor="canbo_tinh")).context["page"].object_list
    assert {e.actor_label for e in by_actor} == {"canbo_tinh"}

    by_object = client.get(url(object_type="members.member", object_id=member_a1.pk)).context["page"].object_list
    assert {e.action for e in by_object} == {"member.created", "read.member_profile"}

    today = timezone.localdate()
    in_range = client.get(url(date_from=today.strftime("%d/%m/%Y"), date_to=today.strftime("%d/%m/%Y")))
    assert in_range.context["page"].paginator.count == AuditEntry.objects.count()
    tomorrow = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    assert client.get(url(date_from=tomorrow)).context["page"].paginator.count == 0


def test_an_invalid_date_range_is_explained_and_filters_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.get(url(date_from="31/12/2025", date_to="01/01/2025"))
    assert response.status_code == 200
    assert "Đến ngày phải sau hoặc bằng Từ ngày." in response.content.decode()
    assert response.context["page"].paginator.count == AuditEntry.objects.count()


def test_it_pages_the_log_fifty_entries_at_a_time(client, admin_user, django_assert_max_num_queries):
    for i in range(60):
        audit_record(actor=admin_user, action="read.test", summary=f"Mục {i}")
    client.force_login(admin_user)

    with django_assert_max_num_queries(14):  # + the pending reads drained (and, on PostgreSQL, the chain lock);
        # the drain keeps the request's stamp snapshot (stamps.unstamped_write), so the stamps are read once
        first = client.get(url(action="read.test"))
    second = client.get(url(action="read.test", trang=2))

    assert first.status_code == 200 and second.status_code == 200
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 10
    assert "Mục 59" in first.content.decode()  # newest first
    assert "Mục 0" in second.content.decode()
    assert "action=read.test" in first.content.decode()  # paging keeps the filters


def test_an_administrator_of_a_subtree_sees_only_entries_of_that_subtree(client, django_user_model, tree):
    user = django_user_model.objects.create_user("quantri_xa_b", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.ADMIN, org=tree["commune_b"], valid_from=START)
    client.force_login(user)

    orgs = {e.org_id for e in client.get(url()).context["page"].object_list}
    assert orgs == {tree["commune_b"].pk, tree["cell_b1"].pk}
