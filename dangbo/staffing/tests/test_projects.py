"""Restructuring projects: units restructured per model, as the seed 000 reports them."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.staffing import selectors as sel
from dangbo.staffing.services import UnitInput, project_create, project_unit_done

pytestmark = pytest.mark.django_db

SEED_000 = "7/8 Cơ quan Thanh tra - Kiểm tra; 8/13 Cơ quan Tổ chức - Nội vụ; 12/13 Văn phòng cấp huyện"


def _project(actor, org, model, total, done, on=date(2023, 10, 1)):
    return project_create(
        actor=actor,
        org_id=org.pk,
        name=f"Đề án sắp xếp {model}",
        model=model,
        approved_on=date(2023, 3, 1),
        units=[UnitInput(label=f"{model} huyện {i + 1}", done_on=on if i < done else None) for i in range(total)],
    )


def test_seed_000_restructured_units_per_model(system_user, tree):
    p = tree["province"]
    _project(system_user, p, "Cơ quan Thanh tra - Kiểm tra", 8, 7)
    _project(system_user, p, "Cơ quan Tổ chức - Nội vụ", 13, 8)
    office = _project(system_user, p, "Văn phòng cấp huyện", 13, 11)
    progress = sel.restructured_by_model(actor=system_user, at=date(2023, 12, 31))
    assert sel.restructured_summary(progress) == SEED_000.replace("12/13", "11/13")
    last = office.units.filter(done_on__isnull=True).first()
    project_unit_done(actor=system_user, unit=last, on=date(2023, 12, 15))
    progress = sel.restructured_by_model(actor=system_user, at=date(2023, 12, 31))
    assert sel.restructured_summary(progress) == SEED_000
    # As of before the last unit was done: 11/13 again.
    assert str(sel.restructured_by_model(actor=system_user, at=date(2023, 12, 14))[2]) == "11/13 Văn phòng cấp huyện"


def test_projects_are_scoped(system_user, tree, outsider, commune_officer):
    _project(system_user, tree["commune_a"], "Văn phòng cấp huyện", 2, 1)
    assert sel.restructured_by_model(actor=outsider, at=date(2024, 1, 1)) == []
    assert str(sel.restructured_by_model(actor=commune_officer, at=date(2024, 1, 1))[0]) == "1/2 Văn phòng cấp huyện"
