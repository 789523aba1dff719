"""The dues items of the worklist (access.worklist): members in scope with 2 unpaid months this
year (warning) and 3 or more (ground for name removal, R-122). One aggregate query, bounded by
the user's scope."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, Subquery
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.core.rules import param
from dangbo.dues.selectors import _subtree_ids, with_unpaid_months
from dangbo.members.models import Member

GROUP = "Đảng phí"


def members_in_arrears(user, year: int, today: date, *, min_months: int | None = None, org_id: int | None = None):
    """Members in the user's scope (by their current organization; with `org_id`, in its subtree)
    annotated with `unpaid_months` and `unpaid_amount` of `year` (R-122), those with at least
    `min_months` (default: the warning count), most months first."""
    warn = param("dues_unpaid_warn_months", today) if min_months is None else min_months
    allowed = policy.allowed_org_ids(user, action="view")
    members = Member.objects.all()
    if allowed is not None:
        members = members.filter(current_org_id__in=Subquery(allowed))
    if org_id is not None:
        members = members.filter(current_org_id__in=_subtree_ids(org_id, today))
    return (
        with_unpaid_months(members, year, today)
        .filter(unpaid_months__gte=max(warn, 1))
        .order_by("-unpaid_months", "-unpaid_amount", "name_folded", "pk")
    )


def counts(user, today: date) -> tuple[int, int]:
    """(members with exactly `warn` unpaid months, members with `removal` or more) this year."""
    warn, removal = param("dues_unpaid_warn_months", today), param("dues_unpaid_removal_months", today)
    allowed = policy.allowed_org_ids(user, action="view")
    members = Member.objects.all()
    if allowed is not None:
        members = members.filter(current_org_id__in=Subquery(allowed))
    agg = with_unpaid_months(members, today.year, today).aggregate(
        w=Count("pk", filter=Q(unpaid_months__gte=warn, unpaid_months__lt=removal)),
        r=Count("pk", filter=Q(unpaid_months__gte=removal)),
    )
    return agg["w"], agg["r"]


def provider(user, today: date) -> list[WorkItem]:
    if not policy.can(user, "view"):
        return []
    warn, removal = counts(user, today)
    url = reverse("dues:arrears") + f"?nam={today.year}&tu={param('dues_unpaid_warn_months', today)}"
    return [
        WorkItem(
            "dang_phi_no_2",
            "Đảng viên chưa đóng đảng phí 2 tháng trong năm",
            warn,
            url,
            "warning",
            "Nhắc nhở: đến 3 tháng là căn cứ xem xét xóa tên (R-122).",
            GROUP,
        ),
        WorkItem(
            "dang_phi_no_3",
            "Đảng viên chưa đóng đảng phí từ 3 tháng trong năm",
            removal,
            url,
            "danger",
            "Căn cứ chi bộ xem xét, đề nghị xóa tên (R-122, R-039).",
            GROUP,
        ),
    ]
