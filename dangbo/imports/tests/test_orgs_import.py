"""Organization import on messy files made here: NFD and TCVN3 names, serial dates, parents by
code or by name (in the system or in the file, any order), an ambiguous parent, a bad row in the
middle (nothing written), idempotent re-import, scope, audit."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from django.core.management import call_command

from dangbo.audit.models import AuditEntry
from dangbo.imports.legacy import encode_tcvn3, encode_vni
from dangbo.imports.orgs import (
    ORG_COLUMNS,
    ORGS,
    OrgImportRefused,
    build_org_template,
    org_import_apply,
    org_import_dry_run,
)
from dangbo.imports.tests.files import write_csv, write_xlsx
from dangbo.orgs.models import Organization, OrgEvent, OrgEventType, OrgVersion
from dangbo.orgs.services import org_establish

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)
HEADERS = ORGS.template_headers


def org(
    code,
    name,
    org_type="Chi bộ trực thuộc",
    parent_code="",
    parent_name="",
    on="01/07/2025",
    number="",
    decision_date="",
    body="",
    short="",
    note="",
):
    return {
        "Mã tổ chức": code,
        "Tên tổ chức": name,
        "Tên viết tắt": short,
        "Loại tổ chức": org_type,
        "Mã tổ chức cấp trên": parent_code,
        "Tên tổ chức cấp trên": parent_name,
        "Ngày thành lập": on,
        "Số quyết định": number,
        "Ngày quyết định": decision_date,
        "Cơ quan ban hành": body,
        "Ghi chú": note,
    }


def xlsx(path, rows):
    return write_xlsx(path, rows, headers=HEADERS)


def snapshot():
    return (
        Organization.objects.count(),
        OrgVersion.objects.count(),
        OrgEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def nfd(text):
    return unicodedata.normalize("NFD", text)


def messy_rows(enc=encode_tcvn3):
    """A file typed in one legacy font (TCVN3) or in decomposed Unicode (NFD), stray spaces and case."""
    return [
        # a child listed before its parent, which is named (accents and case ignored) rather than coded
        org(
            "T01-X01-C03-T1", enc("Tổ đảng xóm  Giữa "), enc("Tổ đảng"), parent_name=enc("chi bộ THÔN 3"), on="2/7/2025"
        ),
        org(
            " T01-X01-C03",
            enc("Chi bộ thôn 3"),
            "subordinate_cell",
            parent_code="T01-X01",
            on=45839,
            number="12-QĐ/ĐU",
            decision_date="25/06/2025",
            body=enc("Đảng ủy xã An Bình"),
        ),  # 01/07/2025
        org(
            "T01-X01-C04",
            enc("Chi bộ Trường Tiểu học"),
            enc("Chi bộ trực thuộc"),
            parent_name=enc("Đảng bộ xã An Bình"),
            on="2025-07-01",
        ),
        org(
            "T01-X01-C05",
            enc("Chi bộ Trạm Y tế xã"),
            enc("Chi bộ trực thuộc"),
            parent_name=enc("Đảng bộ xã An Bình"),
            on="2025-07-01",
            body=enc("Đảng ủy xã"),
        ),
    ]


@pytest.mark.parametrize("enc", [encode_tcvn3, nfd], ids=["tcvn3", "nfd"])
def test_a_messy_file_creates_organizations_through_establish_with_history_and_audit(tree, system_user, tmp_path, enc):
    path = xlsx(tmp_path / "tc.xlsx", messy_rows(enc))
    before = snapshot()
    report = org_import_apply(path, actor=system_user, today=TODAY)
    assert (report.created, report.unchanged, report.refused_rows) == (4, 0, 0), report.refusals
    assert report.encoding == ("tcvn3" if enc is encode_tcvn3 else None)
    c3 = Organization.objects.get(code="T01-X01-C03")
    v = OrgVersion.objects.get(org=c3)
    assert (v.name, v.org_type, v.parent_id, v.valid_from) == (
        "Chi bộ thôn 3",
        "subordinate_cell",
        tree["commune_a"].pk,
        date(2025, 7, 1),
    )
    assert v.path == f"/{tree['province'].pk}/{tree['district'].pk}/{tree['commune_a'].pk}/{c3.pk}/"
    event = OrgEvent.objects.get(org=c3)
    assert (event.type, event.decision_number, event.decision_date) == (
        OrgEventType.ESTABLISHED,
        "12-QĐ/ĐU",
        date(2025, 6, 25),
    )
    group = OrgVersion.objects.get(org__code="T01-X01-C03-T1")
    assert (group.name, group.org_type, group.parent_id, group.valid_from) == (
        "Tổ đảng xóm Giữa",
        "party_group",
        c3.pk,
        date(2025, 7, 2),
    )
    school = OrgVersion.objects.get(org__code="T01-X01-C04")
    assert school.name == "Chi bộ Trường Tiểu học" and school.parent_id == tree["commune_a"].pk
    orgs, versions, events, audits = snapshot()
    assert (orgs, versions, events) == (before[0] + 4, before[1] + 4, before[2] + 4)
    assert audits == before[3] + 5  # one per organization (establish) and one for the file
    entry = AuditEntry.objects.get(action="org.imported")
    assert entry.after["created"] == 4


def test_the_dry_run_reports_and_writes_nothing(tree, system_user, tmp_path):
    path = xlsx(tmp_path / "tc.xlsx", messy_rows())
    before = snapshot()
    report = org_import_dry_run(path, actor=system_user, today=TODAY)
    assert (report.created, report.refused_rows) == (4, 0)
    assert snapshot() == before


def test_reimporting_the_same_file_changes_nothing(tree, system_user, tmp_path):
    path = xlsx(tmp_path / "tc.xlsx", messy_rows())
    org_import_apply(path, actor=system_user, today=TODAY)
    before = snapshot()
    report = org_import_apply(path, actor=system_user, today=TODAY)
    assert (report.created, report.unchanged, report.refused_rows) == (0, 4, 0), report.refusals
    assert snapshot() == before


def test_a_changed_row_on_reimport_is_refused_not_silently_changed(tree, system_user, tmp_path):
    rows = messy_rows()
    org_import_apply(xlsx(tmp_path / "a.xlsx", rows), actor=system_user, today=TODAY)
    rows[2] = org("T01-X01-C04", "Chi bộ Trường Tiểu học số 1", parent_name="Đảng bộ xã An Bình", on="01/07/2025")
    before = snapshot()
    with pytest.raises(OrgImportRefused) as caught:
        org_import_apply(xlsx(tmp_path / "b.xlsx", rows), actor=system_user, today=TODAY)
    [refusal] = caught.value.report.refusals
    assert refusal["row"] == 4 and refusal["column"] == "Mã tổ chức"
    assert "thông tin khác ở: Tên tổ chức" in refusal["reason"]
    assert snapshot() == before


def test_an_ambiguous_parent_and_a_bad_row_in_the_middle_write_nothing(tree, system_user, tmp_path):
    org_establish(
        actor=system_user,
        code="T01-X02-C09",
        name="Chi bộ thôn 1",
        org_type="subordinate_cell",
        parent=tree["commune_b"],
        on=date(2015, 1, 1),
    )  # a second "Chi bộ thôn 1"
    rows = [org(f"T01-X01-C1{i}", f"Chi bộ khu phố {i}", parent_code="T01-X01") for i in range(5)]
    rows.insert(2, org("T01-X01-C01-T1", "Tổ đảng số 1", "Tổ đảng", parent_name="CHI BO THON 1"))
    rows.insert(4, org("T01-X01-C99", "Chi bộ sai ngày", parent_code="T01-X01", on="31/02/2025"))
    rows.insert(5, org("T01-X01-C98", "Chi bộ sai loại", "Chi đoàn", parent_code="T01-X01"))
    rows.append(org("T01-X01-C10", "Chi bộ trùng mã", parent_code="T01-X01"))
    path = xlsx(tmp_path / "tc.xlsx", rows)
    before = snapshot()
    report = org_import_dry_run(path, actor=system_user, today=TODAY)
    assert (report.created, report.refused_rows) == (5, 4)
    by_row = {r["row"]: r for r in report.refusals}
    assert by_row[4]["column"] == "Tên tổ chức cấp trên"
    assert "Có 2 tổ chức cùng tên «CHI BO THON 1»" in by_row[4]["reason"]
    assert "T01-X01-C01 — Chi bộ thôn 1" in by_row[4]["reason"] and "T01-X02-C09" in by_row[4]["reason"]
    assert by_row[6]["column"] == "Ngày thành lập" and "không có trên lịch" in by_row[6]["reason"]
    assert by_row[7]["column"] == "Loại tổ chức" and "Chi đoàn" in by_row[7]["reason"]
    assert by_row[10]["column"] == "Mã tổ chức" and "trùng với dòng 2" in by_row[10]["reason"]
    with pytest.raises(OrgImportRefused):
        org_import_apply(path, actor=system_user, today=TODAY)
    assert snapshot() == before


def test_a_refusal_by_the_establish_service_during_the_apply_rolls_everything_back(
    tree, system_user, tmp_path, monkeypatch
):
    from dangbo.core.errors import DomainError
    from dangbo.imports import orgs as module

    real = module.org_establish

    def failing(**kwargs):
        if kwargs["code"] == "T01-X01-C12":
            raise DomainError("Từ chối thử.", field="name")
        return real(**kwargs)

    monkeypatch.setattr(module, "org_establish", failing)
    rows = [org(f"T01-X01-C1{i}", f"Chi bộ khu phố {i}", parent_code="T01-X01") for i in range(4)]
    before = snapshot()
    with pytest.raises(OrgImportRefused) as caught:
        org_import_apply(xlsx(tmp_path / "tc.xlsx", rows), actor=system_user, today=TODAY)
    assert caught.value.report.refusals[-1] == {"row": 4, "column": "Tên tổ chức", "reason": "Từ chối thử."}
    assert snapshot() == before


def test_parent_dates_and_later_changes_follow_the_establish_rules(tree, system_user, tmp_path):
    rows = [
        org("T01-X01-C20", "Chi bộ A", parent_code="T01-X01", on="01/07/2025"),
        org("T01-X01-C20-T1", "Tổ đảng A1", "Tổ đảng", parent_code="T01-X01-C20", on="01/01/2025"),
        org("T01-H01-C1", "Chi bộ cơ quan", parent_code="T01-H01", on="01/07/2010"),  # before the district existed
    ]
    report = org_import_dry_run(xlsx(tmp_path / "tc.xlsx", rows), actor=system_user, today=TODAY)
    by_row = {r["row"]: r for r in report.refusals}
    assert "thành lập ngày 01/07/2025, sau ngày thành lập 01/01/2025" in by_row[3]["reason"]
    assert "không tồn tại vào ngày 01/07/2010" in by_row[4]["reason"]


def test_scope_an_officer_creates_only_under_organizations_in_scope(tree, commune_officer, tmp_path):
    rows = [
        org("T01-X01-C30", "Chi bộ mới", parent_code="T01-X01"),
        org("T01-X02-C30", "Chi bộ ngoài phạm vi", parent_code="T01-X02"),
        org("T01-X02-C31", "Chi bộ ngoài phạm vi 2", parent_name="Đảng bộ xã Bình Minh"),
        org("T02", "Đảng bộ tỉnh khác", "Đảng bộ tỉnh"),
    ]
    report = org_import_dry_run(xlsx(tmp_path / "tc.xlsx", rows), actor=commune_officer, today=TODAY)
    by_row = {r["row"]: r for r in report.refusals}
    assert report.created == 1 and set(by_row) == {3, 4, 5}
    assert by_row[3]["reason"] == "Không tìm thấy tổ chức cấp trên «T01-X02»."
    assert by_row[4]["reason"] == "Không tìm thấy tổ chức cấp trên «Đảng bộ xã Bình Minh»."
    assert "Thiếu tổ chức cấp trên" in by_row[5]["reason"]


def test_vni_csv_and_the_command_line(tree, tmp_path, capsys):
    # A CSV saved from a VNI-font sheet: every text cell, headers included, in VNI bytes (cp1252).
    rows = [
        {encode_vni(k): v for k, v in r.items()}
        for r in (
            org(
                "T01-X02-C40",
                encode_vni("Chi bộ Khu phố Đông"),
                encode_vni("Chi bộ trực thuộc"),
                parent_name=encode_vni("Đảng bộ xã Bình Minh"),
            ),
            org(
                "T01-X02-C41",
                encode_vni("Chi bộ Trường Mầm non"),
                encode_vni("Chi bộ trực thuộc"),
                parent_name=encode_vni("Đảng bộ xã Bình Minh"),
            ),
        )
    ]
    path = write_csv(
        tmp_path / "tc.csv", rows, encoding="cp1252", headers=[encode_vni(h) for h in HEADERS], delimiter=";"
    )
    call_command("import", str(path), "--kind", "orgs", "--dry-run")
    out = capsys.readouterr().out
    assert "Sẽ tạo mới: 2" in out and "VNI" in out
    assert not Organization.objects.filter(code="T01-X02-C40").exists()
    call_command("import", str(path), "--kind", "orgs")
    assert OrgVersion.objects.get(org__code="T01-X02-C40").name == "Chi bộ Khu phố Đông"


def test_the_template_reads_back_as_a_valid_file(tree, system_user, tmp_path):
    path = tmp_path / "mau.xlsx"
    path.write_bytes(build_org_template())
    report = org_import_dry_run(path, actor=system_user, today=TODAY)
    assert report.refused_rows == 0, report.refusals
    assert report.created == 3  # the third example row carries a «Khu vực»


def test_formula_injection_refused_on_organization_import(tree, system_user, tmp_path):
    rows = [
        org("T01-X01-C07", '=HYPERLINK("http://x.example","Chi bộ")', parent_code="T01-X01"),
        org("T01-X01-C08", "Chi bộ thôn 8", parent_code="T01-X01", body="@SUM(1)", note="+cmd|' /C calc'!A0"),
    ]
    report = org_import_dry_run(xlsx(tmp_path / "tc.xlsx", rows), actor=system_user, today=TODAY)
    assert {(r["row"], r["column"]) for r in report.refusals} == {
        (2, ORGS.header_of["name"]),
        (3, ORGS.header_of["decision_body"]),
        (3, ORGS.header_of["note"]),
    }
    assert all("Excel sẽ coi là công thức" in r["reason"] for r in report.refusals)


def test_the_organization_dry_run_lists_every_column_mapped_and_ignored(tree, system_user, tmp_path):
    headers = [encode_tcvn3(h) for h in (*HEADERS, "Người lập biểu")]
    rows = [{encode_tcvn3(k): v for k, v in r.items()} for r in messy_rows()]
    report = org_import_dry_run(write_xlsx(tmp_path / "tc.xlsx", rows, headers=headers), actor=system_user, today=TODAY)
    assert report.ok and report.encoding == "tcvn3"
    assert [(m["header"], m["field"]) for m in report.mapped] == [
        *((h, name) for name, h, _ in ORG_COLUMNS),
        ("Người lập biểu", ""),
    ]
    assert report.ignored_headers == ["Người lập biểu"]


def test_headers_typed_without_accents_in_other_case_or_as_aliases_import(tree, system_user, tmp_path):
    """The pipeline's header matching (imports/pipeline.py) for the organization layout: headers
    without diacritics, in capitals, and aliases («Trực thuộc», «Ngày hiệu lực»); «STT» is listed."""
    typed = {
        "Mã tổ chức": "MA TO CHUC",
        "Tên tổ chức": "ten don vi",
        "Loại tổ chức": "LOAI HINH",
        "Tên tổ chức cấp trên": "Trực thuộc",
        "Ngày thành lập": "ngay hieu luc",
    }
    rows = [{typed.get(k, k): v for k, v in r.items()} for r in messy_rows(enc=lambda s: s)]
    for n, r in enumerate(rows, start=1):
        r["STT"] = n
    path = write_xlsx(tmp_path / "go-tay.xlsx", rows, headers=["STT", *typed.values(), "Mã tổ chức cấp trên"])
    report = org_import_dry_run(path, actor=system_user, today=TODAY)
    assert report.ok and report.created == 4 and report.ignored_headers == ["STT"]
    assert {m["header"]: m["field"] for m in report.mapped}["LOAI HINH"] == "org_type"
