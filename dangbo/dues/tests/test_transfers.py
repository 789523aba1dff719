"""Item 6 (R-033, MODULES §4.5.2): the transfer letter states the month paid up to; the receiving
cell collects from the next month, months in transit included; nothing lost, nothing charged twice;
the member page shows it."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.dues import selectors as sel
from dangbo.dues.models import Category, DuesTransferNote
from dangbo.dues.tests.factories import declare, pay
from dangbo.members.models import EventType as E
from dangbo.members.transfers import LetterInput, transfer_issue, transfer_receive


def _on_sheet(actor, org, member, month):
    return {r.member_id: r for r in sel.cell_sheet(actor=actor, org_id=org.pk, month=month)}.get(member.pk)


def test_rule_r033_letter_states_month_paid_up_to_and_transit_months_go_to_the_receiving_cell(
    client, system_user, tree, members_a1, officer
):
    an = members_a1[0]
    old, new = tree["cell_a1"], tree["cell_b1"]
    declare(system_user, an, Category.SI_SALARY, 10_000_000)
    pay(system_user, an, date(2025, 1, 1), date(2025, 6, 1), 600_000, paid_on=date(2025, 6, 5))
    letter = transfer_issue(
        actor=system_user, member=an, data=LetterInput(on=date(2025, 6, 25), letter_number="12-GGT/ĐU", to_org=new)
    )
    note = DuesTransferNote.objects.get(transfer_id=letter.pk)
    assert (note.paid_up_to, note.starts_month) == (date(2025, 6, 1), date(2025, 7, 1))
    july, aug = date(2025, 7, 1), date(2025, 8, 1)
    # In transit on 31/07: July is on the receiving cell's sheet, not on the sender's.
    assert _on_sheet(system_user, old, an, july) is None
    assert _on_sheet(system_user, new, an, july).outstanding == 100_000
    assert _on_sheet(system_user, old, an, date(2025, 6, 1)).outstanding == 0  # June stays paid at the sender
    transfer_receive(actor=system_user, transfer=letter, cell=new, on=date(2025, 8, 12))
    pay(system_user, an, july, aug, 200_000, paid_on=date(2025, 8, 20), org_id=new.pk)
    assert (
        _on_sheet(system_user, new, an, july).outstanding == 0 and _on_sheet(system_user, new, an, aug).paid == 100_000
    )
    # Nothing lost, nothing twice: every month January–August due once in the district, all collected.
    s = sel.summary(actor=system_user, org_id=tree["district"].pk, first=date(2025, 1, 1), last=aug)
    assert s.due == 8 * 100_000 == s.collected
    s_old = sel.summary(actor=system_user, org_id=old.pk, first=date(2025, 1, 1), last=aug)
    s_new = sel.summary(actor=system_user, org_id=new.pk, first=date(2025, 1, 1), last=aug)
    assert (s_old.due, s_new.due) == (600_000, 200_000)
    assert sel.unpaid_months(member_ids=[an.pk], year=2025, today=date(2025, 9, 1)) == {}
    # The member page shows what the letter stated.
    client.force_login(officer)
    page = client.get(reverse("members:member_detail", args=[an.pk])).content.decode()
    assert 'id="dues-panel"' in page, page[-3000:]
    assert "Giấy giới thiệu chuyển sinh hoạt ngày 25/06/2025 ghi: đã nộp đảng phí đến tháng 06/2025" in page
    assert "nơi đến thu từ tháng 07/2025" in page


def test_letter_with_nothing_paid_starts_at_the_first_declared_month(system_user, tree, members_a1):
    binh = members_a1[1]
    declare(system_user, binh, Category.STUDENT, on=date(2025, 3, 1))
    letter = transfer_issue(
        actor=system_user,
        member=binh,
        data=LetterInput(on=date(2025, 5, 2), letter_number="13-GGT/ĐU", to_org=tree["cell_b1"]),
    )
    note = DuesTransferNote.objects.get(transfer_id=letter.pk)
    assert (note.paid_up_to, note.starts_month) == (None, date(2025, 3, 1))
    assert letter.type == E.OFFICIAL_TRANSFER_OUT
