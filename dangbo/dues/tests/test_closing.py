"""Item 1: closing a cell's month, remittance up the tree with each level's R-121 share, ledgers and
balances per organization as of a date, adjusting entries after closing, "x/y chi bộ đã chốt"."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.dues import selectors as sel
from dangbo.dues.models import Category, DuesLedgerEntry, DuesMonthClose, DuesPayment
from dangbo.dues.services import month_close
from dangbo.dues.tests.test_rules import declare, pay

MARCH = date(2025, 3, 1)


@pytest.fixture
def declared(system_user, members_a1):
    for m in members_a1:
        declare(system_user, m, Category.SI_SALARY, 10_000_000)
    return members_a1


def test_rule_r121_closing_a_month_remits_up_the_tree_keeping_each_levels_share(system_user, tree, declared):
    for m in declared:
        pay(system_user, m, MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    close = month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    # subordinate_cell keeps 30 %, the commune, district ("*") 30 % of what reaches them, the top all.
    assert (close.collected, close.retained, close.remitted) == (400_000, 120_000, 280_000)
    until = date(2025, 3, 31)
    books = {
        k: sel.org_ledger(actor=system_user, org_id=tree[k].pk, until=until)
        for k in ("cell_a1", "commune_a", "district", "province")
    }
    assert [books[k].balance for k in ("cell_a1", "commune_a", "district", "province")] == [
        120_000,
        84_000,
        58_800,
        137_200,
    ]
    assert sum(b.balance for b in books.values()) == 400_000  # nothing lost on the way up
    assert (books["commune_a"].received, books["commune_a"].remitted) == (280_000, -196_000)
    assert AuditEntry.objects.filter(action="dues.month_close").count() == 1
    # Balances as of any date: before the closing nothing is on the books.
    assert sel.org_ledger(actor=system_user, org_id=tree["cell_a1"].pk, until=date(2025, 3, 30)).balance == 0
    with pytest.raises(DomainError, match="đã chốt sổ"):
        month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 4, 1))


def test_payment_after_closing_is_an_adjusting_entry_never_an_edit(system_user, tree, declared):
    an, binh = declared[:2]
    pay(system_user, an, MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    close = month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    pay(system_user, binh, MARCH, MARCH, 100_000, paid_on=date(2025, 4, 5))
    close.refresh_from_db()
    assert (close.collected, close.remitted) == (100_000, 70_000)  # the closing row is unchanged
    adj = DuesLedgerEntry.objects.filter(org=tree["cell_a1"], adjusting=True).order_by("id")
    assert [(e.kind, e.amount, e.entry_on) for e in adj] == [
        ("collected", 100_000, date(2025, 4, 5)),
        ("remitted", -70_000, date(2025, 4, 5)),
    ]
    assert sel.org_ledger(actor=system_user, org_id=tree["cell_a1"].pk, until=date(2025, 4, 30)).balance == 60_000
    assert sel.org_ledger(actor=system_user, org_id=tree["cell_a1"].pk, until=date(2025, 4, 1)).balance == 30_000
    # An open month's payment is not posted until its month is closed.
    pay(system_user, an, date(2025, 4, 1), date(2025, 4, 1), 100_000, paid_on=date(2025, 4, 6))
    assert DuesLedgerEntry.objects.filter(month=date(2025, 4, 1)).count() == 0


def test_closed_sheet_is_read_only_on_the_page(client, tree, declared, secretary_a1):
    client.force_login(secretary_a1)
    url = reverse("dues:sheet") + f"?org={tree['cell_a1'].pk}&thang=03/2025"
    assert "Chốt sổ tháng 03/2025" in client.get(url).content.decode()
    client.post(reverse("dues:collect"), {"org": tree["cell_a1"].pk, "thang": "03/2025", "member": declared[0].pk})
    r = client.post(reverse("dues:close"), {"org": tree["cell_a1"].pk, "thang": "03/2025"})
    assert r.status_code == 302 and DuesMonthClose.objects.get().collected == 100_000
    page = client.get(url).content.decode()
    assert "Đã chốt sổ ngày" in page and "Thu 100.000 đ" not in page and "Chốt sổ tháng 03/2025" not in page
    client.post(reverse("dues:collect"), {"org": tree["cell_a1"].pk, "thang": "03/2025", "member": declared[1].pk})
    assert DuesPayment.objects.count() == 1  # the one tap is refused on a closed sheet


def test_superior_sees_which_cells_closed_and_its_ledger(
    client, system_user, tree, declared, admit, commune_officer, outsider
):
    other = admit(tree["cell_a2"], "Vũ Thị Hai")
    declare(system_user, other, Category.STUDENT)
    pay(system_user, declared[0], MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    rows = sel.closing_status(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH)
    assert [(r.name, bool(r.close)) for r in rows] == [("Chi bộ thôn 1", True), ("Chi bộ thôn 2", False)]
    client.force_login(commune_officer)
    url = reverse("dues:ledger") + f"?org={tree['commune_a'].pk}&thang=03/2025&ngay=15/04/2025"
    page = client.get(url).content.decode()
    assert "1/2 chi bộ đã chốt" in page and "Nhận từ cấp dưới" in page and "số dư 21.000 đ" in page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    r = client.post(reverse("dues:close"), {"org": tree["cell_a1"].pk, "thang": "04/2025"})
    assert r.status_code == 404 and DuesMonthClose.objects.count() == 1
