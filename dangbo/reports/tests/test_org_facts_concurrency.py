"""Two transactions recording events of two members of the same cell at once leave its
per-organization summaries (reports.orgfacts) exactly as a rebuild would. `refresh_orgs` deletes
and re-inserts the cell's rows; what keeps the second writer from leaving its rows beside the first
one's is that every write to a registry table renews the "registry" data stamp (core.stamps, a
statement trigger upserting one row): the second writer waits on that row until the first commits,
and its later statements see what the first committed (READ COMMITTED). This test fails if a
member write path ever recomputes the summaries before its first stamped write, or without it.
PostgreSQL only (SQLite has one writer at a time, so the race cannot happen there)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from dangbo.members.models import EventType as E
from dangbo.reports import orgfacts
from dangbo.reports.models import OrgCountSpan, OrgDueSpan
from dangbo.reports.tests.conftest import _admit, _record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serializes writers"),
]


def test_two_writers_in_one_cell_leave_its_summaries_as_a_rebuild_would(merger_registry, system_user):
    cell = merger_registry["orgs"]["c1"]
    one = _admit(system_user, cell, "Hà Văn Một", decided=date(2024, 3, 4), ceremony=date(2024, 3, 18))
    two = _admit(system_user, cell, "Hà Văn Hai", decided=date(2024, 3, 4), ceremony=date(2024, 3, 18))
    first_wrote = threading.Event()
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                _record(system_user, one, E.DEATH, date(2025, 10, 6))
                first_wrote.set()
                time.sleep(1.5)  # still uncommitted while the second writer recomputes the cell
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            first_wrote.set()
            connections.close_all()

    def second():
        try:
            first_wrote.wait(30)
            _record(system_user, two, E.DEATH, date(2025, 11, 3))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert orgfacts.stale_orgs() == []
    # and no two of the cell's ranges overlap (the second writer did not leave its rows beside the
    # first one's)
    for model in (OrgCountSpan, OrgDueSpan):
        rows = list(model.objects.filter(org_id=cell.pk).order_by("valid_from").values_list("valid_from", "valid_to"))
        assert rows, model.__name__
        for (_, to), (nxt, _) in zip(rows, rows[1:], strict=False):
            assert to is not None and to < nxt, (model.__name__, rows)
