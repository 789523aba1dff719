"""Deadlines of plan tasks (R-130): pure functions, no database.

A task's deadline is one of:

- ``date``      a calendar date ("30/6/2023", "Tháng 6/2023", "Năm 2025" = 31/12/2025);
- ``quarter``   a quarter of a year ("Quý II/2022" = due 30/06/2022);
- ``recurring`` every month / quarter / year ("Hằng năm"): each period needs a report by its end;
- ``regular``   "Thường xuyên": a report at least once every ``REGULAR_EVERY_MONTHS`` months
                (default 3 = once a quarter; UNVERIFIED, configurable with PLANS_REGULAR_EVERY_MONTHS);
- ``relative``  "3 tháng sau khi có hướng dẫn của Trung ương": not due until document X is
                registered; then due X's date + the offset;
- ``none``      no computable deadline ("Theo nhiệm kỳ"): shown as text, never late.

What "late" means for each kind is in `deadline_status`: date/quarter/relative — the due date has
passed without a "done" report; recurring/regular — a period that has ended has no report dated in it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangbo.core.dates import add_months
from dangbo.core.text import fold, nfc

DATE = "date"
QUARTER = "quarter"
RECURRING = "recurring"
REGULAR = "regular"
RELATIVE = "relative"
NONE = "none"

KIND_LABELS = {
    DATE: "Ngày cụ thể",
    QUARTER: "Theo quý",
    RECURRING: "Định kỳ",
    REGULAR: "Thường xuyên",
    RELATIVE: "Sau khi có văn bản",
    NONE: "Không xác định",
}
MONTHLY, QUARTERLY, YEARLY = "monthly", "quarterly", "yearly"
RECURRENCE_MONTHS = {MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}
RECURRENCE_LABELS = {MONTHLY: "Hằng tháng", QUARTERLY: "Hằng quý", YEARLY: "Hằng năm"}
REGULAR_EVERY_MONTHS = 3  # UNVERIFIED default: "thường xuyên" = at least one report per quarter
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# Document types, shared with models.DocumentType (the codes only).
DOC_TYPE_WORDS = [
    ("huong dan", "huong_dan"),
    ("quy che", "quy_dinh"),
    ("quy dinh", "quy_dinh"),
    ("nghi quyet", "nghi_quyet"),
    ("chi thi", "chi_thi"),
    ("ket luan", "ket_luan"),
    ("ke hoach", "ke_hoach"),
    ("thong bao", "thong_bao"),
]
ISSUER_WORDS = ["trung uong", "bo chinh tri", "ban bi thu", "tinh uy", "thanh uy", "huyen uy", "dang uy"]


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str = NONE
    due: date | None = None  # DATE (and QUARTER: last day of the quarter)
    recurrence: str = ""  # RECURRING: monthly / quarterly / yearly
    months: int = 0  # RELATIVE: offset after the anchor document's date
    days: int = 0
    anchor: date | None = None  # RELATIVE: date of the document X once registered
    anchor_type: str = ""  # RELATIVE: expected document type code ("huong_dan")
    anchor_issuer: str = ""  # RELATIVE: folded issuer words ("trung uong")
    text: str = ""  # the original wording

    @property
    def label(self) -> str:
        return deadline_label(self)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the report for this period is due on `end`

    @property
    def key(self) -> str:
        return self.end.isoformat()


@dataclass(frozen=True)
class Report:
    """What deadline_status needs of a progress report."""

    on: date
    percent: int = 0
    done: bool = False


@dataclass(frozen=True)
class DeadlineStatus:
    due: date | None  # the next (or the missed) due date; None = not due
    late: bool
    state: str  # "done", "late", "pending", "waiting" (relative, X missing), "open" (no deadline)
    missing: tuple[Period, ...] = field(default_factory=tuple)  # ended periods without a report

    @property
    def label(self) -> str:
        return {
            "done": "Hoàn thành",
            "late": "Trễ hạn",
            "pending": "Trong hạn",
            "waiting": "Chưa đến hạn (chờ văn bản)",
            "open": "Không có hạn",
        }[self.state]


# --- parsing ----------------------------------------------------------------------------------

_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_QUARTER_RE = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*(\d{4})")
_MONTH_RE = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam)\s*(\d{4})")
_YEAR_RE = re.compile(r"^(?:trong\s+)?nam\s+(\d{4})$")
_RELATIVE_RE = re.compile(r"(\d{1,3})\s*(thang|ngay|nam)\s+(?:sau\s+)?(?:ke\s+tu\s+|khi\s+|sau\s+khi\s+)")


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str) -> DeadlineSpec:
    """Read the "Thời gian" wording of a plan (seed 003) into a DeadlineSpec.

    Raises ValueError with a Vietnamese message for an impossible date ("31/02/2023")."""
    raw = nfc(text)
    f = fold(raw).strip(" .;")
    if not f:
        return DeadlineSpec(NONE, text=raw)
    if "thuong xuyen" in f:
        return DeadlineSpec(REGULAR, text=raw)
    for words, rec in (("thang", MONTHLY), ("quy", QUARTERLY), ("nam", YEARLY)):
        if re.search(rf"\b(hang|hàng)\s+{words}\b", f) or f in {f"moi {words}", f"dinh ky {words}"}:
            return DeadlineSpec(RECURRING, recurrence=rec, text=raw)
    m = _RELATIVE_RE.search(f) or re.search(
        r"sau\s+(\d{1,3})\s*(thang|ngay|nam)\s+(?:ke\s+tu\s+|khi\s+|sau\s+khi\s+)", f
    )
    if m:
        n, unit = int(m.group(1)), m.group(2)
        rest = f[m.end() :]
        anchor_type = next((code for words, code in DOC_TYPE_WORDS if words in rest), "")
        issuer = next((w for w in ISSUER_WORDS if w in rest), "")
        months = n if unit == "thang" else n * 12 if unit == "nam" else 0
        return DeadlineSpec(
            RELATIVE,
            months=months,
            days=n if unit == "ngay" else 0,
            anchor_type=anchor_type,
            anchor_issuer=issuer,
            text=raw,
        )
    m = _QUARTER_RE.search(f)
    if m:
        return DeadlineSpec(QUARTER, due=quarter_end(int(m.group(2)), ROMAN[m.group(1)]), text=raw)
    m = _DATE_RE.search(f)
    if m:
        d, mo, y = (int(x) for x in m.groups())
        try:
            return DeadlineSpec(DATE, due=date(y, mo, d), text=raw)
        except ValueError as exc:
            raise ValueError(f"Ngày không hợp lệ trong thời hạn “{raw}”.") from exc
    m = _MONTH_RE.search(f)
    if m:
        mo, y = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"Tháng không hợp lệ trong thời hạn “{raw}”.")
        return DeadlineSpec(DATE, due=date(y, mo, calendar.monthrange(y, mo)[1]), text=raw)
    m = _YEAR_RE.search(f)
    if m:
        return DeadlineSpec(DATE, due=date(int(m.group(1)), 12, 31), text=raw)
    return DeadlineSpec(NONE, text=raw)


# --- computing --------------------------------------------------------------------------------


def relative_due(spec: DeadlineSpec) -> date | None:
    if spec.anchor is None:
        return None
    return add_months(spec.anchor, spec.months) + timedelta(days=spec.days)


def periods(*, every_months: int, start: date, until: date) -> list[Period]:
    """Calendar-aligned periods of `every_months` months (1, 3, 12) from the one containing `start`
    to the one containing `until`."""
    month0 = ((start.month - 1) // every_months) * every_months + 1 if every_months <= 12 else 1
    if every_months == 12:
        month0 = 1
    cursor = date(start.year, month0, 1)
    out: list[Period] = []
    while cursor <= until:
        nxt = add_months(cursor, every_months)
        out.append(Period(cursor, nxt - timedelta(days=1)))
        cursor = nxt
    return out


def _every_months(spec: DeadlineSpec, regular_every_months: int) -> int:
    if spec.kind == REGULAR:
        return regular_every_months
    return RECURRENCE_MONTHS[spec.recurrence or YEARLY]


def deadline_status(
    spec: DeadlineSpec,
    *,
    as_of: date,
    start: date,
    reports: list[Report] | tuple[Report, ...] = (),
    regular_every_months: int = REGULAR_EVERY_MONTHS,
) -> DeadlineStatus:
    """The state of one implementing body's task on `as_of`, from its own reports.

    `start` is when the task began (the plan's date): periods of recurring/regular tasks count
    from it."""
    reports = [r for r in reports if r.on <= as_of]
    done = any(r.done for r in reports)
    if spec.kind in (DATE, QUARTER, RELATIVE):
        due = relative_due(spec) if spec.kind == RELATIVE else spec.due
        if due is None:
            return DeadlineStatus(None, False, "waiting")
        if done:
            return DeadlineStatus(due, False, "done")
        if as_of > due:
            return DeadlineStatus(due, True, "late", (Period(start, due),))
        return DeadlineStatus(due, False, "pending")
    if spec.kind in (RECURRING, REGULAR):
        every = _every_months(spec, regular_every_months)
        all_periods = periods(every_months=every, start=start, until=as_of)
        missing = tuple(
            p for p in all_periods if p.end < as_of and not any(max(p.start, start) <= r.on <= p.end for r in reports)
        )
        current = all_periods[-1] if all_periods else None
        if missing:
            return DeadlineStatus(missing[0].end, True, "late", missing)
        return DeadlineStatus(current.end if current else None, False, "pending")
    if done:
        return DeadlineStatus(None, False, "done")
    return DeadlineStatus(None, False, "open")


def deadline_label(spec: DeadlineSpec) -> str:
    if spec.kind == DATE and spec.due:
        return f"{spec.due:%d/%m/%Y}"
    if spec.kind == QUARTER and spec.due:
        q = (spec.due.month - 1) // 3
        return f"Quý {['I', 'II', 'III', 'IV'][q]}/{spec.due.year}"
    if spec.kind == RECURRING:
        return RECURRENCE_LABELS.get(spec.recurrence, "Định kỳ")
    if spec.kind == REGULAR:
        return "Thường xuyên"
    if spec.kind == RELATIVE:
        due = relative_due(spec)
        base = spec.text or "Sau khi có văn bản"
        return f"{base} (hạn {due:%d/%m/%Y})" if due else base
    return spec.text or "—"
