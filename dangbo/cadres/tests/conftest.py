"""A province's title catalogue and a few cadres (synthetic)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.cadres.models import PlanningTerm, Title
from tests.factories import CadreFactory


@pytest.fixture
def titles(tree):
    p = tree["province"]

    def mk(code, name, is_head, **kw):
        return Title.objects.create(
            province=p, code=code, name=name, is_head=is_head, valid_from=date(2015, 1, 1), **kw
        )

    return {
        "commune_secretary": mk(
            "BT-XA", "Bí thư Đảng ủy xã", True, group="Cấp xã", filled_by="elected", term_calendar="party"
        ),
        "commune_deputy": mk(
            "PBT-XA", "Phó Bí thư Đảng ủy xã", False, group="Cấp xã", filled_by="elected", term_calendar="party"
        ),
        "dept_director": mk("GD-SO", "Giám đốc sở", True, group="Sở, ngành"),
        "dept_deputy": mk("PGD-SO", "Phó Giám đốc sở", False, group="Sở, ngành"),
        # A district title abolished with the districts on 01/07/2025.
        "district_secretary": mk(
            "BT-HUYEN",
            "Bí thư Huyện ủy",
            True,
            group="Cấp huyện",
            filled_by="elected",
            term_calendar="party",
            valid_to=date(2025, 6, 30),
            source="Kết luận 137-KL/TW; sắp xếp đơn vị hành chính 01/07/2025",
        ),
    }


@pytest.fixture
def term(tree):
    return PlanningTerm.objects.create(org=tree["province"], name="2025–2030", start_year=2025, end_year=2030)


@pytest.fixture
def cadre(system_user, tree):
    return CadreFactory(
        actor=system_user,
        managing_org=tree["commune_a"],
        full_name="Lê Văn Thử",
        birth_date=date(1975, 3, 15),
        theory_level="Cao cấp",
        management_class="Ban Thường vụ Tỉnh ủy",
        management_class_from=date(2020, 1, 1),
    )
