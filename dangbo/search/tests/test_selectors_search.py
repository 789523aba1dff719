from __future__ import annotations

from datetime import date

import pytest

from dangbo.search.selectors import SearchFilters, levenshtein_at_most_one, query_words, search

AT = date(2025, 1, 15)


def names(result):
    return [(h.member.full_name, h.match) for h in result.members]


def ids(result):
    return {h.member.pk for h in result.members}


def test_query_words_fold_accents_case_and_punctuation():
    assert query_words("  Nguyễn  VĂN-Ân ") == ["nguyen", "van", "an"]
    assert query_words("Đặng") == ["dang"]


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("an", "anh", True),
        ("anh", "an", True),
        ("binh", "bnih", False),
        ("hoa", "hoang", False),
        ("thu", "thi", True),
        ("an", "an", True),
    ],
)
def test_levenshtein_at_most_one(a, b, ok):
    assert levenshtein_at_most_one(a, b) is ok


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["nguyen van an", "Nguyễn Văn An", "nguyễn văn an", "NGUYEN VAN AN"])
def test_it_finds_members_without_accents_or_case(q, people, officer):
    result = search(actor=officer, q=q, at=AT)
    exact = {h.member.pk for h in result.members if h.match == "exact"}
    assert exact == {people["an"].pk, people["binh"].pk}
    # "an" is also the beginning of "anh": the prefix match comes after the exact ones
    assert [h.match for h in result.members] == ["exact", "exact", "prefix"]
    assert result.members[2].member == people["anh"]


@pytest.mark.django_db
def test_it_forgives_one_typo_in_the_last_word(people, commune_officer):
    result = search(actor=commune_officer, q="Nguyen Van Anh", at=AT)
    assert names(result) == [("Nguyễn Văn Anh", "exact"), ("Nguyễn Văn An", "typo")]


@pytest.mark.django_db
def test_it_forgives_a_typo_in_a_single_word_query(people, commune_officer):
    result = search(actor=commune_officer, q="dnag", at=AT)
    assert people["thu"].pk not in ids(result)  # two letters swapped is distance 2
    result = search(actor=commune_officer, q="dang thu", at=AT)
    assert names(result) == [("Đặng Thị Thu", "exact")]
    result = search(actor=commune_officer, q="thu", at=AT)
    assert names(result) == [("Đặng Thị Thu", "exact")]
    result = search(actor=commune_officer, q="dangg", at=AT)
    assert names(result) == [("Đặng Thị Thu", "typo")]


@pytest.mark.django_db
def test_it_hides_members_outside_the_scope(people, outsider, commune_officer):
    assert ids(search(actor=outsider, q="nguyen van an", at=AT)) == {people["binh"].pk}
    assert ids(search(actor=commune_officer, q="nguyen van an", at=AT)) == {people["an"].pk, people["anh"].pk}
    assert search(actor=outsider, q="dang thi thu", at=AT).empty


@pytest.mark.django_db
def test_it_finds_by_citizen_id_only_in_scope_and_shows_it_masked(people, commune_officer, outsider, leader):
    result = search(actor=commune_officer, q="001085 000111", at=AT)
    assert names(result) == [("Nguyễn Văn An", "citizen_id")]
    assert result.members[0].citizen_id == "001******111"
    assert search(actor=outsider, q="001085000111", at=AT).members == []
    # the leader may view but not read personal data: no lookup by citizen ID
    assert search(actor=leader, q="001085000111", at=AT).members == []
    hit = search(actor=leader, q="nguyen van an", at=AT).members[0]
    assert hit.citizen_id in ("001******111", "001******222")


@pytest.mark.django_db
def test_it_finds_by_party_card_number(people, commune_officer, system_user):
    from dangbo.members.models import Member

    Member.objects.filter(pk=people["ban"].pk).update(party_card_number="51012345")
    assert names(search(actor=commune_officer, q="51012345", at=AT)) == [("Nguyễn Văn Bản", "party_card")]


@pytest.mark.django_db
def test_filters_combine_with_the_search(people, officer, tree):
    both = search(actor=officer, q="nguyen van an", at=AT, filters=SearchFilters(org_id=tree["commune_b"].pk))
    assert ids(both) == {people["binh"].pk}
    by_year = search(actor=officer, q="nguyen van", at=AT, filters=SearchFilters(admission_year=2022))
    assert ids(by_year) == {people["anh"].pk}
    by_age = search(actor=officer, q="nguyen", at=AT, filters=SearchFilters(age_band="51_60"))
    assert ids(by_age) == {people["binh"].pk}
    female = search(actor=officer, q="", at=AT, filters=SearchFilters(sex="F"))
    assert ids(female) == {people["thu"].pk}


@pytest.mark.django_db
def test_it_limits_results_and_asks_for_another_criterion(people, officer):
    result = search(actor=officer, q="nguyen", at=AT, limit=2)
    assert len(result.members) == 2
    assert result.truncated


@pytest.mark.django_db
def test_it_finds_organizations_by_name_without_accents_in_scope(people, commune_officer, outsider):
    result = search(actor=commune_officer, q="chi bo thon", at=AT)
    assert [o.name for o in result.orgs] == ["Chi bộ thôn 1", "Chi bộ thôn 2"]
    assert [o.name for o in search(actor=outsider, q="Dong", at=AT).orgs] == ["Chi bộ thôn Đông"]
    assert search(actor=outsider, q="an binh", at=AT).orgs == []


@pytest.fixture
def thanh(tree, system_user):
    from dangbo.members.services import ProfileInput, member_admit

    def admit(name):
        return member_admit(
            actor=system_user,
            cell=tree["cell_a1"],
            decided_on=date(2020, 3, 2),
            ceremony_on=date(2020, 3, 16),
            profile=ProfileInput(full_name=name, birth_year=1980, sex="M"),
        )

    return {"thanh_van": admit("Nguyễn Thanh Vân"), "van_thanh": admit("Nguyễn Văn Thành")}


@pytest.mark.django_db
def test_an_exact_match_with_diacritics_ranks_first(thanh, commune_officer):
    result = search(actor=commune_officer, q="Nguyễn Văn Thành", at=AT)
    assert [h.member.full_name for h in result.members][:2] == ["Nguyễn Văn Thành", "Nguyễn Thanh Vân"]
    result = search(actor=commune_officer, q="Nguyễn Thanh Vân", at=AT)
    assert [h.member.full_name for h in result.members][:2] == ["Nguyễn Thanh Vân", "Nguyễn Văn Thành"]


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["nguyen vam thanh", "ngyen van thanh", "Nguyễn Văn Thànhh"])
def test_a_typo_in_any_word_still_finds_the_person(q, thanh, commune_officer):
    result = search(actor=commune_officer, q=q, at=AT)
    assert thanh["van_thanh"].pk in ids(result)
