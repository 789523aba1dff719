from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from dangbo.core.text import fold
from dangbo.members.lifecycle import Profile, replay
from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.synth.builder import SynthError, synth_build

TODAY = date(2026, 3, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def built(db):
    return synth_build(members=2000, scale="province", seed=7, today=TODAY)


def test_it_builds_a_province_tree_in_the_national_proportions(built):
    assert built.counts["provinces"] == 1
    types = Counter(OrgVersion.objects.values_list("org_type", flat=True))
    assert types["provincial_party_org"] == 1
    assert types["commune_party_org"] >= 1
    cells = types["grassroots_cell"] + types["subordinate_cell"]
    assert cells == built.counts["cells"] >= 10  # ~ 500 * 270 000 / 5 300 000 = 25 cells
    assert OrgVersion.objects.filter(path__startswith="/").count() == built.organizations


def test_members_have_vietnamese_names_with_diacritics_and_ten_years_of_events(built):
    assert Member.objects.count() == 2000
    names = list(Member.objects.values_list("full_name", "name_folded"))
    assert all(unicodedata.normalize("NFC", full) == full for full, _ in names)
    assert all(folded == fold(full) for full, folded in names)
    assert sum(1 for full, folded in names if full != folded and full.lower() != folded) > 1600
    types = Counter(MemberEvent.objects.values_list("type", flat=True))
    assert types["official_transfer_in"] >= 1500  # the stock on 01/01/2016 and the arrivals
    assert types["admission_decision"] >= 320
    assert types["full_recognition"] >= 160
    assert types["death"] >= 1 and types["official_transfer_out"] >= 40
    years = {d.year for d in MemberEvent.objects.values_list("on", flat=True)}
    assert set(range(2016, 2026)) <= years
    assert Member.objects.filter(current_status__in=("du_bi", "chinh_thuc")).count() > 1600
    assert len(set(Member.objects.values_list("citizen_id", flat=True))) == 2000
    assert {m.birth_year for m in Member.objects.all()} and all(
        b.year == y for b, y in Member.objects.values_list("birth_date", "birth_year")
    )
    assert len(set(Member.objects.values_list("ethnicity", flat=True))) >= 5


def test_yearly_rates_are_plausible(built):
    """Per year 2017-2025, as a share of the members active on 1 January (spans as of that day):
    admissions ~3 %, deaths ~1,5 %, transfers out ~2 %, name removals ~0,1 %."""
    by_year = Counter((t, d.year) for t, d in MemberEvent.objects.values_list("type", "on"))
    for year in range(2017, 2026):
        active = MembershipSpan.objects.valid_on(date(year, 1, 1)).active().count()
        assert active > 1400
        assert 0.015 < by_year[("admission_decision", year)] / active < 0.05, year
        assert 0.005 < by_year[("death", year)] / active < 0.03, year  # ~1,5 %: an aged stock (admitted since 1965)
        assert 0.01 < by_year[("official_transfer_out", year)] / active < 0.035, year
        assert by_year[("name_removal", year)] / active < 0.005, year


def test_the_tree_has_its_levels(built):
    depth = {
        t: set()
        for t in (
            "provincial_party_org",
            "commune_party_org",
            "grassroots_cell",
            "grassroots_party_committee_org",
            "subordinate_cell",
        )
    }
    for org_type, d, path, parent in OrgVersion.objects.values_list("org_type", "depth", "path", "parent_id"):
        depth[org_type].add(d)
        assert path.count("/") - 2 == d and (parent is None) == (d == 0)
    assert depth == {
        "provincial_party_org": {0},
        "commune_party_org": {1},
        "grassroots_cell": {2},
        "grassroots_party_committee_org": {2},
        "subordinate_cell": {3},
    }
    # members only in cells
    cell_ids = set(
        OrgVersion.objects.filter(org_type__in=("grassroots_cell", "subordinate_cell")).values_list("org_id", flat=True)
    )
    assert set(MembershipSpan.objects.values_list("org_id", flat=True)) <= cell_ids


def test_every_member_replays_cleanly_to_the_stored_spans(built):
    """Every member's events go through members.lifecycle.replay (the rules) without a violation
    and give back the spans and dates the loader wrote."""
    for member in Member.objects.all():
        events = list(member.events.order_by("on", "id"))
        timeline = replay(events, Profile(member.birth_date, member.birth_year, member.general_education))
        expected = [
            (s.facts.org_id, s.facts.status, s.facts.in_transfer, s.valid_from, s.valid_to)
            for s in timeline.spans
            if s.facts.org_id is not None
        ]
        stored = list(
            MembershipSpan.objects.filter(member=member)
            .order_by("valid_from")
            .values_list("org_id", "status", "in_transfer", "valid_from", "valid_to")
        )
        assert stored == expected, member.full_name
        assert member.admitted_on == timeline.admitted_on and member.full_on == timeline.full_on


def test_a_second_build_in_the_same_database_is_refused(built):
    with pytest.raises(SynthError):
        synth_build(members=10, seed=7, today=TODAY)
    assert Member.objects.count() == 2000


@pytest.mark.django_db
def test_national_scale_is_refused_on_sqlite_with_a_vietnamese_message(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with pytest.raises(SynthError, match="chỉ tạo được trên PostgreSQL"):
        synth_build(members=100, scale="national", seed=7, today=TODAY)
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_national_scale_on_postgresql_has_34_provinces(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    r = synth_build(members=400, scale="national", seed=7, today=TODAY)
    assert r.counts["provinces"] == 34 == OrgVersion.objects.filter(org_type="provincial_party_org").count()
    provinces_with_members = {p for p in Member.objects.values_list("citizen_id", flat=True)}
    assert len({cid[:3] for cid in provinces_with_members}) > 25  # citizen IDs carry the province code


@pytest.mark.django_db
def test_a_deferred_index_load_restores_every_index_constraint_and_trigger(db):
    """Large PostgreSQL loads drop the member tables' secondary indexes, constraints and user
    triggers and rebuild them: the schema afterwards is exactly the migrated one."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    def schema():
        with connection.cursor() as c:
            c.execute("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'members_%' ORDER BY 1")
            indexes = c.fetchall()
            c.execute(
                "SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                "WHERE conrelid::regclass::text LIKE 'members_%' ORDER BY 1"
            )
            constraints = c.fetchall()
            c.execute(
                "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid::regclass::text LIKE 'members_%' "
                "AND NOT tgisinternal ORDER BY 1"
            )
            return indexes, constraints, c.fetchall()

    before = schema()
    messages = []
    synth_build(members=300, scale="province", seed=7, today=TODAY, defer_indexes=True, log=messages.append)
    assert any("dropped" in m for m in messages)
    assert schema() == before
    from dangbo.search.models import NameWord

    assert NameWord.objects.filter(word="nguyen").exists()  # the vocabulary, filled after the load


def test_the_command_prints_what_it_built(db, capsys):
    call_command("synth", "--members", "60")
    out = capsys.readouterr().out
    assert "Đã tạo 60 đảng viên" in out
