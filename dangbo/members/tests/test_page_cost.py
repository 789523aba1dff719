"""What one request of the member list and profile pages costs must not grow with the data: the
number of SQL queries is the same for 5 or 50 rows (no query per row), the template's work per row
is a few plain lookups (members.selectors.member_list_rows: no model attribute, method or
`{% url %}` per cell), and the profile's queries do not grow with the member's events or with the
letters in transit elsewhere. bench/page_cost.py measures the same on a large synthetic province."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.db import connection
from django.template import base as template_base
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangbo.access import policy
from dangbo.members.services import EventInput, member_record_event
from dangbo.members.transfers import LetterInput, transfer_issue
from tests.factories import MemberFactory

SYSTEM = policy.SYSTEM.named("kiểm thử")
URL = "/dang-vien/"


def admit(cell, name):
    return MemberFactory(actor=SYSTEM, cell=cell, full_name=name, decision_number="1-QĐ")


@contextmanager
def template_work():
    """Counts the template variables resolved and the attribute/key steps they took."""
    seen = {"variables": 0, "steps": 0}
    original = template_base.Variable._resolve_lookup

    def counting(self, context):
        seen["variables"] += 1
        seen["steps"] += len(self.lookups or ())
        return original(self, context)

    template_base.Variable._resolve_lookup = counting
    try:
        yield seen
    finally:
        template_base.Variable._resolve_lookup = original


def cost(client, url):
    client.get(url)  # warm: templates compiled, scope and count cached
    with CaptureQueriesContext(connection) as queries, template_work() as work:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), work


@pytest.mark.django_db
def test_the_member_list_costs_the_same_queries_and_a_few_lookups_per_row(client, officer, tree):
    for i in range(5):
        admit(tree["cell_a1"], f"Đảng Viên {i:02d}")
    client.force_login(officer)
    few_queries, few = cost(client, URL)
    for i in range(5, 50):
        admit(tree["cell_a1" if i % 2 else "cell_b1"], f"Đảng Viên {i:02d}")
    many_queries, many = cost(client, URL)
    # session, stamps, page, spans, organization names; the user, the list count and the navbar's
    # count come from caches (PostgreSQL: the test's own transaction drew the stamps, so nothing
    # is cached under them: the user, the counts, the scope are read again)
    # (SQLite: 5 when the file runs alone; after some other modules in the same xdist worker one
    # more query is read on both views, a per-process state not yet found, issue 17: the ceiling
    # allows it, the equality of the two views is what catches a per-row query)
    # (PostgreSQL + 2: the page's planner setting set and restored, core.db.index_order)
    assert many_queries == few_queries <= (6 if connection.vendor == "sqlite" else 14)
    per_row_variables = (many["variables"] - few["variables"]) / 45
    per_row_steps = (many["steps"] - few["steps"]) / 45
    # the rows are escaped into HTML in one pass (members.views.member_rows_html): no template
    # variable per row (it was about 12: href, name, birth, sex, ethnicity, status (3), badges...)
    assert per_row_variables == 0, per_row_variables
    assert per_row_steps == 0, per_row_steps


@pytest.mark.django_db
def test_a_deep_keyset_page_costs_what_the_first_page_costs(client, officer, tree):
    people = [admit(tree["cell_a1"], f"Đảng Viên {i:03d}") for i in range(60)]
    client.force_login(officer)
    first, _ = cost(client, URL)
    deep, _ = cost(client, f"{URL}?sau={people[5].pk}")
    assert deep <= first + 1  # + the name of the member the page starts after


@pytest.mark.django_db
def test_the_profile_queries_do_not_grow_with_events_or_letters_elsewhere(client, officer, tree):
    member = admit(tree["cell_a1"], "Nguyễn Văn Hồ Sơ")
    client.force_login(officer)
    url = f"{URL}{member.pk}/"
    before, _ = cost(client, url)
    member_record_event(
        actor=SYSTEM,
        member=member,
        data=EventInput(
            type="full_recognition", on=date(2021, 1, 20), decision_number="2-QĐ", decision_date=date(2021, 1, 20)
        ),
    )
    today = timezone.localdate()
    for i in range(5):  # other members in transit: the profile does not read their spans
        other = admit(tree["cell_b1"], f"Người Chuyển {i}")
        transfer_issue(
            actor=SYSTEM,
            member=other,
            data=LetterInput(on=today - timedelta(days=2), letter_number=f"{i}-GGT", to_org=tree["commune_a"]),
        )
    after, _ = cost(client, url)
    # Not more after the events and the letters elsewhere (what the test is about). The first
    # measurement can count one read more than the steady state (in some orders of the full
    # suite the first profile view after the fixtures refills a per-process cache): never fewer.
    assert after <= before


@pytest.mark.django_db
def test_the_profile_reads_the_home_organization_and_the_events_once(client, officer, tree, settings):
    # as deployed: the audited read is staged (audit_pendingread, a write that leaves the request's
    # memo and stamps valid: core.stamps.unstamped_write)
    settings.AUDIT_READS_STAGED = True
    member = admit(tree["cell_a1"], "Nguyễn Văn Một Lần")
    member_record_event(
        actor=SYSTEM,
        member=member,
        data=EventInput(
            type="full_recognition", on=date(2021, 1, 20), decision_number="2-QĐ", decision_date=date(2021, 1, 20)
        ),
    )
    client.force_login(officer)
    url = f"{URL}{member.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and "Nguyễn Văn Một Lần" in response.text
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len([s for s in sql if s.startswith('SELECT "members_member"."current_org_id"')]) == 1, sql
    assert len([s for s in sql if 'FROM "members_memberevent"' in s]) == 1, sql
    assert len([s for s in sql if "FROM core_datastamp" in s]) <= 1, sql  # not again after the audit's write


def test_the_rows_html_escapes_every_value_and_shows_the_badges():
    from dangbo.members.views import member_rows_html

    row = {
        "id": 1,
        "href": "/dang-vien/1/",
        "name": "<b>Tên</b>",
        "birth": "1985",
        "sex": "Nam",
        "ethnicity": "Kinh & Tày",
        "status": "full",
        "status_label": "Chính thức",
        "exempt": True,
        "in_transfer": True,
        "org": 'Chi bộ "A"',
        "citizen_id": "0010****1234",
    }
    html = member_rows_html([row, {**row, "status": "", "exempt": False, "in_transfer": False}])
    assert "&lt;b&gt;Tên&lt;/b&gt;" in html and "<b>" not in html
    assert "Kinh &amp; Tày" in html and "Chi bộ &quot;A&quot;" in html
    assert html.count('<span class="status status-full">Chính thức</span>') == 1
    assert html.count("miễn sinh hoạt") == 1 and html.count("đang chuyển đi") == 1
    assert html.count("<tr>") == 2 and '<a href="/dang-vien/1/" class="fw-semibold">' in html
