from __future__ import annotations

from datetime import date

import pytest

from dangbo.members.services import ProfileInput, member_admit


@pytest.fixture
def people(tree, system_user):
    """Synthetic members: three look-alike names in commune A, one in commune B."""

    def admit(cell, name, born, sex="M", cid=None, decided=date(2020, 3, 2)):
        return member_admit(
            actor=system_user,
            cell=cell,
            decided_on=decided,
            ceremony_on=decided.replace(day=16),
            profile=ProfileInput(full_name=name, birth_year=born, sex=sex, citizen_id=cid),
        )

    return {
        "an": admit(tree["cell_a1"], "Nguyễn Văn An", 1985, cid="001085000111"),
        "anh": admit(tree["cell_a2"], "Nguyễn Văn Anh", 1990, decided=date(2022, 5, 3)),
        "ban": admit(tree["cell_a1"], "Nguyễn Văn Bản", 1979),
        "thu": admit(tree["cell_a1"], "Đặng Thị Thu", 1992, sex="F"),
        "binh": admit(tree["cell_b1"], "Nguyễn Văn An", 1970, cid="001070000222"),
    }
