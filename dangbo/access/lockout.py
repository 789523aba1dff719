"""Login lockout (django-axes): per (account, address) and, with a higher limit, per account.

Why not per address alone (as before): offices reach the server through one NAT or proxy address,
so five wrong passwords for one account blocked every user of the office. Why a second, higher
limit per account: so that guessing one account's password from many addresses is still bounded.
axes has a single `AXES_FAILURE_LIMIT` for all lockout parameters, so this handler counts the two
groups itself: locked when the (account, address) pair has `AXES_FAILURE_LIMIT` failures (5) or the
account has `DANGBO_LOCKOUT_ACCOUNT_LIMIT` failures (20) from any addresses within the cool-off.
The price of the per-account limit: someone who knows a user name can lock that one account for
the cool-off (15 min) by failing 20 times, from anywhere; the other accounts are not affected.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Needs AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"], in that order."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        pair, account = (
            qs.aggregate(n=Sum("failures_since_start"))["n"] or 0 for qs in self.get_user_attempts(request, credentials)
        )
        if account >= settings.DANGBO_LOCKOUT_ACCOUNT_LIMIT:
            # Reported as the pair limit, which is what axes compares the count with.
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair
