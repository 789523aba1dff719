"""Demo data of party dues (called by dangbo.demo): for the demo cells and their sibling cells,
a declaration per member and a year of payments (cash on the sheet, some on the portal for
several months at once, a few members behind: the R-122 worklist has something to show), and
the months closed with their remittance up the tree except the last one (the secretary closes it
in the walkthrough), and the committees above them closing all months but the last two. Bulk-written: a few thousand rows, well under a few seconds."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.dues import facts
from dangbo.dues import selectors as sel
from dangbo.dues.models import BASE_CATEGORIES, Category, Channel, DuesAllocation, DuesDeclaration, DuesPayment
from dangbo.dues.services import month_close
from dangbo.members.models import ACTIVE_STATUSES, MembershipSpan
from dangbo.orgs.models import OrgVersion

CATEGORIES = [(Category.SI_SALARY, 0.55), (Category.PENSION, 0.3), (Category.STUDENT, 0.05), (Category.NO_INCOME, 0.1)]


def _due(category: str, base: int | None, month: date) -> int:
    r = sel.rates(month)
    key = sel._rate_key(category)
    return (base or 0) * r[key] // 10000 if category in BASE_CATEGORIES else r[key]


def build_demo_dues(*, actor, cell_ids: list[int], today: date, rng: random.Random) -> tuple[int, int]:
    """Returns (payments, closed cell-months) written for the 12 months before `today`."""
    parents = OrgVersion.objects.valid_on(today).filter(org_id__in=cell_ids).values("parent_id")
    siblings = set(OrgVersion.objects.valid_on(today).filter(parent_id__in=parents).values_list("org_id", flat=True))
    # Only units with nothing below them keep a sheet: a sibling may be a grassroots committee with
    # cells of its own, and a level closes only after every unit below it.
    with_children = set(
        OrgVersion.objects.valid_on(today).filter(parent_id__in=siblings).values_list("parent_id", flat=True)
    )
    cells = sorted((siblings - with_children) | set(cell_ids))
    spans = (
        MembershipSpan.objects.valid_on(today)
        .filter(status__in=ACTIVE_STATUSES, in_transfer=False)
        .values_list("member_id", "org_id", "temp_org_id")
    )
    members = [(m, t or o) for m, o, t in spans if (t or o) in cells]
    this_month = sel.month_start(today)
    ms = [sel.add_months(this_month, -i) for i in range(12, 0, -1)]
    first = ms[0]
    decls, plan = [], []
    for member_id, org_id in members:
        category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        base = (
            rng.randrange(45, 200) * 100_000
            if category == Category.SI_SALARY
            else rng.randrange(30, 90) * 100_000
            if category == Category.PENSION
            else None
        )
        decls.append(
            DuesDeclaration(
                member_id=member_id,
                category=category,
                base=base,
                valid_from=first,
                declared_on=first,
                source="Bản kê khai của đảng viên (dữ liệu trình diễn)",
            )
        )
        behind = rng.random() < 0.06  # a few members 2–3 months behind (R-122 worklist)
        portal = rng.random() < 0.25  # pays a quarter at a time on the National Public Service Portal
        months = ms[: -rng.choice([2, 3])] if behind else ms
        if portal:
            for i in range(0, len(months), 3):
                run = months[i : i + 3]
                plan.append((member_id, org_id, run, sum(_due(category, base, m) for m in run), Channel.PORTAL))
        else:
            plan.extend((member_id, org_id, [m], _due(category, base, m), Channel.CASH) for m in months)
    DuesDeclaration.objects.bulk_create(decls, batch_size=5000)
    payments = [
        DuesPayment(
            member_id=m,
            org_id=o,
            from_month=run[0],
            to_month=run[-1],
            amount=amount,
            paid_on=min(sel.month_end(run[0]).replace(day=rng.randint(5, 25)), today),
            channel=ch,
            receipt_no=f"DVC{run[0]:%Y%m}{m:07d}" if ch == Channel.PORTAL else "",
        )
        for m, o, run, amount, ch in plan
    ]
    DuesPayment.objects.bulk_create(payments, batch_size=5000)
    allocs = []
    for p, (m, _, run, amount, _) in zip(payments, plan, strict=True):
        share = amount // len(run)
        allocs.extend(
            DuesAllocation(
                payment=p, member_id=m, month=mo, amount=share if i < len(run) - 1 else amount - share * (len(run) - 1)
            )
            for i, mo in enumerate(run)
        )
    DuesAllocation.objects.bulk_create(allocs, batch_size=5000)
    facts.rebuild_all(today=today)  # bulk-written rows: the stored dues facts from them
    closed = 0
    for org_id in cells:
        for m in ms[:-1]:
            month_close(actor=actor, org_id=org_id, month=m, on=min(sel.month_end(m), today))
            closed += 1
    # Each level closes on its own: the committees over the demo cells close the months but the
    # last two (the dues indicators show what went up); skipped where a unit below is still open.
    for org_id in sorted(
        set(OrgVersion.objects.valid_on(today).filter(org_id__in=cells).values_list("parent_id", flat=True)) - {None}
    ):
        for m in ms[:-2]:
            try:
                with transaction.atomic():
                    month_close(actor=actor, org_id=org_id, month=m, on=min(sel.add_months(m, 1), today))
            except DomainError:
                continue
    audit_record(
        actor=actor,
        action="demo.dues",
        summary=f"Dữ liệu trình diễn: {len(decls)} kê khai, "
        f"{len(payments)} khoản nộp đảng phí của {len(cells)} chi bộ, {closed} tháng đã chốt sổ.",
    )
    return len(payments), closed
