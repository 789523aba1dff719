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

A kind of the import pipeline (dangbo/imports/pipeline.py): the layout is declared as Fields, the
file read by its reader (XLSX streamed, CSV sniffed, headers in the legacy TCVN3/VNI fonts, without
accents or as aliases, the header under a title line, the officer's saved column mappings; columns
no field takes listed as ignored), the rows cleaned with RowCleaner, the report a SheetReport
(every refusal by row and column header), the template written by its template writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.imports import normalize as N
from dangbo.imports.parse import Row
from dangbo.imports.pipeline import Field, Layout, RowCleaner, SheetReport, check_rows, read, template_bytes
from dangbo.meetings.models import HandbookUsage
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.reports.models import HandbookAccount
from dangbo.reports.services import handbook_account_register

IDS = "Số thẻ đảng viên / Số CCCD"
FIELDS = [
    Field(
        "party_card_number",
        "Số thẻ đảng viên",
        ("Số thẻ", "Số thẻ Đảng", "Số thẻ ĐV"),
        note="Tìm đảng viên theo số thẻ; nếu không có, theo Số CCCD.",
    ),
    Field(
        "citizen_id",
        "Số CCCD",
        ("CCCD", "Số định danh cá nhân", "Số định danh", "Số căn cước công dân"),
        note="Đủ 12 chữ số; định dạng cột là Văn bản để giữ số 0 ở đầu.",
    ),
    Field("full_name", "Họ và tên", ("Họ tên", "Tên đảng viên"), note="Chỉ để đối chiếu."),
    Field(
        "registered_on",
        "Ngày đăng ký",
        ("Ngày tạo tài khoản", "Ngày kích hoạt", "Ngày đăng ký tài khoản"),
        True,
        "ngày/tháng/năm tài khoản được tạo.",
    ),
    Field(
        "first_access_on",
        "Ngày truy cập lần đầu",
        ("Truy cập lần đầu", "Ngày đăng nhập đầu tiên"),
        note="ngày/tháng/năm; để trống nếu chưa truy cập.",
    ),
    Field(
        "last_access_on",
        "Ngày truy cập gần nhất",
        ("Truy cập gần nhất", "Ngày đăng nhập gần nhất", "Lần truy cập cuối"),
        note="ngày/tháng/năm.",
    ),
]
# "handbook_usage": the saved column mappings of this export, apart from the member e-handbook
# account file of imports.handbook (kind "handbook")
LAYOUT = Layout.of("handbook_usage", FIELDS, one_of=(("party_card_number", "citizen_id", IDS),))
HEADERS = LAYOUT.template_headers
PROGRESS_EVERY = 500  # rows between two progress reports of a background import (meetings.tasks)
SOURCE = "Sổ tay đảng viên điện tử (tệp xuất của ứng dụng quốc gia)"


@dataclass
class _Line:
    number: int
    member: Member
    registered_on: date
    first: date | None
    last: date | None


@dataclass
class HandbookReport(SheetReport):
    """The dry run of an e-handbook export (pipeline.SheetReport): `planned` are the rows matched
    to a member (`_Line`s), `errors` every refusal (row, column header, reason)."""

    opened: int = 0  # accounts opened by this import
    usage: int = 0  # members whose access dates were written

    @property
    def matched(self) -> int:
        return len(self.planned)

    @property
    def refusals(self) -> list[tuple[int, str, str]]:
        return self.errors

    @property
    def refused(self) -> int:
        return len(self.errors)

    @property
    def written(self) -> bool:
        return self.applied

    def as_dict(self) -> dict:
        """For the import job's stored report (JSON)."""
        return {
            "rows": self.rows,
            "matched": self.matched,
            "opened": self.opened,
            "usage": self.usage,
            "refused": self.refused,
            "refusals": [list(r) for r in self.errors[:500]],
            "written": self.written,
            "ignored": self.ignored,
            "mapped": self.mapped,
        }


def template_xlsx() -> bytes:
    """The export's layout as a template, with an example row and a guide sheet."""
    return template_bytes(
        LAYOUT,
        title="Sổ tay điện tử",
        examples=[["12.345678", "001080001234", "Nguyễn Văn Mẫu", "01/06/2023", "02/06/2023", "09/12/2023"]],
        text_fields=("party_card_number", "citizen_id", "registered_on", "first_access_on", "last_access_on"),
        guide=("required", "note", "aliases"),
        guide_widths={"A": 26, "C": 60, "D": 50},
    )


def _read(path, *, actor, filename, today: date, report: HandbookReport, progress=None) -> list[_Line]:
    """The rows cleaned (pipeline.check_rows), then matched to the members the actor may record
    (one query for the file) and checked for a member given twice."""
    table = read(report, path, layout=LAYOUT, actor=actor, filename=filename)
    if table is None:
        raise DomainError(report.errors[0][2], field="file")

    def row_fn(row: Row, cells: RowCleaner) -> tuple | None:
        if progress is not None and report.rows % PROGRESS_EVERY == 0:
            progress(report.rows, None)
        v = row.values
        card = N.clean_text(v.get("party_card_number"))
        cid = cells.take("citizen_id", lambda: N.parse_citizen_id(v.get("citizen_id")))
        if cells.errors:
            return None
        if not card and not cid:
            cells.refuse(IDS, "Thiếu số thẻ đảng viên và số CCCD.")
            return None
        registered = cells.take(
            "registered_on",
            lambda: N.parse_full_date(v.get("registered_on"), today=today),
            missing="Thiếu ngày đăng ký tài khoản.",
        )
        first = cells.take("first_access_on", lambda: N.parse_full_date(v.get("first_access_on"), today=today))
        last = cells.take("last_access_on", lambda: N.parse_full_date(v.get("last_access_on"), today=today))
        if cells.errors:
            return None
        if first and first < registered:
            cells.refuse("first_access_on", "Ngày truy cập lần đầu trước ngày đăng ký.")
        elif last and first and last < first:
            cells.refuse("last_access_on", "Ngày truy cập gần nhất trước ngày truy cập lần đầu.")
        if last and not first:
            first = last if last >= registered else None
        return row.number, card, cid, registered, first, last

    parsed: list[tuple] = []
    check_rows(report, table, row_fn, into=parsed)
    cards = {p[1] for p in parsed} - {""}
    cids = {p[2] for p in parsed} - {"", None}
    visible = policy.for_user(Member, actor, "record").filter(Q(party_card_number__in=cards) | Q(citizen_id__in=cids))
    by_card, by_cid = {}, {}
    for m in visible:
        if m.party_card_number:
            by_card[m.party_card_number] = m
        if m.citizen_id:
            by_cid[m.citizen_id] = m
    seen: dict[int, int] = {}
    for number, card, cid, registered, first, last in parsed:
        member = by_card.get(card) if card else None
        if member is None and cid:
            member = by_cid.get(cid)
        if member is None:
            what = f"số thẻ {card}" if card else f"số CCCD {cid}"
            report.refuse(number, IDS, policy.not_found(f"đảng viên có {what}."))
            continue
        if member.pk in seen:
            report.refuse(number, IDS, f"Đảng viên {member.full_name} đã có ở dòng {seen[member.pk]}.")
            continue
        seen[member.pk] = number
        report.planned.append(_Line(number, member, registered, first, last))
    report.errors.sort(key=lambda e: e[0])  # the file's order (cells first, then matching)
    return report.planned


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
    `progress(done, total)` is called every PROGRESS_EVERY rows read (the file is streamed: no
    total yet, None), then written."""
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
    report.applied = True
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
