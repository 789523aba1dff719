"""Import a plan's task table from XLSX or a DOCX table (the shape of seed 003: Nội dung, Cơ quan
chỉ đạo, Cơ quan chủ trì, Cơ quan phối hợp, Cơ quan thực hiện, Thời gian): a dry run that reports
every row (parsed deadline, bodies matched to organizations by folded name, bodies kept as free
text), then an all-or-nothing apply."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.spreadsheet import formula_refusal
from dangbo.core.text import fold, nfc
from dangbo.imports.parse import FileFormatError, xlsx_rows
from dangbo.imports.xlsx import XlsxError, check_archive
from dangbo.orgs.selectors import org_versions_valid_on
from dangbo.plans import deadlines as dl
from dangbo.plans.models import Document, PlanImport
from dangbo.plans.selectors import _scope_ids, scope_ancestor_ids
from dangbo.plans.services import TaskInput, task_create

COLUMNS = {
    "number": ["stt", "tt", "muc"],
    "content": ["noi dung", "nhiem vu"],
    "directing": ["co quan chi dao"],
    "lead": ["co quan chu tri", "chu tri", "co quan tham muu"],
    "cooperating": ["co quan phoi hop", "phoi hop"],
    "implementing": ["co quan thuc hien", "co quan to chuc thuc hien", "to chuc thuc hien", "thuc hien"],
    "deadline": ["thoi gian", "thoi han"],
}
TEXT_COLUMNS = (
    ("number", "STT"),
    ("content", "Nội dung"),
    ("directing", "Cơ quan chỉ đạo"),
    ("lead", "Cơ quan chủ trì"),
    ("cooperating", "Cơ quan phối hợp"),
    ("implementing", "Cơ quan thực hiện"),
    ("deadline", "Thời gian"),
)
_SPLIT = re.compile(r"\s*(?:[,;\n]|\bvà\b)\s*")


@dataclass
class Row:
    line: int
    number: str
    content: str
    directing: str
    lead: str
    cooperating: str
    implementing: str
    deadline: str
    spec: dl.DeadlineSpec | None = None
    lead_org_id: int | None = None
    cooperating_org_ids: list[int] = field(default_factory=list)
    implementing_org_ids: list[int] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and all(not r.errors for r in self.rows)

    @property
    def unmatched(self) -> list[str]:
        return sorted({b for r in self.rows for b in r.unmatched})


def _header_map(header: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    folded = [fold(h) for h in header]
    for key, names in COLUMNS.items():
        for idx, h in enumerate(folded):
            if idx in out.values():
                continue
            if any(h.startswith(n) or h == n for n in names):
                out[key] = idx
                break
    return out


DOCX_MAX_BYTES = 64 * 1024 * 1024  # python-docx inflates every part of the package


def read_table(name: str, content: bytes) -> list[list[str]]:
    """Rows of cell texts of the first sheet (XLSX, through the guarded reader of
    dangbo/imports/xlsx.py; empty rows kept so that a row's index is its line) or of the first
    table with a "Nội dung" column (DOCX, its zip checked the same way before python-docx opens it)."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows: list[list[str]] = []
        try:
            for number, cells in xlsx_rows(io.BytesIO(content)):
                rows.extend([[]] * (number - 1 - len(rows)))
                rows.append(["" if v is None else nfc(str(v)) for v in cells])
        except FileFormatError as exc:
            raise DomainError(str(exc), field="file") from exc
        return rows
    if lower.endswith(".docx"):
        from docx import Document as Docx

        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                check_archive(zf, total=DOCX_MAX_BYTES)
            doc = Docx(io.BytesIO(content))
        except XlsxError as exc:
            raise DomainError(f"Không đọc được tệp Word (.docx). {exc}", field="file") from exc
        except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same message
            raise DomainError(
                "Không đọc được tệp Word (.docx): tệp bị hỏng hoặc không phải tệp .docx.", field="file"
            ) from exc
        for table in doc.tables:
            rows = [[nfc(c.text) for c in r.cells] for r in table.rows]
            if rows and "content" in _header_map(rows[0]):
                return rows
        return [[nfc(c.text) for c in r.cells] for r in doc.tables[0].rows] if doc.tables else []
    raise DomainError("Chỉ nhận tệp .xlsx hoặc .docx.", field="file")


def org_index(*, actor, at) -> dict[str, int]:
    """Folded name (and short name) → organization id, for organizations in scope or above it."""
    everything, ids = _scope_ids(actor)
    qs = org_versions_valid_on(at=at, org_ids=None if everything else ids | scope_ancestor_ids(actor))
    out: dict[str, int] = {}
    for oid, name, short in qs.values_list("org_id", "name", "short_name"):
        out.setdefault(fold(name), oid)
        if short:
            out.setdefault(fold(short), oid)
    return out


def _match(text: str, index: dict[str, int]) -> tuple[list[int], list[str]]:
    ids, unmatched = [], []
    for part in _SPLIT.split(nfc(text).strip(" .")):
        part = part.strip(" .:-")
        if not part:
            continue
        oid = index.get(fold(part))
        if oid is None:
            unmatched.append(part)
        elif oid not in ids:
            ids.append(oid)
    return ids, unmatched


def preview(*, actor, plan: Document, name: str, content: bytes) -> Preview:
    table = read_table(name, content)
    if not table:
        return Preview([], ["Tệp không có bảng nhiệm vụ."])
    header = _header_map(table[0])
    missing = [label for key, label in (("content", "Nội dung"), ("deadline", "Thời gian")) if key not in header]
    if missing:
        return Preview([], [f"Thiếu cột: {', '.join(missing)} (dòng 1)."])
    index = org_index(actor=actor, at=plan.issued_on)
    rows = []
    for line, cells in enumerate(table[1:], start=2):

        def cell(key, cells=cells):
            i = header.get(key)
            return nfc(cells[i]) if i is not None and i < len(cells) and cells[i] else ""

        row = Row(
            line,
            cell("number"),
            cell("content"),
            cell("directing"),
            cell("lead"),
            cell("cooperating"),
            cell("implementing"),
            cell("deadline"),
        )
        if not any([row.content, row.deadline, row.implementing]):
            continue
        if not row.content:
            row.errors.append(f"Dòng {line}, cột Nội dung: trống.")
        for key, label in TEXT_COLUMNS:
            if reason := formula_refusal(getattr(row, key).strip(), bullets=key == "content"):
                row.errors.append(f"Dòng {line}, cột {label}: {reason}")
        try:
            row.spec = dl.parse_deadline(row.deadline)
        except ValueError as exc:
            row.errors.append(f"Dòng {line}, cột Thời gian: {exc}")
        lead_ids, lead_un = _match(row.lead, index)
        row.lead_org_id = lead_ids[0] if len(lead_ids) == 1 and not lead_un else None
        row.cooperating_org_ids, coop_un = _match(row.cooperating, index)
        row.implementing_org_ids, impl_un = _match(row.implementing, index)
        row.unmatched = [*([] if row.lead_org_id else lead_un), *coop_un, *impl_un]
        rows.append(row)
    return Preview(rows, [] if rows else ["Bảng không có dòng nhiệm vụ nào."])


@transaction.atomic
def apply(*, actor, plan: Document, name: str, content: bytes) -> int:
    """Create every task of the table, or none (DomainError naming the row)."""
    result = preview(actor=actor, plan=plan, name=name, content=content)
    if not result.ok:
        raise DomainError(" ".join(result.errors + [e for r in result.rows for e in r.errors]), field="file")
    for row in result.rows:
        impl_un = (
            [u for u in _match(row.implementing, {})[1]]
            if not row.implementing_org_ids
            else [u for u in row.unmatched if fold(u) in fold(row.implementing)]
        )
        for oid in row.implementing_org_ids:
            if not can(actor, "view", oid):
                raise DomainError(f"Dòng {row.line}: tổ chức thực hiện nằm ngoài phạm vi.", field="file")
        task_create(
            actor=actor,
            plan=plan,
            data=TaskInput(
                content=row.content,
                deadline_text=row.deadline,
                number=row.number,
                directing_text=row.directing,
                lead_text=row.lead,
                lead_org_id=row.lead_org_id,
                cooperating_text=row.cooperating,
                cooperating_org_ids=row.cooperating_org_ids,
                implementing_org_ids=row.implementing_org_ids,
                implementing_text=", ".join(impl_un),
            ),
        )
    audit_record(
        actor=actor,
        action="plans.tasks_imported",
        obj=plan,
        org_id=plan.owner_org_id,
        summary=f"Nhập {len(result.rows)} nhiệm vụ từ tệp {name}",
        after={"rows": len(result.rows), "file": name},
    )
    return len(result.rows)


@dataclass
class JobApplied:
    """The outcome of confirming an uploaded import: the tasks created, or `already` when the
    same upload was applied before (a double submit)."""

    job: PlanImport
    created: int = 0
    already: bool = False


@transaction.atomic
def apply_job(*, actor, plan: Document, job_id) -> JobApplied | None:
    """Confirm an uploaded task table: the job row is locked (select_for_update) and its tasks are
    created and the job marked applied in one transaction, so a second submit of the same upload
    (a double click, two tabs) waits for the first and then creates nothing. None: no such upload
    of this user for this plan."""
    if not str(job_id or "").isdigit():
        return None
    job = PlanImport.objects.select_for_update().filter(pk=job_id, plan=plan, created_by=actor).first()
    if job is None:
        return None
    if job.applied_at is not None:
        return JobApplied(job=job, created=job.tasks_created, already=True)
    with job.file.open("rb") as fh:
        content = fh.read()
    n = apply(actor=actor, plan=plan, name=job.file_name, content=content)
    job.applied_at, job.tasks_created = timezone.now(), n
    job.save(update_fields=["applied_at", "tasks_created"])
    return JobApplied(job=job, created=n)
