"""A member's home organization (access.policy.member_home_org_id) is read once per request, as
the profile page, its audited read and two permission checks ask for it (core.stamps.request_memo),
and read again after the request writes."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.access import policy
from dangbo.core import stamps
from dangbo.members.models import Member
from dangbo.members.services import ProfileInput, member_admit


@pytest.mark.django_db
def test_a_members_home_organization_is_read_once_per_request_and_again_after_a_write(tree):
    member = member_admit(
        actor=policy.SYSTEM.named("kiểm thử"),
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        decision_number="1-QĐ",
        profile=ProfileInput(full_name="Nguyễn Văn Nhớ", birth_year=1985, sex="M", citizen_id=None),
    )
    with stamps.request_snapshot():
        with CaptureQueriesContext(connection) as ctx:
            assert policy.member_home_org_id(member) == tree["cell_a1"].pk
            assert policy.member_home_org_id(member) == tree["cell_a1"].pk
        assert len(ctx.captured_queries) == 1
        Member.objects.filter(pk=member.pk).update(current_org=tree["cell_b1"])
        assert policy.member_home_org_id(member) == tree["cell_b1"].pk
