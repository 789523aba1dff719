"""A small apparatus (synthetic): the province's party bloc with its organization commission and
one district bloc with two bodies, their 2021 baselines and 2025 quotas and headcount."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.staffing.services import (
    AllocationInput,
    agency_create,
    baseline_set,
    ensure_categories,
    headcount_record,
    quota_allocate,
)

START = date(2015, 1, 1)


@pytest.fixture
def cats(db):
    return ensure_categories()


@pytest.fixture
def app(system_user, tree, cats):
    """R (root: the province's party bloc) → P (organization commission), H (district bloc) → D1, D2."""
    p, d = tree["province"], tree["district"]
    root = agency_create(
        actor=system_user, code="T01-KD", name="Khối cơ quan Đảng tỉnh Thử Nghiệm", managing_org_id=p.pk, on=START
    )
    prov = agency_create(
        actor=system_user, code="T01-BTC", name="Ban Tổ chức Tỉnh ủy", managing_org_id=p.pk, on=START, parent=root
    )
    bloc = agency_create(
        actor=system_user,
        code="H01-KD",
        name="Khối cơ quan Huyện ủy Sông Xanh",
        managing_org_id=d.pk,
        on=START,
        parent=root,
    )
    d1 = agency_create(
        actor=system_user,
        code="H01-BTC",
        name="Ban Tổ chức Huyện ủy Sông Xanh",
        managing_org_id=d.pk,
        on=START,
        parent=bloc,
    )
    d2 = agency_create(
        actor=system_user,
        code="H01-UBKT",
        name="Ủy ban Kiểm tra Huyện ủy Sông Xanh",
        managing_org_id=d.pk,
        on=START,
        parent=bloc,
    )
    cb = cats["cb_cc"]
    for a, n in ((prov, 40), (d1, 12), (d2, 8)):
        baseline_set(actor=system_user, agency=a, category=cb, year=2021, number=n, source="Biên chế giao năm 2021")

    def give(recv, n, on=date(2025, 1, 2), label="", number="QĐ-2025"):
        return quota_allocate(
            actor=system_user,
            data=AllocationInput(
                year=on.year,
                receiving_id=recv.pk,
                category_id=cb.pk,
                number=n,
                decision_number=number,
                decision_date=on,
                effective_from=on,
                allocating_label=label,
            ),
        )

    give(root, 57, label="Ban Tổ chức Trung ương")
    give(prov, 38)
    give(bloc, 19)
    give(d1, 11)
    give(d2, 7)
    for a, n in ((prov, 36), (d1, 10), (d2, 7)):
        headcount_record(
            actor=system_user,
            agency=a,
            category=cb,
            on=date(2025, 1, 2),
            count=n,
            source="Báo cáo số lượng người làm việc 01/2025",
        )
    return {"root": root, "prov": prov, "bloc": bloc, "d1": d1, "d2": d2, "cb": cb, "give": give}
