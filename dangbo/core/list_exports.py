"""The lists a feature app offers for export through the one export page (purpose, watermark,
audit: dangbo.exports). A feature app on the same layer as `exports` (cadres, …) may not import
it, so it registers its list here, in its `AppConfig.ready`, and the export page looks it up by
its URL slug: /xuat/danh-sach/<slug>/.

`prepare(request)` reads the screen's own filters from the query string and applies the screen's
scope: it raises Http404 for an organization outside the actor's scope (as the screen does) and
returns a `Prepared` whose `build()` yields the `Sheet` only when the file is written (after the
purpose is given)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dangbo.core.sheets import Sheet


@dataclass(frozen=True)
class Prepared:
    build: Callable[[], Sheet]
    org_id: int | None = None
    filters: dict = field(default_factory=dict)  # as stated in the audit entry


@dataclass(frozen=True)
class ListExport:
    what: str  # the audited export kind, e.g. "cadres.list"
    title: str  # the export page's heading
    prepare: Callable[..., Prepared]  # prepare(request) -> Prepared


_LISTS: dict[str, ListExport] = {}


def register(slug: str, export: ListExport) -> None:
    _LISTS[slug] = export


def lookup(slug: str) -> ListExport | None:
    return _LISTS.get(slug)
