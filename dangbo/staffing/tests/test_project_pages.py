"""Pages of restructuring projects, job-position catalogues and the reference lists under
/bien-che/: list, create, plan, approve, apply; scope (404 outside, 403 view-only); bad input is
a Vietnamese message naming the field (and the row), and nothing is written; every write audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.staffing import selectors as sel
from dangbo.staffing.models import (
    AgencyLineage,
    CatalogueStatus,
    JobCatalogue,
    JobPosition,
    ProjectAgency,
    RestructuringProject,
)
from dangbo.staffing.services import PositionInput, UnitInput, catalogue_create, project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(system_user, app, tree):
    return project_create(
        actor=system_user,
        org_id=tree["district"].pk,
        name="Đề án hợp nhất cơ quan tham mưu",
        model="Cơ quan Tổ chức - Nội vụ",
        units=[
            UnitInput(label="Ban Tổ chức Huyện ủy Sông Xanh", agency_id=app["d1"].pk),
            UnitInput(label="Ủy ban Kiểm tra Huyện ủy Sông Xanh", agency_id=app["d2"].pk),
        ],
    )


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_project_list_create_plan_approve_apply(client, officer, app, tree):
    client.force_login(officer)
    r = client.post(
        reverse("staffing:project_create"),
        {
            "org": tree["district"].pk,
            "name": "Đề án sắp xếp cơ quan tham mưu huyện",
            "number": "05-ĐA/HU",
            "model": "Cơ quan Tổ chức - Nội vụ",
            "units": "Ban Tổ chức Huyện ủy Sông Xanh; H01-BTC\nỦy ban Kiểm tra Huyện ủy Sông Xanh; H01-UBKT\n",
        },
    )
    project = RestructuringProject.objects.get(number="05-ĐA/HU")
    assert r.status_code == 302 and r.url == reverse("staffing:project_detail", kwargs={"pk": project.pk})
    assert list(project.units.values_list("agency_id", flat=True)) == [app["d1"].pk, app["d2"].pk]
    body = client.get(reverse("staffing:project_list")).content.decode()
    assert "Đề án sắp xếp cơ quan tham mưu huyện" in body and "0/2" in body and "Chưa phê duyệt" in body

    r = client.post(
        reverse("staffing:project_plan", kwargs={"pk": project.pk}),
        {
            "before": "H01-BTC; 3\nH01-UBKT; 2",
            "after": "H01-KD; 4",
            "surplus": "H01-KD; phó; 2; 4; 01/07/2030",
            "departures": "Nghỉ hưu trước tuổi; cb_cc; 2; Nghị định 178/2024/NĐ-CP",
        },
    )
    assert r.status_code == 302
    assert ProjectAgency.objects.filter(project=project).count() == 3

    detail = reverse("staffing:project_detail", kwargs={"pk": project.pk})
    r = client.post(
        detail,
        {"action": "approve", "decision_number": "12-QĐ/HU", "approved_on": "01/06/2025", "applied_on": "01/07/2025"},
    )
    assert r.status_code == 302
    r = client.post(detail, {"action": "apply"})
    assert r.status_code == 302
    assert set(AgencyLineage.objects.filter(project=project).values_list("predecessor_id", flat=True)) == {
        app["d1"].pk,
        app["d2"].pk,
    }
    assert sel.version_on(app["d1"].pk, date(2025, 7, 1)) is None
    body = client.get(detail).content.decode()
    assert "Đã thực hiện" in body and "Ban Tổ chức Huyện ủy Sông Xanh → Khối cơ quan Huyện ủy Sông Xanh" in body
    assert "Nghỉ hưu trước tuổi" in body and "hạn 01/07/2030" in body
    assert "2/2" in client.get(reverse("staffing:project_list")).content.decode()
    for action in ("project_create", "project_plan", "project_approve", "project_apply"):
        assert _audits(f"staffing.{action}") >= 1


@pytest.mark.parametrize(
    "field,data,message",
    [
        (
            "units",
            {"units": "Ban X; KHONG-CO"},
            "«Đơn vị thuộc phạm vi sắp xếp», dòng 1: không tìm thấy cơ quan mã «KHONG-CO»",
        ),
        ("name", {"name": ""}, "This field is required"),
        ("units", {"units": "  \n"}, ""),
    ],
)
def test_project_create_bad_input_names_the_field_and_writes_nothing(client, officer, app, tree, field, data, message):
    client.force_login(officer)
    before, audits = RestructuringProject.objects.count(), _audits("staffing.project_create")
    body = {
        "org": tree["district"].pk,
        "name": "Đề án",
        "model": "Văn phòng cấp huyện",
        "units": "Văn phòng; H01-BTC",
        **data,
    }
    r = client.post(reverse("staffing:project_create"), body)
    assert r.status_code == 200
    assert r.context["form"].errors[field]
    if message and "required" not in message:
        assert message in r.content.decode()
    assert RestructuringProject.objects.count() == before and _audits("staffing.project_create") == audits


def test_project_create_refuses_an_agency_out_of_scope_in_vietnamese(client, commune_officer, app, tree):
    """A commune officer may record for commune A but the district's agency is not in scope: the
    code is "not found" (no leak), nothing written."""
    client.force_login(commune_officer)
    r = client.post(
        reverse("staffing:project_create"),
        {"org": tree["commune_a"].pk, "name": "Đề án", "model": "Văn phòng cấp xã", "units": "Văn phòng; H01-BTC"},
    )
    assert r.status_code == 200
    assert "không tìm thấy cơ quan mã «H01-BTC»" in r.content.decode()
    assert not RestructuringProject.objects.exists()


def test_project_plan_bad_rows_name_the_field_and_row(client, officer, project):
    client.force_login(officer)
    url = reverse("staffing:project_plan", kwargs={"pk": project.pk})
    r = client.post(url, {"before": "H01-BTC; 3\nH01-UBKT; nhiều", "after": "H01-KD; 4"})
    assert r.status_code == 200
    assert "«Cơ quan trước sắp xếp», dòng 2: số đơn vị bên trong phải là số nguyên từ 0 đến 1.000" in r.content.decode()
    # A split without the apportionment: the service's rule, shown on the field.
    r = client.post(url, {"before": "H01-BTC; 3", "after": "H01-KD; 4\nH01-UBKT; 2"})
    assert "tổng bằng 100%" in r.content.decode() and r.context["form"].errors["after"]
    assert not ProjectAgency.objects.filter(project=project).exists()


def test_project_apply_refused_shows_the_reason_and_changes_nothing(client, officer, project):
    client.force_login(officer)
    r = client.post(reverse("staffing:project_detail", kwargs={"pk": project.pk}), {"action": "apply"})
    assert r.status_code == 422
    assert "Đề án chưa có quyết định phê duyệt và ngày thực hiện" in r.content.decode()
    assert not AgencyLineage.objects.exists() and _audits("staffing.project_apply") == 0
    r = client.post(
        reverse("staffing:project_detail", kwargs={"pk": project.pk}),
        {"action": "approve", "decision_number": "12-QĐ/HU", "approved_on": "01/07/2025", "applied_on": "01/06/2025"},
    )
    assert r.status_code == 422 and r.context["approve_form"].errors["applied_on"]
    project.refresh_from_db()
    assert project.decision_number == ""


def test_projects_out_of_scope_are_not_found(client, outsider, leader, project):
    client.force_login(outsider)
    assert "Đề án hợp nhất" not in client.get(reverse("staffing:project_list")).content.decode()
    for name in ("staffing:project_detail", "staffing:project_plan"):
        assert client.get(reverse(name, kwargs={"pk": project.pk})).status_code == 404
    r = client.post(reverse("staffing:project_detail", kwargs={"pk": project.pk}), {"action": "apply"})
    assert r.status_code == 404
    client.force_login(leader)  # sees it, may not write
    assert client.get(reverse("staffing:project_detail", kwargs={"pk": project.pk})).status_code == 200
    assert (
        client.post(reverse("staffing:project_detail", kwargs={"pk": project.pk}), {"action": "apply"}).status_code
        == 403
    )
    assert client.get(reverse("staffing:project_create")).status_code == 403


def test_catalogue_pages_create_advance_and_scope(client, officer, outsider, app):
    client.force_login(officer)
    r = client.post(
        reverse("staffing:catalogue_create"),
        {
            "agency": app["d1"].pk,
            "name": "Danh mục vị trí việc làm Ban Tổ chức Huyện ủy",
            "positions": "Trưởng ban; cb_cc; 1\nChuyên viên tổ chức; cb_cc; 6",
        },
    )
    cat = JobCatalogue.objects.get()
    assert r.status_code == 302 and cat.positions.count() == 2
    url = reverse("staffing:catalogue_detail", kwargs={"pk": cat.pk})
    # Skipping a step is refused on the field, nothing changes.
    r = client.post(url, {"to": "approved", "on": "01/03/2025", "decision_number": "1-QĐ"})
    assert r.status_code == 422 and "không chuyển được sang «Đã phê duyệt»" in r.content.decode()
    cat.refresh_from_db()
    assert cat.status == CatalogueStatus.DRAFT
    assert client.post(url, {"to": "submitted", "on": "01/03/2025"}).status_code == 302
    body = client.get(reverse("staffing:catalogue_list")).content.decode()
    assert "Danh mục vị trí việc làm Ban Tổ chức Huyện ủy" in body and "Đã trình" in body
    assert _audits("staffing.catalogue_create") == 1 and _audits("staffing.catalogue_advance") == 1
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"to": "appraised", "on": "02/03/2025"}).status_code == 404
    assert "Ban Tổ chức Huyện ủy" not in client.get(reverse("staffing:catalogue_list")).content.decode()


def test_catalogue_create_bad_row_names_the_row(client, officer, app):
    client.force_login(officer)
    r = client.post(
        reverse("staffing:catalogue_create"),
        {"agency": app["d1"].pk, "name": "Danh mục", "positions": "Trưởng ban; cb_cc; 1\nChuyên viên; khong_co; 2"},
    )
    assert r.status_code == 200
    assert "«Vị trí việc làm», dòng 2: không có loại biên chế mã «khong_co»" in r.content.decode()
    assert not JobCatalogue.objects.exists() and not JobPosition.objects.exists()


def test_catalogue_create_agency_out_of_scope_is_not_a_choice(client, commune_officer, app):
    client.force_login(commune_officer)
    r = client.post(
        reverse("staffing:catalogue_create"),
        {"agency": app["d1"].pk, "name": "Danh mục", "positions": "Trưởng ban; cb_cc; 1"},
    )
    assert r.status_code in (200, 403)
    assert not JobCatalogue.objects.exists()


def test_reference_lists(client, outsider, cats):
    client.force_login(outsider)
    body = client.get(reverse("staffing:reference_lists")).content.decode()
    assert "Biên chế cán bộ, công chức" in body and "ít nhất 5%" in body and "Đơn vị sự nghiệp công lập" in body
    assert "ít nhất 10%" in body


def test_catalogue_list_queries_do_not_grow(client, officer, app, system_user, django_assert_max_num_queries):
    client.force_login(officer)
    for a in (app["prov"], app["d1"], app["d2"]):
        catalogue_create(
            actor=system_user,
            agency=a,
            name=f"Danh mục {a.code}",
            positions=[PositionInput("Chuyên viên", app["cb"].pk, 3)],
        )
    with django_assert_max_num_queries(25):
        r = client.get(reverse("staffing:catalogue_list"))
    assert r.content.decode().count("data-catalogue=") == 3


def test_project_unit_done_from_the_page_updates_the_figures_and_is_audited(client, officer, project):
    client.force_login(officer)
    url = reverse("staffing:project_detail", kwargs={"pk": project.pk})
    first, second = project.units.order_by("id")
    body = client.get(url).content.decode()
    assert "Đã hoàn thành: 0/2 đơn vị" in body and body.count('data-testid="unit-done-form"') == 2
    r = client.post(url, {"action": "unit_done", "unit": first.pk, "done_on": "15/07/2025"})
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.done_on == date(2025, 7, 15)
    body = client.get(url).content.decode()
    assert "Đã hoàn thành: 1/2 đơn vị" in body and "15/07/2025" in body
    assert body.count('data-testid="unit-done-form"') == 1
    assert "1/2 Cơ quan Tổ chức - Nội vụ" in client.get(reverse("staffing:project_list")).content.decode()
    entry = AuditEntry.objects.get(action="staffing.project_unit_done")
    assert "Ban Tổ chức Huyện ủy Sông Xanh" in entry.summary and "15/07/2025" in entry.summary
    assert second.done_on is None


@pytest.mark.parametrize(
    "done_on,message",
    [
        ("31/02/2025", "«Ngày hoàn thành sắp xếp»: ngày 31/02/2025 không tồn tại"),
        ("", "This field is required"),
        ("01/01/2999", "ngày hoàn thành sắp xếp không được sau ngày hôm nay"),
    ],
)
def test_project_unit_done_bad_date_is_refused_and_nothing_written(client, officer, project, done_on, message):
    client.force_login(officer)
    unit = project.units.order_by("id").first()
    r = client.post(
        reverse("staffing:project_detail", kwargs={"pk": project.pk}),
        {"action": "unit_done", "unit": unit.pk, "done_on": done_on},
    )
    assert r.status_code == 422 and r.context["unit_form"].errors
    if "required" not in message:
        assert message.lower() in r.content.decode().lower()
    unit.refresh_from_db()
    assert unit.done_on is None and _audits("staffing.project_unit_done") == 0


def test_project_unit_done_scope_and_rights(client, outsider, leader, officer, project, system_user, tree):
    other = project_create(
        actor=system_user,
        org_id=tree["district"].pk,
        name="Đề án khác",
        model="Văn phòng cấp huyện",
        units=[UnitInput(label="Văn phòng Huyện ủy")],
    )
    unit = project.units.order_by("id").first()
    url = reverse("staffing:project_detail", kwargs={"pk": project.pk})
    data = {"action": "unit_done", "unit": unit.pk, "done_on": "15/07/2025"}
    client.force_login(outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(leader)  # sees it, may not write: no form
    assert 'data-testid="unit-done-form"' not in client.get(url).content.decode()
    assert client.post(url, data).status_code == 403
    client.force_login(officer)  # a unit of another project through this one: 404
    assert client.post(url, {**data, "unit": other.units.get().pk}).status_code == 404
    unit.refresh_from_db()
    assert unit.done_on is None and _audits("staffing.project_unit_done") == 0
