"""Import of grading results from XLSX, on the import pipeline (dangbo/imports/pipeline.py: legacy
headers, aliases, ignored columns listed): `grading_import_dry_run` parses every row and runs the
same services inside a transaction that is rolled back (`rehearse`), reporting refusals with row
and column; `grading_import_apply` writes all rows (proposal + decision of the competent
committee) in one transaction, or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import ClassVar

from dangbo.core.errors import DomainError, not_found
from dangbo.core.text import fold
from dangbo.imports.normalize import clean_free_text, clean_name, clean_text
from dangbo.imports.parse import Row
from dangbo.imports.pipeline import Field, Layout, RowCleaner, SheetReport, check_rows, read, rehearse
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan

from . import rules, selectors
from .models import GRADE_ABBREV, Grade, GradingCampaign, GradingRecord, Step
from .services import GradingRefused, StepInput, member_steps_record

FIELDS = [
    Field("full_name", "Họ và tên", ("Họ tên",), True),
    Field("birth_year", "Năm sinh"),
    Field("card", "Số thẻ đảng viên", ("Số thẻ",)),
    Field("total", "Tổng điểm", ("Điểm",)),
    Field("grade", "Xếp loại", ("Mức xếp loại",), True),
    Field("comment", "Nhận xét", ("Ghi chú",)),
]
LAYOUT = Layout.of("grading", FIELDS)
HEADER_OF = LAYOUT.header_of
_GRADES = {fold(a): g for g, a in GRADE_ABBREV.items()} | {fold(g.label): g.value for g in Grade}


@dataclass
class ImportReport(SheetReport):
    """The dry run of a results file (imports.pipeline.SheetReport): `planned` are (row, name,
    grade label); a refusal of the whole file names row 1."""

    file_row: ClassVar[int] = 1
    empty_row: ClassVar[int] = 2
    missing_by_column: ClassVar[bool] = True

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


def _parse(path: str | Path, *, actor, campaign: GradingCampaign, report: ImportReport) -> list[tuple[int, StepInput]]:
    """The rows of the file through the pipeline's reader (XLSX streamed and guarded, legacy
    headers, aliases; a file it refuses is one error with its reason), each matched to a member
    of the campaign's subtree."""
    table = read(report, path, layout=LAYOUT, actor=actor)
    if table is None:
        return []
    at = rules.year_end(campaign.year)
    root = selectors.version_on(campaign.root_org_id, at)
    in_scope = MembershipSpan.objects.valid_on(at).filter(
        status__in=ACTIVE_STATUSES, org_id__in=selectors.subtree_versions(campaign.root_org_id, at).values("org_id")
    )
    people = {}
    for m in Member.objects.filter(pk__in=in_scope.values("member_id")) if root else []:
        people.setdefault((m.name_folded, m.birth_year), []).append(m)
        if m.party_card_number:
            people[("card", m.party_card_number)] = [m]

    def row_fn(row: Row, cells: RowCleaner) -> tuple[int, StepInput] | None:
        v, number = row.values, row.number
        name = cells.take("full_name", lambda: clean_name(v.get("full_name")))
        if cells.errors:
            return None
        card = clean_text(v.get("card"))
        year_raw = clean_text(v.get("birth_year"))
        if card:
            found = people.get(("card", card), [])
        elif year_raw.isdigit():
            found = people.get((fold(name), int(year_raw)), [])
        else:
            cells.refuse("birth_year", "Cần năm sinh hoặc số thẻ đảng viên để nhận ra đảng viên.")
            return None
        if len(found) != 1:
            why = not_found("đảng viên") if not found else "Có nhiều đảng viên trùng họ tên và năm sinh"
            cells.refuse("full_name", f"{why} «{name}» trong phạm vi đợt đánh giá.")
            return None
        grade = _GRADES.get(fold(clean_text(v.get("grade"))))
        if grade is None:
            cells.refuse(
                "grade",
                f"Không hiểu mức xếp loại «{clean_text(v.get('grade'))}»: ghi HTXSNV, HTTNV, HTNV, KHTNV hoặc KXL.",
            )
            return None
        total_raw = clean_text(v.get("total")).replace(",", ".")
        try:
            total = Decimal(total_raw) if total_raw else None
        except InvalidOperation:
            cells.refuse("total", f"Tổng điểm «{total_raw}» không phải là số.")
            return None
        comment = cells.take("comment", lambda: clean_free_text(v.get("comment")))
        if cells.errors:
            return None
        report.planned.append((number, found[0].full_name, rules.grade_label(grade)))
        return number, StepInput(member=found[0], grade=grade, total=total, comment=comment)

    parsed: list[tuple[int, StepInput]] = []
    check_rows(report, table, row_fn, into=parsed)
    return parsed


def _write(actor, campaign: GradingCampaign, parsed, on: date, decision_number: str, report: ImportReport) -> None:
    has_proposal = set(
        GradingRecord.objects.current()
        .filter(
            campaign=campaign,
            step=Step.PROPOSAL,
            member_id__in=[r.member.pk for _, r in parsed],
        )
        .values_list("member_id", flat=True)
    )
    batches = [(Step.PROPOSAL, [(n, r) for n, r in parsed if r.member.pk not in has_proposal]), (Step.DECISION, parsed)]
    for step, batch in batches:
        if not batch:
            continue
        try:
            member_steps_record(
                actor=actor,
                campaign=campaign,
                step=step,
                rows=[r for _, r in batch],
                on=on,
                decision_number=decision_number,
                reason="Nhập kết quả từ tệp Excel",
            )
        except GradingRefused as exc:
            for i, fld, message in exc.errors:
                report.errors.append((batch[i][0], HEADER_OF.get(fld, HEADER_OF["grade"]), message))
            return
        except DomainError as exc:  # the batch as a whole (date, cap of a grassroots org)
            report.errors.append((0, HEADER_OF.get(exc.field or "", HEADER_OF["grade"]), exc.message))
            return


def _run(path, *, actor, campaign, on, decision_number, apply: bool) -> ImportReport:
    report = ImportReport()
    parsed = _parse(path, actor=actor, campaign=campaign, report=report)
    if report.errors or not parsed:
        return report
    return rehearse(report, lambda: _write(actor, campaign, parsed, on, decision_number, report), apply=apply)


def grading_import_dry_run(
    path, *, actor, campaign: GradingCampaign, on: date, decision_number: str = ""
) -> ImportReport:
    return _run(path, actor=actor, campaign=campaign, on=on, decision_number=decision_number, apply=False)


def grading_import_apply(
    path, *, actor, campaign: GradingCampaign, on: date, decision_number: str = ""
) -> ImportReport:
    return _run(path, actor=actor, campaign=campaign, on=on, decision_number=decision_number, apply=True)
