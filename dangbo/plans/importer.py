"""Import a plan's task table from XLSX or a DOCX table (the shape of seed 003: Nội dung, Cơ quan
chỉ đạo, Cơ quan chủ trì, Cơ quan phối hợp, Cơ quan thực hiện, Thời gian): a dry run that reports
every row (parsed deadline, bodies matched to organizations by folded name, bodies kept as free
text), then an all-or-nothing apply.

A kind of the import pipeline (dangbo/imports/pipeline.py): the layout is declared as Fields whose
headers also match as a prefix («Nội dung nhiệm vụ», «Thời gian hoàn thành»); the table's rows
(the sheet, or the DOCX table, read here from the uploaded bytes) go through the pipeline's
in-memory reader (`read_rows`: the header under a title line, legacy TCVN3/VNI headers, aliases,
the officer's saved mappings, columns no field takes listed as ignored) and are cleaned with
`RowCleaner`, every bad cell named by row and column."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import ClassVar

from django.db import transaction
from django.utils import timezone

from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.spreadsheet import formula_refusal
from dangbo.core.text import fold, nfc
from dangbo.imports.parse import FileFormatError, header_key, xlsx_rows
from dangbo.imports.parse import Row as SheetRow
from dangbo.imports.pipeline import Field, Layout, RowCleaner, SheetReport, check_rows, read_rows
from dangbo.imports.xlsx import XlsxError, check_archive
from dangbo.orgs.selectors import org_versions_valid_on
from dangbo.plans import deadlines as dl
from dangbo.plans.models import Document, PlanImport
from dangbo.plans.selectors import _scope_ids, scope_ancestor_ids
from dangbo.plans.services import TaskInput, task_create

FIELDS = [
    Field("number", "STT", ("TT", "Mục"), prefix=True),
    Field("content", "Nội dung", ("Nhiệm vụ",), required=True, prefix=True),
    Field("directing", "Cơ quan chỉ đạo", prefix=True),
    Field("lead", "Cơ quan chủ trì", ("Chủ trì", "Cơ quan tham mưu"), prefix=True),
    Field("cooperating", "Cơ quan phối hợp", ("Phối hợp",), prefix=True),
    Field(
        "implementing",
        "Cơ quan thực hiện",
        ("Cơ quan tổ chức thực hiện", "Tổ chức thực hiện", "Thực hiện"),
        prefix=True,
    ),
    Field("deadline", "Thời gian", ("Thời hạn",), required=True, prefix=True),
]
LAYOUT = Layout.of("plan_tasks", FIELDS)
TEXT_COLUMNS = tuple((f.name, f.header) for f in FIELDS)
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
    cells: RowCleaner | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[str]:
        """The refusals of the row's cells, «Dòng n, cột X: reason»."""
        if self.cells is None:
            return []
        header_of = LAYOUT.header_of
        return [f"Dòng {self.line}, cột {header_of.get(c, c)}: {reason}" for c, reason in self.cells.errors]


class TaskSheetReport(SheetReport):
    """The pipeline's dry-run report of a task table; a refusal of the whole table names no row."""

    empty_message: ClassVar[str] = "Bảng không có dòng nhiệm vụ nào."


@dataclass
class Preview:
    """The dry run: every task row (refused ones too, with their errors), the refusals of the
    whole table, and the columns of the table the import does not use."""

    rows: list[Row]
    errors: list[str]
    ignored: list[str] = field(default_factory=list)
    mapped: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and all(not r.errors for r in self.rows)

    @property
    def unmatched(self) -> list[str]:
        return sorted({b for r in self.rows for b in r.unmatched})


DOCX_MAX_BYTES = 64 * 1024 * 1024  # python-docx inflates every part of the package
NO_TABLE = "Tệp không có bảng nhiệm vụ."


def _has_content_column(rows: list[list[str]]) -> bool:
    """Whether the layout finds its «Nội dung» column in the first rows of a DOCX table."""
    return any(
        LAYOUT.match(header_key(cell)) == "content" for cells in rows[:20] for cell in cells if cell and cell.strip()
    )


def read_table(name: str, content: bytes) -> list[tuple[int, list]]:
    """Numbered rows `(line, cells)` of the first sheet (XLSX, through the guarded reader of
    dangbo/imports/xlsx.py; the line as Excel numbers it) or of the first table with a «Nội dung»
    column (DOCX, its zip checked the same way before python-docx opens it; lines from 1)."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        try:
            return [(number, list(cells)) for number, cells in xlsx_rows(io.BytesIO(content))]
        except FileFormatError as exc:
            raise DomainError(str(exc), field="file") from exc
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
        tables = [[[nfc(c.text) for c in r.cells] for r in table.rows] for table in doc.tables]
        chosen = next((rows for rows in tables if _has_content_column(rows)), tables[0] if tables else [])
        return list(enumerate(chosen, start=1))
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


def _text(value) -> str:
    return "" if value is None else nfc(str(value))


def preview(*, actor, plan: Document, name: str, content: bytes) -> Preview:
    numbered = read_table(name, content)
    report = TaskSheetReport()
    table = read_rows(report, numbered, layout=LAYOUT, actor=actor, numbered=True, empty=NO_TABLE)
    index = org_index(actor=actor, at=plan.issued_on) if table is not None else {}
    rows: list[Row] = []

    def row_fn(sheet_row: SheetRow, cells: RowCleaner) -> Row | None:
        v, line = sheet_row.values, sheet_row.number
        row = Row(line, *(_text(v.get(key)) for key, _ in TEXT_COLUMNS), cells=cells)
        if not any([row.content, row.deadline, row.implementing]):
            return None
        if not row.content:
            cells.refuse("content", "trống.")
        for key, _ in TEXT_COLUMNS:
            if reason := formula_refusal(getattr(row, key).strip(), bullets=key == "content"):
                cells.refuse(key, reason)
        row.spec = cells.take("deadline", lambda: dl.parse_deadline(row.deadline))
        lead_ids, lead_un = _match(row.lead, index)
        row.lead_org_id = lead_ids[0] if len(lead_ids) == 1 and not lead_un else None
        row.cooperating_org_ids, coop_un = _match(row.cooperating, index)
        row.implementing_org_ids, impl_un = _match(row.implementing, index)
        row.unmatched = [*([] if row.lead_org_id else lead_un), *coop_un, *impl_un]
        rows.append(row)
        return row

    check_rows(report, table, row_fn)
    errors = [message for line, _, message in report.errors if not line]
    if table is not None and not rows and not errors:
        errors.append(TaskSheetReport.empty_message)
    return Preview(rows, errors, report.ignored, report.mapped)


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
