"""The national e-handbook (Sổ tay đảng viên điện tử, Quy định 339-QĐ/TW): import of its account
and usage export, and the R-043 coverage "registered and accessed" per organization as of a date.

The export layout (CSV or XLSX, one row per account; headers in Vietnamese, aliases accepted):

    Số thẻ đảng viên | Số CCCD | Họ và tên | Ngày đăng ký | Ngày truy cập lần đầu | Ngày truy cập gần nhất

A row is matched to a member by party card number, else by citizen ID (one of the two is
required), among the members the officer may record. The account itself is the model the member
import's «Sổ tay điện tử» column already opens (`reports.HandbookAccount`, opened through
`reports.services.handbook_account_register`, audited); the access dates and their source go to
`HandbookUsage`. `handbook_import(..., dry_run=True)` reads and checks every row and writes nothing;
the apply writes all rows in one transaction, or nothing when any row is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.imports import normalize as N
from dangbo.imports.parse import FileFormatError, Layout, open_table
from dangbo.meetings.models import HandbookUsage
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.reports.models import HandbookAccount
from dangbo.reports.services import handbook_account_register

LAYOUT = Layout(
    "handbook",
    [
        ("party_card_number", "Số thẻ đảng viên", ("Số thẻ", "Số thẻ Đảng", "Số thẻ ĐV")),
        ("citizen_id", "Số CCCD", ("CCCD", "Số định danh cá nhân", "Số định danh", "Số căn cước công dân")),
        ("full_name", "Họ và tên", ("Họ tên", "Tên đảng viên")),
        ("registered_on", "Ngày đăng ký", ("Ngày tạo tài khoản", "Ngày kích hoạt", "Ngày đăng ký tài khoản")),
        ("first_access_on", "Ngày truy cập lần đầu", ("Truy cập lần đầu", "Ngày đăng nhập đầu tiên")),
        (
            "last_access_on",
            "Ngày truy cập gần nhất",
            ("Truy cập gần nhất", "Ngày đăng nhập gần nhất", "Lần truy cập cuối"),
        ),
    ],
    ("registered_on",),
    (("party_card_number", "citizen_id", "Số thẻ đảng viên / Số CCCD"),),
)
HEADERS = LAYOUT.template_headers
PROGRESS_EVERY = 500  # rows between two progress reports of a background import (meetings.tasks)
SOURCE = "Sổ tay đảng viên điện tử (tệp xuất của ứng dụng quốc gia)"


@dataclass
class HandbookReport:
    rows: int = 0
    matched: int = 0
    opened: int = 0  # accounts opened by this import
    usage: int = 0  # members whose access dates were written
    refusals: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, reason)
    written: bool = False

    @property
    def refused(self) -> int:
        return len(self.refusals)

    def as_dict(self) -> dict:
        """For the import job's stored report (JSON)."""
        return {
            "rows": self.rows,
            "matched": self.matched,
            "opened": self.opened,
            "usage": self.usage,
            "refused": self.refused,
            "refusals": [list(r) for r in self.refusals[:500]],
            "written": self.written,
        }


@dataclass
class _Line:
    number: int
    member: Member
    registered_on: date
    first: date | None
    last: date | None


def _date(row, name: str, today: date, report: HandbookReport) -> date | None:
    try:
        return N.parse_full_date(row.values.get(name), today=today)
    except ValueError as exc:
        report.refusals.append((row.number, LAYOUT.header_of[name], str(exc)))
        raise


def _read(path, *, actor, filename, today: date, report: HandbookReport, progress=None) -> list[_Line]:
    try:
        table = open_table(path, filename=filename, layout=LAYOUT)
    except FileFormatError as exc:
        raise DomainError(str(exc), field="file") from None
    rows = list(table)
    cards = {N.clean_text(r.values.get("party_card_number")) for r in rows} - {""}
    cids = set()
    for r in rows:
        try:
            cid = N.parse_citizen_id(r.values.get("citizen_id"))
        except ValueError:
            continue
        if cid:
            cids.add(cid)
    visible = policy.for_user(Member, actor, "record").filter(Q(party_card_number__in=cards) | Q(citizen_id__in=cids))
    by_card, by_cid = {}, {}
    for m in visible:
        if m.party_card_number:
            by_card[m.party_card_number] = m
        if m.citizen_id:
            by_cid[m.citizen_id] = m
    lines: list[_Line] = []
    seen: dict[int, int] = {}
    for r in rows:
        report.rows += 1
        if progress is not None and report.rows % PROGRESS_EVERY == 0:
            progress(report.rows, len(rows))
        card = N.clean_text(r.values.get("party_card_number"))
        try:
            cid = N.parse_citizen_id(r.values.get("citizen_id"))
        except ValueError as exc:
            report.refusals.append((r.number, "Số CCCD", str(exc)))
            continue
        member = by_card.get(card) if card else None
        if member is None and cid:
            member = by_cid.get(cid)
        if member is None:
            what = f"số thẻ {card}" if card else f"số CCCD {cid}" if cid else ""
            report.refusals.append(
                (
                    r.number,
                    "Số thẻ đảng viên / Số CCCD",
                    policy.not_found(f"đảng viên có {what}.") if what else "Thiếu số thẻ đảng viên và số CCCD.",
                )
            )
            continue
        if member.pk in seen:
            report.refusals.append(
                (
                    r.number,
                    "Số thẻ đảng viên / Số CCCD",
                    f"Đảng viên {member.full_name} đã có ở dòng {seen[member.pk]}.",
                )
            )
            continue
        try:
            registered = _date(r, "registered_on", today, report)
            first = _date(r, "first_access_on", today, report)
            last = _date(r, "last_access_on", today, report)
        except ValueError:
            continue
        if registered is None:
            report.refusals.append((r.number, "Ngày đăng ký", "Thiếu ngày đăng ký tài khoản."))
            continue
        if first and first < registered:
            report.refusals.append((r.number, "Ngày truy cập lần đầu", "Ngày truy cập lần đầu trước ngày đăng ký."))
            continue
        if last and first and last < first:
            report.refusals.append(
                (r.number, "Ngày truy cập gần nhất", "Ngày truy cập gần nhất trước ngày truy cập lần đầu.")
            )
            continue
        if last and not first:
            first = last if last >= registered else None
        seen[member.pk] = r.number
        report.matched += 1
        lines.append(_Line(r.number, member, registered, first, last))
    return lines


def handbook_import(
    path: str | Path,
    *,
    actor,
    filename: str | None = None,
    dry_run: bool = True,
    today: date | None = None,
    progress=None,
) -> HandbookReport:
    """Read the e-handbook export and check every row; unless `dry_run`, write it (all or nothing).
    `progress(done, total)` is called every PROGRESS_EVERY rows read, then written."""
    policy.require(actor, "record", message="Bạn không có quyền nhập dữ liệu.", field="file")
    today = today or policy.today()
    report = HandbookReport()
    lines = _read(path, actor=actor, filename=filename, today=today, report=report, progress=progress)
    accounts = dict(
        HandbookAccount.objects.filter(member_id__in=[ln.member.pk for ln in lines]).values_list(
            "member_id", "closed_on"
        )
    )
    report.opened = sum(1 for ln in lines if ln.member.pk not in accounts or accounts[ln.member.pk] is not None)
    report.usage = sum(1 for ln in lines if ln.first or ln.last)
    if dry_run:
        return report
    if report.refusals:
        raise DomainError(
            f"Tệp có {report.refused} dòng bị từ chối; chưa ghi gì. Sửa các dòng đó rồi nhập lại.", field="file"
        )
    with transaction.atomic():
        for i, ln in enumerate(lines, 1):
            if ln.member.pk not in accounts or accounts[ln.member.pk] is not None:
                handbook_account_register(actor=actor, member=ln.member, on=ln.registered_on)
            if progress is not None and i % PROGRESS_EVERY == 0:
                progress(i, len(lines))
        existing = {u.member_id: u for u in HandbookUsage.objects.filter(member_id__in=[ln.member.pk for ln in lines])}
        new, changed = [], []
        for ln in lines:
            if not (ln.first or ln.last):
                continue
            u = existing.get(ln.member.pk)
            if u is None:
                new.append(
                    HandbookUsage(member=ln.member, first_access_on=ln.first, last_access_on=ln.last, source=SOURCE)
                )
                continue
            u.first_access_on = min(d for d in (u.first_access_on, ln.first) if d) if ln.first else u.first_access_on
            u.last_access_on = max(d for d in (u.last_access_on, ln.last) if d) if ln.last else u.last_access_on
            u.source = SOURCE
            changed.append(u)
        HandbookUsage.objects.bulk_create(new)
        HandbookUsage.objects.bulk_update(changed, ["first_access_on", "last_access_on", "source"])
        audit_record(
            actor=actor,
            action="meetings.handbook_import",
            obj=None,
            org_id=None,
            summary=f"Nhập dữ liệu Sổ tay đảng viên điện tử: {report.matched} tài khoản, "
            f"{report.opened} mở mới, {report.usage} có ngày truy cập",
            after={
                "rows": report.rows,
                "matched": report.matched,
                "opened": report.opened,
                "usage": report.usage,
                "file": filename or Path(path).name,
            },
        )
    report.written = True
    return report


# --- R-043 coverage -------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    accessed: int  # registered and accessed on or before the date
    registered: int  # with an open account on the date
    base: int  # active members (less the exempt ones when `exclude_exempt`)
    exclude_exempt: bool

    @property
    def pct(self) -> float | None:
        return None if not self.base else 100 * self.accessed / self.base

    @property
    def base_label(self) -> str:
        return "đảng viên (trừ đảng viên được miễn sinh hoạt)" if self.exclude_exempt else "tổng số đảng viên"

    @property
    def label(self) -> str:
        return coverage_label(self.accessed, self.base)


def coverage_label(part: int, whole: int) -> str:
    """«51.602/57.012 (90,5%)»: Vietnamese thousands dot and decimal comma."""
    if not whole:
        return f"{part}/0"
    pct = f"{100 * part / whole:.1f}".replace(".", ",")
    return f"{part:,}/{whole:,}".replace(",", ".") + f" ({pct}%)"


def coverage(*, actor, org_id: int, on: date, exclude_exempt: bool = False) -> Coverage:
    """R-043 for `org_id`'s subtree as of `on`: members registered in the e-handbook AND having
    accessed it (first access on or before `on`) over the active members on `on`."""
    policy.get_org_or_404(actor, org_id)
    root = OrgVersion.objects.valid_on(on).filter(org_id=org_id).values_list("path", flat=True).first()
    sub = Subquery(OrgVersion.objects.filter(path__startswith=root or "\x00none").values("org_id"))
    return coverage_of(subtree=sub, on=on, exclude_exempt=exclude_exempt)


def coverage_of(*, subtree, on: date, exclude_exempt: bool = False) -> Coverage:
    """The coverage of the organizations `subtree` (ids or a subquery), no scope check: one
    aggregate query (base, registered, accessed), whatever the size of the subtree."""
    spans = MembershipSpan.objects.valid_on(on).filter(status__in=ACTIVE_STATUSES, org_id__in=subtree)
    if exclude_exempt:
        spans = spans.filter(exempt=False)
    has_open = Exists(HandbookAccount.objects.open_on(on).filter(member_id=OuterRef("member_id")))
    accessed = Exists(HandbookUsage.objects.filter(member_id=OuterRef("member_id"), first_access_on__lte=on))
    n = spans.aggregate(
        base=Count("member_id", distinct=True),
        registered=Count("member_id", distinct=True, filter=Q(has_open)),
        accessed=Count("member_id", distinct=True, filter=Q(has_open) & Q(accessed)),
    )
    return Coverage(n["accessed"], n["registered"], n["base"], exclude_exempt)


@dataclass(frozen=True)
class CoverageRow:
    org_id: int
    name: str
    coverage: Coverage
    direct: bool = False  # the members directly in the organization asked for (not in a child)


def coverage_by_org(
    *, actor, org_id: int, on: date, exclude_exempt: bool = False
) -> tuple[Coverage, list[CoverageRow]]:
    """R-043 of `org_id`'s subtree as of `on`, in total and per organization directly below it
    (and its own members, if any): three queries whatever the size of the subtree — the versions
    of the subtree on the day, then one grouped aggregate of the spans per organization."""
    policy.get_org_or_404(actor, org_id)
    root = OrgVersion.objects.valid_on(on).filter(org_id=org_id).values_list("path", flat=True).first()
    if root is None:
        return Coverage(0, 0, 0, exclude_exempt), []
    versions = list(
        OrgVersion.objects.valid_on(on).filter(path__startswith=root).values_list("org_id", "path", "name", "parent_id")
    )
    child_of: dict[int, int] = {}
    names: dict[int, str] = {}
    for oid, path, name, parent in versions:
        rest = path[len(root) :].strip("/").split("/")
        child_of[oid] = int(rest[0]) if rest and rest[0].isdigit() else org_id
        if parent == org_id or oid == org_id:
            names[oid] = name
    spans = MembershipSpan.objects.valid_on(on).filter(status__in=ACTIVE_STATUSES, org_id__in=[v[0] for v in versions])
    if exclude_exempt:
        spans = spans.filter(exempt=False)
    has_open = Exists(HandbookAccount.objects.open_on(on).filter(member_id=OuterRef("member_id")))
    accessed = Exists(HandbookUsage.objects.filter(member_id=OuterRef("member_id"), first_access_on__lte=on))
    sums: dict[int, list[int]] = {}
    for r in (
        spans.order_by()
        .values("org_id")
        .annotate(
            base=Count("member_id", distinct=True),
            registered=Count("member_id", distinct=True, filter=Q(has_open)),
            accessed=Count("member_id", distinct=True, filter=Q(has_open) & Q(accessed)),
        )
    ):
        acc = sums.setdefault(child_of.get(r["org_id"], org_id), [0, 0, 0])
        acc[0] += r["accessed"]
        acc[1] += r["registered"]
        acc[2] += r["base"]
    total = Coverage(*(sum(v[i] for v in sums.values()) for i in range(3)), exclude_exempt)
    rows = [
        CoverageRow(oid, names.get(oid, ""), Coverage(*sums.get(oid, [0, 0, 0]), exclude_exempt))
        for oid in sorted((o for o in names if o != org_id), key=lambda o: names[o])
    ]
    if org_id in sums:
        rows.insert(0, CoverageRow(org_id, names.get(org_id, ""), Coverage(*sums[org_id], exclude_exempt), True))
    return total, rows
