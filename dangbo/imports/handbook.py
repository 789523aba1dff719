"""The «Sổ tay điện tử» column for members already in the registry (#22, R-043): a file that only
updates the e-handbook accounts of existing members, matched by party card number or citizen ID
(in the officer's scope). Nothing else of the member changes and no member is created. A dry run
lists every account to open or close and every refused row; the apply writes the whole file in one
transaction, or nothing, through the reports services (registered in members.extras, audited,
counted by the report facts). A kind of the import pipeline (pipeline.py: legacy headers, aliases,
ignored columns listed), with the member import's parser of the column (services._parse_handbook).

| Header (Vietnamese) | Field        | Required | Notes                                                   |
|---------------------|--------------|----------|---------------------------------------------------------|
| Số thẻ đảng viên    | party_card   | one of   |                                                         |
| Số CCCD             | citizen_id   | the two  | 12 digits                                               |
| Họ và tên           | full_name    |          | when given, must be the matched member's name           |
| Sổ tay điện tử      | handbook     | yes      | «có» (opened today), «không», empty, or the opening date |
| Ngày khóa sổ tay    | closed_on    |          | closes the open account on that date                    |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from dangbo.access import policy
from dangbo.core.errors import DomainError
from dangbo.core.text import fold
from dangbo.imports import normalize as N
from dangbo.imports.parse import Row
from dangbo.imports.pipeline import Field, Layout, RowCleaner, SheetReport, check_rows, import_audit, read
from dangbo.imports.services import _parse_handbook
from dangbo.members.extras import HANDBOOK_CLOSE, HANDBOOK_OPEN, writer
from dangbo.members.models import Member

FIELDS = [
    Field("party_card", "Số thẻ đảng viên", ("Số thẻ", "Số thẻ Đảng", "Thẻ đảng viên")),
    Field("citizen_id", "Số CCCD", ("CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh", "Số CMND")),
    Field("full_name", "Họ và tên", ("Họ tên", "Tên đảng viên")),
    Field(
        "handbook",
        "Sổ tay điện tử",
        (
            "Tài khoản sổ tay",
            "Tài khoản sổ tay đảng viên điện tử",
            "Sổ tay đảng viên điện tử",
            "Ngày mở sổ tay",
            "Ngày đăng ký sổ tay",
        ),
        True,
    ),
    Field("closed_on", "Ngày khóa sổ tay", ("Ngày khóa tài khoản", "Khóa sổ tay")),
]
LAYOUT = Layout.of("handbook", FIELDS, one_of=(("party_card", "citizen_id", "Số thẻ đảng viên / Số CCCD"),))
COLUMNS = LAYOUT.columns
HEADER_OF = LAYOUT.header_of


@dataclass
class HandbookChange:
    row: int
    member: Member
    action: str  # "open" or "close"
    on: date


@dataclass
class HandbookImportReport(SheetReport):
    """The dry run of an e-handbook file (pipeline.SheetReport): `planned` are `HandbookChange`s."""

    unchanged: list[tuple[int, str]] = field(default_factory=list)  # (row, why nothing changes)

    @property
    def opened(self) -> int:
        return sum(1 for c in self.planned if c.action == "open")

    @property
    def closed(self) -> int:
        return sum(1 for c in self.planned if c.action == "close")


def _accounts(member_ids) -> dict[int, object]:
    account = apps.get_model("reports", "HandbookAccount")  # the reports app owns the record
    return {a.member_id: a for a in account.objects.filter(member_id__in=member_ids)}


def _read(path, *, actor, filename, today: date) -> HandbookImportReport:
    report = HandbookImportReport()
    table = read(report, path, layout=LAYOUT, actor=actor, filename=filename)
    if table is None:
        return report
    visible = policy.for_user(Member, actor)
    personal = policy.scope_members(Member.objects.all(), actor, action="view_personal")
    found: list[tuple[int, Member, date | None, date | None]] = []
    seen: dict[int, int] = {}

    def row_fn(row: Row, cells: RowCleaner) -> tuple[int, Member, date | None, date | None] | None:
        v, n, refuse = row.values, row.number, cells.refuse
        card = N.clean_text(v.get("party_card")).replace(" ", "").upper()
        cid = cells.take("citizen_id", lambda: N.parse_citizen_id(v.get("citizen_id")) or "", "")
        if cells.errors:
            return None
        if not card and not cid:
            refuse("party_card", "Thiếu số thẻ đảng viên hoặc số CCCD để tìm đảng viên.")
            return None
        member = visible.filter(party_card_number=card).first() if card else None
        if member is None and cid:
            member = personal.filter(citizen_id=cid).first()
        if member is None:
            what = f"số thẻ {card}" if card else "số CCCD đã ghi"
            refuse(
                "party_card" if card else "citizen_id",
                policy.not_found(f"đảng viên có {what} trong phạm vi của bạn; tệp này chỉ cập nhật đảng viên đã có."),
            )
            return None
        if cid and member.citizen_id and member.citizen_id != cid:
            refuse("citizen_id", f"Số CCCD không khớp với hồ sơ của đảng viên {member.full_name}.")
            return None
        name = N.clean_text(v.get("full_name"))
        if name and fold(name) != fold(member.full_name):
            refuse("full_name", f"Họ tên «{name}» khác với hồ sơ tìm theo số thẻ/CCCD («{member.full_name}»).")
            return None
        if member.pk in seen:
            refuse("party_card", f"Đảng viên {member.full_name} đã có ở dòng {seen[member.pk]}.")
            return None
        seen[member.pk] = n
        opened = cells.take("handbook", lambda: _parse_handbook(v.get("handbook"), today=today))
        if cells.errors:
            return None
        closed = cells.take("closed_on", lambda: N.parse_full_date(v.get("closed_on"), today=today))
        if cells.errors:
            return None
        if closed is not None and closed > today:
            refuse("closed_on", f"Ngày khóa {closed:%d/%m/%Y} ở tương lai.")
            return None
        return n, member, opened, closed

    check_rows(report, table, row_fn, into=found)
    accounts = _accounts([m.pk for _, m, _, _ in found])
    for n, member, opened, closed in found:
        account = accounts.get(member.pk)
        is_open = account is not None and account.closed_on is None
        if opened is not None and not is_open:
            report.planned.append(HandbookChange(n, member, "open", opened))
            is_open, start = True, opened
        else:
            start = account.registered_on if is_open else None
            if opened is not None:
                report.unchanged.append((n, f"{member.full_name}: đã có tài khoản từ {start:%d/%m/%Y}."))
        if closed is not None:
            if not is_open:
                report.errors.append(
                    (
                        n,
                        HEADER_OF["closed_on"],
                        f"{member.full_name} không có tài khoản Sổ tay điện tử đang hoạt động để khóa.",
                    )
                )
            elif closed <= start:
                report.errors.append(
                    (
                        n,
                        HEADER_OF["closed_on"],
                        f"Ngày khóa {closed:%d/%m/%Y} phải sau ngày mở tài khoản {start:%d/%m/%Y}.",
                    )
                )
            else:
                report.planned.append(HandbookChange(n, member, "close", closed))
        elif opened is None:
            report.unchanged.append((n, f"{member.full_name}: không có gì thay đổi."))
    return report


def handbook_import(
    path: str | Path, *, actor, filename: str | None = None, apply: bool = False, today: date | None = None
) -> HandbookImportReport:
    """Dry run (default) or apply, in one transaction: any refused row and nothing is written."""
    today = today or timezone.localdate()
    report = _read(path, actor=actor, filename=filename, today=today)
    if not apply or report.errors or not report.planned:
        return report
    open_account, close_account = writer(HANDBOOK_OPEN), writer(HANDBOOK_CLOSE)
    if open_account is None or close_account is None:
        report.errors.append((0, "", "Chưa cài đặt phân hệ báo cáo: không ghi được tài khoản Sổ tay điện tử."))
        return report
    try:
        with transaction.atomic():
            for change in report.planned:
                try:
                    (open_account if change.action == "open" else close_account)(
                        actor=actor, member=change.member, on=change.on
                    )
                except DomainError as exc:
                    column = "closed_on" if change.action == "close" else "handbook"
                    report.errors.append((change.row, HEADER_OF[column], exc.message))
                    raise
            import_audit(
                actor=actor,
                action="imports.handbook_updated",
                path=path,
                filename=filename,
                summary=f"Cập nhật Sổ tay điện tử từ tệp: mở {report.opened}, khóa {report.closed} tài khoản",
                after={"opened": report.opened, "closed": report.closed},
            )
    except DomainError:
        return report
    report.applied = True
    return report
