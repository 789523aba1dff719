"""Import of grading results from XLSX, in two steps like the member import (dangbo/imports):
`grading_import_dry_run` parses every row and runs the same services inside a transaction that
is rolled back, reporting refusals with row and column; `grading_import_apply` writes all rows
(proposal + decision of the competent committee) in one transaction, or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from dangbo.core.errors import DomainError, not_found
from dangbo.core.text import fold
from dangbo.imports.normalize import clean_free_text, clean_name, clean_text
from dangbo.imports.parse import FileFormatError, xlsx_rows
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan

from . import rules, selectors
from .models import GRADE_ABBREV, Grade, GradingCampaign, GradingRecord, Step
from .services import GradingRefused, StepInput, member_steps_record

COLUMNS = {  # field -> (header shown, accepted header keys)
    "full_name": ("Họ và tên", {"ho va ten", "ho ten"}),
    "birth_year": ("Năm sinh", {"nam sinh"}),
    "card": ("Số thẻ đảng viên", {"so the dang vien", "so the"}),
    "total": ("Tổng điểm", {"tong diem", "diem"}),
    "grade": ("Xếp loại", {"xep loai", "muc xep loai"}),
    "comment": ("Nhận xét", {"nhan xet", "ghi chu"}),
}
HEADER_OF = {k: v[0] for k, v in COLUMNS.items()}
_GRADES = {fold(a): g for g, a in GRADE_ABBREV.items()} | {fold(g.label): g.value for g in Grade}


def _key(text) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(clean_text(text))).strip()


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column header, message)
    planned: list[tuple[int, str, str]] = field(default_factory=list)  # (row, name, grade label)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


class _Rollback(Exception):
    pass


def _parse(path: str | Path, campaign: GradingCampaign, report: ImportReport) -> list[tuple[int, StepInput]]:
    """The rows of the file through the guarded XLSX reader (dangbo/imports/xlsx.py): a file it
    refuses (not an XLSX, malformed, too large once unpacked) is one error with its reason."""
    rows = xlsx_rows(path)
    try:
        return _parse_rows(rows, campaign, report)
    except FileFormatError as exc:
        report.errors.append((1, "", str(exc)))
        return []
    finally:
        rows.close()


def _parse_rows(rows, campaign: GradingCampaign, report: ImportReport) -> list[tuple[int, StepInput]]:
    _, header = next(rows, (1, ()))
    columns: dict[str, int] = {}
    for idx, cell in enumerate(header):
        for name, (_, keys) in COLUMNS.items():
            if cell is not None and _key(cell) in keys and name not in columns:
                columns[name] = idx
    missing = [HEADER_OF[c] for c in ("full_name", "grade") if c not in columns]
    if missing:
        report.errors.append((1, ", ".join(missing), "Thiếu cột bắt buộc."))
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
    parsed = []
    for number, cells in rows:
        if not any(c not in (None, "") for c in cells):
            continue
        report.rows += 1

        def cell(name, cells=cells):
            idx = columns.get(name)
            return cells[idx] if idx is not None and idx < len(cells) else None

        try:
            name = clean_name(cell("full_name"))
        except ValueError as exc:
            report.errors.append((number, HEADER_OF["full_name"], str(exc)))
            continue
        card = clean_text(cell("card"))
        year_raw = clean_text(cell("birth_year"))
        if card:
            found = people.get(("card", card), [])
        elif year_raw.isdigit():
            found = people.get((fold(name), int(year_raw)), [])
        else:
            report.errors.append(
                (number, HEADER_OF["birth_year"], "Cần năm sinh hoặc số thẻ đảng viên để nhận ra đảng viên.")
            )
            continue
        if len(found) != 1:
            why = not_found("đảng viên") if not found else "Có nhiều đảng viên trùng họ tên và năm sinh"
            report.errors.append((number, HEADER_OF["full_name"], f"{why} «{name}» trong phạm vi đợt đánh giá."))
            continue
        grade = _GRADES.get(fold(clean_text(cell("grade"))))
        if grade is None:
            report.errors.append(
                (
                    number,
                    HEADER_OF["grade"],
                    f"Không hiểu mức xếp loại «{clean_text(cell('grade'))}»: ghi HTXSNV, HTTNV, HTNV, KHTNV hoặc KXL.",
                )
            )
            continue
        total_raw = clean_text(cell("total")).replace(",", ".")
        try:
            total = Decimal(total_raw) if total_raw else None
        except InvalidOperation:
            report.errors.append((number, HEADER_OF["total"], f"Tổng điểm «{total_raw}» không phải là số."))
            continue
        try:
            comment = clean_free_text(cell("comment"))
        except ValueError as exc:
            report.errors.append((number, HEADER_OF["comment"], str(exc)))
            continue
        parsed.append((number, StepInput(member=found[0], grade=grade, total=total, comment=comment)))
        report.planned.append((number, found[0].full_name, rules.grade_label(grade)))
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
    parsed = _parse(path, campaign, report)
    if report.errors or not parsed:
        if not parsed and not report.errors:
            report.errors.append((2, "", "Tệp không có dòng dữ liệu nào."))
        return report
    try:
        with transaction.atomic():
            _write(actor, campaign, parsed, on, decision_number, report)
            if report.errors or not apply:
                raise _Rollback
    except _Rollback:
        return report
    report.applied = True
    return report


def grading_import_dry_run(
    path, *, actor, campaign: GradingCampaign, on: date, decision_number: str = ""
) -> ImportReport:
    return _run(path, actor=actor, campaign=campaign, on=on, decision_number=decision_number, apply=False)


def grading_import_apply(
    path, *, actor, campaign: GradingCampaign, on: date, decision_number: str = ""
) -> ImportReport:
    return _run(path, actor=actor, campaign=campaign, on=on, decision_number=decision_number, apply=True)
