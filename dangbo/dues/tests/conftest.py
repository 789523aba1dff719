"""Dues fixtures: the members of cell A1 (`members_a1`), the `admit` helper and the cell
secretaries (`secretary_a1`, `secretary_b1`) are shared ones, in the root conftest.py; the helpers
that write dues data (declare, pay, relieve) are in factories.py."""

from __future__ import annotations

import pytest

from dangbo.dues.models import Category
from dangbo.dues.tests.factories import declare_each


@pytest.fixture
def declared(system_user, members_a1):
    """The members of cell A1, each declaring a salary of 10.000.000 đ (100.000 đ a month)."""
    declare_each(system_user, members_a1, Category.SI_SALARY, 10_000_000)
    return members_a1
