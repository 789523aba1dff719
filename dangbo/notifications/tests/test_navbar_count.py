"""The navbar's unread count is cached per process and user under the "notifications" and "scope"
data stamps (selectors.navbar_unread_count): a repeated page reads no count, yet a new notification,
a read mark or a scope change shows at the next page.

Transactional tests: on PostgreSQL nothing is cached under a stamp the test's own uncommitted
transaction drew, so only committed data shows the cache at work on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.access.models import RoleAssignment
from dangbo.notifications import selectors
from dangbo.notifications.models import Notification
from dangbo.notifications.services import mark_read, notify

pytestmark = pytest.mark.django_db(transaction=True)
BADGE = 'id="so-chua-doc">'


@pytest.fixture(autouse=True)
def _empty_cache():
    selectors._count_cache.clear()
    yield
    selectors._count_cache.clear()


def page(client):
    """The unread badge of a page (0: none shown), and the count queries the page ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("access:account"))
    assert response.status_code == 200
    text = response.text
    counts = [q for q in ctx.captured_queries if "COUNT(*)" in q["sql"] and "notifications_notification" in q["sql"]]
    n = int(text.split(BADGE, 1)[1].split("<", 1)[0]) if BADGE in text else 0
    return n, len(counts)


def test_a_repeated_page_reads_no_count_and_a_new_notification_shows_at_the_next_page(client, commune_officer, tree):
    notify(kind="test", key="a", message="Một", user=commune_officer)
    client.force_login(commune_officer)
    assert page(client) == (1, 1)
    assert page(client) == (1, 0)  # cached
    notify(kind="test", key="b", message="Hai", user=commune_officer)
    assert page(client) == (2, 1)
    notify(kind="test", key="c", message="Ba", org_id=tree["cell_a1"].pk)  # an organization's, in scope
    assert page(client) == (3, 1)


def test_a_read_mark_lowers_the_count_at_the_next_page(client, commune_officer):
    note = notify(kind="test", key="a", message="Một", user=commune_officer)
    notify(kind="test", key="b", message="Hai", user=commune_officer)
    client.force_login(commune_officer)
    assert page(client) == (2, 1)
    mark_read(actor=commune_officer, note=note)
    assert page(client) == (1, 1)
    Notification.objects.all().delete()
    assert page(client) == (0, 1)


def test_a_scope_change_shows_the_organizations_notifications_at_the_next_page(client, outsider, tree):
    notify(kind="test", key="a", message="Chi bộ thôn 1 chậm", org_id=tree["cell_a1"].pk)
    client.force_login(outsider)
    assert page(client) == (0, 1)
    assert page(client) == (0, 0)
    assignment = RoleAssignment.objects.get(user=outsider)
    assignment.org = tree["commune_a"]
    assignment.save()
    assert page(client)[0] == 1


def test_two_users_never_share_a_count(client, commune_officer, outsider, tree):
    from django.test import Client

    notify(kind="test", key="a", message="Một", user=commune_officer)
    other = Client()
    client.force_login(commune_officer)
    other.force_login(outsider)
    assert page(client)[0] == 1 and page(other)[0] == 0
    assert page(client) == (1, 0) and page(other) == (0, 0)


def test_marking_all_read_empties_the_count_at_the_next_page(client, commune_officer):
    # mark_all_read inserts with ignore_conflicts (SQLite: INSERT OR IGNORE, which the stamp
    # trigger's own statement inherits): the stamp must be renewed all the same
    from dangbo.notifications.services import mark_all_read

    notify(kind="test", key="a", message="Một", user=commune_officer)
    client.force_login(commune_officer)
    assert page(client) == (1, 1)
    assert page(client) == (1, 0)
    mark_all_read(actor=commune_officer)
    assert page(client) == (0, 1)
