"""The cell's monthly collection sheet (/dang-phi/): listed with the month's dues, one tap records
the rest in cash; an organization outside the scope is 404."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.dues import selectors as sel
from dangbo.dues.models import Category, DuesPayment
from dangbo.dues.tests.factories import declare, declare_each, pay


def test_sheet_lists_members_with_their_due_and_one_tap_records_the_payment(
    client, system_user, tree, members_a1, secretary_a1
):
    an, binh = members_a1[:2]
    for m, base in ((an, 10_000_000), (binh, 5_000_000)):
        declare(system_user, m, Category.SI_SALARY, base)
    client.force_login(secretary_a1)
    url = reverse("dues:sheet") + f"?org={tree['cell_a1'].pk}&thang=03/2025"
    page = client.get(url).content.decode()
    assert "Nguyễn Văn An" in page and "Thu 100.000 đ" in page and "Thu 50.000 đ" in page
    assert "Chưa kê khai" in page  # the two members without a declaration
    r = client.post(reverse("dues:collect"), {"org": tree["cell_a1"].pk, "thang": "03/2025", "member": an.pk})
    assert r.status_code == 302
    p = DuesPayment.objects.get()
    assert (p.member_id, p.amount, p.from_month, p.channel, p.org_id) == (
        an.pk,
        100_000,
        date(2025, 3, 1),
        "cash",
        tree["cell_a1"].pk,
    )
    assert sel.ledger(an.pk, date(2025, 3, 1), date(2025, 3, 1))[0].status == "paid"
    page = client.get(url).content.decode()
    assert "Đã nộp" in page and "Thu 100.000 đ" not in page
    # A second tap does not charge twice.
    client.post(reverse("dues:collect"), {"org": tree["cell_a1"].pk, "thang": "03/2025", "member": an.pk})
    assert DuesPayment.objects.count() == 1


def test_a_secretary_of_one_cell_lands_on_its_sheet_and_an_officer_chooses(
    client, tree, members_a1, secretary_a1, commune_officer
):
    client.force_login(secretary_a1)
    page = client.get(reverse("dues:sheet") + "?thang=03/2025").content.decode()
    assert "Nguyễn Văn An" in page  # no need to pick the only cell in the scope
    client.force_login(commune_officer)
    page = client.get(reverse("dues:sheet") + "?thang=03/2025").content.decode()
    assert "Nguyễn Văn An" not in page and "Chọn chi bộ" in page


def test_sheet_of_an_organization_outside_the_scope_is_not_found(client, tree, members_a1, secretary_b1):
    client.force_login(secretary_b1)
    assert client.get(reverse("dues:sheet") + f"?org={tree['cell_a1'].pk}").status_code == 404
    r = client.post(
        reverse("dues:collect"), {"org": tree["cell_a1"].pk, "thang": "03/2025", "member": members_a1[0].pk}
    )
    assert r.status_code == 404
    page = client.get(reverse("dues:sheet")).content.decode()
    assert "Chi bộ thôn 1" not in page
    assert DuesPayment.objects.count() == 0


def test_arrears_page_lists_the_members_behind_the_worklist_count(
    client, system_user, tree, members_a1, secretary_a1, secretary_b1
):
    an, binh = members_a1[:2]
    declare_each(system_user, (an, binh), Category.PENSION, 4_000_000)
    pay(system_user, an, date(2025, 1, 1), date(2025, 12, 1), 240_000, paid_on=date(2025, 1, 5))
    client.force_login(secretary_a1)
    page = client.get(reverse("dues:arrears") + "?nam=2025").content.decode()
    assert "Trần Thị Bình" in page and "Căn cứ xóa tên" in page and "Nguyễn Văn An" not in page
    client.force_login(secretary_b1)
    assert "Trần Thị Bình" not in client.get(reverse("dues:arrears") + "?nam=2025").content.decode()
