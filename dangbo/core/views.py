from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Officers, secretaries and leaders start at the tree; a member at their own profile."""
    from dangbo.access.scope import can, user_scope

    scope = user_scope(request.user)
    if not can(request.user, "view") and scope.member_ids:
        return redirect("members:member_detail", pk=min(scope.member_ids))
    return redirect("orgs:org_tree")
