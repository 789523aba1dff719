"""One member's e-handbook account (Sổ tay đảng viên điện tử, R-043) opened and closed on the
member page and by the API, through reports.services: scoped, checked, audited, and counted by
the coverage indicator from its dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members.services import ProfileInput, member_admit
from dangbo.reports import services
from dangbo.reports.indicators import IndicatorContext, compute
from dangbo.reports.models import HandbookAccount


@pytest.fixture
def member(tree, system_user):
    return member_admit(
        actor=system_user,
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        profile=ProfileInput(full_name="Lê Thị Sổ Tay", birth_year=1990, sex="F"),
    )


def _coverage(tree, at: date) -> str:
    return compute("so_tay_dien_tu", IndicatorContext(org_id=tree["commune_a"].pk, at=at)).text


def test_rule_r043_open_and_close_on_the_member_page(client, officer, member, tree):
    client.force_login(officer)
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert "Sổ tay đảng viên điện tử" in page and "Chưa có tài khoản." in page
    url = reverse("reports:handbook_account", args=[member.pk])
    opened = client.post(url, {"action": "open", "on": "10/12/2023"}, follow=True).content.decode()
    assert "Đã ghi tài khoản Sổ tay đảng viên điện tử từ ngày 10/12/2023." in opened
    assert "Có tài khoản từ ngày 10/12/2023." in opened
    assert _coverage(tree, date(2023, 12, 31)) == "1/1 (100,0%)"
    again = client.post(url, {"action": "open", "on": "11/12/2023"}, follow=True).content.decode()
    assert "đã có tài khoản Sổ tay đảng viên điện tử từ ngày 10/12/2023" in again
    early = client.post(url, {"action": "close", "on": "01/12/2023"}, follow=True).content.decode()
    assert "Ngày khóa phải sau ngày đăng ký 10/12/2023." in early
    closed = client.post(url, {"action": "close", "on": "01/03/2024"}, follow=True).content.decode()
    assert "đã khóa ngày 01/03/2024" in closed
    assert _coverage(tree, date(2024, 2, 29)) == "1/1 (100,0%)"
    assert _coverage(tree, date(2024, 3, 1)) == "0/1 (0,0%)"
    entries = AuditEntry.objects.filter(action__in=["reports.handbook_registered", "reports.handbook_closed"])
    assert [e.action for e in entries.order_by("id")] == ["reports.handbook_registered", "reports.handbook_closed"]
    assert entries.get(action="reports.handbook_closed").before == {"registered_on": "2023-12-10", "closed_on": None}


def test_rule_r043_the_page_refuses_without_the_right_or_outside_the_scope(client, leader, outsider, member):
    url = reverse("reports:handbook_account", args=[member.pk])
    client.force_login(outsider)
    assert client.post(url, {"action": "open", "on": "10/12/2023"}).status_code == 404
    client.force_login(leader)
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert "Chưa có tài khoản." in page and "Ghi đăng ký tài khoản" not in page  # read-only: no form
    client.post(url, {"action": "open", "on": "10/12/2023"})
    assert not HandbookAccount.objects.filter(member=member).exists()


def test_rule_r043_open_and_close_by_api(client, officer, leader, outsider, member):
    client.force_login(officer)
    base = f"/api/v1/handbook/{member.pk}"
    assert client.get(base).json() == {
        "member_id": member.pk,
        "has_account": False,
        "open": False,
        "registered_on": None,
        "closed_on": None,
    }
    opened = client.post(f"{base}/open", {"on": "2023-12-10"}, content_type="application/json")
    assert opened.status_code == 200 and opened.json()["open"] and opened.json()["registered_on"] == "2023-12-10"
    future = client.post(f"{base}/close", {"on": "2999-01-01"}, content_type="application/json")
    assert future.status_code == 422 and future.json()["field"] == "closed_on"
    closed = client.post(f"{base}/close", {"on": "2024-03-01"}, content_type="application/json")
    assert closed.json() == {
        "member_id": member.pk,
        "has_account": True,
        "open": False,
        "registered_on": "2023-12-10",
        "closed_on": "2024-03-01",
    }
    client.force_login(leader)
    assert client.get(base).status_code == 200
    assert client.post(f"{base}/open", {"on": "2024-04-01"}, content_type="application/json").status_code == 403
    client.force_login(outsider)
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/open", {"on": "2024-04-01"}, content_type="application/json").status_code == 404
    assert HandbookAccount.objects.get(member=member).closed_on == date(2024, 3, 1)


def test_rule_r043_reopening_after_closing(system_user, member):
    services.handbook_account_register(actor=system_user, member=member, on=date(2023, 1, 5))
    services.handbook_account_close(actor=system_user, member=member, on=date(2023, 6, 1))
    with pytest.raises(DomainError):
        services.handbook_account_register(actor=system_user, member=member, on=date(2023, 5, 1))
    services.handbook_account_register(actor=system_user, member=member, on=date(2024, 1, 2))
    account = HandbookAccount.objects.get(member=member)
    assert (account.registered_on, account.closed_on) == (date(2024, 1, 2), None)
