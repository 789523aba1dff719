"""A central resolution, a province plan implementing it with tasks for the two communes of the
conftest tree, as registered through the services."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.plans.services import DocumentInput, TaskInput, document_register, task_create

PLAN_DATE = date(2022, 8, 1)


@pytest.fixture
def resolution(system_user, tree):
    return document_register(
        actor=system_user,
        data=DocumentInput(
            number="21-NQ/TW",
            issued_on=date(2022, 6, 16),
            issuer="Ban Chấp hành Trung ương Đảng",
            doc_type="nghi_quyet",
            title="Về tăng cường củng cố, xây dựng tổ chức cơ sở đảng",
        ),
    )


@pytest.fixture
def plan(system_user, tree, resolution):
    return document_register(
        actor=system_user,
        data=DocumentInput(
            number="15-KH/TU",
            issued_on=PLAN_DATE,
            issuer="Ban Thường vụ Tỉnh ủy",
            doc_type="ke_hoach",
            title="Thực hiện Nghị quyết số 21-NQ/TW",
            owner_org_id=tree["province"].pk,
            implements_id=resolution.pk,
            place="Thử Nghiệm",
            recipients="- Ban Tổ chức Trung ương,\n- Lưu Văn phòng Tỉnh ủy.",
        ),
    )


@pytest.fixture
def tasks(system_user, tree, plan):
    a, b, district = tree["commune_a"].pk, tree["commune_b"].pk, tree["district"].pk
    return {
        "both": task_create(
            actor=system_user,
            plan=plan,
            data=TaskInput(
                content="Xây dựng mô hình chi bộ bốn tốt",
                number="a)",
                deadline_text="Quý III/2022",
                lead_text="Ban Tổ chức Tỉnh ủy",
                implementing_org_ids=[a, b],
            ),
        ),
        "b_only": task_create(
            actor=system_user,
            plan=plan,
            data=TaskInput(
                content="Tổng kết mô hình chi bộ ghép",
                number="b)",
                deadline_text="Quý IV/2022",
                implementing_org_ids=[b],
            ),
        ),
        "a_leads": task_create(
            actor=system_user,
            plan=plan,
            data=TaskInput(
                content="Rà soát quy chế làm việc",
                number="c)",
                deadline_text="Hằng năm",
                lead_org_id=a,
                implementing_org_ids=[district],
            ),
        ),
        "internal": task_create(
            actor=system_user,
            plan=plan,
            data=TaskInput(content="Việc nội bộ của Tỉnh ủy", number="d)", deadline_text="Thường xuyên"),
        ),
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded documents and evidence go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
