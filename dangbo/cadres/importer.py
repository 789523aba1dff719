"""Imports of cadre work from XLSX or CSV files: the cadre list, and the title catalogue of a
province (below).

Import of a cadre list (danh sách cán bộ) from an XLSX or CSV file, as offices keep it: a dry
run that lists the cadres to be recorded and every refused row (row, column, Vietnamese reason),
then the apply in one transaction (a file with a refused row writes nothing). It reuses the
import machinery (imports.parse through imports.mappings.open_layout: header aliases, legacy
TCVN3/VNI text, Excel dates; imports.normalize for the cells) and writes through
cadres.services.cadre_create, so every cadre has its audit entry like one recorded on the page.

A row is matched to a cadre already recorded: by the citizen ID (số CCCD: the cadre's, or the
linked member's), else by name and birth date among the cadres of the officer's record scope
(the Cadre model has no code of its own to match by). A matched cadre is updated through
cadres.services.cadre_update (audited, before/after; a new management class needs its later
from-date), an unmatched row records a new cadre; the dry run shows each row as «mới», «cập nhật»
(naming the fields that change) or «không đổi». A column absent from the file, or an empty cell,
keeps what the record says. A citizen ID of a cadre outside the officer's record scope is
refused as not found (the row named), never updated nor duplicated. Two rows of the file naming
the same person are refused. Titles held, ranks and salary steps come with decisions
(cadres.services.decision_record), not with this file.

On the import pipeline (imports/pipeline.py): the layout is declared as Fields, each row is
cleaned by a RowCleaner and checked in `row_fn` (the matching and the fields a row changes, with
cadres.services.cadre_changes: its refusals are the apply's, reported in the dry run), and the
apply is `apply_all_or_none` writing each planned row through cadre_create or cadre_update.

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
| Số CCCD                      | citizen_id             |          | 12 digits; matches the cadre to update   |

Import of a province's title catalogue (danh mục chức danh): the same dry run and all-or-none
apply, every title written through cadres.services.title_create (audited one by one, and the file
once). New codes only: a code already in force in the catalogue on the row's date or later is
refused (a change or an abolition is made on the title's page).

| Header (Vietnamese)          | Field                   | Required | Notes                                         |
|------------------------------|-------------------------|----------|-----------------------------------------------|
| Mã chức danh                 | code                    | yes      | stored in upper case                          |
| Tên chức danh                | name                    | yes      |                                               |
| Cấp trưởng/Cấp phó           | is_head                 | yes      | Trưởng / Phó (also x = cấp trưởng; in a column headed «Cấp trưởng», empty = cấp phó) |
| Từ ngày                      | valid_from              | yes      | the first day the title is in force           |
| Nhóm tương đương             | group                   |          |                                               |
| Vị trí                       | sits_in                 |          | the kind of agency or party organization      |
| Hình thức                    | filled_by               |          | Bổ nhiệm (default) / Bầu cử / Chỉ định        |
| Nhiệm kỳ                     | term_calendar           |          | Đảng / Chính quyền / Bổ nhiệm (5 năm); empty: Bổ nhiệm for an appointed title |
| Quy hoạch                    | planning_applies        |          | x / Có / Không; column absent: yes            |
| Lấy phiếu tín nhiệm          | confidence_vote_applies |          | x / Có / Không; column absent: yes            |
| Văn bản                      | source                  |          |                                               |
| Mã tỉnh                      | province_code           |          | needed only by an officer of several provinces |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db.models import Q

from dangbo.access import policy
from dangbo.cadres.models import Cadre, FilledBy, TermCalendar
from dangbo.cadres.selectors import catalogue_provinces
from dangbo.cadres.services import (
    CADRE_FIELDS,
    CadreInput,
    TitleInput,
    cadre_changes,
    cadre_create,
    cadre_update,
    title_code,
    title_create,
    title_overlapping,
    title_period,
)
from dangbo.core.errors import DomainError
from dangbo.core.text import fold, mask_citizen_id
from dangbo.imports import normalize as N
from dangbo.imports.parse import Row, header_key
from dangbo.imports.pipeline import (
    Field,
    Layout,
    RowCleaner,
    SheetReport,
    apply_all_or_none,
    check_rows,
    read,
    template_bytes,
)
from dangbo.orgs.models import Organization
from dangbo.orgs.selectors import org_names_on_or_latest

FIELDS = [
    Field("full_name", "Họ và tên", ("Họ tên", "Họ và tên cán bộ", "Họ và tên khai sinh", "Tên cán bộ"), True),
    Field(
        "birth_date",
        "Ngày sinh",
        ("Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày", "Ngày sinh (dd/mm/yyyy)"),
        True,
    ),
    Field("sex", "Giới tính", ("Nam/Nữ", "Nam, Nữ", "Giới"), True),
    Field(
        "org_code",
        "Mã đơn vị quản lý",
        ("Mã cấp ủy quản lý", "Mã tổ chức đảng quản lý", "Mã tổ chức đảng", "Mã đơn vị"),
        True,
    ),
    Field("ethnicity", "Dân tộc"),
    Field("education", "Trình độ giáo dục phổ thông", ("Giáo dục phổ thông", "Trình độ văn hóa", "Văn hóa", "GDPT")),
    Field(
        "qualification",
        "Trình độ chuyên môn",
        (
            "Chuyên môn",
            "Chuyên môn, nghiệp vụ",
            "Trình độ chuyên môn, nghiệp vụ",
            "Học hàm, học vị, chuyên môn",
            "Trình độ CMNV",
            "CMNV",
        ),
    ),
    Field("theory_level", "Lý luận chính trị", ("Trình độ lý luận chính trị", "Trình độ LLCT", "LLCT", "Lý luận")),
    Field("state_management_level", "Quản lý nhà nước", ("Trình độ quản lý nhà nước", "Trình độ QLNN", "QLNN")),
    Field("management_class", "Diện quản lý", ("Diện quản lý cán bộ", "Thuộc diện quản lý", "Diện")),
    Field("management_class_from", "Diện quản lý từ ngày", ("Thuộc diện quản lý từ ngày", "Từ ngày")),
    Field(
        "citizen_id",
        "Số CCCD",
        ("CCCD", "Số CMND/CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh cá nhân", "Số định danh"),
    ),
]
LAYOUT = Layout.of("cadres", FIELDS)
COLUMNS = LAYOUT.columns
HEADER_OF = LAYOUT.header_of
COLUMN_OF = {"managing_org_id": "org_code"}  # a service's field -> the file's column, where they differ
TEXT_FIELDS = ("ethnicity", "education", "qualification", "theory_level", "state_management_level", "management_class")

NEW, UPDATE, SAME = "mới", "cập nhật", "không đổi"


@dataclass
class Planned:
    row: int
    data: CadreInput
    org_name: str = ""
    cadre: Cadre | None = None  # the cadre the row updates (None: a new cadre)
    changes: list[str] = field(default_factory=list)  # the fields the row changes on `cadre`

    @property
    def status(self) -> str:
        if self.cadre is None:
            return NEW
        return UPDATE if self.changes else SAME

    @property
    def changed_labels(self) -> list[str]:
        return [CADRE_FIELDS[f] for f in self.changes]


@dataclass
class CadreImportReport(SheetReport):
    """The dry run of a cadre list (imports.pipeline.SheetReport): `planned` are `Planned` rows,
    each new, updating a recorded cadre or leaving it unchanged."""

    def _count(self, status: str) -> int:
        return sum(p.status == status for p in self.planned)

    @property
    def new_count(self) -> int:
        return self._count(NEW)

    @property
    def updated_count(self) -> int:
        return self._count(UPDATE)

    @property
    def unchanged_count(self) -> int:
        return self._count(SAME)


def _org(code: str, actor, cache: dict) -> Organization | None:
    """The managing organization by code, if the actor may record cadres there (else None: an
    organization outside the scope is reported as not found, as everywhere)."""
    if code not in cache:
        org = Organization.objects.filter(code__iexact=code).first()
        cache[code] = org if org is not None and policy.can(actor, "record", org.pk) else None
    return cache[code]


def _match(*, actor, row: int, citizen_id: str | None, name: str, born: date):
    """The recorded cadre a row is about, and the refusal (column, message) when the row may not
    be written: (None, None) is a new cadre. By citizen ID first (the cadre's own or its member
    record's), anywhere: a cadre outside the actor's record scope is "not found" (neither updated
    nor duplicated). Then by name and birth date among the cadres the actor sees: one the actor
    may record is updated, unless the row's citizen ID contradicts the one on record."""
    writable = policy.for_user(Cadre, actor, "record")
    if citizen_id:
        found = list(
            Cadre.objects.filter(Q(citizen_id=citizen_id) | Q(member__citizen_id=citizen_id)).order_by("pk")[:2]
        )
        if found:
            mine = writable.filter(pk__in=[c.pk for c in found]).select_related("member").order_by("pk").first()
            if mine is None:
                return None, (
                    "citizen_id",
                    f"Dòng {row}: không tìm thấy cán bộ mang số CCCD {mask_citizen_id(citizen_id)} "
                    "trong phạm vi ghi của bạn.",
                )
            return mine, None
    same = list(
        policy.for_user(Cadre, actor).filter(full_name=name, birth_date=born).select_related("member").order_by("pk")
    )
    if not same:
        return None, None
    mine = [c for c in same if writable.filter(pk=c.pk).exists()]
    who = f"{name}, sinh ngày {born:%d/%m/%Y}"
    if not mine:
        return None, (
            "full_name",
            f"Cán bộ {who}, đã có trong hệ thống do cấp ủy khác quản lý; bạn không cập nhật được.",
        )
    if len(same) > 1:
        return None, ("full_name", f"Có {len(same)} cán bộ {who}: ghi số CCCD để chọn đúng người.")
    cadre = mine[0]
    known = cadre.citizen_id or (cadre.member.citizen_id if cadre.member else None)
    if citizen_id and known and known != citizen_id:
        return None, (
            "citizen_id",
            f"Cán bộ {who}, đã có trong hệ thống với số CCCD khác ({mask_citizen_id(known)}); kiểm tra lại số CCCD.",
        )
    return cadre, None


def _clean(cells: RowCleaner, today: date) -> dict:
    """The cells of one row cleaned (every bad cell recorded on `cells`)."""
    v, take = cells.values, cells.take
    out = {
        "full_name": take("full_name", lambda: N.clean_name(v.get("full_name")), "", missing="Thiếu họ và tên."),
        "birth_date": take(
            "birth_date",
            lambda: N.parse_full_date(v.get("birth_date"), today=today),
            missing="Thiếu ngày sinh (ghi đủ ngày/tháng/năm: tuổi nghỉ hưu tính theo tháng).",
        ),
        "sex": take("sex", lambda: N.parse_sex(v.get("sex")), ""),
        "management_class_from": take(
            "management_class_from", lambda: N.parse_full_date(v.get("management_class_from"), today=today)
        ),
        "citizen_id": take("citizen_id", lambda: N.parse_citizen_id(v.get("citizen_id"))),
    }
    for f in TEXT_FIELDS:
        out[f] = take(f, lambda f=f: N.clean_free_text(v.get(f)), "")
    return out


def _read(path, *, actor, filename) -> CadreImportReport:
    report = CadreImportReport()
    today = policy.today()
    table = read(report, path, layout=LAYOUT, actor=actor, filename=filename)
    orgs: dict[str, Organization | None] = {}
    seen: dict[tuple[str, date], int] = {}  # (folded name, birth date) -> first row
    seen_ids: dict[str, int] = {}  # citizen ID -> first row
    seen_cadres: dict[int, int] = {}  # cadre matched -> first row

    def row_fn(row: Row, cells: RowCleaner) -> Planned | None:
        values = _clean(cells, today)
        name, born, sex = values["full_name"], values["birth_date"], values["sex"]
        if born is not None and born > today:
            cells.refuse("birth_date", f"Ngày sinh {born:%d/%m/%Y} ở tương lai.")
        code = N.clean_text(row.values.get("org_code"))
        org = _org(code, actor, orgs) if code else None
        if not code:
            cells.refuse("org_code", "Thiếu mã đơn vị quản lý.")
        elif org is None:
            cells.refuse("org_code", f"Không có tổ chức mã «{code}» trong phạm vi ghi của bạn.")
        texts, since = {f: values[f] for f in TEXT_FIELDS}, values["management_class_from"]
        if since is not None and not texts["management_class"]:
            cells.refuse("management_class_from", "Có ngày nhưng thiếu diện quản lý.")
        if since is not None and since > today:
            cells.refuse("management_class_from", f"Ngày {since:%d/%m/%Y} ở tương lai.")
        cid = values["citizen_id"]
        if cid and cid in seen_ids:
            cells.refuse("citizen_id", f"Trùng số CCCD với dòng {seen_ids[cid]}.")
        elif name and born is not None and (fold(name), born) in seen:
            cells.refuse("full_name", f"Trùng họ tên và ngày sinh với dòng {seen[(fold(name), born)]}.")
        cadre = None
        if not cells.errors and name and born is not None:
            cadre, refusal = _match(actor=actor, row=row.number, citizen_id=cid, name=name, born=born)
            if refusal is not None:
                cells.refuse(*refusal)
            elif cadre is not None and cadre.pk in seen_cadres:
                cells.refuse("full_name", f"Cùng một cán bộ ({cadre.full_name}) với dòng {seen_cadres[cadre.pk]}.")
        if name and born is not None:
            seen.setdefault((fold(name), born), row.number)
        if cid:
            seen_ids.setdefault(cid, row.number)
        if cells.errors:
            return None
        file_values = {
            "full_name": name,
            "birth_date": born,
            "sex": sex,
            "citizen_id": cid,
            "managing_org_id": org.pk,
            "management_class_from": since,
            **texts,
        }
        if cadre is None:
            return Planned(row.number, CadreInput(**file_values))
        seen_cadres.setdefault(cadre.pk, row.number)
        # A column absent from the file, or an empty cell, keeps what the record says; a new
        # management class does not keep the old one's date.
        kept = {f: v if v not in (None, "") else getattr(cadre, f) for f, v in file_values.items()}
        if kept["management_class"] != cadre.management_class:
            kept["management_class_from"] = since
        data = CadreInput(member_id=cadre.member_id, **kept)
        try:
            changes = list(cadre_changes(cadre, data))
        except DomainError as exc:  # the apply's refusal, reported by the dry run
            cells.refuse(COLUMN_OF.get(exc.field or "", exc.field or ""), exc.message)
            return None
        return Planned(row.number, data, cadre=cadre, changes=changes)

    check_rows(report, table, row_fn)
    names = org_names_on_or_latest(org_ids={p.data.managing_org_id for p in report.planned}, at=today)
    for p in report.planned:
        p.org_name = names.get(p.data.managing_org_id, "")
    return report


def cadre_import(path: str | Path, *, actor, filename: str | None = None, apply: bool = False) -> CadreImportReport:
    """Read the file and report (dry run); with `apply`, record the new cadres and update the
    matched ones of a file with no refused row, in one transaction (a refusal by a service rolls
    everything back and is listed)."""
    report = _read(path, actor=actor, filename=filename)
    if not apply or report.errors or not report.planned:
        return report
    return apply_all_or_none(
        report,
        path=path,
        filename=filename,
        actor=actor,
        write=lambda p: _write(p, actor),
        field_columns=COLUMN_OF,
        action="cadre.imported",
        summary=f"Nhập danh sách cán bộ từ tệp: {report.new_count} mới, {report.updated_count} cập nhật, "
        f"{report.unchanged_count} không đổi",
    )


def _write(p: Planned, actor) -> None:
    if p.cadre is None:
        cadre_create(actor=actor, data=p.data)
    elif p.changes:
        cadre_update(actor=actor, cadre=p.cadre, data=p.data)


def example_org_code(actor) -> str:
    """The code of the first organization at the root of the actor's record scope: the template's
    example row then passes the dry run as it is (a made-up code would be refused)."""
    roots = policy.scope_roots(actor, action="record")
    if not roots:
        return "T01-X01"
    return Organization.objects.filter(pk=min(r.org_id for r in roots)).values_list("code", flat=True).first() or ""


def build_cadre_template(org_code: str = "T01-X01") -> bytes:
    """The downloadable template: the Vietnamese headers, one synthetic example row and a guide."""
    example = [
        "Nguyễn Văn Mẫu",
        "15/03/1975",
        "Nam",
        org_code,
        "Kinh",
        "12/12",
        "Cử nhân Luật",
        "Cao cấp",
        "Chuyên viên chính",
        "Ban Thường vụ Tỉnh ủy",
        "01/01/2020",
    ]
    return template_bytes(
        LAYOUT,
        title="Danh sách cán bộ",
        examples=[example],
        text_fields=("citizen_id",),  # so Excel keeps a citizen ID's leading zeros
        guide=("required", "aliases"),
        guide_after=[
            [],
            [
                "Ngày ghi ngày/tháng/năm (15/03/1975) hoặc ô ngày của Excel. Dòng trùng số CCCD (hoặc họ tên và "
                "ngày sinh) với cán bộ đã có thì cập nhật hồ sơ đó; cột không có hoặc ô để trống giữ nguyên nội dung "
                "đang ghi; đổi diện quản lý phải ghi ngày thuộc diện mới. Dòng khác là cán bộ mới. Số CCCD định dạng "
                "cột là Văn bản để giữ số 0 ở đầu. Tệp có dòng lỗi thì không ghi gì."
            ],
        ],
        guide_widths={"A": 34, "B": 10, "C": 80},
    )


# --- the title catalogue (danh mục chức danh) ------------------------------------------------------

TITLE_FIELDS = [
    Field(
        "code",
        "Mã chức danh",
        ("Mã", "Mã CD", "Mã số chức danh", "Mã chức danh, chức vụ", "Ký hiệu chức danh"),
        True,
        "Mã của chức danh trong danh mục của tỉnh (không trùng với chức danh đang có hiệu lực).",
    ),
    Field(
        "name",
        "Tên chức danh",
        ("Chức danh", "Tên chức danh, chức vụ", "Chức danh, chức vụ", "Tên chức vụ", "Chức danh lãnh đạo"),
        True,
    ),
    Field(
        "is_head",
        "Cấp trưởng/Cấp phó",
        ("Cấp trưởng, cấp phó", "Cấp trưởng hay cấp phó", "Trưởng/Phó", "Trưởng, phó", "Cấp trưởng", "Cấp"),
        True,
        "Trưởng (cấp trưởng) hoặc Phó (cấp phó); x cũng là cấp trưởng.",
    ),
    Field(
        "valid_from",
        "Từ ngày",
        ("Hiệu lực từ ngày", "Áp dụng từ ngày", "Ngày hiệu lực", "Có hiệu lực từ ngày"),
        True,
        "Ngày bắt đầu có hiệu lực, ngày/tháng/năm (01/07/2025).",
    ),
    Field(
        "group",
        "Nhóm tương đương",
        ("Nhóm chức danh tương đương", "Nhóm chức danh", "Chức danh tương đương", "Nhóm", "Tương đương"),
    ),
    Field(
        "sits_in",
        "Vị trí",
        ("Vị trí (loại tổ chức, cơ quan)", "Loại cơ quan, tổ chức", "Cơ quan, tổ chức", "Thuộc cơ quan", "Nơi bố trí"),
    ),
    Field(
        "filled_by",
        "Hình thức",
        ("Hình thức bố trí", "Hình thức giữ chức vụ", "Hình thức bổ nhiệm, bầu cử", "Bổ nhiệm/Bầu cử/Chỉ định"),
        note="Bổ nhiệm, Bầu cử hoặc Chỉ định; để trống là Bổ nhiệm.",
    ),
    Field(
        "term_calendar",
        "Nhiệm kỳ",
        ("Nhiệm kỳ, thời hạn", "Thời hạn", "Theo nhiệm kỳ"),
        note="Đảng (2025–2030), Chính quyền (2026–2031) hoặc Bổ nhiệm (5 năm); để trống với chức danh "
        "bổ nhiệm là Bổ nhiệm (5 năm).",
    ),
    Field(
        "planning_applies",
        "Quy hoạch",
        ("Thuộc diện quy hoạch", "Diện quy hoạch", "Có quy hoạch"),
        note="x hoặc Có: thuộc diện quy hoạch; để trống hoặc Không: không. Không có cột: có.",
    ),
    Field(
        "confidence_vote_applies",
        "Lấy phiếu tín nhiệm",
        ("Thuộc diện lấy phiếu tín nhiệm", "Diện lấy phiếu tín nhiệm", "Tín nhiệm"),
        note="x hoặc Có: thuộc diện lấy phiếu tín nhiệm; để trống hoặc Không: không. Không có cột: có.",
    ),
    Field("source", "Văn bản", ("Căn cứ", "Văn bản quy định", "Số văn bản", "Văn bản, quyết định")),
    Field(
        "province_code",
        "Mã tỉnh",
        ("Mã đảng bộ tỉnh", "Mã tổ chức đảng tỉnh", "Mã tỉnh, thành phố"),
        note="Mã đảng bộ tỉnh; chỉ cần khi bạn ghi danh mục của nhiều tỉnh.",
    ),
]
TITLE_LAYOUT = Layout.of("cadre_titles", TITLE_FIELDS)
TITLE_COLUMNS = TITLE_LAYOUT.columns
# Accepted spellings (accents, case, spaces and punctuation folded: imports.normalize.catalog_key).
HEAD_VALUES = {
    "truong": True,
    "captruong": True,
    "x": True,
    "co": True,
    "1": True,
    "t": True,
    "ct": True,
    "pho": False,
    "cappho": False,
    "p": False,
    "cp": False,
    "0": False,
    "khong": False,
}
HEAD_MARKER_HEADERS = {"cap truong"}  # a column headed «Cấp trưởng»: x = head, empty = deputy
FILLED_VALUES = {
    "bonhiem": FilledBy.APPOINTED,
    "bn": FilledBy.APPOINTED,
    "baucu": FilledBy.ELECTED,
    "bau": FilledBy.ELECTED,
    "bc": FilledBy.ELECTED,
    "chidinh": FilledBy.DESIGNATED,
    "cd": FilledBy.DESIGNATED,
}
TERM_VALUES = {
    "dang": TermCalendar.PARTY,
    "nhiemkydang": TermCalendar.PARTY,
    "capuy": TermCalendar.PARTY,
    "nhiemkycapuy": TermCalendar.PARTY,
    "20252030": TermCalendar.PARTY,
    "chinhquyen": TermCalendar.STATE,
    "nhiemkychinhquyen": TermCalendar.STATE,
    "nhanuoc": TermCalendar.STATE,
    "hdnd": TermCalendar.STATE,
    "hoidongnhandan": TermCalendar.STATE,
    "20262031": TermCalendar.STATE,
    "bonhiem": TermCalendar.APPOINTMENT,
    "5nam": TermCalendar.APPOINTMENT,
    "bonhiem5nam": TermCalendar.APPOINTMENT,
    "thoihanbonhiem": TermCalendar.APPOINTMENT,
    "thoihanbonhiem5nam": TermCalendar.APPOINTMENT,
}
for _v, _label in TermCalendar.choices:
    TERM_VALUES.setdefault(N.catalog_key(_label), _v)
YES_NO = {"x": True, "co": True, "1": True, "c": True, "": False, "khong": False, "k": False, "0": False}
TITLE_HORIZON_YEARS = 2  # a catalogue may be recorded ahead, up to the end of the year after next


def _choice(value, table: dict, what: str, hint: str):
    text = N.clean_text(value)
    key = N.catalog_key(text)
    if key not in table:
        raise ValueError(f"{what} «{text}» không hợp lệ: ghi {hint}.")
    return table[key]


@dataclass
class PlannedTitle:
    row: int
    province_id: int
    data: TitleInput
    valid_from: date
    province_name: str = ""

    @property
    def filled_by_label(self) -> str:
        return FilledBy(self.data.filled_by).label


@dataclass
class TitleImportReport(SheetReport):
    """The dry run of a catalogue file (imports.pipeline.SheetReport): `planned` are `PlannedTitle` rows."""


def _clean_title_row(cells: RowCleaner, *, present: set[str], head_marker: bool, horizon: date) -> dict:
    """The cells of one catalogue row cleaned (every bad cell recorded on `cells`)."""
    v, take = cells.values, cells.take
    out = {
        "code": title_code(take("code", lambda: N.clean_free_text(v.get("code")), "", missing="Thiếu mã chức danh.")),
        "name": " ".join(
            take("name", lambda: N.clean_free_text(v.get("name")), "", missing="Thiếu tên chức danh.").split()
        ),
        "valid_from": take(
            "valid_from",
            lambda: N.parse_full_date(v.get("valid_from"), today=horizon),
            missing="Thiếu ngày bắt đầu có hiệu lực (ngày/tháng/năm).",
        ),
    }
    for f in ("group", "sits_in", "source"):
        out[f] = take(f, lambda f=f: N.clean_free_text(v.get(f)), "")
    head_text = N.clean_text(v.get("is_head"))
    if not head_text and head_marker:
        out["is_head"] = False
    elif not head_text:
        out["is_head"] = None
        cells.refuse("is_head", "Thiếu: ghi Trưởng (cấp trưởng) hoặc Phó (cấp phó).")
    else:
        out["is_head"] = take("is_head", lambda: _choice(head_text, HEAD_VALUES, "Giá trị", "Trưởng hoặc Phó"))
    filled = N.clean_text(v.get("filled_by"))
    out["filled_by"] = (
        take(
            "filled_by",
            lambda: _choice(filled, FILLED_VALUES, "Hình thức", "Bổ nhiệm, Bầu cử hoặc Chỉ định"),
            FilledBy.APPOINTED,
        )
        if filled
        else FilledBy.APPOINTED
    )
    term = N.clean_text(v.get("term_calendar"))
    if term:
        out["term_calendar"] = take(
            "term_calendar",
            lambda: _choice(term, TERM_VALUES, "Nhiệm kỳ", "Đảng, Chính quyền hoặc Bổ nhiệm (5 năm)"),
            TermCalendar.APPOINTMENT,
        )
    elif out["filled_by"] == FilledBy.APPOINTED:
        out["term_calendar"] = TermCalendar.APPOINTMENT
    else:
        out["term_calendar"] = TermCalendar.APPOINTMENT
        cells.refuse("term_calendar", "Thiếu nhiệm kỳ: chức danh bầu cử, chỉ định ghi Đảng hoặc Chính quyền.")
    for f in ("planning_applies", "confidence_vote_applies"):
        out[f] = (
            take(f, lambda f=f: _choice(v.get(f), YES_NO, "Giá trị", "x, Có hoặc Không"), True)
            if f in present
            else True
        )
    if len(out["code"]) > 40:
        cells.refuse("code", "Mã chức danh dài quá 40 ký tự.")
    for f, limit in (("name", 255), ("group", 100), ("sits_in", 100), ("source", 255)):
        if len(out[f]) > limit:
            cells.refuse(f, f"Dài quá {limit} ký tự.")
    return out


TITLE_INPUT_FIELDS = (
    "code",
    "name",
    "is_head",
    "group",
    "sits_in",
    "filled_by",
    "term_calendar",
    "planning_applies",
    "confidence_vote_applies",
    "source",
)


def _read_titles(path, *, actor, filename) -> TitleImportReport:
    report = TitleImportReport()
    today = policy.today()
    horizon = date(today.year + TITLE_HORIZON_YEARS, 12, 31)
    provinces = catalogue_provinces(actor=actor, action="record")
    if not provinces:
        report.errors.append((0, "", "Bạn không có quyền ghi danh mục chức danh của tỉnh nào."))
        return report
    table = read(report, path, layout=TITLE_LAYOUT, actor=actor, filename=filename)
    if table is None:
        return report
    present = {h["field"] for h in table.headers if h.get("field")}
    head_marker = any(
        h.get("field") == "is_head" and header_key(h["header"]) in HEAD_MARKER_HEADERS for h in table.headers
    )
    codes = {}  # province code (upper) -> id, among the provinces the actor may write
    if "province_code" in present:
        codes = {c.upper(): pk for pk, c in Organization.objects.filter(pk__in=provinces).values_list("pk", "code")}
    seen: dict[tuple[int, str], int] = {}

    def row_fn(row: Row, cells: RowCleaner) -> PlannedTitle | None:
        values = _clean_title_row(cells, present=present, head_marker=head_marker, horizon=horizon)
        province_code = N.clean_text(row.values.get("province_code")).upper()
        province_id = None
        if province_code:
            province_id = codes.get(province_code)
            if province_id is None:
                cells.refuse("province_code", f"Không có tỉnh mã «{province_code}» trong phạm vi ghi của bạn.")
        elif len(provinces) == 1:
            province_id = next(iter(provinces))
        else:
            cells.refuse("province_code", "Thiếu mã tỉnh: bạn ghi danh mục chức danh của nhiều tỉnh.")
        code, start = values["code"], values["valid_from"]
        if province_id is not None and code and len(code) <= 40:
            key = (province_id, code)
            if key in seen:
                cells.refuse("code", f"Trùng mã chức danh với dòng {seen[key]}.")
            elif start is not None and (clash := title_overlapping(province_id=province_id, code=code, start=start)):
                cells.refuse(
                    "code",
                    f"Mã chức danh «{code}» đã có trong danh mục («{clash.name}», "
                    f"{title_period(clash)}); tệp chỉ thêm chức danh mới, sửa đổi hoặc bãi bỏ "
                    "trên trang của chức danh.",
                )
            seen.setdefault(key, row.number)
        if cells.errors:
            return None
        data = TitleInput(**{f: values[f] for f in TITLE_INPUT_FIELDS})
        return PlannedTitle(row.number, province_id, data, start, provinces[province_id])

    check_rows(report, table, row_fn)
    return report


def title_import(path: str | Path, *, actor, filename: str | None = None, apply: bool = False) -> TitleImportReport:
    """Read a catalogue file and report (dry run); with `apply`, add every title of a file with
    no refused row in one transaction through `title_create` (a refusal rolls everything back and
    is listed against its row and column)."""
    report = _read_titles(path, actor=actor, filename=filename)
    if not apply or report.errors or not report.planned:
        return report
    return apply_all_or_none(
        report,
        path=path,
        filename=filename,
        actor=actor,
        write=lambda p: title_create(actor=actor, province_id=p.province_id, data=p.data, valid_from=p.valid_from),
        field_columns={"province_id": "province_code"},
        action="title.imported",
        summary=f"Nhập {len(report.planned)} chức danh vào danh mục từ tệp",
    )


def example_province_code(actor) -> str:
    """The code of the first province whose catalogue the actor may write (the template's
    example row then passes the dry run as it is)."""
    provinces = catalogue_provinces(actor=actor, action="record")
    if not provinces:
        return ""
    return Organization.objects.filter(pk=min(provinces)).values_list("code", flat=True).first() or ""


TITLE_EXAMPLE = [
    "PGD-SO-MAU",
    "Phó Giám đốc Sở Mẫu",
    "Phó",
    "01/07/2025",
    "Sở, ngành",
    "Sở, ban, ngành tỉnh",
    "Bổ nhiệm",
    "Bổ nhiệm (5 năm)",
    "x",
    "x",
    "Quyết định mẫu 01-QĐ/TU",
]


def build_title_template(province_code: str = "") -> bytes:
    """The downloadable catalogue template: the Vietnamese headers, one synthetic example row and a guide."""
    return template_bytes(
        TITLE_LAYOUT,
        title="Danh mục chức danh",
        examples=[[*TITLE_EXAMPLE, province_code]],
        text_fields=("valid_from",),  # so Excel keeps dd/mm/yyyy as typed
        guide=("required", "note", "aliases"),
        guide_after=[
            [],
            [
                "Mỗi dòng là một chức danh mới của danh mục. Sửa đổi hoặc bãi bỏ chức danh đã có làm trên trang "
                "của chức danh. Tệp có dòng lỗi thì không ghi gì."
            ],
        ],
        guide_widths={"A": 24, "B": 10, "C": 70, "D": 60},
    )
