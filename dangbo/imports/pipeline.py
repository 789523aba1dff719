"""The import pipeline: read → map headers → clean → validate → dry-run report → apply.

Every import of a file goes through the same steps; a kind plugs in only what is its own:

- its fields: `Layout.of(kind, [Field(name, header, aliases, required, note, prefix), ...])`
  (`prefix`, opt-in: a header that starts with the header or an alias also matches, «Nội dung
  nhiệm vụ» for «Nội dung»);
- its validators: a row function `row_fn(row, cells) -> planned | None` that cleans the cells of
  one row with a `RowCleaner` (each bad cell recorded against its column, every one of them, not
  the first) and checks them against the registry;
- its write: the services that record a planned row (`apply_all_or_none`), or that check and
  record in one go (`rehearse`: the dry run rolls them back).

The pipeline owns the rest, the same for every kind:

- read and map headers (`read`): XLSX streamed or CSV sniffed (parse.py), headers decoded from
  the legacy TCVN3/VNI fonts, folded (accents, case, spaces, punctuation) and matched with the
  kind's aliases and the officer's saved column mappings (mappings.py); cells decoded too;
  `read_rows` does the same for rows already in memory (the rows of a DOCX table);
- the dry-run report (`SheetReport`): every refusal by row and column header, in Vietnamese;
  every column of the file mapped to a field or listed as ignored (none dropped silently);
- the all-or-none apply with one audit entry for the file (`apply_all_or_none`);
- the downloadable template with its guide sheet (`template_bytes`).

The kinds on it: members, organizations, enterprises, e-handbook accounts (imports), cadres and
titles, grading results, headcounts, plan task tables, dues paid on the public service portal and
the national e-handbook's usage export.

The member and organization imports (services.py, orgs.py) run as background jobs with their own
job report (`services.Report`) but declare their layouts, clean their rows and write their
templates with the same pieces.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.spreadsheet import workbook_bytes
from dangbo.imports.mappings import open_layout
from dangbo.imports.parse import Field, FileFormatError, Layout, Row, Table

__all__ = [
    "Field",
    "Layout",
    "RowCleaner",
    "SheetReport",
    "apply_all_or_none",
    "check_rows",
    "column_report",
    "import_audit",
    "import_audit_target",
    "read",
    "read_rows",
    "rehearse",
    "template_bytes",
    "template_workbook",
]


# --- clean and validate one row -------------------------------------------------------------------
class RowCleaner:
    """The cells of one row, cleaned: `take(column, fn)` runs a cleaning function (normalize.py:
    a clean value, or ValueError with a Vietnamese reason) and records the reason against the
    column; every bad cell of the row is reported, not the first one only."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self.values = values or {}
        self.errors: list[tuple[str, str]] = []  # (field, reason)

    def take(self, column: str, fn: Callable[[], Any], default: Any = None, *, missing: str = "") -> Any:
        """`fn()`, or `default` with its ValueError recorded against `column`. With `missing`, an
        empty result (None or "") is refused with that reason."""
        try:
            value = fn()
        except ValueError as exc:
            self.errors.append((column, str(exc)))
            return default
        if missing and (value is None or value == ""):
            self.errors.append((column, missing))
        return value

    def refuse(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))

    def refused(self, column: str) -> bool:
        return any(c == column for c, _ in self.errors)


# --- the dry-run report --------------------------------------------------------------------------
def column_report(table: Table, layout: Layout) -> list[dict[str, Any]]:
    """Every non-empty header cell of the file: decoded header, folded key, the field it fills
    ("" = ignored), the field's template header, and how it was matched (alias of the layout,
    the officer's mapping, repeated, unknown)."""
    header_of = layout.header_of
    return [
        {
            "header": d["header"],
            "key": d["key"],
            "field": d["field"] or "",
            "label": header_of.get(d["field"], "") if d["field"] else "",
            "how": d["how"],
        }
        for d in table.headers
    ]


@dataclass
class SheetReport:
    """The dry-run report of a file: the rows read, what the apply would write (`planned`), every
    refusal `(row, column header, Vietnamese reason)`, the file's columns mapped to fields and
    those ignored. A file with a refusal writes nothing."""

    rows: int = 0
    planned: list[Any] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column header, message)
    ignored: list[str] = field(default_factory=list)  # headers of the file no field takes (shown, not silent)
    mapped: list[dict[str, Any]] = field(default_factory=list)  # column_report()
    created: int = 0
    applied: bool = False
    layout: Layout | None = field(default=None, repr=False, compare=False)

    file_row: ClassVar[int] = 0  # the row named by a refusal of the whole file (unreadable, columns missing)
    empty_row: ClassVar[int] = 0  # the row named when the file has no data row
    missing_by_column: ClassVar[bool] = False  # columns missing: one refusal naming them as its column
    empty_message: ClassVar[str] = "Tệp không có dòng dữ liệu nào."  # the refusal of a file without a data row

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.planned)

    @property
    def header_of(self) -> dict[str, str]:
        return self.layout.header_of if self.layout is not None else {}

    def refuse(self, row: int, column: str, message: str) -> None:
        """A refusal of `column` (a field, named by its header; or a header) on `row`."""
        self.errors.append((row, self.header_of.get(column, column), message))

    def refuse_file(self, exc: FileFormatError) -> None:
        if exc.missing and self.missing_by_column:
            self.errors.append((self.file_row, ", ".join(exc.missing), "Thiếu cột bắt buộc."))
        else:
            self.errors.append((self.file_row, "", str(exc)))


# --- read, map headers --------------------------------------------------------------------------
def read(
    report: SheetReport,
    path: str | Path,
    *,
    layout: Layout,
    actor,
    filename: str | None = None,
    column_map: dict[str, str] | None = None,
) -> Table | None:
    """The file opened in `layout` (mappings.open_layout: XLSX or CSV, legacy headers, aliases,
    the officer's saved mappings), its columns described in the report; None, with the reason in
    the report, when it cannot be read in the layout."""
    return _opened(
        report, layout, lambda: open_layout(path, filename=filename, layout=layout, actor=actor, column_map=column_map)
    )


def read_rows(
    report: SheetReport,
    rows: Iterable[list | tuple],
    *,
    layout: Layout,
    actor,
    column_map: dict[str, str] | None = None,
    numbered: bool = False,
    empty: str = "Tệp không có dữ liệu.",
) -> Table | None:
    """As `read`, for rows already in memory (the rows of a DOCX table, numbered from 1, or
    `(number, cells)` pairs with `numbered`): the header located, decoded and matched the same
    way, the officer's saved mappings applied; `empty`: the refusal when there is no row at all."""
    return _opened(
        report,
        layout,
        lambda: open_layout(
            None,
            filename=None,
            layout=layout,
            actor=actor,
            column_map=column_map,
            rows=rows,
            numbered=numbered,
            empty=empty,
        ),
    )


def _opened(report: SheetReport, layout: Layout, opener: Callable[[], Table]) -> Table | None:
    report.layout = layout
    try:
        table = opener()
    except FileFormatError as exc:
        report.refuse_file(exc)
        return None
    report.mapped = column_report(table, layout)
    report.ignored = [m["header"] for m in report.mapped if not m["field"]]
    return table


def rows(report: SheetReport, table: Table) -> Iterator[Row]:
    """The data rows; a file that turns unreadable further down is one refusal, not an error page."""
    try:
        yield from table
    except FileFormatError as exc:
        report.refuse_file(exc)
    finally:
        table.close()


def check_rows(
    report: SheetReport,
    table: Table | None,
    row_fn: Callable[[Row, RowCleaner], Any],
    *,
    into: list[Any] | None = None,
    limit: int | None = None,
) -> None:
    """Clean and validate every row: `row_fn(row, cells)` gives what the row plans (added to
    `into`, by default the report's `planned`) or None; the refusals recorded on `cells` go to the
    report against the row. `limit`: the most rows a file may have."""
    if table is None:
        return
    planned = report.planned if into is None else into
    for row in rows(report, table):
        report.rows += 1
        if limit is not None and report.rows > limit:
            report.errors.append((row.number, "", f"Tệp quá {limit:,} dòng: chia thành nhiều tệp.".replace(",", ".")))
            break
        cells = RowCleaner(row.values)
        result = row_fn(row, cells)
        if cells.errors:
            for column, reason in cells.errors:
                report.refuse(row.number, column, reason)
            continue
        if result is not None:
            planned.append(result)
    if report.rows == 0 and not report.errors:
        report.errors.append((report.empty_row, "", report.empty_message))


# --- apply ---------------------------------------------------------------------------------------
def import_audit_target(path: str | Path, filename: str | None, job_id: int | None) -> dict[str, Any]:
    """What an import's audit entry is about: the import job (an id, as every audit object) when
    the import runs as one, else the file; the file's whole name and its SHA-256 go in the
    payload (a file name is no object id: it may be 255 characters long)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for piece in iter(lambda: fh.read(1 << 20), b""):
            digest.update(piece)
    return {
        "object_type": "imports.importjob" if job_id else "imports.file",
        "object_id": job_id or "",
        "file": {"name": Path(filename or str(path)).name, "sha256": digest.hexdigest()},
    }


def import_audit(
    *,
    actor,
    action: str,
    path: str | Path,
    filename: str | None,
    summary: str,
    after: dict[str, Any],
    job_id: int | None = None,
    created_ids: tuple[str, list[int]] | None = None,
) -> None:
    """The one audit entry of an applied import (every kind writes it the same way): about the
    job or the file (`import_audit_target`), the file's name and SHA-256 in the payload with the
    kind's `after`; «{file}» in `summary` is the file's name. `created_ids` = (noun, ids): the
    records created, named by their first and last id and the SHA-256 of the list
    (`first_member_id`, `last_member_id`, `member_ids_sha256`)."""
    target = import_audit_target(path, filename, job_id)
    payload = {**after, "file": target["file"]}
    if created_ids:
        noun, ids = created_ids
        payload |= {
            f"first_{noun}_id": min(ids),
            f"last_{noun}_id": max(ids),
            f"{noun}_ids_sha256": hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest(),
        }
    audit_record(
        actor=actor,
        action=action,
        object_type=target["object_type"],
        object_id=target["object_id"],
        summary=summary.replace("{file}", target["file"]["name"]),
        after=payload,
    )


def apply_all_or_none(
    report,
    *,
    path: str | Path,
    filename: str | None,
    actor,
    write: Callable[[Any], None],
    field_columns: dict[str, str],
    action: str,
    summary: str,
    header_of: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
):
    """`write(planned)` for every planned row in one transaction. A refusal by the service
    (DomainError) is listed against its row (a planned row's `row`, or its "row" key) and column
    (`field_columns`: the service's field -> the file's column) and writes nothing; otherwise one
    audit entry `action` for the file (name and SHA-256), the row count and the kind's `details`."""
    header_of = header_of if header_of is not None else report.header_of
    try:
        with transaction.atomic():
            for p in report.planned:
                try:
                    write(p)
                except DomainError as exc:
                    column = field_columns.get(exc.field or "", exc.field or "")
                    row = p["row"] if isinstance(p, dict) else p.row
                    report.errors.append((row, header_of.get(column, column), exc.message))
                    raise
            import_audit(
                actor=actor,
                action=action,
                path=path,
                filename=filename,
                summary=summary,
                after={"rows": len(report.planned), **(details or {})},
            )
    except DomainError:
        return report
    report.created, report.applied = len(report.planned), True
    return report


class _Rollback(Exception):
    pass


def rehearse(report: SheetReport, write: Callable[[], None], *, apply: bool) -> SheetReport:
    """`write()` (the services, which record their refusals in the report) in one transaction,
    kept only by an apply with no refusal: the dry run of a kind whose checks live in the
    services (grading steps, headcounts) runs them and rolls them back."""
    try:
        with transaction.atomic():
            write()
            if report.errors or not apply:
                raise _Rollback
    except _Rollback:
        return report
    report.applied = True
    return report


# --- the downloadable template -------------------------------------------------------------------
GUIDE_HEADERS = {"required": "Bắt buộc", "note": "Cách ghi", "aliases": "Cũng nhận tiêu đề"}
TEMPLATE_ROWS = 1000  # rows of a text column formatted as Text (Excel keeps leading zeros and dd/mm/yyyy)


def template_workbook(
    layout: Layout,
    *,
    title: str,
    examples: Iterable[list[Any]] = (),
    text_fields: Iterable[str] = (),
    guide: tuple[str, ...] = ("required", "note"),
    guide_after: Iterable[list[Any]] = (),
    guide_widths: dict[str, int] | None = None,
) -> Workbook:
    """A kind's template: a sheet `title` with the layout's Vietnamese headers (bold, frozen) and
    the `examples` rows (synthetic data), the `text_fields` columns formatted as Text; and a guide
    sheet «Hướng dẫn» with one line per column (`guide`: which of required / note / aliases),
    then `guide_after`. No guide sheet with `guide=()`."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    headers = layout.template_headers
    ws.append(headers)
    for example in examples:
        ws.append(example)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B22222")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    text = set(text_fields)
    for idx, (name, header, _) in enumerate(layout.columns, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        ws.column_dimensions[letter].width = max(14, len(header) + 4)
        if name in text:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=idx).number_format = "@"
    ws.freeze_panes = "A2"
    if guide:
        sheet = wb.create_sheet("Hướng dẫn")
        sheet.append(["Cột", *(GUIDE_HEADERS[g] for g in guide)])
        for name, header, aliases in layout.columns:
            parts = {
                "required": layout.required_label(name),
                "note": layout.notes.get(name, ""),
                "aliases": "; ".join(aliases),
            }
            sheet.append([header, *(parts[g] for g in guide)])
        for line in guide_after:
            sheet.append(line)
        for letter, width in (guide_widths or {}).items():
            sheet.column_dimensions[letter].width = width
    return wb


def template_bytes(layout: Layout, **kwargs: Any) -> bytes:
    """template_workbook as an XLSX file, every cell neutralized (core.spreadsheet)."""
    return workbook_bytes(template_workbook(layout, **kwargs))
