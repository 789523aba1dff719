"""The cadre list for export (XLSX/CSV through the one export page, /xuat/danh-sach/can-bo/):
exactly the rows the cadre list screen shows for the same query string (scope, filters, order),
with the titles held and the managing organization's name on the list's date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice

from django.db.models import Q
from django.http import HttpRequest

from dangbo.access import policy
from dangbo.cadres.forms import CadreFilterForm
from dangbo.cadres.models import Cadre, PositionHolding, Sex
from dangbo.cadres.selectors import CadreFilters, cadre_list
from dangbo.core.list_exports import ListExport, Prepared, register
from dangbo.core.sheets import Column, Sheet
from dangbo.orgs.selectors import org_names_on_or_latest

CHUNK = 2000
COLUMNS = [
    Column("STT", 6, "int"),
    Column("Họ và tên", 28),
    Column("Ngày sinh", 12, "date"),
    Column("Tuổi", 7, "int"),
    Column("Giới tính", 9),
    Column("Dân tộc", 12),
    Column("Chức vụ đang giữ", 40),
    Column("Đơn vị quản lý", 32),
    Column("Diện quản lý", 20),
    Column("Trình độ chuyên môn", 24),
    Column("Lý luận chính trị", 16),
    Column("Quản lý nhà nước", 16),
]
TITLE = "Danh sách cán bộ đến ngày {at:%d/%m/%Y}"
SEX = dict(Sex.choices)


def age_on(birth: date, at: date) -> int:
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def _titles_on(cadre_ids: list[int], at: date) -> dict[int, list[str]]:
    held: dict[int, list[str]] = {}
    rows = (
        PositionHolding.objects.filter(cadre_id__in=cadre_ids, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .order_by("cadre_id", "valid_from", "id")
        .values_list("cadre_id", "title__name")
    )
    for cadre_id, name in rows:
        held.setdefault(cadre_id, []).append(name)
    return held


def cadre_rows(*, actor, filters: CadreFilters) -> Iterator[tuple]:
    """One row per cadre of the list as the screen shows it; the ids are read in chunks."""
    at = filters.at or policy.today()
    ids = cadre_list(actor=actor, filters=filters).values_list("pk", flat=True).iterator(chunk_size=CHUNK)
    n = 0
    while chunk := list(islice(ids, CHUNK)):
        cadres = Cadre.objects.in_bulk(chunk)
        titles = _titles_on(chunk, at)
        orgs = org_names_on_or_latest(org_ids={c.managing_org_id for c in cadres.values()}, at=at)
        for pk in chunk:
            c = cadres[pk]
            n += 1
            yield (
                n,
                c.full_name,
                c.birth_date,
                age_on(c.birth_date, at),
                SEX.get(c.sex, ""),
                c.ethnicity,
                "; ".join(titles.get(pk, [])),
                orgs.get(c.managing_org_id, ""),
                c.management_class,
                c.qualification,
                c.theory_level,
                c.state_management_level,
            )


def prepare(request: HttpRequest) -> Prepared:
    """The cadre list screen's filters from the query string, read as the screen reads them (an
    invalid filter is ignored there, with its message, and here too)."""
    form = CadreFilterForm(request.GET or None, actor=request.user)
    filters = form.filters() if form.is_bound and form.is_valid() else CadreFilters()
    at = filters.at or policy.today()
    stated = {k: v for k, v in filters.__dict__.items() if v not in (None, "") and k != "at"} | {"at": at.isoformat()}
    return Prepared(
        build=lambda: Sheet(TITLE.format(at=at), COLUMNS, cadre_rows(actor=request.user, filters=filters)),
        filters=stated,
    )


register("can-bo", ListExport(what="cadres.list", title="Xuất danh sách cán bộ", prepare=prepare))
