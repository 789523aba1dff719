from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Officers, secretaries and leaders start at the tree; a member at their own profile."""
    from dangbo.access.policy import can, own_member_ids

    own = own_member_ids(request.user)
    if not can(request.user, "view") and own:
        return redirect("members:member_detail", pk=min(own))
    return redirect("orgs:org_tree")
