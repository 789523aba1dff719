"""Import of dues payments exported from the National Public Service Portal (Cổng Dịch vụ công
Quốc gia), issue #21 item 2. A kind of the import pipeline (dangbo/imports/pipeline.py): the file
is read by its reader (XLSX streamed, CSV sniffed, headers in the legacy TCVN3/VNI fonts, without
accents or as aliases, the officer's saved column mappings; columns no field takes listed as
ignored), the rows cleaned with its RowCleaner (every bad cell named by row and column header in
the report), the apply all or none with one audit entry for the file (name and SHA-256), and the
template written by its template writer (a guide sheet from the fields). This module defines the
layout and what a row means. One row is one successful portal transaction:

| Header (Vietnamese)       | Field             | Required | Notes                                      |
|---------------------------|-------------------|----------|--------------------------------------------|
| Mã giao dịch              | transaction_id    | yes      | the portal's transaction / receipt code    |
| Họ và tên người nộp       | payer_name        |          | shown in the report only                   |
| Số thẻ đảng viên          | party_card_number | one of   | matched to the member                      |
| Số CCCD                   | citizen_id        | the two  | matched to the member (12 digits)          |
| Từ tháng                  | from_month        | yes      | mm/yyyy                                    |
| Đến tháng                 | to_month          |          | mm/yyyy, empty = one month                 |
| Số tiền (đồng)            | amount            | yes      | 300000, 300.000 or 300.000 đ               |
| Ngày nộp                  | paid_on           | yes      | dd/mm/yyyy                                 |
| Trạng thái                | status            |          | only «Thành công» rows are payments        |

The dry run reports every row by its number: matched (member, months, amount), unmatched (no
member in the user's scope with that card / citizen ID), duplicates (a transaction already
recorded, or twice in the file), invalid (a value that cannot be read); the refusals (unmatched
and invalid) as the pipeline's (row, column, reason). Apply writes the matched
rows in one transaction through `services.payment_record` (allocation per month covered,
adjusting entries for closed months), skips duplicates (re-importing a file writes nothing new),
and refuses the whole file (nothing written) while a row is unmatched or invalid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db.models import Q

from dangbo.access import policy
from dangbo.core.errors import DomainError
from dangbo.core.text import fold
from dangbo.dues import services
from dangbo.dues.models import Channel, DuesPayment
from dangbo.imports.normalize import clean_text, parse_citizen_id, parse_full_date
from dangbo.imports.parse import Row
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
from dangbo.members.models import Member

FIELDS = [
    Field(
        "transaction_id",
        "Mã giao dịch",
        ("Mã hồ sơ", "Mã thanh toán", "Số giao dịch", "Mã biên lai"),
        True,
        "Mã giao dịch (mã biên lai) của Cổng; một giao dịch đã ghi không được ghi lại.",
    ),
    Field(
        "payer_name",
        "Họ và tên người nộp",
        ("Họ và tên", "Họ tên", "Người nộp", "Tên người nộp"),
        note="Chỉ để đối chiếu trong báo cáo.",
    ),
    Field(
        "party_card_number",
        "Số thẻ đảng viên",
        ("Số thẻ", "Số thẻ Đảng", "Số thẻ ĐV"),
        note="Tìm đảng viên theo số thẻ; hoặc ghi Số CCCD.",
    ),
    Field(
        "citizen_id",
        "Số CCCD",
        ("CCCD", "Số căn cước công dân", "Số định danh cá nhân", "Số định danh"),
        note="Đủ 12 chữ số; định dạng cột là Văn bản để giữ số 0 ở đầu.",
    ),
    Field("from_month", "Từ tháng", ("Kỳ nộp từ tháng", "Tháng bắt đầu"), True, "tháng/năm, ví dụ 03/2026."),
    Field(
        "to_month",
        "Đến tháng",
        ("Kỳ nộp đến tháng", "Tháng kết thúc"),
        note="tháng/năm; để trống là nộp một tháng.",
    ),
    Field(
        "amount",
        "Số tiền (đồng)",
        ("Số tiền", "Số tiền nộp", "Số tiền (VNĐ)", "Số tiền thanh toán"),
        True,
        "Số tiền lớn hơn 0: 300000, 300.000 hoặc 300.000 đ.",
    ),
    Field(
        "paid_on",
        "Ngày nộp",
        ("Ngày giao dịch", "Ngày thanh toán", "Thời gian thanh toán"),
        True,
        "ngày/tháng/năm, không sau ngày nhập.",
    ),
    Field(
        "status",
        "Trạng thái",
        ("Trạng thái giao dịch", "Kết quả"),
        note="Chỉ ghi giao dịch «Thành công» (hoặc để trống); dòng khác được bỏ qua.",
    ),
]
IDS = "Số thẻ đảng viên / Số CCCD"
LAYOUT = Layout.of("dues_portal", FIELDS, one_of=(("party_card_number", "citizen_id", IDS),))
PORTAL = LAYOUT
COLUMNS = LAYOUT.columns
HEADER = LAYOUT.header_of
PROGRESS_EVERY = 500  # rows read between two progress reports of a background import (dues.tasks)
SUCCESS = {"thanh cong", "da thanh toan", "success", ""}
MONTH_RE = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{4})$")
# the field of a refusal by services.payment_record -> the file's column
SERVICE_COLUMNS = {
    "member_id": IDS,
    "amount": "amount",
    "paid_on": "paid_on",
    "from_month": "from_month",
    "to_month": "to_month",
    "channel": "transaction_id",
}


@dataclass
class PortalReport(SheetReport):
    """The dry run of a portal export (pipeline.SheetReport): `planned` are the matched rows
    (dicts, kept as the job's JSON report); `errors` every refusal (row, column header, reason),
    also listed as `invalid` (a value that cannot be read) or `unmatched` (no member found) for
    the summary; duplicates and rows of failed transactions are skipped, not refused."""

    unmatched: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.rows

    @property
    def matched(self) -> list[dict]:
        return self.planned

    def refuse(self, row: int, column: str, message: str) -> None:
        super().refuse(row, column, message)
        self.invalid.append(_refusal(row, self.errors[-1][1], message))

    def refuse_unmatched(self, row: int, column: str, message: str) -> None:
        super().refuse(row, column, message)
        self.unmatched.append(_refusal(row, self.errors[-1][1], message))

    @property
    def blocking(self) -> int:
        """The rows refused (a row with two bad cells counts once)."""
        return len({row for row, _, _ in self.errors})

    @property
    def matched_amount(self) -> int:
        return sum(r["amount"] for r in self.planned)

    def as_dict(self) -> dict:
        """For the import job's stored report (JSON)."""
        return {
            "total": self.rows,
            "matched": self.planned,
            "unmatched": self.unmatched,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "invalid_rows": len({r["row"] for r in self.invalid}),
            "skipped": self.skipped,
            "created": self.created,
            "errors": [list(e) for e in self.errors[:500]],
            "ignored": self.ignored,
            "mapped": self.mapped,
            "blocking": self.blocking,
            "matched_amount": self.matched_amount,
        }


def _refusal(row: int, column: str, reason: str) -> dict:
    return {"row": row, "column": column, "reason": reason, "message": f"Dòng {row}: {reason}"}


class PortalImportRefused(DomainError):
    def __init__(self, report: PortalReport):
        super().__init__(f"Tệp có {report.blocking} dòng chưa khớp hoặc không hợp lệ; chưa ghi dòng nào.", field="file")
        self.report = report


def _month(value, label: str) -> date:
    if hasattr(value, "year") and hasattr(value, "month"):
        return date(value.year, value.month, 1)
    text = clean_text(value)
    m = MONTH_RE.match(text)
    if not m or not 1 <= int(m[1]) <= 12:
        raise ValueError(f"«{label}» phải ghi tháng/năm, ví dụ 03/2026 (đang là «{text}»)")
    return date(int(m[2]), int(m[1]), 1)


def _amount(value) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and value > 0:
            return int(value)
    else:
        text = re.sub(r"[\s.,]|đ$|đồng$|vnđ$", "", clean_text(value).lower())
        if text.isdigit() and int(text) > 0:
            return int(text)
    raise ValueError(f"«{HEADER['amount']}» phải là số tiền lớn hơn 0 (đang là «{value}»)")


def _card(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value).strip() if value is not None else ""


def _fold_status(value) -> str:
    return fold(clean_text(value)).strip() if value is not None else ""


def check(
    path: str | Path, *, actor, filename: str | None = None, today: date | None = None, progress=None
) -> PortalReport:
    """The dry run: read and match every row, write nothing. `progress(done)` is called every
    PROGRESS_EVERY rows read (the background job's progress, dues.tasks). A file that cannot be
    read in the layout (columns missing, not an XLSX/CSV) is refused whole (DomainError)."""
    today = today or policy.today()
    report = PortalReport()
    table = read(report, path, layout=LAYOUT, actor=actor, filename=filename)
    if table is None:
        raise DomainError(report.errors[0][2], field="file")

    def row_fn(row: Row, cells: RowCleaner) -> tuple | None:
        if progress is not None and report.rows % PROGRESS_EVERY == 0:
            progress(report.rows)
        v, n = row.values, row.number
        if _fold_status(v.get("status")) not in SUCCESS:
            report.skipped.append(
                {
                    "row": n,
                    "message": f"Dòng {n}: giao dịch «{clean_text(v['status'])}», không phải «Thành công», bỏ qua",
                }
            )
            return None
        txid = cells.take(
            "transaction_id",
            lambda: clean_text(v.get("transaction_id")),
            "",
            missing=f"thiếu «{HEADER['transaction_id']}»",
        )
        card = _card(v.get("party_card_number"))
        cid = cells.take("citizen_id", lambda: parse_citizen_id(v.get("citizen_id")), "")
        if not card and not cid and not cells.refused("citizen_id"):
            cells.refuse(IDS, "cần «Số thẻ đảng viên» hoặc «Số CCCD»")
        first = cells.take("from_month", lambda: _month(v.get("from_month"), HEADER["from_month"]))
        last = first
        if v.get("to_month") not in (None, ""):
            last = cells.take("to_month", lambda: _month(v["to_month"], HEADER["to_month"]))
        if first and last and last < first:
            cells.refuse("to_month", "«Đến tháng» trước «Từ tháng»")
        amount = cells.take("amount", lambda: _amount(v.get("amount")))
        paid_on = cells.take(
            "paid_on", lambda: parse_full_date(v.get("paid_on"), today=today), missing=f"thiếu «{HEADER['paid_on']}»"
        )
        if paid_on is not None and paid_on > today:
            cells.refuse("paid_on", "«Ngày nộp» sau ngày hôm nay")
        return (n, txid, card, cid, first, last, amount, paid_on, clean_text(v.get("payer_name") or ""))

    rows: list[tuple] = []
    check_rows(report, table, row_fn, into=rows)
    _match(rows, report, actor)
    return report


def _match(rows, report: PortalReport, actor) -> None:
    cards = {r[2] for r in rows if r[2]}
    cids = {r[3] for r in rows if r[3]}
    scope = policy.for_user(Member, actor, "view")
    found = list(
        scope.filter(Q(party_card_number__in=cards) | Q(citizen_id__in=cids)).values_list(
            "pk", "full_name", "party_card_number", "citizen_id"
        )
    )
    by_card = {c: (pk, name) for pk, name, c, _ in found if c}
    by_cid = {c: (pk, name) for pk, name, _, c in found if c}
    known = set(
        DuesPayment.objects.filter(channel=Channel.PORTAL, receipt_no__in=[r[1] for r in rows]).values_list(
            "receipt_no", flat=True
        )
    )
    seen: dict[str, int] = {}
    for n, txid, card, cid, first, last, amount, paid_on, payer in rows:
        if txid in known:
            report.duplicates.append({"row": n, "message": f"Dòng {n}: giao dịch {txid} đã được ghi trước đây"})
            continue
        if txid in seen:
            report.duplicates.append(
                {"row": n, "message": f"Dòng {n}: trùng mã giao dịch {txid} với dòng {seen[txid]}"}
            )
            continue
        seen[txid] = n
        a, b = by_card.get(card) if card else None, by_cid.get(cid) if cid else None
        if a and b and a[0] != b[0]:
            report.refuse_unmatched(n, IDS, "số thẻ đảng viên và số CCCD là của hai đảng viên khác nhau")
            continue
        hit = a or b
        if hit is None:
            what = f"số thẻ {card}" if card else "số CCCD đã ghi"
            report.refuse_unmatched(
                n,
                "party_card_number" if card else "citizen_id",
                f"không tìm thấy đảng viên có {what}" + (f" ({payer})" if payer else ""),
            )
            continue
        report.planned.append(
            {
                "row": n,
                "member_id": hit[0],
                "name": hit[1],
                "transaction_id": txid,
                "from_month": first.isoformat(),
                "to_month": last.isoformat(),
                "amount": amount,
                "paid_on": paid_on.isoformat(),
            }
        )


def apply(
    path: str | Path, *, actor, filename: str | None = None, today: date | None = None, progress=None
) -> PortalReport:
    """Check, then record every matched row in one transaction (pipeline.apply_all_or_none: one
    audit entry for the file); refused (PortalImportRefused, nothing written) while a row is
    unmatched or invalid, or when the services refuse a row (its row and column in the report);
    duplicates are skipped. `progress` follows the reading (`check`): what the transaction
    writes is seen by the polling page only once committed."""
    report = check(path, actor=actor, filename=filename, today=today, progress=progress)
    if report.blocking:
        raise PortalImportRefused(report)
    members = Member.objects.in_bulk([r["member_id"] for r in report.planned])

    def write(r: dict) -> None:
        services.payment_record(
            actor=actor,
            member=members[r["member_id"]],
            data=services.PaymentInput(
                from_month=date.fromisoformat(r["from_month"]),
                to_month=date.fromisoformat(r["to_month"]),
                amount=r["amount"],
                paid_on=date.fromisoformat(r["paid_on"]),
                channel=Channel.PORTAL,
                receipt_no=r["transaction_id"],
                note="Nhập từ Cổng Dịch vụ công Quốc gia",
            ),
        )

    apply_all_or_none(
        report,
        path=path,
        filename=filename,
        actor=actor,
        write=write,
        field_columns=SERVICE_COLUMNS,
        action="dues.portal_import",
        summary=f"Nhập {len(report.planned)} khoản nộp đảng phí từ Cổng Dịch vụ công "
        f"({len(report.duplicates)} dòng trùng bỏ qua)",
        details={"created": len(report.planned), "duplicates": len(report.duplicates)},
    )
    if not report.applied:
        raise PortalImportRefused(report)
    return report


def build_template() -> bytes:
    """The template: the documented layout with two example rows, and a guide sheet."""
    examples = [
        [
            "DVC2026030100001",
            "Nguyễn Văn An",
            "01.234567",
            "001085001234",
            "03/2026",
            "05/2026",
            300000,
            "05/03/2026",
            "Thành công",
        ],
        ["DVC2026030100002", "Trần Thị Bình", "", "001185004321", "03/2026", "", 30000, "06/03/2026", "Thành công"],
    ]
    return template_bytes(
        LAYOUT,
        title="Giao dịch",
        examples=examples,
        text_fields=("transaction_id", "party_card_number", "citizen_id", "from_month", "to_month", "paid_on"),
        guide=("required", "note", "aliases"),
        guide_widths={"A": 24, "C": 60, "D": 50},
    )
