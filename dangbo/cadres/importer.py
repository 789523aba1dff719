"""Import of a cadre list (danh sách cán bộ) from an XLSX or CSV file, as offices keep it: a dry
run that lists the cadres to be recorded and every refused row (row, column, Vietnamese reason),
then the apply in one transaction (a file with a refused row writes nothing). It reuses the
import machinery (imports.parse through imports.mappings.open_layout: header aliases, legacy
TCVN3/VNI text, Excel dates; imports.normalize for the cells) and writes through
cadres.services.cadre_create, so every cadre has its audit entry like one recorded on the page.

This first slice records new cadres only: a row whose name and birth date match a cadre already
in the officer's scope, or another row of the file, is refused (no merge). Titles held, ranks
and salary steps come with decisions (cadres.services.decision_record), not with this file.

| Header (Vietnamese)          | Field                  | Required | Notes                                    |
|------------------------------|------------------------|----------|------------------------------------------|
| Họ và tên                    | full_name              | yes      |                                          |
| Ngày sinh                    | birth_date             | yes      | a full date (retirement is month-exact)  |
| Giới tính                    | sex                    | yes      | Nam / Nữ                                 |
| Mã đơn vị quản lý            | org_code               | yes      | the managing party organization's code, in the officer's scope |
| Dân tộc                      | ethnicity              |          |                                          |
| Trình độ giáo dục phổ thông  | education              |          | e.g. 12/12                               |
| Trình độ chuyên môn          | qualification          |          |                                          |
| Lý luận chính trị            | theory_level           |          | Sơ cấp, Trung cấp, Cao cấp, Cử nhân      |
| Quản lý nhà nước             | state_management_level |          |                                          |
| Diện quản lý                 | management_class       |          | e.g. Ban Thường vụ Tỉnh ủy               |
| Diện quản lý từ ngày         | management_class_from  |          | required with the management class       |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from dangbo.access import policy
from dangbo.cadres.models import Cadre
from dangbo.cadres.services import CadreInput, cadre_create
from dangbo.core.spreadsheet import workbook_bytes
from dangbo.core.text import fold
from dangbo.imports import normalize as N
from dangbo.imports.mappings import open_layout
from dangbo.imports.parse import FileFormatError, Layout
from dangbo.imports.services import apply_all_or_none
from dangbo.orgs.models import Organization
from dangbo.orgs.selectors import org_names_on_or_latest

COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("full_name", "Họ và tên", ("Họ tên", "Họ và tên cán bộ", "Họ và tên khai sinh", "Tên cán bộ")),
    ("birth_date", "Ngày sinh", ("Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày", "Ngày sinh (dd/mm/yyyy)")),
    ("sex", "Giới tính", ("Nam/Nữ", "Nam, Nữ", "Giới")),
    ("org_code", "Mã đơn vị quản lý", ("Mã cấp ủy quản lý", "Mã tổ chức đảng quản lý", "Mã tổ chức đảng", "Mã đơn vị")),
    ("ethnicity", "Dân tộc", ()),
    ("education", "Trình độ giáo dục phổ thông", ("Giáo dục phổ thông", "Trình độ văn hóa", "Văn hóa", "GDPT")),
    ("qualification", "Trình độ chuyên môn", ("Chuyên môn", "Chuyên môn, nghiệp vụ", "Trình độ chuyên môn, nghiệp vụ",
                                              "Học hàm, học vị, chuyên môn", "Trình độ CMNV", "CMNV")),
    ("theory_level", "Lý luận chính trị", ("Trình độ lý luận chính trị", "Trình độ LLCT", "LLCT", "Lý luận")),
    ("state_management_level", "Quản lý nhà nước", ("Trình độ quản lý nhà nước", "Trình độ QLNN", "QLNN")),
    ("management_class", "Diện quản lý", ("Diện quản lý cán bộ", "Thuộc diện quản lý", "Diện")),
    ("management_class_from", "Diện quản lý từ ngày", ("Thuộc diện quản lý từ ngày", "Từ ngày")),
]
LAYOUT = Layout("cadres", COLUMNS, ("full_name", "birth_date", "sex", "org_code"))
HEADER_OF = LAYOUT.header_of
TEXT_FIELDS = ("ethnicity", "education", "qualification", "theory_level", "state_management_level",
               "management_class")


@dataclass
class Planned:
    row: int
    data: CadreInput
    org_name: str = ""


@dataclass
class CadreImportReport:
    rows: int = 0
    planned: list[Planned] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column header, message)
    ignored: list[str] = field(default_factory=list)  # headers of the file no field takes (shown, not silent)
    created: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.planned)


def _org(code: str, actor, cache: dict) -> Organization | None:
    """The managing organization by code, if the actor may record cadres there (else None: an
    organization outside the scope is reported as not found, as everywhere)."""
    if code not in cache:
        org = Organization.objects.filter(code__iexact=code).first()
        cache[code] = org if org is not None and policy.can(actor, "record", org.pk) else None
    return cache[code]


def _clean(v: dict, today: date) -> tuple[dict, list[tuple[str, str]]]:
    """The cells of one row cleaned, and every bad cell's (column, reason)."""
    errors: list[tuple[str, str]] = []
    take = N.taker(errors)
    out = {
        "full_name": take("full_name", lambda: N.clean_name(v.get("full_name")), ""),
        "birth_date": take("birth_date", lambda: N.parse_full_date(v.get("birth_date"), today=today)),
        "sex": take("sex", lambda: N.parse_sex(v.get("sex")), ""),
        "management_class_from": take("management_class_from",
                                      lambda: N.parse_full_date(v.get("management_class_from"), today=today)),
    }
    for f in TEXT_FIELDS:
        out[f] = take(f, lambda f=f: N.clean_free_text(v.get(f)), "")
    bad = {c for c, _ in errors}
    if not out["full_name"] and "full_name" not in bad:
        errors.append(("full_name", "Thiếu họ và tên."))
    if out["birth_date"] is None and "birth_date" not in bad:
        errors.append(("birth_date", "Thiếu ngày sinh (ghi đủ ngày/tháng/năm: tuổi nghỉ hưu tính theo tháng)."))
    return out, errors


def _read(path, *, actor, filename) -> CadreImportReport:
    report = CadreImportReport()
    today = policy.today()
    try:
        table = open_layout(path, filename=filename, layout=LAYOUT, actor=actor)
    except FileFormatError as exc:
        report.errors.append((0, "", str(exc)))
        return report
    report.ignored = [h["header"] for h in table.headers if not h.get("field")]
    orgs: dict[str, Organization | None] = {}
    seen: dict[tuple[str, date], int] = {}
    for row in table:
        report.rows += 1
        v = row.values
        values, errors = _clean(v, today)
        name, born, sex = values["full_name"], values["birth_date"], values["sex"]
        if born is not None and born > today:
            errors.append(("birth_date", f"Ngày sinh {born:%d/%m/%Y} ở tương lai."))
        code = N.clean_text(v.get("org_code"))
        org = _org(code, actor, orgs) if code else None
        if not code:
            errors.append(("org_code", "Thiếu mã đơn vị quản lý."))
        elif org is None:
            errors.append(("org_code", f"Không có tổ chức mã «{code}» trong phạm vi ghi của bạn."))
        texts, since = {f: values[f] for f in TEXT_FIELDS}, values["management_class_from"]
        if since is not None and not texts["management_class"]:
            errors.append(("management_class_from", "Có ngày nhưng thiếu diện quản lý."))
        if since is not None and since > today:
            errors.append(("management_class_from", f"Ngày {since:%d/%m/%Y} ở tương lai."))
        if name and born is not None:
            key = (fold(name), born)
            if key in seen:
                errors.append(("full_name", f"Trùng họ tên và ngày sinh với dòng {seen[key]}."))
            elif policy.for_user(Cadre, actor).filter(full_name=name, birth_date=born).exists():
                errors.append(("full_name", f"Cán bộ {name}, sinh ngày {born:%d/%m/%Y}, đã có trong hệ thống; "
                                            "cập nhật trên hồ sơ cán bộ."))
            seen.setdefault(key, row.number)
        if errors:
            report.errors.extend((row.number, HEADER_OF.get(c, c), m) for c, m in errors)
            continue
        report.planned.append(Planned(row.number, CadreInput(
            full_name=name, birth_date=born, sex=sex, managing_org_id=org.pk, management_class_from=since,
            **texts)))
    if report.rows == 0:
        report.errors.append((0, "", "Tệp không có dòng dữ liệu nào."))
    names = org_names_on_or_latest(org_ids={p.data.managing_org_id for p in report.planned}, at=today)
    for p in report.planned:
        p.org_name = names.get(p.data.managing_org_id, "")
    return report


def cadre_import(path: str | Path, *, actor, filename: str | None = None, apply: bool = False) -> CadreImportReport:
    """Read the file and report (dry run); with `apply`, record every cadre of a file with no
    refused row in one transaction (a refusal by the service rolls everything back and is listed)."""
    report = _read(path, actor=actor, filename=filename)
    if not apply or report.errors or not report.planned:
        return report
    return apply_all_or_none(
        report, path=path, filename=filename, actor=actor, write=lambda p: cadre_create(actor=actor, data=p.data),
        header_of=HEADER_OF, field_columns={"managing_org_id": "org_code"}, action="cadre.imported",
        summary=f"Nhập {len(report.planned)} cán bộ từ tệp")


def example_org_code(actor) -> str:
    """The code of the first organization at the root of the actor's record scope: the template's
    example row then passes the dry run as it is (a made-up code would be refused)."""
    roots = policy.scope_roots(actor, action="record")
    if not roots:
        return "T01-X01"
    return Organization.objects.filter(pk=min(r.org_id for r in roots)).values_list("code", flat=True).first() or ""


def build_cadre_template(org_code: str = "T01-X01") -> bytes:
    """The downloadable template: the Vietnamese headers, one synthetic example row and a guide."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách cán bộ"
    ws.append(LAYOUT.template_headers)
    ws.append(["Nguyễn Văn Mẫu", "15/03/1975", "Nam", org_code, "Kinh", "12/12", "Cử nhân Luật", "Cao cấp",
               "Chuyên viên chính", "Ban Thường vụ Tỉnh ủy", "01/01/2020"])
    for i, cell in enumerate(ws[1], start=1):
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B22222")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = max(14, len(LAYOUT.template_headers[i - 1]) + 4)
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Cũng nhận tiêu đề"])
    for name, header, aliases in COLUMNS:
        guide.append([header, "Có" if name in LAYOUT.required else "", "; ".join(aliases)])
    guide.append([])
    guide.append(["Ngày ghi ngày/tháng/năm (15/03/1975) hoặc ô ngày của Excel. Mỗi dòng là một cán bộ mới; "
                  "cán bộ đã có (cùng họ tên và ngày sinh) bị từ chối. Tệp có dòng lỗi thì không ghi gì."])
    for letter, width in (("A", 34), ("B", 10), ("C", 80)):
        guide.column_dimensions[letter].width = width
    return workbook_bytes(wb)
