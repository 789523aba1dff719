"""Shared fixtures of the notifications tests: members of the tree, the first with an account."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access.models import Role, RoleAssignment
from dangbo.members.services import ProfileInput, member_admit

PASSWORD = "Kiemthu@2026x"


@pytest.fixture
def people(system_user, tree, django_user_model):
    """Two members of commune A (cells A1, A2), one of commune B; the first has an account."""

    def admit(cell, name):
        return member_admit(
            actor=system_user,
            cell=cell,
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 2),
            profile=ProfileInput(full_name=name, birth_year=1985, sex="M"),
        )

    a1, a2, b1 = (
        admit(tree["cell_a1"], "Nguyễn Văn An"),
        admit(tree["cell_a2"], "Trần Thị Bình"),
        admit(tree["cell_b1"], "Lê Văn Cường"),
    )
    user = django_user_model.objects.create_user("dangvien_an", password=PASSWORD, email="an@example.vn")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=a1, valid_from=date(2020, 1, 1))
    return {"a1": a1, "a2": a2, "b1": b1, "user": user}
