"""Cell-life fixtures: the members of cell A1 (`members_a1`), the `admit` helper, the secretary
of cell A1 (`secretary`) and the member-role account (`member_user`) are shared ones, in the
root conftest.py."""
