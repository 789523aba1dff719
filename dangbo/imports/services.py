"""Import of party members from a file: dry run, then apply in one transaction.

`import_dry_run(path, actor=...)` reads the file once (streaming, in chunks of CHUNK rows) and
returns a `Report`: for every row created / unchanged / refused (row, column, Vietnamese reason),
plus likely duplicates, flagged and never merged. Nothing is written.

`import_apply(path, actor=...)` runs the very same checks and writes the whole file in ONE
transaction: any refused row raises `ImportRefused` and nothing is written. Each new member is a
`Member` plus an `official_transfer_in` event (payload: status chinh_thuc/du_bi, admitted_on,
ceremony_on, full_on) validated by `members.lifecycle.replay` (the same rule checks as
member_record_event), with the spans the replay gives — written per chunk of CHUNK rows with COPY
on PostgreSQL (imports/bulk.py; member_create + member_record_event per row cannot reach 60,000
rows a minute). One audit entry records the import (counts, id range, a hash of the ids); each
member's history is its event.

Duplicates are looked up per chunk: one query by citizen ID, one by party card number, one by
folded name + birth date (indexed name_folded) returning four columns. A row typed twice in the
file (same data) is skipped with a note naming the first row; a row equal to a member already
recorded is "unchanged" with a note naming the member; a likely duplicate (same folded name and
birth, other details different) is flagged and imported as a separate member only when the
officer confirms (`confirm_duplicates`), else refused by the apply.

Organizations: matched by code, else by exact folded name among cells valid on the admission date
(else valid today, the event then dated from the cell's start), inside the subtree of the superior
organization the officer chose (`under`) when given; an ambiguous name is refused with the
candidates. With `create_cells`, a cell name not found under `under` is a new cell, listed by the
dry run and established through orgs.services by the apply. Rows for organizations outside the
actor's "record" scope are refused as not found.

Ages (R-050) are checked on the rows: with a full birth date exactly; with a year only, with the
most favourable day of that year (01/01), the row then flagged for review when the day matters.

Idempotence: a row whose citizen ID (or, without one, folded name + birth) matches a member with
the same data is "unchanged"; re-importing a file changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.access import policy
from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.core.reference import label
from dangbo.core.rules import param
from dangbo.core.text import fold
from dangbo.imports import normalize as N
from dangbo.imports.bulk import insert_rows, reserve_ids
from dangbo.imports.mappings import open_layout
from dangbo.imports.parse import FEMALE_MARKER, HEADER_OF, MEMBERS, Layout, Row
from dangbo.imports.pipeline import RowCleaner, column_report, import_audit, import_audit_target, template_bytes
from dangbo.members.extras import HANDBOOK_OPEN, writer
from dangbo.members.lifecycle import Profile, replay
from dangbo.members.models import EventType, Member, MemberEvent, MembershipSpan, Status
from dangbo.members.services import MEMBER_ORG_TYPES
from dangbo.members.signals import projections_changed
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.selectors import org_name_on
from dangbo.orgs.services import Decision, org_establish

CHUNK = 1000
MAX_LISTED = 2000  # refusals / duplicates kept in the report; counts go on
PROFILE_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "ethnicity",
    "religion",
    "hometown",
    "party_card_number",
    "general_education",
    "theory_level",
    "occupation",
)
NOT_FOUND = policy.not_found("chi bộ «{}».")
CELL_PARENT_TYPES = {"commune_party_org", "grassroots_party_committee_org", "sub_committee_org"}


def org_name(org: Organization) -> str:
    return org_name_on(org.pk, timezone.localdate()) or org.code


@dataclass
class Report:
    total: int = 0
    created: int = 0
    unchanged: int = 0
    refused_rows: int = 0
    refusals: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    duplicate_count: int = 0
    encoding: str | None = None
    columns: list[str] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    created_member_ids: list[int] = field(default_factory=list)
    applied: bool = False  # written; a dry run or a refused file counts in `created` what it would create
    mapped: list[dict[str, Any]] = field(default_factory=list)  # file header -> field, for every column
    layout_key: str = ""
    skipped: int = 0  # exact duplicates of an earlier row of the file
    notes: list[dict[str, Any]] = field(default_factory=list)  # skipped / unchanged rows: where the original is
    reviews: list[dict[str, Any]] = field(default_factory=list)  # imported, but to be looked at again
    review_count: int = 0
    new_orgs: list[dict[str, Any]] = field(default_factory=list)  # cells the import creates (reviewed)
    under: str = ""  # the superior organization the file is about

    @property
    def ok(self) -> bool:
        return self.refused_rows == 0

    def refuse(self, row: int, column: str, reason: str) -> None:
        if len(self.refusals) < MAX_LISTED:
            self.refusals.append({"row": row, "column": HEADER_OF.get(column, column), "reason": reason})

    def flag(self, row: int, reason: str) -> None:
        self.duplicate_count += 1
        if len(self.duplicates) < MAX_LISTED:
            self.duplicates.append({"row": row, "reason": reason})

    def note(self, row: int, reason: str) -> None:
        if len(self.notes) < MAX_LISTED:
            self.notes.append({"row": row, "reason": reason})

    def review(self, row: int, reason: str) -> None:
        self.review_count += 1
        if len(self.reviews) < MAX_LISTED:
            self.reviews.append({"row": row, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "unchanged": self.unchanged,
            "refused_rows": self.refused_rows,
            "refusals": self.refusals,
            "duplicates": self.duplicates,
            "duplicate_count": self.duplicate_count,
            "encoding": self.encoding,
            "columns": self.columns,
            "ignored_headers": self.ignored_headers,
            "applied": self.applied,
            "mapped": self.mapped,
            "layout_key": self.layout_key,
            "skipped": self.skipped,
            "notes": self.notes,
            "reviews": self.reviews,
            "review_count": self.review_count,
            "new_orgs": self.new_orgs,
            "under": self.under,
        }


class ImportRefused(DomainError):
    """The file has refused rows: nothing was written."""

    def __init__(self, report: Report):
        super().__init__(f"Tệp có {report.refused_rows} dòng không hợp lệ; chưa ghi dòng nào.", field="file")
        self.report = report


@dataclass
class Plan:
    """One row, cleaned and checked, ready to be written."""

    row: int
    profile: dict[str, Any]
    org_id: int
    on: date
    payload: dict[str, Any]
    status: str
    timeline: Any = None
    handbook_on: date | None = None  # the e-handbook account opened on, from «Sổ tay điện tử»


# --- organizations ------------------------------------------------------------------------------
class OrgMatcher:
    """Organizations by code and by folded name, limited to the actor's "record" scope and, when
    the officer chose the superior organization the file is about (`under`), to its subtree.

    Cell versions are loaded once (a province has a few thousand cells; the whole country ~330,000
    small rows). With `create_cells`, a cell name not found under `under` is a new cell of the
    file: listed in the dry run (negative placeholder ids), created through orgs.services during
    the apply (its establishment event and audit entry), dated the day of the import."""

    def __init__(
        self,
        actor,
        *,
        under: Organization | None = None,
        create_cells: bool = False,
        today: date | None = None,
        write: bool = False,
    ) -> None:
        policy.require_actor(actor)
        self.actor = actor
        self.under = under
        self.create_cells = create_cells and under is not None
        self.today = today or timezone.localdate()
        self.write = write
        self.by_code: dict[str, int | None] = {}
        self.by_name: dict[str, list[tuple[int, date, date | None, str]]] = {}
        self.labels: dict[int, str] = {}
        self.spans_of: dict[int, list[tuple[date, date | None]]] = {}
        self.cell_codes: dict[str, int] = {}  # casefolded code -> id of an allowed cell (no query per code)
        self.new_cells: dict[str, dict[str, Any]] = {}  # folded name -> the cell the import creates
        versions = OrgVersion.objects.filter(org_type__in=MEMBER_ORG_TYPES)
        if under is not None:
            versions = versions.filter(path__contains=f"/{under.pk}/")
        for v in versions.values_list("org_id", "name", "valid_from", "valid_to", "org__code").iterator(
            chunk_size=5000
        ):
            org_id, name, start, end, code = v
            if not self.allowed(org_id):
                continue
            self.by_name.setdefault(fold(name), []).append((org_id, start, end, code))
            self.cell_codes.setdefault(code.casefold(), org_id)
            self.labels[org_id] = f"{code} — {name}"
            self.spans_of.setdefault(org_id, []).append((start, end))

    def allowed(self, org_id: int) -> bool:
        return policy.can(self.actor, "record", org_id)

    def resolve(self, *, code: str, name: str, on: date, row: int = 0) -> tuple[int, date]:
        """(org_id, event date) or ValueError. The event date is `on` when the cell existed then,
        else the cell's first day (for records older than the cell's history in the system)."""
        if code:
            if code not in self.by_code and code.casefold() in self.cell_codes:
                self.by_code[code] = self.cell_codes[code.casefold()]
            if code not in self.by_code:
                org = Organization.objects.filter(code__iexact=code).values_list("pk", flat=True).first()
                self.by_code[code] = org if org and self.allowed(org) else None
            org_id = self.by_code[code]
            if org_id is None:
                raise ValueError(NOT_FOUND.format(code))
            spans = sorted(self.spans_of.get(org_id, []), key=lambda se: se[0])
            if not spans:
                if self.under is not None and self._is_member_org(org_id):
                    raise ValueError(f"Chi bộ «{code}» không thuộc {self.under_label()}.")
                raise ValueError(f"«{code}» không phải là chi bộ; đảng viên sinh hoạt tại chi bộ.")
            return org_id, self._date_in(spans, on, code)
        candidates = self.by_name.get(fold(name), [])
        if not candidates:
            if self.create_cells:
                return self._new_cell(name, row), self.today
            if self.under is not None:
                raise ValueError(policy.not_found(f"chi bộ «{name}» trong {self.under_label()}."))
            raise ValueError(NOT_FOUND.format(name))
        on_day = {o for (o, s, e, _) in candidates if s <= on and (e is None or e >= on)}
        pool = on_day or {o for (o, s, e, _) in candidates if e is None}
        if not pool:
            raise ValueError(f"Chi bộ «{name}» không còn hoạt động và không tồn tại vào ngày {on:%d/%m/%Y}.")
        if len(pool) > 1:
            listed = "; ".join(sorted(self.labels[o] for o in pool))
            hint = (
                "Hãy ghi cột «Mã chi bộ»."
                if self.under is not None
                else "Hãy chọn tổ chức cấp trên của tệp (trang nhập dữ liệu, hoặc dangbo import --under) "
                "hoặc ghi cột «Mã chi bộ»."
            )
            raise ValueError(f"Có {len(pool)} chi bộ cùng tên «{name}»: {listed}. {hint}")
        org_id = pool.pop()
        spans = sorted(((s, e) for (o, s, e, _) in candidates if o == org_id), key=lambda se: se[0])
        return org_id, self._date_in(spans, on, name)

    def under_label(self) -> str:
        return f"«{self.under.code} — {org_name(self.under)}»" if self.under is not None else ""

    @staticmethod
    def _is_member_org(org_id: int) -> bool:
        return OrgVersion.objects.filter(org_id=org_id, org_type__in=MEMBER_ORG_TYPES).exists()

    # -- cells the file creates ----------------------------------------------------------------
    def _new_cell(self, name: str, row: int) -> int:
        key = fold(name)
        cell = self.new_cells.get(key)
        if cell is None:
            if not policy.can(self.actor, "restructure", self.under.pk):
                raise ValueError(
                    policy.not_found(
                        f"chi bộ «{name}» trong {self.under_label()}; bạn không có quyền lập chi bộ mới ở đó."
                    )
                )
            if self.under_type() in MEMBER_ORG_TYPES:
                raise ValueError(
                    policy.not_found(
                        f"chi bộ «{name}»: {self.under_label()} là chi bộ, không lập được chi bộ bên dưới."
                    )
                )
            cell = {
                "name": N.clean_text(name),
                "rows": 0,
                "first_row": row,
                "code": "",
                "id": -(len(self.new_cells) + 1),
            }
            self.new_cells[key] = cell
            if self.write:
                self._establish(cell)
        cell["rows"] += 1
        return cell["id"]

    def under_type(self) -> str:
        v = OrgVersion.objects.filter(org=self.under).order_by("-valid_from").values_list("org_type", flat=True)
        return v.first() or ""

    def new_cell_type(self) -> str:
        return "subordinate_cell" if self.under_type() in CELL_PARENT_TYPES else "grassroots_cell"

    def _establish(self, cell: dict[str, Any]) -> None:
        taken = set(Organization.objects.filter(code__startswith=f"{self.under.code}-M").values_list("code", flat=True))
        n = 1
        while f"{self.under.code}-M{n:02d}" in taken:
            n += 1
        org = org_establish(
            actor=self.actor,
            code=f"{self.under.code}-M{n:02d}",
            name=cell["name"],
            org_type=self.new_cell_type(),
            parent=self.under,
            on=self.today,
            decision=Decision(note="Lập từ tệp nhập danh sách đảng viên"),
        )
        cell["id"], cell["code"] = org.pk, org.code

    def new_orgs(self) -> list[dict[str, Any]]:
        kind = self.new_cell_type() if self.new_cells else ""
        return [
            {
                "name": c["name"],
                "code": c["code"],
                "rows": c["rows"],
                "first_row": c["first_row"],
                "org_type": label("org_types", kind),
                "parent": self.under_label().strip("«»"),
                "on": self.today.strftime("%d/%m/%Y"),
            }
            for c in self.new_cells.values()
        ]

    @staticmethod
    def _date_in(spans: list[tuple[date, date | None]], on: date, label: str) -> date:
        for s, e in spans:
            if s <= on and (e is None or e >= on):
                return on
        later = [s for s, e in spans if s > on and e is None]
        if later:
            return later[0]
        raise ValueError(f"Chi bộ «{label}» không tồn tại vào ngày {on:%d/%m/%Y} và hiện không còn hoạt động.")


# --- one row -----------------------------------------------------------------------------------
def _min_age(on: date) -> int:
    """R-050, in months, in force on `on` (R-000). The import checks it on the rows itself: the
    official_transfer_in event the rows become has no age check in the replay."""
    return param("admission_min_age_months", on)


def _eighteen_before(admitted: date) -> str:
    """The last birth day with which a person was of age on `admitted`."""
    return add_months(admitted, -_min_age(admitted)).strftime("%d/%m/%Y")


def _clean_row(row: Row, report: Report, matcher: OrgMatcher, today: date) -> Plan | None:
    v = row.values
    cells = RowCleaner(v)
    take = cells.take

    name = take("full_name", lambda: N.clean_name(v.get("full_name")))
    birth = take(
        "birth", lambda: N.parse_date(v.get("birth"), today=today), missing="Thiếu ngày sinh (ít nhất là năm sinh)."
    )
    sex = take("sex", lambda: N.parse_sex(v.get("sex"), female_marker=FEMALE_MARKER in v))
    profile = {
        "full_name": name,
        "birth_date": birth.date if birth else None,
        "birth_year": birth.year if birth else None,
        "sex": sex,
        "ethnicity": take(
            "ethnicity", lambda: N.parse_reference(v.get("ethnicity"), "ethnic_groups", label="Dân tộc", default="01")
        ),
        "religion": take(
            "religion", lambda: N.parse_reference(v.get("religion"), "religions", label="Tôn giáo", default="00")
        ),
        "hometown": take("hometown", lambda: N.clean_place(v.get("hometown"))[:255], ""),
        "citizen_id": take("citizen_id", lambda: N.parse_citizen_id(v.get("citizen_id"))),
        "party_card_number": take(
            "party_card_number", lambda: N.clean_free_text(N.parse_code(v.get("party_card_number")))
        )
        or None,
        "general_education": take(
            "general_education",
            lambda: N.parse_reference(
                v.get("general_education"), "education_levels", label="Trình độ học vấn", dimension="general"
            ),
        ),
        "professional_education": "",
        "theory_level": take(
            "theory_level",
            lambda: N.parse_reference(
                v.get("theory_level"), "theory_levels", label="Lý luận chính trị", default="none"
            ),
        )
        or "none",
        "occupation": take("occupation", lambda: N.clean_free_text(v.get("occupation"))[:120], ""),
        "phone": "",
    }
    admitted = take(
        "admitted_on",
        lambda: N.parse_full_date(v.get("admitted_on"), today=today),
        missing="Thiếu ngày vào Đảng (ngày quyết định kết nạp).",
    )
    ceremony = take("ceremony_on", lambda: N.parse_full_date(v.get("ceremony_on"), today=today))
    full = take("full_on", lambda: N.parse_full_date(v.get("full_on"), today=today))
    review = None
    if admitted and birth:
        if birth.date:  # R-050 with the full date
            if admitted < add_months(birth.date, _min_age(admitted)):
                cells.refuse("admitted_on", f"Ngày vào Đảng {admitted:%d/%m/%Y} khi chưa đủ 18 tuổi (R-050).")
        elif admitted < add_months(date(birth.year, 1, 1), _min_age(admitted)):
            # Only the year: even born on 01/01 (the most favourable day) the person was under 18.
            cells.refuse(
                "admitted_on",
                f"Ngày vào Đảng {admitted:%d/%m/%Y} khi chưa đủ 18 tuổi dù sinh ngày 01/01/{birth.year} (R-050).",
            )
        elif admitted < add_months(date(birth.year, 12, 31), _min_age(admitted)):
            review = (
                f"Chỉ có năm sinh {birth.year}: đủ 18 tuổi vào ngày vào Đảng {admitted:%d/%m/%Y} chỉ khi sinh "
                f"đến ngày {_eighteen_before(admitted)} (R-050); cần xem lại hồ sơ gốc."
            )
    handbook = take("handbook", lambda: _parse_handbook(v.get("handbook"), today=today))
    if admitted and handbook and handbook < admitted:
        cells.refuse("handbook", f"Ngày mở tài khoản Sổ tay điện tử {handbook:%d/%m/%Y} trước ngày vào Đảng.")
    if admitted and ceremony and ceremony < admitted:
        cells.refuse("ceremony_on", "Ngày lễ kết nạp trước ngày vào Đảng.")
    if admitted and full and full < admitted:
        cells.refuse("full_on", "Ngày chính thức trước ngày vào Đảng.")
    org_id = on = None
    code = N.parse_code(v.get("org_code"))
    org_name = N.clean_text(v.get("org_name"))
    if not code and not org_name:
        cells.refuse("org_code", "Thiếu mã chi bộ hoặc tên chi bộ.")
    elif admitted:
        try:
            org_id, on = matcher.resolve(code=code, name=org_name, on=admitted, row=row.number)
        except ValueError as exc:
            cells.refuse("org_code" if code else "org_name", str(exc))
    if cells.errors:
        report.refused_rows += 1
        for column, reason in cells.errors:
            report.refuse(row.number, column, reason)
        return None
    profile["name_folded"] = fold(name)
    if review:
        report.review(row.number, review)
    status = Status.FULL if full else Status.PROBATIONARY
    payload: dict[str, Any] = {"status": str(status), "admitted_on": admitted.isoformat(), "source": "import"}
    if ceremony:
        payload["ceremony_on"] = ceremony.isoformat()
    if full:
        payload["full_on"] = full.isoformat()
    return Plan(row.number, profile, org_id, on, payload, str(status), handbook_on=handbook)


_YES = {"co", "x", "1", "da co", "roi", "yes", "y", "dang ky", "da dang ky", "co tai khoan"}
_NO = {"khong", "0", "chua", "chua co", "no", "n", "-", "khong co"}


def _parse_handbook(value, *, today: date) -> date | None:
    """«Sổ tay điện tử» (R-043): "có" = an account opened on the day of the import, "không" or
    empty = none, or the date it was opened (not in the future)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        folded = fold(value).strip(" .")
        if folded in _YES:
            return today
        if folded in _NO:
            return None
    if isinstance(value, str) and not any(c.isdigit() for c in value):
        raise ValueError(f"«Sổ tay điện tử» phải là «có», «không» hoặc ngày mở tài khoản, không phải «{value}».")
    on = N.parse_full_date(value, today=today)  # its message says what is wrong with the date
    if on is not None and on > today:
        raise ValueError(f"Ngày mở tài khoản Sổ tay điện tử {on:%d/%m/%Y} ở tương lai.")
    return on


def _person_key(profile: dict[str, Any]) -> str:
    """Same folded name and birth (date, or year when only the year is known): maybe one person."""
    birth = profile["birth_date"].isoformat() if profile["birth_date"] else str(profile["birth_year"])
    raw = "|".join((profile["name_folded"], birth))
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def _fingerprint(plan: Plan) -> int:
    """A hash of everything a row records (the profile and payload are built in one key order):
    two rows with the same fingerprint are one row typed twice. A number is kept per row, not the row."""
    return hash((tuple(plan.profile.values()), plan.org_id, tuple(plan.payload.items())))


def _same(member: Member, plan: Plan) -> list[str]:
    """Headers of the columns whose file value differs from the member's record."""
    labels = {
        "full_name": "full_name",
        "birth_date": "birth",
        "birth_year": "birth",
        "sex": "sex",
        "ethnicity": "ethnicity",
        "religion": "religion",
        "hometown": "hometown",
        "party_card_number": "party_card_number",
        "general_education": "general_education",
        "theory_level": "theory_level",
        "occupation": "occupation",
    }
    diff = {labels[f] for f in PROFILE_FIELDS if (getattr(member, f) or None) != (plan.profile[f] or None)}
    if member.admitted_on != date.fromisoformat(plan.payload["admitted_on"]):
        diff.add("admitted_on")
    full = plan.payload.get("full_on")
    if (member.full_on.isoformat() if member.full_on else None) != full:
        diff.add("full_on")
    if member.current_org_id != plan.org_id:
        diff.add("org_code")
    return sorted(HEADER_OF[d] for d in diff)


class _Importer:
    def __init__(
        self,
        actor,
        *,
        today: date,
        write: bool,
        progress: Callable[[int], None] | None,
        under: Organization | None = None,
        create_cells: bool = False,
        confirm_duplicates: bool = False,
    ):
        self.actor = actor
        self.today = today
        self.write = write
        self.progress = progress
        self.confirm_duplicates = confirm_duplicates
        self.report = Report()
        self.matcher = OrgMatcher(actor, under=under, create_cells=create_cells, today=today, write=write)
        self.seen_cid: dict[str, tuple[int, int]] = {}  # citizen ID -> (row, fingerprint)
        self.seen_card: dict[str, int] = {}
        self.seen_person: dict[str, int] = {}  # name + birth -> first row
        self.seen_exact: dict[int, int] = {}  # fingerprint -> first row
        self.handbooks: dict[int, date] = {}  # new member -> the «Sổ tay điện tử» date of its row

    def run(self, rows: Iterable[Row]) -> Report:
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._chunk(batch)
                batch = []
        if batch:
            self._chunk(batch)
        if self.write and self.report.ok:
            self._project()
        return self.report

    def _project(self) -> None:
        """After the last chunk, in the import's transaction: the report facts of every new member
        (one signal: its receiver refreshes the organizations' summaries once for the whole file,
        not once per chunk), then the e-handbook accounts of the file (their own refresh follows
        the members' facts, as for a member recorded by hand)."""
        ids = self.report.created_member_ids
        if ids:
            projections_changed.send(sender=Member, member_ids=list(ids), created=True)
        _open_handbooks_of(self, self.handbooks)

    def _chunk(self, rows: list[Row]) -> None:
        report = self.report
        plans: list[Plan] = []
        for row in rows:
            report.total += 1
            plan = _clean_row(row, report, self.matcher, self.today)
            if plan is not None:
                plans.append(plan)
        cids = [p.profile["citizen_id"] for p in plans if p.profile["citizen_id"]]
        cards = [p.profile["party_card_number"] for p in plans if p.profile["party_card_number"]]
        existing_cid = {m.citizen_id: m for m in Member.objects.filter(citizen_id__in=cids)} if cids else {}
        existing_card = (
            dict(Member.objects.filter(party_card_number__in=cards).values_list("party_card_number", "pk"))
            if cards
            else {}
        )
        by_person = self._people(plans)
        to_create: list[Plan] = []
        for plan in plans:
            p = plan.profile
            cid, card, key = p["citizen_id"], p["party_card_number"], _person_key(p)
            print_ = _fingerprint(plan)
            if cid and cid in self.seen_cid:
                first, first_print = self.seen_cid[cid]
                if first_print == print_:
                    self._skip(
                        plan,
                        f"Trùng hoàn toàn với dòng {first} (cùng số CCCD, cùng thông tin): bỏ qua, "
                        f"chỉ nhập dòng {first}.",
                    )
                    continue
                self._refuse(
                    plan,
                    "citizen_id",
                    f"Số CCCD {cid} trùng với dòng {first} trong tệp nhưng khác thông tin; hãy sửa một trong hai dòng.",
                )
                continue
            if not cid and print_ in self.seen_exact:
                first = self.seen_exact[print_]
                self._skip(plan, f"Trùng hoàn toàn với dòng {first}: bỏ qua, chỉ nhập dòng {first}.")
                continue
            if cid:
                self.seen_cid[cid] = (plan.row, print_)
            else:
                self.seen_exact.setdefault(print_, plan.row)
            existing = existing_cid.get(cid) if cid else None
            if existing is None and not cid:
                # Without a citizen ID, the same person with the same data is the same record.
                existing = next((m for m in by_person.get(key, []) if not _same(m, plan)), None)
            if existing is not None:
                diff = _same(existing, plan)
                if not diff:
                    self.report.unchanged += 1
                    self.report.note(
                        plan.row,
                        f"Đã có trong hệ thống, cùng thông tin: hồ sơ số {existing.pk} ({existing.full_name}); bỏ qua.",
                    )
                    continue
                self._refuse(
                    plan,
                    "citizen_id",
                    (
                        f"Số CCCD {cid} đã có trong hệ thống (hồ sơ số {existing.pk}, {existing.full_name}) với thông tin "
                        f"khác ở: {', '.join(diff)}. Không tự động gộp; hãy sửa hồ sơ hoặc sửa tệp."
                    ),
                )
                continue
            if card and (card in existing_card or card in self.seen_card):
                where = f"dòng {self.seen_card[card]}" if card in self.seen_card else f"hồ sơ số {existing_card[card]}"
                self._refuse(plan, "party_card_number", f"Số thẻ đảng viên {card} đã dùng cho {where}.")
                continue
            if card:
                self.seen_card[card] = plan.row
            likely = None
            if key in self.seen_person:
                likely = f"dòng {self.seen_person[key]}"
            elif others := [m for m in by_person.get(key, []) if m.citizen_id != cid or not cid]:
                likely = f"hồ sơ số {others[0].pk} ({others[0].full_name})"
            self.seen_person.setdefault(key, plan.row)
            if likely:
                reason = (
                    f"Có thể trùng người với {likely}: cùng họ tên và ngày sinh, khác thông tin khác. Chỉ nhập "
                    "thành hồ sơ riêng khi cán bộ xác nhận."
                )
                self.report.flag(plan.row, reason)
                if self.write and not self.confirm_duplicates:
                    self._refuse(plan, "full_name", reason + " Chưa có xác nhận.")
                    continue
            try:
                plan.timeline = replay(
                    [_EventView(plan)], Profile(p["birth_date"], p["birth_year"], p["general_education"])
                )
            except RuleViolation as exc:
                self._refuse(plan, exc.field or "admitted_on", exc.message)
                continue
            self.report.created += 1
            to_create.append(plan)
        if self.write and to_create and self.report.ok:
            self._write(to_create)
        if self.progress:
            self.progress(self.report.total)

    def _refuse(self, plan: Plan, column: str, reason: str) -> None:
        self.report.refused_rows += 1
        self.report.refuse(plan.row, column, reason)

    def _skip(self, plan: Plan, reason: str) -> None:
        self.report.skipped += 1
        self.report.note(plan.row, reason)

    @staticmethod
    def _people(plans: list[Plan]) -> dict[str, list[Member]]:
        """Members already recorded with the same folded name and birth as a row of the chunk: one
        query on the indexed folded name (narrowed by birth date or year) returning four columns,
        then the full records only of the members whose key matches a row."""
        names = {p.profile["name_folded"] for p in plans}
        if not names:
            return {}
        keys = {_person_key(p.profile) for p in plans}
        dates = {p.profile["birth_date"] for p in plans if p.profile["birth_date"]}
        years = {p.profile["birth_year"] for p in plans if not p.profile["birth_date"]}
        born = Q(birth_date__in=dates) if dates else Q(pk__in=[])
        if years:
            born |= Q(birth_date__isnull=True, birth_year__in=years)
        matched: dict[int, str] = {}
        for pk, name_folded, birth_date, birth_year in Member.objects.filter(born, name_folded__in=names).values_list(
            "pk", "name_folded", "birth_date", "birth_year"
        ):
            key = _person_key({"name_folded": name_folded, "birth_date": birth_date, "birth_year": birth_year})
            if key in keys:
                matched[pk] = key
        by_person: dict[str, list[Member]] = {}
        if matched:
            for m in Member.objects.filter(pk__in=matched).order_by("pk"):
                by_person.setdefault(matched[m.pk], []).append(m)
        return by_person

    def _write(self, plans: list[Plan]) -> None:
        today = self.today
        members = []
        for plan in plans:
            t = plan.timeline
            current = next(
                (s for s in t.spans if s.valid_from <= today and (s.valid_to is None or s.valid_to >= today)), None
            )
            members.append(
                {
                    **plan.profile,
                    "current_status": (current.facts.status if current else ""),
                    "current_org_id": (current.facts.org_id if current else None),
                    "admitted_on": t.admitted_on,
                    "ceremony_on": t.ceremony_on,
                    "full_on": t.full_on,
                }
            )
        # On PostgreSQL the members' keys are reserved first and their events and spans written
        # before them (foreign keys are checked at commit): the search-term trigger of the members'
        # insert then computes each member's terms once, with the spans, instead of once for the
        # name and again for the spans (an insert, then an update of the GIN-indexed row).
        reserved = reserve_ids(Member, len(members))
        if reserved is not None:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default, said explicitly
            self._write_history(reserved, members, plans)
            ids = insert_rows(Member, members, ids=reserved)
        else:
            ids = insert_rows(Member, members, returning_ids=True)
            self._write_history(ids, members, plans)
        # Their report facts and e-handbook accounts are written once after the last chunk (_project).
        self.handbooks.update((pk, p.handbook_on) for pk, p in zip(ids, plans, strict=True) if p.handbook_on)
        self.report.created_member_ids.extend(ids)

    def _write_history(self, ids: list[int], members: list[dict[str, Any]], plans: list[Plan]) -> None:
        """Each new member's event (official_transfer_in) and the spans its replay gives."""
        user_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        insert_rows(
            MemberEvent,
            [
                {
                    "member_id": pk,
                    "type": EventType.OFFICIAL_TRANSFER_IN,
                    "on": p.on,
                    "org_id": p.org_id,
                    "payload": p.payload,
                    "note": "Nhập từ tệp dữ liệu",
                    "recorded_by_id": user_id,
                }
                for pk, p in zip(ids, plans, strict=True)
            ],
        )
        insert_rows(
            MembershipSpan,
            [
                {
                    "member_id": pk,
                    "org_id": s.facts.org_id,
                    "status": s.facts.status,
                    "exempt": s.facts.exempt,
                    "temp_org_id": s.facts.temp_org_id,
                    "in_transfer": s.facts.in_transfer,
                    "valid_from": s.valid_from,
                    "valid_to": s.valid_to,
                    "sex": m["sex"],
                    "birth_year": m["birth_year"],
                    "ethnicity": m["ethnicity"],
                    "religion": m["religion"],
                }
                for pk, m, p in zip(ids, members, plans, strict=True)
                for s in p.timeline.spans
                if s.facts.org_id is not None
            ],
        )


def _open_handbooks_of(importer, wanted: dict[int, date]) -> None:
    """The e-handbook accounts of the «Sổ tay điện tử» column (member id -> date), through the
    reports service (R-043)."""
    if not wanted:
        return
    open_account = writer(HANDBOOK_OPEN)
    if open_account is None:  # the reports app is not installed
        return
    for m in Member.objects.filter(pk__in=wanted).order_by("pk"):
        open_account(actor=importer.actor, member=m, on=wanted[m.pk])


@dataclass(frozen=True, slots=True)
class _EventView:
    """The event a row would record, as lifecycle.replay reads it (an EventLike, no model instance)."""

    plan: Plan
    id: None = None
    counterpart_org_id: None = None

    @property
    def type(self) -> str:
        return EventType.OFFICIAL_TRANSFER_IN

    @property
    def on(self) -> date:
        return self.plan.on

    @property
    def org_id(self) -> int:
        return self.plan.org_id

    @property
    def payload(self) -> dict[str, Any]:
        return self.plan.payload


def _start(
    path,
    actor,
    filename,
    progress,
    today,
    *,
    write: bool,
    under=None,
    create_cells=False,
    confirm_duplicates=False,
    column_map=None,
):
    policy.require_actor(actor)
    table = open_layout(path, filename=filename, layout=MEMBERS, actor=actor, column_map=column_map)
    importer = _Importer(
        actor,
        today=today or timezone.localdate(),
        write=write,
        progress=progress,
        under=under,
        create_cells=create_cells,
        confirm_duplicates=confirm_duplicates,
    )
    describe(importer.report, table, MEMBERS)
    if under is not None:
        importer.report.under = importer.matcher.under_label().strip("«»")
    return importer, table


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL's JIT off while an import runs, then back as it was. The chunked writes fire
    the statement-level search-term triggers with a thousand members at a time: planned for that
    many rows, their query passes jit_above_cost, and PostgreSQL compiled it on every chunk
    (0,66 s of a 0,73 s trigger call measured on the bench database), more than the work itself.
    Inside a transaction the setting is local to it (a rolled-back transaction drops it)."""
    if connection.vendor != "postgresql":
        yield
        return
    local = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', %s)", [local])
        before = cursor.fetchone()[0]
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, %s)", [before, local])


def import_dry_run(
    path: str | Path,
    *,
    actor,
    filename: str | None = None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    under: Organization | None = None,
    create_cells: bool = False,
    column_map: dict[str, str] | None = None,
) -> Report:
    """Check every row; write nothing.

    `under`: the superior organization the file is about (cell names are matched in its subtree);
    `create_cells`: a cell name not found there is a new cell of the import (listed in
    `report.new_orgs`); `column_map`: the officer's mapping of headers (folded) to fields, on top
    of the aliases and of the mapping saved for the file's header layout."""
    importer, table = _start(
        path,
        actor,
        filename,
        progress,
        today,
        write=False,
        under=under,
        create_cells=create_cells,
        column_map=column_map,
    )
    with _without_jit():
        report = importer.run(table)
    report.new_orgs = importer.matcher.new_orgs()
    return report


def import_apply(
    path: str | Path,
    *,
    actor,
    filename: str | None = None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    job_id: int | None = None,
    under: Organization | None = None,
    create_cells: bool = False,
    confirm_duplicates: bool = False,
    column_map: dict[str, str] | None = None,
) -> Report:
    """Write the whole file in one transaction, or nothing (ImportRefused) if a row is refused.
    `job_id`: the ImportJob this runs for (the object of the audit entry). A likely duplicate
    (same name and birth as another row or member, other details different) is imported as a
    separate member only with `confirm_duplicates`; else it is refused. The other arguments as
    for `import_dry_run`."""
    importer, table = _start(
        path,
        actor,
        filename,
        progress,
        today,
        write=True,
        under=under,
        create_cells=create_cells,
        confirm_duplicates=confirm_duplicates,
        column_map=column_map,
    )
    with transaction.atomic(), _without_jit():
        report = importer.run(table)
        report.new_orgs = importer.matcher.new_orgs()
        if not report.ok:
            transaction.set_rollback(True)
            raise ImportRefused(report)
        if report.created:
            import_audit(
                actor=actor,
                action="member.imported",
                path=path,
                filename=filename,
                job_id=job_id,
                summary=f"Nhập {report.created} đảng viên từ tệp {{file}}",
                after={
                    "created": report.created,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                    "confirmed_duplicates": report.duplicate_count,
                    "new_org_ids": [o["code"] for o in report.new_orgs],
                    "columns": report.mapped,
                },
                created_ids=("member", report.created_member_ids),
            )
        report.applied = True
    return report


def describe(report: Report, table, layout: Layout) -> None:
    """What the report says about the file itself: its legacy encoding, every column mapped (file
    header -> field, and whether by an alias of the layout or by the officer), every column ignored."""
    header_of = layout.header_of
    report.encoding = table.encoding
    report.columns = [header_of.get(c, c) for c in table.columns if c in header_of]
    report.ignored_headers = table.ignored_headers
    report.layout_key = table.layout_key
    report.mapped = column_report(table, layout)


MEMBER_EXAMPLE = [
    "Nguyễn Văn Mẫu",
    "02/09/1980",
    "Nam",
    "Kinh",
    "Không",
    "Xã An Bình, tỉnh Thử Nghiệm",
    "001080000001",
    "",
    "T01-X01-C01",
    "",
    "15/03/2010",
    "15/03/2010",
    "15/03/2011",
    "12/12",
    "Trung cấp",
    "Giáo viên",
]


def build_template() -> bytes:
    """The downloadable template: headers, one synthetic example row, and a guide sheet."""
    return template_bytes(
        MEMBERS,
        title="Danh sách đảng viên",
        examples=[MEMBER_EXAMPLE],
        text_fields=MEMBERS.header_of,  # text columns: Excel keeps leading zeros and dd/mm/yyyy as typed
        guide_widths={"A": 22, "C": 80},
    )


__all__ = ["ImportRefused", "Report", "build_template", "import_apply", "import_audit_target", "import_dry_run"]
