"""Cadre work's items of the worklist («Việc cần làm», access.worklist): appointment terms ending
soon (re-appointment is prepared ahead), cadres reaching retirement soon, confidence-vote
campaign units not done. Set-based counts bounded by the user's scope; each links to the list
behind it, filtered the same way (the list and the count use the same selectors)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.access import policy
from dangbo.access.worklist import WorkItem
from dangbo.cadres.selectors import CadreFilters, cadre_list
from dangbo.cadres.votes import pending_units
from dangbo.core.rules import param

GROUP = "Công tác cán bộ"


def provider(user, today: date) -> list[WorkItem]:
    """Shown to users who may see organizations (not to the member role)."""
    if not policy.can(user, "view"):
        return []
    term_months = param("worklist_term_end_months", today)
    retire_months = param("worklist_retirement_months", today)
    terms = cadre_list(actor=user, filters=CadreFilters(at=today, term_ending_months=term_months)).count()
    retiring = cadre_list(actor=user, filters=CadreFilters(at=today, retiring_months=retire_months)).count()
    units = pending_units(actor=user, today=today).count()
    base = reverse("cadres:cadre_list")
    return [
        WorkItem(
            key="can_bo_het_han",
            label=f"Cán bộ hết thời hạn bổ nhiệm trong {term_months} tháng tới",
            count=terms,
            url=f"{base}?het_han={term_months}",
            level="warning",
            help="R-095: thời hạn bổ nhiệm 5 năm; chuẩn bị bổ nhiệm lại trước khi hết hạn",
            group=GROUP,
        ),
        WorkItem(
            key="can_bo_nghi_huu",
            label=f"Cán bộ đến tuổi nghỉ hưu trong {retire_months} tháng tới",
            count=retiring,
            url=f"{base}?nghi_huu={retire_months}",
            level="info",
            help="Tuổi nghỉ hưu theo lộ trình Bộ luật Lao động 2019 (theo giới tính, năm)",
            group=GROUP,
        ),
        WorkItem(
            key="tin_nhiem_chua_xong",
            label="Đơn vị chưa lấy phiếu tín nhiệm trong đợt",
            count=units,
            url=reverse("cadres:vote_campaign_list"),
            level="warning",
            help="R-092: đơn vị chưa thực hiện, chưa có quyết định lùi hoặc lý do không thuộc diện",
            group=GROUP,
        ),
    ]
