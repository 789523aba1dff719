"""Applying a restructuring project: approved with its decision, applied on its date; agencies
before → after with lineage (baseline, quota and headcount carried), internal units, surplus
leaders with the months left, people leaving under the policy by kind; all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import AgencyLineage, AgencyVersion, DepartureKind, ProjectUnit
from dangbo.staffing.services import (
    DepartureInput,
    SideInput,
    SurplusInput,
    UnitInput,
    agency_create,
    project_apply,
    project_approve,
    project_create,
    project_plan,
)

pytestmark = pytest.mark.django_db
ON = date(2025, 7, 1)


@pytest.fixture
def project(system_user, app, tree):
    """The district's organization commission (D1) and inspection commission (D2) merged into the
    province's organization commission (P) on 01/07/2025."""
    p = project_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Đề án hợp nhất cơ quan tham mưu",
        model="Cơ quan Tổ chức - Nội vụ",
        units=[
            UnitInput(label="Ban Tổ chức Huyện ủy Sông Xanh", agency_id=app["d1"].pk),
            UnitInput(label="Ủy ban Kiểm tra Huyện ủy Sông Xanh", agency_id=app["d2"].pk),
        ],
    )
    project_plan(
        actor=system_user,
        project=p,
        before=[SideInput(app["d1"].pk, 3), SideInput(app["d2"].pk, 2), SideInput(app["prov"].pk, 5)],
        after=[SideInput(app["prov"].pk, 6)],
        surplus=[SurplusInput(app["prov"].pk, norm=3, actual=5, deadline=date(2030, 7, 1))],
        departures=[
            DepartureInput(DepartureKind.EARLY_RETIREMENT, app["cb"].pk, 2, policy="Nghị định 178/2024/NĐ-CP"),
            DepartureInput(DepartureKind.RESIGNATION, app["cb"].pk, 1),
        ],
    )
    return p


def test_project_applied_on_its_date_merges_with_lineage_and_counts(system_user, app, project):
    with pytest.raises(DomainError, match="chưa có quyết định phê duyệt"):
        project_apply(actor=system_user, project=project)
    project_approve(
        actor=system_user, project=project, decision_number="15-QĐ/TU", approved_on=date(2025, 6, 1), applied_on=ON
    )
    project_apply(actor=system_user, project=project)
    # Lineage: D1 and D2 end 30/06/2025 and go into P.
    assert set(AgencyLineage.objects.filter(project=project).values_list("predecessor_id", flat=True)) == {
        app["d1"].pk,
        app["d2"].pk,
    }
    assert sel.version_on(app["d1"].pk, ON) is None and sel.version_on(app["d1"].pk, date(2025, 6, 30))
    # Baseline 40 + 12 + 8, headcount 36 + 10 + 7 carried to P as of 31/12/2025.
    assert sel.baseline_on(app["prov"].pk, app["cb"].pk, date(2025, 12, 31)) == (60, 0)
    assert sel.headcount_on(app["prov"].pk, app["cb"].pk, date(2025, 12, 31)) == 53
    # Internal units of P: 6 from 01/07/2025 (a new version, same name; the old one ends 30/06/2025).
    assert AgencyVersion.objects.get(agency=app["prov"], valid_to=date(2025, 6, 30)).internal_units == 0
    assert sel.version_on(app["prov"].pk, ON).internal_units == 6
    # The project's units are done on the date.
    assert set(ProjectUnit.objects.filter(project=project).values_list("done_on", flat=True)) == {ON}
    f = sel.project_figures(actor=system_user, at=date(2025, 12, 31))
    assert (f.projects_applied, f.agencies_before, f.agencies_after, f.units_before, f.units_after) == (1, 3, 1, 10, 6)
    assert f.surplus_total == 2 and f.surplus[0].months_left == 54 and f.surplus[0].position == "Cấp phó"
    assert f.departures == {"Nghỉ hưu trước tuổi": 2, "Thôi việc": 1} and f.departures_total == 3
    # Before the date nothing is applied yet.
    assert sel.project_figures(actor=system_user, at=date(2025, 6, 30)).projects_applied == 0
    with pytest.raises(DomainError, match="đã được thực hiện"):
        project_apply(actor=system_user, project=project)


def test_project_split_needs_an_apportionment_and_carries_the_shares(system_user, app, tree):
    a = agency_create(
        actor=system_user,
        code="H01-BTC-A",
        name="Ban Tổ chức (phần A)",
        managing_org_id=tree["district"].pk,
        on=ON,
        parent=app["bloc"],
    )
    b = agency_create(
        actor=system_user,
        code="H01-BTC-B",
        name="Ban Tổ chức (phần B)",
        managing_org_id=tree["district"].pk,
        on=ON,
        parent=app["bloc"],
    )
    p = project_create(
        actor=system_user,
        org_id=tree["district"].pk,
        name="Đề án chia tách",
        model="Thí điểm",
        units=[UnitInput(label="Ban Tổ chức Huyện ủy", agency_id=app["d1"].pk)],
    )
    with pytest.raises(DomainError, match="tổng bằng 100%"):
        project_plan(
            actor=system_user,
            project=p,
            before=[SideInput(app["d1"].pk)],
            after=[SideInput(a.pk, share_pct=Decimal(50)), SideInput(b.pk, share_pct=Decimal(40))],
        )
    project_plan(
        actor=system_user,
        project=p,
        before=[SideInput(app["d1"].pk)],
        after=[SideInput(a.pk, share_pct=Decimal(75)), SideInput(b.pk, share_pct=Decimal(25))],
    )
    project_approve(
        actor=system_user, project=p, decision_number="2-QĐ/HU", approved_on=date(2025, 6, 1), applied_on=ON
    )
    project_apply(actor=system_user, project=p)
    assert sel.baseline_on(a.pk, app["cb"].pk, ON) == (9, 0)  # 75% of 12
    assert sel.baseline_on(b.pk, app["cb"].pk, ON) == (3, 0)


def test_project_apply_refused_writes_nothing(system_user, app, project):
    """An after-agency not yet valid on the date: refused, no lineage, no version, no audit."""
    project_approve(
        actor=system_user,
        project=project,
        decision_number="15-QĐ/TU",
        approved_on=date(2014, 1, 1),
        applied_on=date(2014, 6, 1),
    )
    versions, audits = AgencyVersion.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError, match="chưa có hiệu lực"):
        project_apply(actor=system_user, project=project)
    assert AgencyVersion.objects.count() == versions and AuditEntry.objects.count() == audits
    assert not AgencyLineage.objects.exists()


def test_project_plan_validates_rows(system_user, app, project):
    with pytest.raises(DomainError, match="số hiện có phải lớn hơn"):
        project_plan(
            actor=system_user,
            project=project,
            before=[SideInput(app["d1"].pk)],
            after=[SideInput(app["prov"].pk)],
            surplus=[SurplusInput(app["prov"].pk, norm=3, actual=3, deadline=date(2030, 1, 1))],
        )
    with pytest.raises(DomainError, match="dòng gắn với một hồ sơ chỉ tính 1 người"):
        project_plan(
            actor=system_user,
            project=project,
            before=[SideInput(app["d1"].pk)],
            after=[SideInput(app["prov"].pk)],
            departures=[DepartureInput(DepartureKind.OTHER, app["cb"].pk, 2, member_id=1)],
        )
    # The earlier plan is intact.
    assert project.agencies.count() == 4 and project.departures.count() == 2


def test_project_approval_is_scoped(outsider, project):
    with pytest.raises(DomainError):
        project_approve(actor=outsider, project=project, decision_number="X", approved_on=ON, applied_on=ON)


def test_months_left():
    assert sel.months_left(date(2025, 12, 31), date(2026, 6, 30)) == 5
    assert sel.months_left(date(2025, 12, 1), date(2026, 6, 1)) == 6
    assert sel.months_left(date(2026, 7, 1), date(2026, 6, 1)) == 0
