"""The sector of an organization's unit (khu vực, loại hình đơn vị, R-014) set on establishment
(page, API, import) and changed on a date (page, API): history kept, audited, scoped."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.imports.orgs import ORGS, org_import_apply, org_import_dry_run
from dangbo.imports.tests.files import write_xlsx
from dangbo.orgs.models import OrgEvent, OrgEventType, OrgVersion
from dangbo.orgs.tests.test_views_org_restructure import post_confirmed

DECISION = {"decision_number": "25-QĐ/TU", "decision_date": "20/06/2025", "decision_body": "Ban Thường vụ Tỉnh ủy"}


def _sector(code: str, at: date) -> str:
    return OrgVersion.objects.valid_on(at).get(org__code=code).sector


def test_rule_r014_sector_on_the_establishment_page(client, officer, tree):
    client.force_login(officer)
    url = reverse("orgs:org_establish", args=[tree["commune_a"].pk])
    page = client.get(url).content.decode()
    assert "Khu vực, loại hình đơn vị" in page and "Doanh nghiệp có vốn đầu tư nước ngoài" in page
    response = post_confirmed(
        client,
        url,
        {
            "code": "T01-X01-DN1",
            "name": "Chi bộ Công ty TNHH Mẫu",
            "org_type": "subordinate_cell",
            "sector": "foreign_invested_enterprise",
            "on": "01/03/2023",
            **DECISION,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert _sector("T01-X01-DN1", date(2023, 3, 1)) == "foreign_invested_enterprise"
    assert "Doanh nghiệp có vốn đầu tư nước ngoài" in response.content.decode()  # shown on the detail page
    refused = client.post(
        url,
        {
            "code": "T01-X01-DN2",
            "name": "Chi bộ X",
            "org_type": "subordinate_cell",
            "sector": "khong_co",
            "on": "01/03/2023",
            **DECISION,
        },
    )
    assert "«Khu vực, loại hình đơn vị»: lựa chọn không hợp lệ." in refused.content.decode()
    assert not OrgVersion.objects.filter(org__code="T01-X01-DN2").exists()


def test_rule_r014_dated_sector_change_on_the_page_keeps_the_history(client, officer, leader, tree):
    url = reverse("orgs:org_sector", args=[tree["cell_a1"].pk])
    client.force_login(leader)
    assert client.post(url, {"sector": "private_enterprise", "on": "01/06/2023", **DECISION}).status_code == 403
    client.force_login(officer)
    response = post_confirmed(
        client, url, {"sector": "private_enterprise", "on": "01/06/2023", **DECISION}, follow=True
    )
    assert (
        "Đã ghi khu vực, loại hình đơn vị: Doanh nghiệp tư nhân (ngoài nhà nước) từ ngày 01/06/2023."
        in response.content.decode()
    )
    assert _sector("T01-X01-C01", date(2023, 5, 31)) == ""
    assert _sector("T01-X01-C01", date(2023, 6, 1)) == "private_enterprise"
    event = OrgEvent.objects.get(org=tree["cell_a1"], type=OrgEventType.SECTOR_CHANGED)
    assert event.decision_number == "25-QĐ/TU" and event.on == date(2023, 6, 1)
    assert AuditEntry.objects.filter(action=OrgEventType.SECTOR_CHANGED, actor=officer).count() == 1


def test_rule_r014_sector_by_api_establishment_and_change(client, officer, leader, outsider, tree):
    client.force_login(officer)
    created = client.post(
        f"/api/v1/orgs/{tree['commune_a'].pk}/children",
        {
            "code": "T01-X01-HTX",
            "name": "Chi bộ Hợp tác xã Mẫu",
            "org_type": "subordinate_cell",
            "sector": "cooperative",
            "on": "2023-04-01",
            "decision_number": "30-QĐ/ĐU",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"]["sector"] == "cooperative"
    assert body["version"]["sector_label"] == "Hợp tác xã, liên hiệp hợp tác xã"
    org_id = body["id"]
    changed = client.post(
        f"/api/v1/orgs/{org_id}/sector",
        {"sector": "private_enterprise", "on": "2024-01-01"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert [v["sector"] for v in changed.json()["history"]["versions"]] == ["cooperative", "private_enterprise"]
    tree_items = client.get("/api/v1/orgs/tree", {"at": "2023-12-31", "root": tree["commune_a"].pk}).json()["items"]
    assert {i["code"]: i["sector"] for i in tree_items}["T01-X01-HTX"] == "cooperative"
    bad = client.post(
        f"/api/v1/orgs/{org_id}/sector", {"sector": "ma_la", "on": "2024-02-01"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "sector" and bad.json()["rule"] == "R-014"
    client.force_login(leader)
    assert (
        client.post(
            f"/api/v1/orgs/{org_id}/sector", {"sector": "other", "on": "2024-03-01"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(outsider)
    assert (
        client.post(
            f"/api/v1/orgs/{org_id}/sector", {"sector": "other", "on": "2024-03-01"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert OrgVersion.objects.filter(org_id=org_id).count() == 2


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("Khu vực", "Doanh nghiệp có vốn đầu tư nước ngoài", "foreign_invested_enterprise"),
        ("Loại hình doanh nghiệp", "FDI", "foreign_invested_enterprise"),
        ("Khu vực, loại hình", "HTX", "cooperative"),
        ("Thành phần kinh tế", "ngoài công lập", "non_public_unit"),
    ],
)
def test_rule_r014_sector_column_of_the_organization_import(tree, system_user, tmp_path, header, value, code):
    headers = [h for h in ORGS.template_headers if h != "Khu vực"] + [header]
    row = {
        "Mã tổ chức": "T01-X01-DN7",
        "Tên tổ chức": "Chi bộ Doanh nghiệp Mẫu",
        "Loại tổ chức": "Chi bộ trực thuộc",
        "Mã tổ chức cấp trên": "T01-X01",
        "Ngày thành lập": "01/07/2023",
        header: value,
    }
    path = write_xlsx(tmp_path / "tc.xlsx", [row], headers=headers)
    report = org_import_apply(path, actor=system_user, today=date(2026, 3, 1))
    assert report.created == 1 and header not in report.ignored_headers
    assert _sector("T01-X01-DN7", date(2023, 7, 1)) == code


def test_rule_r014_unknown_sector_in_the_import_names_the_column(tree, system_user, tmp_path):
    row = {
        "Mã tổ chức": "T01-X01-DN8",
        "Tên tổ chức": "Chi bộ Mẫu",
        "Loại tổ chức": "Chi bộ trực thuộc",
        "Mã tổ chức cấp trên": "T01-X01",
        "Ngày thành lập": "01/07/2023",
        "Khu vực": "Tập đoàn ma",
    }
    path = write_xlsx(tmp_path / "tc.xlsx", [row], headers=ORGS.template_headers)
    report = org_import_dry_run(path, actor=system_user, today=date(2026, 3, 1))
    assert report.refused_rows == 1
    assert report.refusals[0]["column"] == "Khu vực" and "Tập đoàn ma" in report.refusals[0]["reason"]


def test_the_sector_migration_keeps_the_data_stamp_triggers_of_the_versions(db):
    """orgs 0003 adds the column without rebuilding the table on SQLite, which would drop the
    triggers that renew the "scope" and "registry" stamps on every write to the versions."""
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orgs_orgversion'")
        else:
            c.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'orgs_orgversion'::regclass")
        names = {row[0] for row in c.fetchall()}
    assert any("_scope_stamp" in n for n in names) and any("_registry_stamp" in n for n in names), names
