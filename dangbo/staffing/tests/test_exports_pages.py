"""The XLSX export of quotas / headcount / vacancies per agency as of a date (through the access
policy, a purpose required, audited), the headcount import page, and the tree page's chart data
and project figures."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.staffing.importer import template_xlsx
from dangbo.staffing.models import Headcount

pytestmark = pytest.mark.django_db


def _sheet(response):
    wb = load_workbook(io.BytesIO(response.content))
    return [tuple(r) for r in wb.active.iter_rows(min_row=5, values_only=True)]


def test_export_quota_headcount_vacancies_per_agency_as_of_a_date(client, officer, app):
    client.force_login(officer)
    url = reverse("staffing:figures_export")
    assert client.get(url, {"ngay": "01/03/2025"}).status_code == 200
    r = client.post(f"{url}?ngay=01/03/2025", {"purpose": ""})
    assert r.status_code == 200 and "attachment" not in r.get("Content-Disposition", "")
    before = AuditEntry.objects.filter(action="export.staffing.figures").count()
    r = client.post(f"{url}?ngay=01/03/2025", {"purpose": "Báo cáo Ban Tổ chức"})
    assert r.status_code == 200 and r["Content-Disposition"].endswith('bien-che-2025-03-01.xlsx"')
    rows = _sheet(r)
    by_code = {row[0]: row for row in rows}
    assert by_code["T01-BTC"][3:] == ("Biên chế cán bộ, công chức", 38, 36, 2)
    assert by_code["H01-UBKT"][4:] == (7, 7, 0)
    assert by_code["T01-KD"][4:] == (57, None, None)
    assert AuditEntry.objects.filter(action="export.staffing.figures").count() == before + 1
    # Before the 2025 decisions: no quota of 2025 in force, the 2024 file has no rows.
    assert _sheet(client.post(f"{url}?ngay=01/03/2024", {"purpose": "Kiểm tra"})) == []


def test_export_shows_only_the_agencies_in_scope(client, outsider, app):
    client.force_login(outsider)
    r = client.post(f"{reverse('staffing:figures_export')}?ngay=01/03/2025", {"purpose": "Kiểm tra"})
    assert r.status_code == 200 and _sheet(r) == []


def test_headcount_import_page_dry_run_then_apply(client, officer, app):
    client.force_login(officer)
    url = reverse("staffing:headcount_import")
    assert client.get(url, {"mau": "1"})["Content-Type"].startswith("application/vnd.openxml")
    wb = template_xlsx()
    wb.active.append(["H01-BTC", "cb_cc", 9, "01/04/2025", "Báo cáo quý I"])
    wb.active.append(["KHONG-CO", "cb_cc", 9, "01/04/2025", "Báo cáo quý I"])
    buf = io.BytesIO()
    wb.save(buf)

    def post(content, apply):
        f = io.BytesIO(content)
        f.name = "so-nguoi.xlsx"
        data = {"file": f, "on": "02/04/2025", "source": "Tổng hợp"}
        if apply:
            data["apply"] = "on"
        return client.post(url, data)

    count = Headcount.objects.count()
    body = post(buf.getvalue(), True).content.decode()
    assert "Dòng 3, cột «Mã cơ quan»: Không tìm thấy cơ quan có mã «KHONG-CO»." in body
    assert Headcount.objects.count() == count
    wb.active.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    body = post(buf.getvalue(), False).content.decode()
    assert "1 dòng hợp lệ" in body and Headcount.objects.count() == count
    r = post(buf.getvalue(), True)
    assert r.status_code == 302 and Headcount.objects.count() == count + 1


def test_tree_page_has_the_chart_data_and_project_figures(client, officer, app, system_user, tree):
    from dangbo.staffing.services import SideInput, project_apply, project_approve, project_create, project_plan

    p = project_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Đề án hợp nhất",
        model="Cơ quan Tổ chức - Nội vụ",
        units=[_unit(app)],
    )
    project_plan(
        actor=system_user,
        project=p,
        before=[SideInput(app["d1"].pk, 3), SideInput(app["prov"].pk, 5)],
        after=[SideInput(app["prov"].pk, 6)],
    )
    project_approve(
        actor=system_user,
        project=p,
        decision_number="1-QĐ/TU",
        approved_on=date(2025, 6, 1),
        applied_on=date(2025, 7, 1),
    )
    project_apply(actor=system_user, project=p)
    client.force_login(officer)
    body = client.get(reverse("staffing:agency_tree"), {"ngay": "31/12/2025"}).content.decode()
    assert 'id="staffing-chart-data"' in body and "js/staffing_chart.js" in body and "echarts.min.js" in body
    assert "cơ quan: 2 trước → 1 sau sắp xếp; đơn vị bên trong: 8 → 6" in body


def _unit(app):
    from dangbo.staffing.services import UnitInput

    return UnitInput(label="Ban Tổ chức Huyện ủy Sông Xanh", agency_id=app["d1"].pk)
