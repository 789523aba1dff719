"""Import of dues payments exported from the National Public Service Portal (Cổng Dịch vụ công
Quốc gia), issue #21 item 2. The file is read by the import app's readers (imports.parse: XLSX
streamed, CSV sniffed, legacy encodings, header aliases); this module only defines the layout and
what a row means. One row is one successful portal transaction:

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
recorded, or twice in the file), invalid (a value that cannot be read). Apply writes the matched
rows in one transaction through `services.payment_record` (allocation per month covered,
adjusting entries for closed months), skips duplicates (re-importing a file writes nothing new),
and refuses the whole file (nothing written) while a row is unmatched or invalid.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from openpyxl import Workbook

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.spreadsheet import workbook_bytes
from dangbo.core.text import fold
from dangbo.dues import services
from dangbo.dues.models import Channel, DuesPayment
from dangbo.imports.normalize import clean_text, parse_citizen_id, parse_full_date
from dangbo.imports.parse import Layout, open_table
from dangbo.members.models import Member

COLUMNS = [
    ("transaction_id", "Mã giao dịch", ("Mã hồ sơ", "Mã thanh toán", "Số giao dịch", "Mã biên lai")),
    ("payer_name", "Họ và tên người nộp", ("Họ và tên", "Họ tên", "Người nộp", "Tên người nộp")),
    ("party_card_number", "Số thẻ đảng viên", ("Số thẻ", "Số thẻ Đảng", "Số thẻ ĐV")),
    ("citizen_id", "Số CCCD", ("CCCD", "Số căn cước công dân", "Số định danh cá nhân", "Số định danh")),
    ("from_month", "Từ tháng", ("Kỳ nộp từ tháng", "Tháng bắt đầu")),
    ("to_month", "Đến tháng", ("Kỳ nộp đến tháng", "Tháng kết thúc")),
    ("amount", "Số tiền (đồng)", ("Số tiền", "Số tiền nộp", "Số tiền (VNĐ)", "Số tiền thanh toán")),
    ("paid_on", "Ngày nộp", ("Ngày giao dịch", "Ngày thanh toán", "Thời gian thanh toán")),
    ("status", "Trạng thái", ("Trạng thái giao dịch", "Kết quả")),
]
PORTAL = Layout(
    "dues_portal",
    COLUMNS,
    ("transaction_id", "from_month", "amount", "paid_on"),
    (("party_card_number", "citizen_id", "Số thẻ đảng viên / Số CCCD"),),
)
HEADER = {name: header for name, header, _ in COLUMNS}
PROGRESS_EVERY = 500  # rows read between two progress reports of a background import (dues.tasks)
SUCCESS = {"thanh cong", "da thanh toan", "success", ""}
MONTH_RE = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{4})$")


@dataclass
class PortalReport:
    total: int = 0
    matched: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    created: int = 0

    @property
    def blocking(self) -> int:
        return len(self.unmatched) + len(self.invalid)

    @property
    def matched_amount(self) -> int:
        return sum(r["amount"] for r in self.matched)

    def as_dict(self) -> dict:
        return {**asdict(self), "blocking": self.blocking, "matched_amount": self.matched_amount}


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
    PROGRESS_EVERY rows read (the background job's progress, dues.tasks)."""
    today = today or policy.today()
    report = PortalReport()
    rows = []
    for row in open_table(path, filename=filename, layout=PORTAL):
        report.total += 1
        if progress is not None and report.total % PROGRESS_EVERY == 0:
            progress(report.total)
        v, n = row.values, row.number
        if _fold_status(v.get("status")) not in SUCCESS:
            report.skipped.append(
                {
                    "row": n,
                    "message": f"Dòng {n}: giao dịch «{clean_text(v['status'])}», không phải «Thành công», bỏ qua",
                }
            )
            continue
        try:
            txid = clean_text(v.get("transaction_id"))
            if not txid:
                raise ValueError(f"thiếu «{HEADER['transaction_id']}»")
            card = _card(v.get("party_card_number"))
            cid = parse_citizen_id(v.get("citizen_id"))
            if not card and not cid:
                raise ValueError("cần «Số thẻ đảng viên» hoặc «Số CCCD»")
            first = _month(v.get("from_month"), HEADER["from_month"])
            last = _month(v["to_month"], HEADER["to_month"]) if v.get("to_month") not in (None, "") else first
            if last < first:
                raise ValueError("«Đến tháng» trước «Từ tháng»")
            amount = _amount(v.get("amount"))
            paid_on = parse_full_date(v.get("paid_on"), today=today)
            if paid_on is None:
                raise ValueError(f"thiếu «{HEADER['paid_on']}»")
            if paid_on > today:
                raise ValueError("«Ngày nộp» sau ngày hôm nay")
        except ValueError as exc:
            report.invalid.append({"row": n, "message": f"Dòng {n}: {exc}"})
            continue
        rows.append((n, txid, card, cid, first, last, amount, paid_on, clean_text(v.get("payer_name") or "")))
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
            report.unmatched.append(
                {"row": n, "message": f"Dòng {n}: số thẻ đảng viên và số CCCD là của hai đảng viên khác nhau"}
            )
            continue
        hit = a or b
        if hit is None:
            what = f"số thẻ {card}" if card else "số CCCD đã ghi"
            report.unmatched.append(
                {
                    "row": n,
                    "message": f"Dòng {n}: không tìm thấy đảng viên có {what}" + (f" ({payer})" if payer else ""),
                }
            )
            continue
        report.matched.append(
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
    """Check, then record every matched row in one transaction; refused (nothing written) while a
    row is unmatched or invalid; duplicates are skipped. `progress` follows the reading (`check`):
    what the transaction writes is seen by the polling page only once committed."""
    report = check(path, actor=actor, filename=filename, today=today, progress=progress)
    if report.blocking:
        raise PortalImportRefused(report)
    members = Member.objects.in_bulk([r["member_id"] for r in report.matched])
    with transaction.atomic():
        for r in report.matched:
            try:
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
            except DomainError as exc:
                raise DomainError(f"Dòng {r['row']}: {exc}; chưa ghi dòng nào.", field="file") from exc
            report.created += 1
        audit_record(
            actor=actor,
            action="dues.portal_import",
            object_type="dues.portal_file",
            object_id=Path(filename or str(path)).name[:100],
            summary=f"Nhập {report.created} khoản nộp đảng phí từ Cổng Dịch vụ công "
            f"({len(report.duplicates)} dòng trùng bỏ qua)",
            after={"created": report.created, "duplicates": len(report.duplicates)},
        )
    return report


def build_template() -> bytes:
    """An example export in the documented layout (two rows)."""
    rows = [
        ["STT", *[h for _, h, _ in COLUMNS]],
        [
            1,
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
        [2, "DVC2026030100002", "Trần Thị Bình", "", "001185004321", "03/2026", "", 30000, "06/03/2026", "Thành công"],
    ]
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    return workbook_bytes(wb)
