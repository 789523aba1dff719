"""Item 5: /api/v1/dues/ routes through the access policy (404 outside the scope, 422 with the
Vietnamese message and field, 403 for a read-only role)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.dues.models import Category, DuesMonthClose, DuesPayment

J = "application/json"


def test_declare_pay_close_and_read_back_through_the_api(client, tree, members_a1, secretary_a1, commune_officer):
    an = members_a1[0]
    client.force_login(secretary_a1)
    r = client.post(
        reverse("api:dues_declaration_create", kwargs={"member_id": an.pk}),
        {
            "category": "si_salary",
            "base": 10_000_000,
            "valid_from": "2025-01-01",
            "declared_on": "2025-01-03",
            "source": "Bản kê khai",
        },
        content_type=J,
    )
    assert r.status_code == 201, r.content
    r = client.post(
        reverse("api:dues_payment_create", kwargs={"member_id": an.pk}),
        {
            "from_month": "2025-01-01",
            "to_month": "2025-03-01",
            "amount": 300_000,
            "paid_on": "2025-01-10",
            "channel": "portal",
            "receipt_no": "DVC9",
        },
        content_type=J,
    )
    assert r.status_code == 201 and r.json()["allocated"] == {
        "2025-01-01": 100_000,
        "2025-02-01": 100_000,
        "2025-03-01": 100_000,
    }
    r = client.post(
        reverse("api:dues_relief_create", kwargs={"member_id": an.pk}),
        {
            "kind": "exemption",
            "from_month": "2025-05-01",
            "to_month": "2025-05-01",
            "reason": "Ốm nặng",
            "decision_no": "07-QĐ",
            "decided_on": "2025-04-20",
        },
        content_type=J,
    )
    assert r.status_code == 201
    ledger = client.get(reverse("api:dues_member_ledger", kwargs={"member_id": an.pk}), {"year": 2025}).json()
    assert ledger["paid_up_to"] == "2025-03-01" and ledger["months"][4]["due"] == 0
    sheet = client.get(reverse("api:dues_sheet"), {"org_id": tree["cell_a1"].pk, "month": "2025-02-15"}).json()
    assert [row["paid"] for row in sheet["rows"] if row["member_id"] == an.pk] == [100_000]
    r = client.post(reverse("api:dues_close"), {"org_id": tree["cell_a1"].pk, "month": "2025-01-01"}, content_type=J)
    assert r.status_code == 201 and r.json()["remitted"] == 70_000
    client.force_login(commune_officer)
    st = client.get(reverse("api:dues_closing_status"), {"org_id": tree["commune_a"].pk, "month": "2025-01-01"})
    assert (st.json()["closed"], st.json()["total"]) == (1, 1)
    url = reverse("api:dues_org_ledger", kwargs={"org_id": tree["commune_a"].pk})
    book = client.get(url).json()  # as of today: the month was closed today
    assert book["balance"] == 70_000 and book["received"] == 70_000  # held until the commune closes
    r = client.post(reverse("api:dues_close"), {"org_id": tree["commune_a"].pk, "month": "2025-01-01"}, content_type=J)
    assert r.status_code == 201 and (r.json()["received"], r.json()["remitted"]) == (70_000, 49_000)
    assert client.get(url).json()["balance"] == 21_000
    assert client.get(url, {"until": "2025-12-31"}).json()["balance"] == 0  # before the closing
    s = client.get(
        reverse("api:dues_summary"), {"org_id": tree["commune_a"].pk, "first": "2025-01-01", "last": "2025-03-01"}
    ).json()
    assert (s["collected"], s["retained"]) == (300_000, 90_000)


def test_api_refusals_are_named_and_scoped(client, tree, members_a1, secretary_a1, secretary_b1, leader):
    an = members_a1[0]
    client.force_login(secretary_a1)
    r = client.post(
        reverse("api:dues_declaration_create", kwargs={"member_id": an.pk}),
        {"category": "pension", "valid_from": "2025-01-01", "declared_on": "2025-01-03", "source": "x"},
        content_type=J,
    )
    assert r.status_code == 422 and r.json()["field"] == "base" and "Ghi mức thu nhập" in r.json()["detail"]
    client.force_login(secretary_b1)
    assert client.get(reverse("api:dues_member_ledger", kwargs={"member_id": an.pk}), {"year": 2025}).status_code == 404
    r = client.post(reverse("api:dues_close"), {"org_id": tree["cell_a1"].pk, "month": "2025-01-01"}, content_type=J)
    assert r.status_code == 404 and not DuesMonthClose.objects.exists()
    assert client.get(reverse("api:dues_mine"), {"year": 2025}).status_code == 404
    client.force_login(leader)  # sees the province, may not collect
    r = client.post(
        reverse("api:dues_payment_create", kwargs={"member_id": an.pk}),
        {"from_month": "2025-01-01", "to_month": "2025-01-01", "amount": 1000, "paid_on": "2025-01-10"},
        content_type=J,
    )
    assert r.status_code in (403, 422) and not DuesPayment.objects.exists()


def test_summary_api_takes_the_same_queries_whatever_the_number_of_members(client, system_user, tree, admit, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.core.rules import clear_cache
    from dangbo.dues.tests.factories import declare, pay

    url = reverse("api:dues_summary")
    query = {"org_id": tree["province"].pk, "first": "2025-01-01", "last": "2025-12-01"}
    client.force_login(officer)

    def add(n, start):
        for i in range(n):
            m = admit(tree["cell_a1" if i % 2 else "cell_b1"], f"Đảng viên Số {start + i}")
            declare(system_user, m, Category.SI_SALARY, 6_000_000 + 100_000 * i)
            pay(system_user, m, date(2025, 1, 1), date(2025, 3, 1), 180_000, paid_on=date(2025, 3, 9))

    def measure():
        clear_cache()
        client.get(url, query)  # the scope and rule parameters read once
        clear_cache()
        with CaptureQueriesContext(connection) as q:
            body = client.get(url, query).json()
        return len(q), body

    add(2, 0)
    few, body_few = measure()
    add(8, 2)
    many, body_many = measure()
    assert few == many and many <= 12 + 14  # one aggregate per month, the collections, session, scope, rules
    assert body_many["collected"] == 10 * 180_000 > body_few["collected"]


def test_api_closing_levels_and_reopening(client, tree, members_a1, secretary_a1, secretary_b1, commune_officer):
    from dangbo.dues.models import DuesMonthReopen

    client.force_login(commune_officer)
    jan = {"org_id": tree["commune_a"].pk, "month": "2025-01-01"}
    r = client.post(reverse("api:dues_close"), jan, content_type=J)  # cell A1 has members and is open
    assert r.status_code == 422 and r.json()["field"] == "org" and "Chi bộ thôn 1" in r.json()["detail"]
    client.force_login(secretary_a1)
    cell = {"org_id": tree["cell_a1"].pk, "month": "2025-01-01"}
    assert client.post(reverse("api:dues_close"), cell, content_type=J).status_code == 201
    r = client.post(reverse("api:dues_reopen"), {**cell, "reason": " "}, content_type=J)
    assert r.status_code == 422 and r.json()["field"] == "reason" and not DuesMonthReopen.objects.exists()
    client.force_login(secretary_b1)
    r = client.post(reverse("api:dues_reopen"), {**cell, "reason": "Sai"}, content_type=J)
    assert r.status_code == 404 and not DuesMonthReopen.objects.exists()
    client.force_login(secretary_a1)
    r = client.post(reverse("api:dues_reopen"), {**cell, "reason": "Ghi sót biên lai"}, content_type=J)
    assert r.status_code == 201 and r.json()["reason"] == "Ghi sót biên lai" and r.json()["month"] == "2025-01-01"
    assert not DuesMonthClose.objects.filter(reopened=False).exists()
