"""Import of party organizations from a file: dry run, then apply in one transaction.

The layout (downloadable template: `build_org_template()`), one row per organization:

| Header (Vietnamese)   | Field           | Required | Notes                                                      |
|-----------------------|-----------------|----------|------------------------------------------------------------|
| Mã tổ chức            | code            | yes      | unique in the system                                       |
| Tên tổ chức           | name            | yes      |                                                            |
| Tên viết tắt          | short_name      |          |                                                            |
| Loại tổ chức          | org_type        | yes      | name or code from the list of organization types           |
| Khu vực               | sector          |          | sector of the unit (org_sectors list: name, code or alias) |
| Mã tổ chức cấp trên   | parent_code     | one of   | an organization in the system or another row of the file   |
| Tên tổ chức cấp trên  | parent_name     | the two  | its name (accents/case ignored) on the establishment date  |
| Ngày thành lập        | established_on  | yes      | dd/mm/yyyy, d/m/yy, yyyy-mm-dd or an Excel date            |
| Số quyết định         | decision_number |          |                                                            |
| Ngày quyết định       | decision_date   |          |                                                            |
| Cơ quan ban hành      | decision_body   |          |                                                            |
| Ghi chú               | note            |          |                                                            |

Rows may come in any order: a parent that is another row of the file is created first. A parent
named (not coded) must match exactly one organization valid on the establishment date among those
in the officer's scope and the rows of the file; otherwise the row is refused with the candidates.

Scope: an officer creates organizations only under an organization where they may restructure
(an organization outside the scope is "not found"); only a system-wide administrator (or the
command line) creates an organization without a parent.

Writes go through `orgs.services.org_establish`, so every organization gets its establishment
event, its first version and its audit entry; one more audit entry records the import. Any refused
row (or any refusal by the service during the apply) and nothing is written.

Idempotence: a row whose code exists with the same name, type, parent and establishment date is
"unchanged"; with different data it is refused (the change must be recorded as a rename/move).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangbo.access import policy
from dangbo.core.errors import DomainError
from dangbo.core.reference import items, label
from dangbo.core.text import fold
from dangbo.imports import normalize as N
from dangbo.imports.mappings import open_layout
from dangbo.imports.parse import Row, _key
from dangbo.imports.pipeline import Field, Layout, RowCleaner, import_audit, template_bytes
from dangbo.imports.services import MAX_LISTED, ImportRefused, Report, describe
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.services import Decision, org_establish

ORG_FIELDS = [
    Field("code", "Mã tổ chức", ("Mã tổ chức đảng", "Mã đơn vị", "Mã số", "Mã"), True, "Mã duy nhất trong hệ thống."),
    Field("name", "Tên tổ chức", ("Tên tổ chức đảng", "Tên đơn vị", "Tên"), True, "Tên đầy đủ, có dấu."),
    Field("short_name", "Tên viết tắt", ("Viết tắt", "Tên gọi tắt")),
    Field(
        "org_type",
        "Loại tổ chức",
        ("Loại hình tổ chức", "Loại hình", "Loại tổ chức đảng", "Loại"),
        True,
        "Tên hoặc mã loại tổ chức theo danh mục bên dưới.",
    ),
    Field(
        "sector",
        "Khu vực",
        (
            "Khu vực, loại hình",
            "Khu vực, loại hình đơn vị",
            "Loại hình đơn vị",
            "Thành phần kinh tế",
            "Loại hình doanh nghiệp",
            "Khu vực kinh tế",
            "Sở hữu",
        ),
        note="Khu vực, loại hình đơn vị nơi lập tổ chức đảng theo danh mục bên dưới; để trống thì tính theo "
        "tổ chức cấp trên.",
    ),
    Field(
        "parent_code",
        "Mã tổ chức cấp trên",
        ("Mã cấp trên", "Mã tổ chức đảng cấp trên", "Mã đơn vị cấp trên"),
        note="Mã tổ chức cấp trên trong hệ thống hoặc ở một dòng khác của tệp (ưu tiên).",
    ),
    Field(
        "parent_name",
        "Tên tổ chức cấp trên",
        ("Tổ chức cấp trên", "Cấp trên", "Trực thuộc", "Tên cấp trên", "Tổ chức đảng cấp trên", "Cấp trên trực tiếp"),
        note="Hoặc tên tổ chức cấp trên đúng như trong hệ thống vào ngày thành lập.",
    ),
    Field(
        "established_on",
        "Ngày thành lập",
        ("Ngày thành lập tổ chức", "Thành lập ngày", "Ngày hiệu lực"),
        True,
        "ngày/tháng/năm (01/07/2025).",
    ),
    Field("decision_number", "Số quyết định", ("Quyết định số", "Số QĐ", "Quyết định thành lập")),
    Field("decision_date", "Ngày quyết định", ("Ngày ký quyết định", "Ngày QĐ"), note="ngày/tháng/năm."),
    Field("decision_body", "Cơ quan ban hành", ("Cơ quan quyết định", "Nơi ban hành", "Cấp quyết định")),
    Field("note", "Ghi chú"),
]
ORGS = Layout.of(
    "orgs", ORG_FIELDS, one_of=(("parent_code", "parent_name", "Mã tổ chức cấp trên / Tên tổ chức cấp trên"),)
)
ORG_COLUMNS = ORGS.columns
ORG_HEADER_OF = ORGS.header_of
TYPE_ALIASES = {
    "dang bo phuong": "commune_party_org",
    "dang bo dac khu": "commune_party_org",
    "dang uy co so": "grassroots_party_committee_org",
    "chi bo truc thuoc": "subordinate_cell",
}
SECTOR_ALIASES = {
    "dn tu nhan": "private_enterprise",
    "doanh nghiep ngoai nha nuoc": "private_enterprise",
    "dn ngoai nha nuoc": "private_enterprise",
    "cong ty co phan": "private_enterprise",
    "fdi": "foreign_invested_enterprise",
    "dn fdi": "foreign_invested_enterprise",
    "von dau tu nuoc ngoai": "foreign_invested_enterprise",
    "dn nha nuoc": "state_enterprise",
    "dnnn": "state_enterprise",
    "htx": "cooperative",
    "hop tac xa": "cooperative",
    "su nghiep cong lap": "public_service_unit",
    "don vi su nghiep": "public_service_unit",
    "ngoai cong lap": "non_public_unit",
    "su nghiep ngoai cong lap": "non_public_unit",
    "quan doi": "armed_forces",
    "cong an": "armed_forces",
    "luc luong vu trang": "armed_forces",
    "co quan": "state_agency",
    "co quan nha nuoc": "state_agency",
    "xa": "commune_ward",
    "phuong": "commune_ward",
    "xa phuong": "commune_ward",
    "thi tran": "commune_ward",
}


@dataclass
class OrgReport(Report):
    """The member import's report, for organizations: a row is counted once however many of its
    columns are refused, and the columns are named with the organization layout's headers."""

    kind: str = "orgs"
    created_org_ids: list[int] = field(default_factory=list)
    _refused: set[int] = field(default_factory=set)

    def refuse(self, row: int, column: str, reason: str) -> None:
        if row not in self._refused:
            self._refused.add(row)
            self.refused_rows += 1
        if len(self.refusals) < MAX_LISTED:
            self.refusals.append({"row": row, "column": ORG_HEADER_OF.get(column, column), "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "kind": self.kind, "refusals": sorted(self.refusals, key=lambda r: r["row"])}


class OrgImportRefused(ImportRefused):
    """The organization file has refused rows: nothing was written."""


@dataclass
class OrgPlan:
    row: int
    code: str
    name: str
    short_name: str
    org_type: str
    parent_code: str
    parent_name: str
    on: date
    decision: Decision
    sector: str = ""
    parent_id: int | None = None  # an organization already in the system
    parent_row: OrgPlan | None = None  # or another row of the file
    existing_id: int | None = None  # "unchanged": the organization the row describes
    state: str = "new"  # new / unchanged / refused
    resolving: bool = False


def parse_org_type(value) -> str:
    text = N.clean_text(value)
    if not text:
        raise ValueError("Thiếu loại tổ chức.")
    code = TYPE_ALIASES.get(_key(text)) or N._lookup(text, "org_types", None)
    if code is None:
        raise ValueError(f"Loại tổ chức «{text}» không có trong danh mục (xem trang «Hướng dẫn» của tệp mẫu).")
    return code


def parse_sector(value) -> str:
    """A sector code (reference list org_sectors) from its name, code or a common alias; "" when empty."""
    text = N.clean_text(value)
    if not text:
        return ""
    code = SECTOR_ALIASES.get(_key(text)) or N._lookup(text, "org_sectors", None)
    if code is None:
        raise ValueError(f"Khu vực «{text}» không có trong danh mục (xem trang «Hướng dẫn» của tệp mẫu).")
    return code


def _d(on: date) -> str:
    return on.strftime("%d/%m/%Y")


class _Existing:
    """The organizations already in the system: by code (all), and by folded name (those where the
    actor may restructure, the only ones a row may name as parent)."""

    def __init__(self, actor) -> None:
        policy.require_actor(actor)
        self.actor = actor
        self.versions: dict[int, list[tuple[date, date | None, str, str, int | None]]] = {}
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = {}
        self.code_of: dict[int, str] = {}
        for org_id, code in Organization.objects.values_list("pk", "code").iterator(chunk_size=5000):
            self.by_code[code.casefold()] = org_id
            self.code_of[org_id] = code
        for org_id, name, org_type, parent_id, start, end in (
            OrgVersion.objects.order_by("org_id", "valid_from")
            .values_list("org_id", "name", "org_type", "parent_id", "valid_from", "valid_to")
            .iterator(chunk_size=5000)
        ):
            self.versions.setdefault(org_id, []).append((start, end, name, org_type, parent_id))
            self.by_name.setdefault(fold(name), set()).add(org_id)

    def allowed(self, org_id: int) -> bool:
        return policy.can(self.actor, "restructure", org_id)

    def visible(self, org_id: int) -> bool:
        return policy.can(self.actor, "view", org_id)

    def version_on(self, org_id: int, on: date):
        return next(
            (
                (s, e, n, t, p)
                for (s, e, n, t, p) in self.versions.get(org_id, [])
                if s <= on and (e is None or e >= on)
            ),
            None,
        )

    def label(self, org_id: int) -> str:
        versions = self.versions.get(org_id) or [(None, None, "", "", None)]
        return f"{self.code_of.get(org_id, org_id)} — {versions[-1][2]}"


def _clean(row: Row, report: OrgReport, today: date) -> OrgPlan | None:
    v = row.values
    cells = RowCleaner(v)
    take = cells.take

    code = N.parse_code(v.get("code"))
    if not code:
        cells.refuse("code", "Thiếu mã tổ chức.")
    elif len(code) > 40:
        cells.refuse("code", f"Mã tổ chức dài quá 40 ký tự: «{code}».")
    name = take("name", lambda: N.clean_free_text(v.get("name")), "", missing="Thiếu tên tổ chức.")
    if len(name) > 255:
        cells.refuse("name", "Tên tổ chức dài quá 255 ký tự.")
    short_name = take("short_name", lambda: N.clean_free_text(v.get("short_name"))[:120], "")
    number = take("decision_number", lambda: N.clean_free_text(v.get("decision_number"))[:60], "")
    body = take("decision_body", lambda: N.clean_free_text(v.get("decision_body"))[:255], "")
    note = take("note", lambda: N.clean_free_text(v.get("note")), "")
    org_type = take("org_type", lambda: parse_org_type(v.get("org_type")))
    sector = take("sector", lambda: parse_sector(v.get("sector")), "")
    on = take(
        "established_on",
        lambda: N.parse_full_date(v.get("established_on"), today=today),
        missing="Thiếu ngày thành lập.",
    )
    if on is not None and on > today:
        cells.refuse("established_on", f"Ngày thành lập {_d(on)} ở tương lai.")
    decision_date = take("decision_date", lambda: N.parse_full_date(v.get("decision_date"), today=today))
    if cells.errors:
        for column, reason in cells.errors:
            report.refuse(row.number, column, reason)
        return None
    decision = Decision(number=number, date=decision_date, body=body, note=note)
    return OrgPlan(
        row.number,
        code,
        name,
        short_name,
        org_type,
        N.parse_code(v.get("parent_code")),
        N.clean_text(v.get("parent_name")),
        on,
        decision,
        sector,
    )


class _OrgImporter:
    def __init__(self, actor, *, today: date, progress: Callable[[int], None] | None):
        self.actor = actor
        self.today = today
        self.progress = progress
        self.report = OrgReport()
        self.existing = _Existing(actor)
        self.plans: list[OrgPlan] = []
        self.file_codes: dict[str, OrgPlan] = {}
        self.file_names: dict[str, list[OrgPlan]] = {}

    def check(self, rows: Iterable[Row]) -> OrgReport:
        report = self.report
        for row in rows:
            report.total += 1
            plan = _clean(row, report, self.today)
            if plan is not None:
                first = self.file_codes.get(plan.code.casefold())
                if first is not None:
                    report.refuse(plan.row, "code", f"Mã tổ chức {plan.code} trùng với dòng {first.row} trong tệp.")
                else:
                    self.file_codes[plan.code.casefold()] = plan
                    self.file_names.setdefault(fold(plan.name), []).append(plan)
                    self.plans.append(plan)
            if self.progress and report.total % 1000 == 0:
                self.progress(report.total)
        for plan in self.plans:
            self._existing_or_new(plan)
        for plan in self.plans:
            self._resolve(plan)
        for plan in self.plans:
            if plan.state == "new":
                self._flag_same_name(plan)
        report.created = sum(1 for p in self.plans if p.state == "new")
        report.unchanged = sum(1 for p in self.plans if p.state == "unchanged")
        if self.progress:
            self.progress(report.total)
        return report

    # -- idempotence: the code already exists ----------------------------------------------------
    def _existing_or_new(self, plan: OrgPlan) -> None:
        org_id = self.existing.by_code.get(plan.code.casefold())
        if org_id is None:
            return
        if not self.existing.visible(org_id):
            self._refuse(plan, "code", f"Mã tổ chức {plan.code} đã được dùng.")
            return
        plan.existing_id = org_id

    def _compare(self, plan: OrgPlan) -> list[str]:
        """Headers whose value differs from the organization already recorded under the code."""
        versions = self.existing.versions.get(plan.existing_id, [])
        first = versions[0] if versions else None
        current = self.existing.version_on(plan.existing_id, plan.on)
        diff = []
        if first is None or first[0] != plan.on:
            diff.append("established_on")
        if current is None or current[2] != plan.name:
            diff.append("name")
        if current is None or current[3] != plan.org_type:
            diff.append("org_type")
        parent = plan.parent_row.existing_id if plan.parent_row else plan.parent_id
        if current is None or current[4] != parent:
            diff.append("parent_code" if plan.parent_code else "parent_name")
        return [ORG_HEADER_OF[d] for d in diff]

    # -- the parent --------------------------------------------------------------------------------
    def _resolve(self, plan: OrgPlan) -> bool:
        """Find the parent (recursively for parents in the file); False if the row is refused."""
        if plan.state == "refused":
            return False
        if plan.parent_id is not None or plan.parent_row is not None or plan.state == "unchanged":
            return True
        if plan.resolving:
            self._refuse(plan, "parent_code", "Tổ chức cấp trên vòng lặp: tổ chức này nằm dưới chính nó.")
            return False
        plan.resolving = True
        try:
            ok = self._find_parent(plan)
        finally:
            plan.resolving = False
        if ok and plan.existing_id is not None:
            diff = self._compare(plan)
            if diff:
                self._refuse(
                    plan,
                    "code",
                    (
                        f"Mã tổ chức {plan.code} đã có trong hệ thống ({self.existing.label(plan.existing_id)}) với "
                        f"thông tin khác ở: {', '.join(diff)}. Không tự động sửa; hãy ghi thay đổi (đổi tên, chuyển "
                        "giao…) trên trang tổ chức hoặc sửa tệp."
                    ),
                )
                return False
            plan.state = "unchanged"
        return ok

    def _find_parent(self, plan: OrgPlan) -> bool:
        ex = self.existing
        column = "parent_code" if plan.parent_code else "parent_name"
        if not plan.parent_code and not plan.parent_name:
            if policy.everywhere(self.actor, "restructure"):
                return True
            self._refuse(
                plan,
                "parent_code",
                "Thiếu tổ chức cấp trên (chỉ quản trị toàn hệ thống mới lập tổ chức không có cấp trên).",
            )
            return False
        candidates: list[OrgPlan | int] = []
        if plan.parent_code:
            in_file = self.file_codes.get(plan.parent_code.casefold())
            if in_file is not None:
                candidates.append(in_file)
            else:
                org_id = ex.by_code.get(plan.parent_code.casefold())
                if org_id is not None and ex.allowed(org_id):
                    candidates.append(org_id)
            shown = plan.parent_code
        else:
            key = fold(plan.parent_name)
            file_rows = [p for p in self.file_names.get(key, []) if p is not plan and p.on <= plan.on]
            taken = {p.existing_id for p in file_rows if p.existing_id}
            candidates.extend(file_rows)
            candidates.extend(
                o
                for o in sorted(ex.by_name.get(key, ()))
                if o not in taken
                and ex.allowed(o)
                and (v := ex.version_on(o, plan.on)) is not None
                and fold(v[2]) == key
            )
            shown = plan.parent_name
        if not candidates:
            self._refuse(plan, column, policy.not_found(f"tổ chức cấp trên «{shown}»."))
            return False
        if len(candidates) > 1:
            listed = "; ".join(
                sorted(
                    f"{c.code} — {c.name} (dòng {c.row})" if isinstance(c, OrgPlan) else ex.label(c) for c in candidates
                )
            )
            self._refuse(
                plan,
                column,
                f"Có {len(candidates)} tổ chức cùng tên «{shown}»: {listed}. Hãy ghi cột «Mã tổ chức cấp trên».",
            )
            return False
        parent = candidates[0]
        if isinstance(parent, OrgPlan):
            if parent is plan:
                self._refuse(plan, column, "Tổ chức cấp trên không thể là chính nó.")
                return False
            if not self._resolve(parent):
                self._refuse(plan, column, f"Tổ chức cấp trên «{shown}» (dòng {parent.row}) bị từ chối.")
                return False
            if parent.state == "unchanged":
                return self._check_existing_parent(plan, parent.existing_id, column, shown)
            if parent.on > plan.on:
                self._refuse(
                    plan,
                    "established_on",
                    (
                        f"Tổ chức cấp trên «{shown}» (dòng {parent.row}) thành lập ngày {_d(parent.on)}, sau ngày "
                        f"thành lập {_d(plan.on)}."
                    ),
                )
                return False
            plan.parent_row = parent
            return True
        return self._check_existing_parent(plan, parent, column, shown)

    def _check_existing_parent(self, plan: OrgPlan, org_id: int, column: str, shown: str) -> bool:
        ex = self.existing
        v = ex.version_on(org_id, plan.on)
        if v is None:
            self._refuse(plan, column, f"Tổ chức cấp trên «{shown}» không tồn tại vào ngày {_d(plan.on)}.")
            return False
        if v[1] is not None and plan.existing_id is None:  # the same rule as orgs.services._open
            self._refuse(
                plan,
                "established_on",
                (
                    f"Tổ chức cấp trên {v[2]} đã có thay đổi sau ngày {_d(plan.on)}; hãy ghi các thay đổi theo "
                    "đúng thứ tự thời gian."
                ),
            )
            return False
        plan.parent_id = org_id
        return True

    def _flag_same_name(self, plan: OrgPlan) -> None:
        parent = plan.parent_row.existing_id if plan.parent_row else plan.parent_id
        key = fold(plan.name)
        for o in sorted(self.existing.by_name.get(key, ())):
            v = self.existing.version_on(o, plan.on)
            if v is not None and v[4] == parent and parent is not None and fold(v[2]) == key:
                self.report.flag(plan.row, f"Có thể trùng tổ chức {self.existing.label(o)}: cùng tên, cùng cấp trên.")
                return
        for other in self.file_names.get(key, []):
            if other is plan:
                break
            if other.state == "new" and other.parent_row is plan.parent_row and other.parent_id == plan.parent_id:
                self.report.flag(plan.row, f"Có thể trùng tổ chức ở dòng {other.row}: cùng tên, cùng cấp trên.")
                return

    def _refuse(self, plan: OrgPlan, column: str, reason: str) -> None:
        plan.state = "refused"
        self.report.refuse(plan.row, column, reason)

    # -- writing ---------------------------------------------------------------------------------
    def write(self) -> None:
        created: dict[int, Organization] = {}

        def make(plan: OrgPlan) -> Organization:
            if id(plan) in created:
                return created[id(plan)]
            if plan.parent_row is not None:
                parent = (
                    make(plan.parent_row)
                    if plan.parent_row.state == "new"
                    else Organization.objects.get(pk=plan.parent_row.existing_id)
                )
            else:
                parent = Organization.objects.get(pk=plan.parent_id) if plan.parent_id else None
            try:
                org = org_establish(
                    actor=self.actor,
                    code=plan.code,
                    name=plan.name,
                    org_type=plan.org_type,
                    parent=parent,
                    on=plan.on,
                    decision=plan.decision,
                    short_name=plan.short_name,
                    sector=plan.sector,
                )
            except DomainError as exc:
                column = {
                    "code": "code",
                    "name": "name",
                    "org_type": "org_type",
                    "parent": "parent_code",
                    "on": "established_on",
                }.get(exc.field or "", "code")
                self.report.refuse(plan.row, column, exc.message)
                raise OrgImportRefused(self.report) from exc
            created[id(plan)] = org
            self.report.created_org_ids.append(org.pk)
            if self.progress and len(created) % 200 == 0:
                self.progress(len(created))
            return org

        for plan in self.plans:
            if plan.state == "new":
                make(plan)


def _start(path, actor, filename, progress, today, column_map=None) -> tuple[_OrgImporter, Any]:
    policy.require_actor(actor)
    table = open_layout(path, filename=filename, layout=ORGS, actor=actor, column_map=column_map)
    importer = _OrgImporter(actor, today=today or timezone.localdate(), progress=progress)
    describe(importer.report, table, ORGS)
    return importer, table


def org_import_dry_run(
    path: str | Path,
    *,
    actor,
    filename: str | None = None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    column_map: dict[str, str] | None = None,
) -> OrgReport:
    """Check every row; write nothing. `column_map`: the officer's mapping of headers (folded) to
    fields, on top of the aliases and of the mapping saved for the file's header layout."""
    importer, table = _start(path, actor, filename, progress, today, column_map)
    return importer.check(table)


def org_import_apply(
    path: str | Path,
    *,
    actor,
    filename: str | None = None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    job_id: int | None = None,
    column_map: dict[str, str] | None = None,
) -> OrgReport:
    """Create the file's new organizations in one transaction, or nothing (OrgImportRefused).
    `job_id`: the ImportJob this runs for (the object of the audit entry)."""
    importer, table = _start(path, actor, filename, progress, today, column_map)
    with transaction.atomic():
        report = importer.check(table)
        if not report.ok:
            raise OrgImportRefused(report)
        importer.write()
        if report.created:
            import_audit(
                actor=actor,
                action="org.imported",
                path=path,
                filename=filename,
                job_id=job_id,
                summary=f"Nhập {report.created} tổ chức đảng từ tệp {{file}}",
                after={"created": report.created, "unchanged": report.unchanged},
                created_ids=("org", report.created_org_ids),
            )
        report.applied = True
    return report


ORG_EXAMPLES = [
    [
        "T01-X01-C09",
        "Chi bộ thôn Mẫu",
        "",
        "Chi bộ trực thuộc",
        "",
        "T01-X01",
        "",
        "01/07/2025",
        "15-QĐ/ĐU",
        "25/06/2025",
        "Đảng ủy xã An Bình",
        "",
    ],
    [
        "T01-X01-C09-T1",
        "Tổ đảng số 1",
        "",
        "Tổ đảng",
        "",
        "",
        "Chi bộ thôn Mẫu",
        "01/07/2025",
        "",
        "",
        "",
        "Cấp trên là dòng phía trên (ghi theo tên)",
    ],
    [
        "T01-X01-DN1",
        "Chi bộ Công ty TNHH Mẫu",
        "",
        "Chi bộ cơ sở",
        "Doanh nghiệp tư nhân",
        "T01-X01",
        "",
        "01/07/2025",
        "16-QĐ/ĐU",
        "25/06/2025",
        "Đảng ủy xã An Bình",
        "Tổ chức đảng trong khu vực ngoài nhà nước",
    ],
]


def build_org_template() -> bytes:
    """The downloadable template: Vietnamese headers, synthetic example rows, a guide sheet
    with the columns and the lists of organization types and sectors."""
    lists: list[list[str]] = [[], ["Loại tổ chức", "Mã", ""]]
    lists += [[label("org_types", item.code), item.code, ""] for item in items("org_types")]
    lists += [[], ["Khu vực", "Mã", "Ngoài nhà nước (R-014)"]]
    lists += [
        [item.name, item.code, "Có" if item.row.get("non_state") == "true" else ""] for item in items("org_sectors")
    ]
    return template_bytes(
        ORGS,
        title="Danh sách tổ chức đảng",
        examples=ORG_EXAMPLES,
        text_fields=ORGS.header_of,
        guide_after=lists,
        guide_widths={"A": 60, "B": 34, "C": 70},
    )


__all__ = ["ORGS", "OrgImportRefused", "OrgReport", "build_org_template", "org_import_apply", "org_import_dry_run"]
