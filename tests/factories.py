"""Test factories (factory-boy): organizations, members and users with roles, built through the
services so that versions, history events and audit entries exist as in production.

    org = OrganizationFactory(parent=tree["commune_a"])            # a cell under commune A
    member = MemberFactory(cell=org, full_name="Nguyễn Văn An")      # admitted through member_admit
    user = UserFactory(role=Role.CELL_SECRETARY, org=org)           # an account with one role

The shared fixtures (root conftest.py: `admit`, `members_a1`, `secretary`, ...) are built on these.
"""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model

from dangbo.access.models import Role, RoleAssignment
from dangbo.cadres.models import Cadre
from dangbo.cadres.services import CadreInput, cadre_create
from dangbo.core.actors import SYSTEM
from dangbo.members.models import Member
from dangbo.members.services import ProfileInput, member_admit
from dangbo.orgs.models import Organization
from dangbo.orgs.services import org_establish

START = date(2015, 1, 1)
PASSWORD = "Kiemthu@2026x"
CEREMONY_AFTER = timedelta(days=14)  # the admission ceremony, two weeks after the decision


class OrganizationFactory(factory.Factory):
    """An organization established through `orgs.services.org_establish` (a cell by default)."""

    class Meta:
        model = Organization

    actor = SYSTEM
    code = factory.Sequence(lambda n: f"F{n:04d}")
    name = factory.Sequence(lambda n: f"Chi bộ thử {n}")
    org_type = "subordinate_cell"
    parent = None
    on = START

    @classmethod
    def _create(cls, model_class, **kwargs):
        return org_establish(**kwargs)


class MemberFactory(factory.Factory):
    """A member admitted through `members.services.member_admit` (admission event, ceremony
    `CEREMONY_AFTER` the decision unless given, membership span, audit entry)."""

    class Meta:
        model = Member

    actor = SYSTEM
    cell = factory.SubFactory(OrganizationFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    birth_year = 1985
    sex = "M"
    decided_on = date(2020, 1, 6)
    ceremony_on = factory.LazyAttribute(lambda o: o.decided_on + CEREMONY_AFTER)
    decision_number = ""
    decision_body = ""

    @classmethod
    def _create(cls, model_class, *, actor, cell, decided_on, ceremony_on, decision_number, decision_body, **profile):
        return member_admit(
            actor=actor,
            cell=cell,
            decided_on=decided_on,
            ceremony_on=ceremony_on,
            decision_number=decision_number,
            decision_body=decision_body,
            profile=ProfileInput(**profile),
        )


class CadreFactory(factory.Factory):
    """A cadre created through `cadres.services.cadre_create` (scope check, audit entry), managed
    by `managing_org` (an organization; the committee that keeps the cadre's record)."""

    class Meta:
        model = Cadre

    actor = SYSTEM
    managing_org = factory.SubFactory(OrganizationFactory)
    full_name = factory.Sequence(lambda n: f"Trần Văn Cán Bộ {n}")
    birth_date = date(1980, 1, 1)
    sex = "M"

    @classmethod
    def _create(cls, model_class, *, actor, managing_org, **fields):
        return cadre_create(actor=actor, data=CadreInput(managing_org_id=managing_org.pk, **fields))


class UserFactory(factory.django.DjangoModelFactory):
    """An active account; with `role` (and `org` or `member`), one role assignment from `valid_from`."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, role=None, org=None, member=None, valid_from=START, **kwargs):
        user = model_class.objects.create_user(*args, **kwargs)
        if role is not None:
            RoleAssignment.objects.create(user=user, role=role, org=org, member=member, valid_from=valid_from)
        return user


def secretary_of(cell, username: str, *, valid_from=date(2020, 1, 1)):
    """The cell secretary (bí thư chi bộ) account of `cell`."""
    return UserFactory(username=username, role=Role.CELL_SECRETARY, org=cell, valid_from=valid_from)
