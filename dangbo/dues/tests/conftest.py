"""Dues fixtures: members of cell A1 and a helper to declare and pay."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access.models import Role, RoleAssignment
from dangbo.core import rules
from dangbo.members.services import ProfileInput, member_admit

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    rules.clear_cache()
    yield
    rules.clear_cache()


@pytest.fixture
def admit(system_user):
    def _admit(cell, name, *, ceremony=date(2020, 3, 2)):
        return member_admit(
            actor=system_user,
            cell=cell,
            decided_on=ceremony,
            ceremony_on=ceremony,
            profile=ProfileInput(full_name=name, birth_year=1985, sex="M"),
        )

    return _admit


@pytest.fixture
def members_a1(tree, admit):
    return [admit(tree["cell_a1"], n) for n in NAMES]


@pytest.fixture
def secretary_b1(django_user_model, tree):
    user = django_user_model.objects.create_user("bithu_b1", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.CELL_SECRETARY, org=tree["cell_b1"], valid_from=date(2020, 1, 1))
    return user


@pytest.fixture
def secretary_a1(django_user_model, tree):
    user = django_user_model.objects.create_user("bithu_a1", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.CELL_SECRETARY, org=tree["cell_a1"], valid_from=date(2020, 1, 1))
    return user
