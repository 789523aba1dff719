"""Per-member arrears (R-122, issue #21): members with unpaid months in a year, how many and the
amount still owed, on the page `/dang-phi/chua-nop/` and the API `/api/v1/dues/arrears`, scoped;
the same figures from the stored facts and live."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.dues import facts
from dangbo.dues import selectors as sel
from dangbo.dues.models import Category
from dangbo.dues.tests.factories import declare, pay, relieve
from dangbo.members.models import Member

TODAY = date(2025, 12, 15)


@pytest.fixture
def behind(system_user, tree, members_a1, monkeypatch):
    """An paid everything; Bình (pension 4.000.000: 20.000 đ a month) paid January–August;
    Cường (student, 3.000 đ) paid nothing but has a deferral for March; Dũng declared nothing."""
    from dangbo.access import policy

    monkeypatch.setattr(policy, "today", lambda: TODAY)
    an, binh, cuong, _ = members_a1
    declare(system_user, an, Category.PENSION, 4_000_000)
    declare(system_user, binh, Category.PENSION, 4_000_000)
    declare(system_user, cuong, Category.STUDENT)
    pay(system_user, an, date(2025, 1, 1), date(2025, 11, 1), 220_000, paid_on=date(2025, 11, 5))
    pay(system_user, binh, date(2025, 1, 1), date(2025, 8, 1), 160_000, paid_on=date(2025, 8, 5))
    relieve(
        system_user,
        cuong,
        "deferral",
        date(2025, 3, 1),
        date(2025, 3, 1),
        reason="Ốm",
        decision_no="01-BB/CB",
        decided_on=date(2025, 3, 2),
    )
    return members_a1


def _figures(year=2025):
    qs = sel.with_unpaid_months(Member.objects.all(), year, TODAY).filter(unpaid_months__gt=0)
    rows = list(qs.values_list("pk", "unpaid_months", "unpaid_amount"))
    return {pk: n for pk, n, _ in rows}, {pk: a for pk, _, a in rows}


def test_arrears_count_months_and_amount_the_same_from_facts_and_live(system_user, tree, behind):
    an, binh, cuong, _ = behind
    live = _figures()
    assert live == ({binh.pk: 3, cuong.pk: 10}, {binh.pk: 60_000, cuong.pk: 30_000})
    facts.rebuild_all(until=date(2026, 12, 1))
    assert _figures() == live
    assert sel.unpaid_months(year=2025, today=TODAY) == live[0]


def test_arrears_page_shows_months_and_amount_within_the_scope(
    client, behind, secretary_a1, secretary_b1, django_assert_max_num_queries
):
    an, binh, cuong, _ = behind
    client.force_login(secretary_a1)
    url = reverse("dues:arrears") + "?nam=2025"
    with django_assert_max_num_queries(25):
        r = client.get(url)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Trần Thị Bình" in page and "60.000 đ" in page and "Căn cứ xóa tên" in page
    assert "30.000 đ" in page and "Nguyễn Văn An" not in page
    assert "2 đảng viên · còn nợ 90.000 đ" in page
    r = client.get(url + "&tu=4")
    assert "Trần Thị Bình" not in r.content.decode() and r.status_code == 200
    client.force_login(secretary_b1)
    assert "Trần Thị Bình" not in client.get(url).content.decode()


def test_arrears_page_of_an_organization_outside_the_scope_is_not_found(client, tree, behind, secretary_b1):
    client.force_login(secretary_b1)
    r = client.get(reverse("dues:arrears") + f"?nam=2025&org={tree['cell_a1'].pk}")
    assert r.status_code == 404


def test_arrears_api_lists_members_with_amount(client, tree, behind, officer, secretary_b1):
    an, binh, cuong, _ = behind
    client.force_login(officer)
    r = client.get("/api/v1/dues/arrears", {"year": 2025, "org_id": tree["commune_a"].pk})
    assert r.status_code == 200, r.content
    body = r.json()
    assert [(x["member_id"], x["unpaid_months"], x["unpaid_amount"], x["removal_ground"]) for x in body["rows"]] == [
        (cuong.pk, 10, 30_000, True),
        (binh.pk, 3, 60_000, True),
    ]
    assert body["total_amount"] == 90_000
    r = client.get("/api/v1/dues/arrears", {"year": 2025, "min_months": 5})
    assert [x["member_id"] for x in r.json()["rows"]] == [cuong.pk]
    assert client.get("/api/v1/dues/arrears", {"year": 2025, "min_months": 13}).status_code == 422
    client.force_login(secretary_b1)
    assert client.get("/api/v1/dues/arrears", {"year": 2025, "org_id": tree["cell_a1"].pk}).status_code == 404
    assert client.get("/api/v1/dues/arrears", {"year": 2025}).json()["rows"] == []
