"""Dues fixtures: the members of cell A1 (`members_a1`), the `admit` helper and the cell
secretaries (`secretary_a1`, `secretary_b1`) are shared ones, in the root conftest.py."""
