"""What an export contains: the rows of a member list or of the indicator overview, read through
the same selectors as the screens (so the same scope)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice

from django.db.models import QuerySet

from dangbo.access import policy
from dangbo.access.policy import can
from dangbo.core.sheets import Column, Sheet
from dangbo.exports.models import ExportJob
from dangbo.members.models import Member, Sex, Status
from dangbo.members.selectors import MemberFilters, member_list, member_spans_on
from dangbo.orgs.selectors import org_labels_on
from dangbo.reports.indicators import DIMENSIONS, IndicatorContext, compute_all

CHUNK = 2000
MEMBER_COLUMNS = [
    Column("STT", 6, "int"),
    Column("Họ và tên", 28),
    Column("Ngày sinh", 12, "date"),
    Column("Năm sinh", 9),
    Column("Giới tính", 9),
    Column("Dân tộc", 12),
    Column("Tôn giáo", 12),
    Column("Quê quán", 24),
    Column("Số CCCD", 15, "id"),
    Column("Số thẻ đảng viên", 16, "id"),
    Column("Tổ chức đảng", 34),
    Column("Trạng thái", 22),
    Column("Ngày vào Đảng", 13, "date"),
    Column("Ngày chính thức", 13, "date"),
]
INDICATOR_COLUMNS = [
    Column("Mã", 16),
    Column("Chỉ số", 48),
    Column("Loại", 14),
    Column("Giá trị", 12, "int"),
    Column("Đơn vị", 12),
    Column("Tỷ lệ / ghi chú", 30),
]
MEMBER_TITLE = "Danh sách đảng viên đến ngày {at:%d/%m/%Y}"
SEX = dict(Sex.choices)
STATUS = dict(Status.choices)


def member_rows(*, actor, at: date, filters: MemberFilters) -> Iterator[tuple]:
    """One row per member of the list as the screen shows it (scope, filters, order); citizen
    IDs masked unless `actor` has "view_personal" on the member's organization on `at`."""
    qs = member_list(actor=actor, at=at, filters=filters)
    n = 0
    # A server-side cursor on PostgreSQL (batches of CHUNK on SQLite): the ids are not all held.
    ids = qs.values_list("pk", flat=True).iterator(chunk_size=CHUNK)
    while chunk := list(islice(ids, CHUNK)):
        members = {m.pk: m for m in Member.objects.filter(pk__in=chunk)}
        spans = member_spans_on(member_ids=chunk, at=at)
        names = org_labels_on(keys=[(s.org_id, at) for s in spans.values()])
        personal: dict[int, bool] = {}
        for pk in chunk:
            m = members[pk]
            span = spans.get(pk)
            org_id = span.org_id if span else m.current_org_id
            if org_id not in personal:
                personal[org_id] = org_id is not None and can(actor, "view_personal", org_id)
            n += 1
            yield (
                n,
                m.full_name,
                m.birth_date,
                m.birth_year,
                SEX.get(m.sex, ""),
                m.ethnicity_label,
                m.religion_label,
                m.hometown,
                (m.citizen_id or "") if personal[org_id] else m.masked_citizen_id,
                m.party_card_number or "",
                names.get((span.org_id, at), "") if span else "",
                STATUS.get(span.status, "") if span else "",
                m.admitted_on,
                m.full_on,
            )


def member_count(*, actor, at: date, filters: MemberFilters) -> int:
    return member_list(actor=actor, at=at, filters=filters).count()


def member_sheet(*, actor, at: date, filters: MemberFilters) -> Sheet:
    return Sheet(MEMBER_TITLE.format(at=at), MEMBER_COLUMNS, member_rows(actor=actor, at=at, filters=filters))


def indicator_rows(ctx: IndicatorContext) -> Iterator[tuple]:
    for result in compute_all(ctx):
        ind = result.indicator
        yield (
            ind.code,
            ind.name,
            ind.kind_label,
            result.value,
            ind.unit,
            result.percent or ("" if result.value is not None else result.text),
        )
        for dim, cells in result.breakdowns.items():
            for c in cells:
                if c.value:
                    yield ("", f"    {DIMENSIONS.get(dim, dim)}: {c.label}", "", c.value, ind.unit, "")


def indicator_sheet(ctx: IndicatorContext) -> Sheet:
    area = ctx.area.name if ctx.area and getattr(ctx.area, "name", "") else ""
    title = f"Chỉ số tổ chức, đảng viên {area} đến ngày {ctx.at:%d/%m/%Y} (kỳ {ctx.start:%d/%m/%Y}–{ctx.end:%d/%m/%Y})"
    return Sheet(title.replace("  ", " "), INDICATOR_COLUMNS, indicator_rows(ctx))


# An export job holds a file of personal data: its requester's only (the system sees all).
policy.owned_by(ExportJob, field="requester")


def export_job_get_or_404(*, actor, pk: int) -> ExportJob:
    return policy.get_in_scope_or_404(ExportJob, actor, pk)


def export_jobs_of(*, actor) -> QuerySet:
    return policy.for_user(ExportJob, actor)
