from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from dangbo.members.lifecycle import Profile, replay
from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.orgs.models import OrgVersion
from dangbo.synth.builder import SynthError, synth_build

TODAY = date(2026, 3, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def built(db):
    return synth_build(members=500, scale="province", seed=7, today=TODAY)


def test_it_builds_a_province_tree_in_the_national_proportions(built):
    assert built.counts["provinces"] == 1
    types = Counter(OrgVersion.objects.values_list("org_type", flat=True))
    assert types["provincial_party_org"] == 1
    assert types["commune_party_org"] >= 1
    cells = types["grassroots_cell"] + types["subordinate_cell"]
    assert cells == built.counts["cells"] >= 10  # ~ 500 * 270 000 / 5 300 000 = 25 cells
    assert OrgVersion.objects.filter(path__startswith="/").count() == built.organizations


def test_members_have_vietnamese_names_with_diacritics_and_ten_years_of_events(built):
    assert Member.objects.count() == 500
    names = list(Member.objects.values_list("full_name", "name_folded"))
    assert sum(1 for full, folded in names if full != folded and full.lower() != folded) > 400
    types = Counter(MemberEvent.objects.values_list("type", flat=True))
    assert types["official_transfer_in"] >= 380  # the stock on 01/01/2016 and the arrivals
    assert types["admission_decision"] >= 80
    assert types["full_recognition"] >= 40
    assert types["death"] >= 1 and types["official_transfer_out"] >= 10
    years = {d.year for d in MemberEvent.objects.values_list("on", flat=True)}
    assert set(range(2016, 2026)) <= years
    assert Member.objects.filter(current_status__in=("du_bi", "chinh_thuc")).count() > 400
    assert len(set(Member.objects.values_list("citizen_id", flat=True))) == 500


def test_replay_of_a_sample_equals_the_stored_spans(built):
    ids = sorted(Member.objects.values_list("pk", flat=True))
    sample = random.Random(1).sample(ids, 120)
    for member in Member.objects.filter(pk__in=sample):
        events = list(member.events.order_by("on", "id"))
        timeline = replay(events, Profile(member.birth_date, member.birth_year, member.general_education))
        expected = [(s.facts.org_id, s.facts.status, s.facts.in_transfer, s.valid_from, s.valid_to)
                    for s in timeline.spans if s.facts.org_id is not None]
        stored = list(MembershipSpan.objects.filter(member=member).order_by("valid_from")
                      .values_list("org_id", "status", "in_transfer", "valid_from", "valid_to"))
        assert stored == expected, member.full_name
        assert member.admitted_on == timeline.admitted_on and member.full_on == timeline.full_on


def test_a_second_build_in_the_same_database_is_refused(built):
    with pytest.raises(SynthError):
        synth_build(members=10, seed=7, today=TODAY)
    assert Member.objects.count() == 500


def test_the_command_prints_what_it_built(db, capsys):
    call_command("synth", "--members", "60")
    out = capsys.readouterr().out
    assert "Đã tạo 60 đảng viên" in out
