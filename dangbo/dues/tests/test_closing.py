"""Item 1: each level closes its month on its own (cell, then commune, then upper levels; refused
while a unit below is open), remittance up the tree with each level's R-121 share, reopening (an
audited event with a reason), ledgers and balances per organization as of a date, adjusting entries
after closing, "x/y chi bộ đã chốt"."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.dues import selectors as sel
from dangbo.dues.models import Category, DuesLedgerEntry, DuesMonthClose, DuesMonthReopen, DuesPayment
from dangbo.dues.services import month_close, month_reopen
from dangbo.dues.tests.factories import declare, pay

MARCH = date(2025, 3, 1)


def _balances(system_user, tree, until, keys=("cell_a1", "commune_a", "district", "province")):
    return [sel.org_ledger(actor=system_user, org_id=tree[k].pk, until=until).balance for k in keys]


def test_rule_r121_each_level_closes_on_its_own_and_remits_its_share_up(system_user, tree, declared):
    for m in declared:
        pay(system_user, m, MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    close = month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    # subordinate_cell keeps 30 %, the commune, district ("*") 30 % of what reaches them, the top all.
    assert (close.collected, close.received, close.retained, close.remitted) == (400_000, 0, 120_000, 280_000)
    # The commune holds what its cells remitted until it closes in turn; nothing went further up.
    assert _balances(system_user, tree, date(2025, 3, 31)) == [120_000, 280_000, 0, 0]
    commune = month_close(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, on=date(2025, 4, 2))
    assert (commune.collected, commune.received, commune.retained, commune.remitted) == (0, 280_000, 84_000, 196_000)
    assert _balances(system_user, tree, date(2025, 4, 2)) == [120_000, 84_000, 196_000, 0]
    month_close(actor=system_user, org_id=tree["district"].pk, month=MARCH, on=date(2025, 4, 5))
    top = month_close(actor=system_user, org_id=tree["province"].pk, month=MARCH, on=date(2025, 4, 8))
    assert (top.received, top.retained, top.remitted) == (137_200, 137_200, 0)
    books = _balances(system_user, tree, date(2025, 4, 8))
    assert books == [120_000, 84_000, 58_800, 137_200]
    assert sum(books) == 400_000  # nothing lost on the way up
    assert AuditEntry.objects.filter(action="dues.month_close").count() == 4
    # Balances as of any date: before the cell's closing nothing is on the books.
    assert sel.org_ledger(actor=system_user, org_id=tree["cell_a1"].pk, until=date(2025, 3, 30)).balance == 0
    assert _balances(system_user, tree, date(2025, 4, 1)) == [120_000, 280_000, 0, 0]
    with pytest.raises(DomainError, match="đã chốt sổ"):
        month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 4, 1))


def test_rule_r121_a_level_cannot_close_while_a_unit_below_is_open(system_user, tree, declared, admit):
    other = admit(tree["cell_a2"], "Vũ Thị Hai")
    declare(system_user, other, Category.STUDENT)
    pay(system_user, declared[0], MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    entries, audits = DuesLedgerEntry.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as err:
        month_close(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, on=date(2025, 4, 1))
    assert err.value.field == "org"
    assert str(err.value) == "Chưa thể chốt sổ tháng 03/2025: còn 1 tổ chức cấp dưới chưa chốt sổ (Chi bộ thôn 2)"
    # The district names every open unit below it: the commune and its open cell.
    with pytest.raises(DomainError, match=r"còn 2 tổ chức cấp dưới chưa chốt sổ \(Đảng bộ xã An Bình, Chi bộ thôn 2\)"):
        month_close(actor=system_user, org_id=tree["district"].pk, month=MARCH, on=date(2025, 4, 1))
    assert (DuesLedgerEntry.objects.count(), AuditEntry.objects.count()) == (entries, audits)  # nothing written
    assert DuesMonthClose.objects.count() == 1
    # A commune without members anywhere below has nothing to wait for; cell A2 closes, then commune A.
    month_close(actor=system_user, org_id=tree["commune_b"].pk, month=MARCH, on=date(2025, 4, 1))
    month_close(actor=system_user, org_id=tree["cell_a2"].pk, month=MARCH, on=date(2025, 4, 1))
    assert (
        month_close(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, on=date(2025, 4, 1)).received == 70_000
    )
    assert [r.name for r in sel.units_below(tree["district"].pk, MARCH) if r.close is None] == []


def test_reopening_is_an_audited_event_with_a_reason_and_closing_again_posts_once(system_user, tree, declared):
    for m in declared[:2]:
        pay(system_user, m, MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    month_close(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, on=date(2025, 4, 1))
    assert _balances(system_user, tree, date(2025, 4, 1)) == [60_000, 42_000, 98_000, 0]
    entries = DuesLedgerEntry.objects.count()
    with pytest.raises(DomainError) as err:  # no reason: nothing changes
        month_reopen(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, reason="  ", on=date(2025, 4, 2))
    assert err.value.field == "reason" and str(err.value) == "Ghi lý do mở lại sổ"
    with pytest.raises(DomainError, match=r"Cấp trên \(Đảng bộ xã An Bình\) đã chốt sổ tháng 03/2025"):
        month_reopen(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, reason="Sai", on=date(2025, 4, 2))
    assert DuesLedgerEntry.objects.count() == entries and not DuesMonthReopen.objects.exists()
    # Top-down: the commune reopens, then the cell; each reversal is an adjusting entry.
    month_reopen(
        actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, reason="Chi bộ ghi sót", on=date(2025, 4, 2)
    )
    assert _balances(system_user, tree, date(2025, 4, 2)) == [60_000, 140_000, 0, 0]
    event = month_reopen(
        actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, reason="Ghi sót biên lai", on=date(2025, 4, 3)
    )
    assert event.reason == "Ghi sót biên lai" and event.close.reopened
    assert sel.month_closed(tree["cell_a1"].pk, MARCH) is None
    assert _balances(system_user, tree, date(2025, 4, 3)) == [0, 0, 0, 0]
    assert _balances(system_user, tree, date(2025, 4, 1)) == [60_000, 42_000, 98_000, 0]  # history kept
    audit = AuditEntry.objects.filter(action="dues.month_reopen").order_by("id")
    assert [a.after["reason"] for a in audit] == ["Chi bộ ghi sót", "Ghi sót biên lai"]
    # The month is open again: the missed payment is not posted until closing, then all once.
    pay(system_user, declared[2], MARCH, MARCH, 100_000, paid_on=date(2025, 4, 4))
    again = month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 4, 5))
    assert (again.collected, again.remitted) == (300_000, 210_000)
    assert DuesMonthClose.objects.filter(org=tree["cell_a1"], month=MARCH).count() == 2
    month_close(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, on=date(2025, 4, 6))
    assert _balances(system_user, tree, date(2025, 4, 6)) == [90_000, 63_000, 147_000, 0]
    with pytest.raises(DomainError, match="chưa chốt sổ"):
        month_reopen(actor=system_user, org_id=tree["district"].pk, month=MARCH, reason="Sai", on=date(2025, 4, 7))


def test_payment_after_the_levels_closed_is_forwarded_through_the_closed_levels(system_user, tree, declared):
    pay(system_user, declared[0], MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    month_close(actor=system_user, org_id=tree["commune_a"].pk, month=MARCH, on=date(2025, 4, 1))
    pay(system_user, declared[1], MARCH, MARCH, 100_000, paid_on=date(2025, 4, 5))
    # Cell keeps 30 %, the closed commune forwards 70 % of the 70 % to the open district.
    assert _balances(system_user, tree, date(2025, 4, 5)) == [60_000, 42_000, 98_000, 0]
    assert DuesLedgerEntry.objects.filter(org=tree["commune_a"], adjusting=True).count() == 2


def test_superior_closes_and_reopens_on_the_ledger_page(client, system_user, tree, declared, admit, commune_officer):
    other = admit(tree["cell_a2"], "Vũ Thị Hai")
    declare(system_user, other, Category.STUDENT)
    pay(system_user, declared[0], MARCH, MARCH, 100_000, paid_on=date(2025, 3, 10))
    month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=MARCH, on=date(2025, 3, 31))
    client.force_login(commune_officer)
    org = tree["commune_a"].pk
    url = reverse("dues:ledger") + f"?org={org}&thang=03/2025"
    page = client.get(url).content.decode()
    assert "Còn 1 tổ chức cấp dưới chưa chốt sổ: Chi bộ thôn 2" in page and 'id="chot-so"' not in page
    r = client.post(reverse("dues:close"), {"org": org, "thang": "03/2025", "quay_lai": "so-quy"}, follow=True)
    assert "còn 1 tổ chức cấp dưới chưa chốt sổ (Chi bộ thôn 2)" in r.content.decode()
    assert not DuesMonthClose.objects.filter(org_id=org).exists()
    month_close(actor=system_user, org_id=tree["cell_a2"].pk, month=MARCH, on=date(2025, 3, 31))
    assert 'id="chot-so"' in client.get(url).content.decode()
    r = client.post(reverse("dues:close"), {"org": org, "thang": "03/2025", "quay_lai": "so-quy"})
    assert r.status_code == 302 and r.url.startswith(reverse("dues:ledger"))
    assert DuesMonthClose.objects.get(org_id=org).remitted == 49_000
    r = client.post(
        reverse("dues:reopen"), {"org": org, "thang": "03/2025", "ly_do": "", "quay_lai": "so-quy"}, follow=True
    )
    assert "Ghi lý do mở lại sổ" in r.content.decode() and sel.month_closed(org, MARCH)
    client.post(reverse("dues:reopen"), {"org": org, "thang": "03/2025", "ly_do": "Sai số liệu", "quay_lai": "so-quy"})
    assert sel.month_closed(org, MARCH) is None and DuesMonthReopen.objects.get().reason == "Sai số liệu"


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
    # The commune holds what cell A1 remitted until it closes in turn.
    assert "1/2 chi bộ đã chốt" in page and "Nhận từ cấp dưới" in page and "số dư 70.000 đ" in page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    r = client.post(reverse("dues:close"), {"org": tree["cell_a1"].pk, "thang": "04/2025"})
    assert r.status_code == 404 and DuesMonthClose.objects.count() == 1
