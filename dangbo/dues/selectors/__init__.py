"""Reads of party dues, all through the access policy (a declaration or payment is seen by whoever
sees the member's / the collecting organization's subtree; a member sees their own).

- The obligation of a member for a month (R-120): the declaration in force on the month's first
  day, the rates of the month's regime (core.rules `dues_regime` / `dues_rates`, in force on the
  month's first day: a month belongs to exactly one regime), the local hardship reduction (R-121).
  Under 01-QĐ/TW the SI-salary amount is 1 % of the *previous* month's declared SI salary.
  `obligation` computes it in Python for one member; `annotate_due` is the same computation as
  SQL over a Member queryset, used by the figures (no Python loop over members).
- A member owes a month when they are a member (probationary or full, exempt included: exemption
  from activities is not from dues — an open question, MODULES §4.2) on the month's last day.
- Paid: the allocations of payments to the months they cover (services.py), per month covered.

Split by concern, each module importable on its own; this package re-exports their public reads
(and the few helpers other modules and tests use), so `from dangbo.dues import selectors as sel`
keeps working:

- `scopes`: the visibility of the dues records in the access policy;
- `obligation`: months, rates, the obligation in Python and SQL;
- `ledger`: one member's ledger, paid up to, back dues and unpaid months (R-122);
- `figures`: who pays where, a cell's sheet, the due and the summary of a subtree;
- `closing`: month closes, organization ledgers, units below and the overview.
"""

from __future__ import annotations

from dangbo.dues.selectors import scopes  # noqa: F401  (registers the visibility in the access policy)
from dangbo.dues.selectors.closing import (
    CloseRow,
    OrgLedger,
    OverviewRow,
    children_overview,
    closing_status,
    month_closed,
    org_ledger,
    units_below,
)
from dangbo.dues.selectors.figures import (
    SheetRow,
    Summary,
    _subtree_ids,
    attends_in,
    cell_sheet,
    due_by_org,
    due_total,
    summary,
)
from dangbo.dues.selectors.ledger import (
    MonthRow,
    back_dues,
    facts_until,
    ledger,
    member_ledger,
    paid_up_to,
    paid_up_to_many,
    unpaid_months,
    with_unpaid_months,
)
from dangbo.dues.selectors.obligation import (
    BIG,
    INT,
    _amount,
    _rate_key,
    active_on,
    add_months,
    annotate_due,
    declaration_on,
    month_end,
    month_start,
    months,
    obligation,
    paid_expression,
    rates,
    regime,
    relief_expression,
    relief_on,
)

__all__ = [
    "BIG",
    "CloseRow",
    "INT",
    "MonthRow",
    "OrgLedger",
    "OverviewRow",
    "SheetRow",
    "Summary",
    "_amount",
    "_rate_key",
    "_subtree_ids",
    "active_on",
    "add_months",
    "annotate_due",
    "attends_in",
    "back_dues",
    "cell_sheet",
    "children_overview",
    "closing_status",
    "declaration_on",
    "due_by_org",
    "due_total",
    "facts_until",
    "ledger",
    "member_ledger",
    "month_closed",
    "month_end",
    "month_start",
    "months",
    "obligation",
    "org_ledger",
    "paid_expression",
    "paid_up_to",
    "paid_up_to_many",
    "rates",
    "regime",
    "relief_expression",
    "relief_on",
    "summary",
    "units_below",
    "unpaid_months",
    "with_unpaid_months",
]
