"""#22: e-handbook accounts (Sổ tay đảng viên điện tử, R-043) as a column of the member import:
«Sổ tay điện tử» (or «Tài khoản sổ tay»…) with «có», «không» or the date the account was opened;
the account is opened through the reports service (audited, counted by the report facts)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.imports.parse import TEMPLATE_HEADERS
from dangbo.imports.services import import_apply, import_dry_run
from dangbo.imports.tests.files import row, write_csv, write_xlsx
from dangbo.members.models import Member
from dangbo.reports.models import HandbookAccount

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def rows_with(column: str, values: list):
    out = []
    for i, value in enumerate(values, start=1):
        r = row(name=f"Nguyễn Văn Sổ Tay {chr(64 + i)}", cid=f"00108000010{i}")
        r[column] = value
        out.append(r)
    return out


@pytest.mark.parametrize("header", ["Sổ tay điện tử", "Tài khoản sổ tay", "TÀI KHOẢN SỔ TAY ĐẢNG VIÊN ĐIỆN TỬ"])
def test_rule_r043_the_import_opens_e_handbook_accounts_from_its_column(tree, system_user, tmp_path, header):
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        rows_with(header, ["có", "không", "15/03/2024", "", "Có"]),
        headers=[*TEMPLATE_HEADERS[:-1], header],
    )
    report = import_apply(path, actor=system_user, today=TODAY)
    assert report.created == 5 and report.refused_rows == 0
    accounts = {a.member.full_name: a for a in HandbookAccount.objects.select_related("member")}
    assert set(accounts) == {"Nguyễn Văn Sổ Tay A", "Nguyễn Văn Sổ Tay C", "Nguyễn Văn Sổ Tay E"}
    assert accounts["Nguyễn Văn Sổ Tay A"].registered_on == TODAY  # «có»: opened on the import's day
    assert accounts["Nguyễn Văn Sổ Tay C"].registered_on == date(2024, 3, 15)
    assert all(a.closed_on is None for a in accounts.values())
    assert AuditEntry.objects.filter(action="reports.handbook_registered").count() == 3


def test_rule_r043_a_bad_handbook_value_refuses_the_row_and_the_dry_run_opens_nothing(tree, system_user, tmp_path):
    path = write_csv(
        tmp_path / "ds.csv",
        rows_with("Sổ tay điện tử", ["có", "hình như có", "01/01/2009", "01/01/2030"]),
        headers=[*TEMPLATE_HEADERS[:-1], "Sổ tay điện tử"],
    )
    dry = import_dry_run(path, actor=system_user, today=TODAY)
    assert dry.created == 1 and dry.refused_rows == 3
    reasons = " ".join(r["reason"] for r in dry.as_dict()["refusals"])
    assert "«Sổ tay điện tử» phải là «có», «không» hoặc ngày mở tài khoản" in reasons
    assert "trước ngày vào Đảng" in reasons  # admitted 15/03/2010
    assert "ở tương lai" in reasons
    assert not HandbookAccount.objects.exists() and not Member.objects.exists()


def test_a_file_of_many_chunks_leaves_the_report_facts_and_summaries_as_a_rebuild_would(
    tree, system_user, tmp_path, monkeypatch
):
    """The report facts and the organizations' summaries are written once after the last chunk
    (not once per chunk): with chunks of 2 rows they are still every member's, with the e-handbook
    accounts of the file counted, exactly what a rebuild gives."""
    from dangbo.imports import services
    from dangbo.reports import facts, orgfacts
    from dangbo.reports.models import ReportSpan

    monkeypatch.setattr(services, "CHUNK", 2)
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        rows_with("Sổ tay điện tử", ["có", "", "15/03/2024", "không", "Có"]),
        headers=[*TEMPLATE_HEADERS[:-1], "Sổ tay điện tử"],
    )
    report = import_apply(path, actor=system_user, today=TODAY)
    assert report.created == 5 and HandbookAccount.objects.count() == 3
    assert set(ReportSpan.objects.values_list("member_id", flat=True)) == set(report.created_member_ids)
    assert facts.facts_issues() == [] and orgfacts.stale_orgs() == []
