"""Import of the enterprise register (orgs.Enterprise, R-014) from an XLSX or CSV file: a dry
run that lists what would be recorded and every refused row, then the apply, in one transaction
(any refused row and nothing is written). A module of its own beside the member and organization
pipelines: it runs on the import pipeline (pipeline.py: legacy headers, aliases, ignored columns
listed, the cleaning helpers of normalize, the sector aliases of imports.orgs) and writes through orgs.enterprises,
so every enterprise gets its audit entry like one recorded on the page.

| Header (Vietnamese)               | Field          | Required | Notes                                       |
|-----------------------------------|----------------|----------|---------------------------------------------|
| Tên doanh nghiệp                  | name           | yes      |                                             |
| Mã số thuế                        | tax_code       |          | an enterprise already in the register with this tax code is refused |
| Khu vực                           | sector         | yes      | org_sectors list: name, code or alias       |
| Mã địa bàn                        | locality_code  | yes      | code of the commune/ward party organization |
| Số lao động                       | employees      |          | a whole number                              |
| Hoạt động từ ngày                 | registered_on  | yes      | dd/mm/yyyy or an Excel date                 |
| Mã tổ chức đảng trong doanh nghiệp| party_org_code |          | the party organization set up in it         |
| Có tổ chức đảng từ ngày           | party_org_from |          | required with the party organization        |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils import timezone

from dangbo.access import policy
from dangbo.imports import normalize as N
from dangbo.imports.orgs import parse_sector
from dangbo.imports.parse import Row
from dangbo.imports.pipeline import Field, Layout, RowCleaner, SheetReport, apply_all_or_none, check_rows, read
from dangbo.orgs import enterprises
from dangbo.orgs.models import Enterprise, Organization

FIELDS = [
    Field("name", "Tên doanh nghiệp", ("Tên đơn vị", "Tên công ty", "Doanh nghiệp", "Tên"), True),
    Field("tax_code", "Mã số thuế", ("MST", "Mã số doanh nghiệp")),
    Field(
        "sector",
        "Khu vực",
        ("Khu vực, loại hình", "Loại hình doanh nghiệp", "Loại hình", "Thành phần kinh tế"),
        True,
    ),
    Field(
        "locality_code",
        "Mã địa bàn",
        ("Mã tổ chức đảng quản lý địa bàn", "Mã xã, phường", "Mã đảng bộ xã"),
        True,
    ),
    Field("employees", "Số lao động", ("Lao động", "Số người lao động")),
    Field("registered_on", "Hoạt động từ ngày", ("Ngày thành lập", "Ngày hoạt động", "Ngày đăng ký"), True),
    Field("party_org_code", "Mã tổ chức đảng trong doanh nghiệp", ("Mã tổ chức đảng", "Mã chi bộ")),
    Field("party_org_from", "Có tổ chức đảng từ ngày", ("Ngày có tổ chức đảng", "Ngày thành lập tổ chức đảng")),
]
LAYOUT = Layout.of("enterprises", FIELDS)
COLUMNS = LAYOUT.columns
HEADER_OF = LAYOUT.header_of


@dataclass
class Planned:
    row: int
    name: str
    tax_code: str
    sector: str
    locality: Organization
    employees: int | None
    registered_on: date
    party_org: Organization | None
    party_org_from: date | None


@dataclass
class EnterpriseImportReport(SheetReport):
    """The dry run of an enterprise file (pipeline.SheetReport): `planned` are `Planned` rows."""


def _org_by_code(code: str, actor, at: date, cache: dict) -> Organization | None:
    key = (code, at)
    if key not in cache:
        org = Organization.objects.filter(code=code).first()
        cache[key] = org if org is not None and policy.can(actor, "record", org.pk) else None
    return cache[key]


def _read(path, *, actor, filename) -> EnterpriseImportReport:
    report = EnterpriseImportReport()
    today = timezone.localdate()
    table = read(report, path, layout=LAYOUT, actor=actor, filename=filename)
    orgs: dict = {}
    seen_tax: dict[str, int] = {}

    def row_fn(row: Row, cells: RowCleaner) -> Planned:
        v, take, refuse = row.values, cells.take, cells.refuse
        name = take("name", lambda: N.clean_free_text(v.get("name")), "", missing="Thiếu tên doanh nghiệp.")
        tax_code = N.clean_text(v.get("tax_code"))
        if tax_code:
            if tax_code in seen_tax:
                refuse("tax_code", f"Mã số thuế {tax_code} trùng với dòng {seen_tax[tax_code]}.")
            elif Enterprise.objects.filter(tax_code=tax_code).exists():
                refuse(
                    "tax_code",
                    f"Doanh nghiệp có mã số thuế {tax_code} đã có trong sổ; sửa trên trang của doanh nghiệp.",
                )
            seen_tax.setdefault(tax_code, row.number)
        sector = take("sector", lambda: parse_sector(v.get("sector")), "", missing="Thiếu khu vực, loại hình.")
        on = take(
            "registered_on",
            lambda: N.parse_full_date(v.get("registered_on"), today=today),
            missing="Thiếu ngày hoạt động.",
        )
        if on is not None and on > today:
            refuse("registered_on", f"Ngày {on:%d/%m/%Y} ở tương lai.")
        code = N.clean_text(v.get("locality_code"))
        locality = _org_by_code(code, actor, today, orgs) if code else None
        if not code:
            refuse("locality_code", "Thiếu mã địa bàn.")
        elif locality is None:
            refuse("locality_code", f"Không có tổ chức mã «{code}» trong phạm vi ghi của bạn.")
        employees = None
        raw = N.clean_text(v.get("employees")).replace(".", "")
        if raw:
            if raw.isdigit() and len(raw) < 9:
                employees = int(raw)
            else:
                refuse("employees", f"Số lao động «{raw}» không phải là số nguyên.")
        party_org = None
        party_code = N.clean_text(v.get("party_org_code"))
        party_from = take("party_org_from", lambda: N.parse_full_date(v.get("party_org_from"), today=today))
        if party_code:
            party_org = _org_by_code(party_code, actor, today, orgs)
            if party_org is None:
                refuse("party_org_code", f"Không có tổ chức mã «{party_code}» trong phạm vi ghi của bạn.")
            if party_from is None and not cells.errors:
                refuse("party_org_from", "Thiếu ngày có tổ chức đảng.")
        elif party_from is not None:
            refuse("party_org_code", "Có ngày có tổ chức đảng nhưng thiếu mã tổ chức đảng.")
        return Planned(row.number, name, tax_code, sector, locality, employees, on, party_org, party_from)

    check_rows(report, table, row_fn)
    return report


def enterprise_import(
    path: str | Path, *, actor, filename: str | None = None, apply: bool = False
) -> EnterpriseImportReport:
    """Read the file and report (dry run); with `apply`, record every enterprise of a file with no
    refused row in one transaction (a refusal by the service rolls everything back and is listed)."""
    report = _read(path, actor=actor, filename=filename)
    if not apply or report.errors or not report.planned:
        return report

    def write(p: Planned) -> None:
        e = enterprises.enterprise_register(
            actor=actor,
            name=p.name,
            sector=p.sector,
            locality=p.locality,
            registered_on=p.registered_on,
            employees=p.employees,
            tax_code=p.tax_code,
        )
        if p.party_org is not None:
            enterprises.enterprise_link_party_org(actor=actor, enterprise=e, party_org=p.party_org, on=p.party_org_from)

    return apply_all_or_none(
        report,
        path=path,
        filename=filename,
        actor=actor,
        write=write,
        field_columns={"locality": "locality_code", "party_org": "party_org_code", "on": "party_org_from"},
        action="orgs.enterprises_imported",
        summary=f"Nhập {len(report.planned)} doanh nghiệp từ tệp",
    )
