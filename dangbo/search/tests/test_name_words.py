"""The word index, the name-word vocabulary and the passes that use them (PostgreSQL path), plus
behaviour both paths share (card numbers, scope of the prefix and typo passes)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.members.models import Member
from dangbo.members.services import ProfileInput, member_update_profile
from dangbo.search.models import NameWord, refresh_name_words
from dangbo.search.selectors import search

AT = date(2025, 1, 15)
pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="word index and vocabulary: PostgreSQL")
pytestmark = pytest.mark.django_db


def names(result):
    return [(h.member.full_name, h.match) for h in result.members]


@pg_only
def test_the_vocabulary_is_kept_on_write_by_the_database(people, system_user):
    words = set(NameWord.objects.values_list("word", flat=True))
    assert {"nguyen", "van", "an", "anh", "ban", "dang", "thi", "thu"} <= words
    member_update_profile(
        actor=system_user,
        member=people["thu"],
        on=AT,
        profile=ProfileInput(full_name="Đặng Thị Thu Hường", birth_year=1992, sex="F"),
    )
    assert NameWord.objects.filter(word="huong").exists()
    NameWord.objects.all().delete()
    assert refresh_name_words() == len(words) + 1


@pg_only
def test_the_words_of_members_inserted_in_bulk_join_the_vocabulary(people):
    """Imports COPY their members: the statement-level trigger adds every new word once, and a
    word already known is not an error (ON CONFLICT)."""
    from dangbo.imports.bulk import insert_rows

    before = set(NameWord.objects.values_list("word", flat=True))
    insert_rows(
        Member,
        [
            {"full_name": "Lò Văn Xìa", "name_folded": "lo van xia", "birth_year": 1980, "sex": "M"},
            {"full_name": "Lò Thị Xìa", "name_folded": "lo thi xia", "birth_year": 1982, "sex": "F"},
        ],
    )
    assert set(NameWord.objects.values_list("word", flat=True)) - before == {"lo", "xia"}


@pg_only
def test_the_member_gin_indexes_keep_a_pending_list_of_at_most_64_kb():
    """Inserts append to a small pending list merged in sorted batches (the 60.000-row import);
    a search scans at most 64 kB of it (migration search 0006)."""
    with connection.cursor() as c:
        c.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c WHERE c.relname IN "
            "('members_member_name_words_gin', 'members_member_name_folded_trgm', 'search_membersearchterms_terms_gin')"
        )
        options = dict(c.fetchall())
    assert len(options) == 3
    for name, opts in options.items():
        assert set(opts) == {"fastupdate=on", "gin_pending_list_limit=64"}, name


@pg_only
def test_the_search_term_refresh_plans_index_lookups_whatever_the_statistics_say():
    """Inside an import the planner's statistics do not know the rows the transaction inserted:
    with a sequential scan allowed, each chunk's refresh read every member and span inserted so
    far (quadratic: 27 s of a 60.000-row import). Pinned on the function (migration search 0006)."""
    with connection.cursor() as c:
        c.execute("SELECT proconfig FROM pg_proc WHERE proname = 'search_terms_refresh'")
        (config,) = c.fetchone()
    assert config == ["enable_seqscan=off"]


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as c:
        # A tiny test table must not hide a mismatch: no sequential scan, and no plain index scan
        # (with statistics left by other tests, a scan of another index filtering every row can
        # look cheaper). A bitmap scan can only use an index that serves the condition.
        c.execute("SET LOCAL enable_seqscan = off")
        c.execute("SET LOCAL enable_indexscan = off")
        c.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in c.fetchall())


@pg_only
def test_the_member_conditions_are_served_by_the_word_index(people):
    """The expression the selector writes must be the indexed one, or the index silently stops
    serving it."""
    from django.db.models import F

    from dangbo.search.selectors import _NameWordsAll, _NameWordsAny

    assert "members_member_name_words_gin" in _plan(Member.objects.filter(_NameWordsAll(F("name_folded"), ["an"])))
    assert "members_member_name_words_gin" in _plan(Member.objects.filter(_NameWordsAny(F("name_folded"), ["an"])))


@pg_only
def test_the_organization_conditions_are_served_by_the_trigram_index(people):
    from dangbo.orgs.models import OrgVersion
    from dangbo.search.selectors import _Fold

    qs = OrgVersion.objects.annotate(folded=_Fold("name")).filter(folded__contains="thon", folded__regex=r"\mthon")
    assert "orgs_orgversion_name_fold_trgm" in _plan(qs)


@pg_only
def test_a_typo_before_the_last_word_is_forgiven_when_the_word_is_in_no_name(people, commune_officer):
    assert {h.member.pk for h in search(actor=commune_officer, q="nguyen vam an", at=AT).members} == {
        people["an"].pk,
        people["anh"].pk,
    }  # "vam" is no name word: read as "van"
    assert names(search(actor=commune_officer, q="nguyem van ban", at=AT))[0] == ("Nguyễn Văn Bản", "exact")
    assert search(actor=commune_officer, q="xyzt van an", at=AT).members == []


def test_prefix_and_typo_passes_stay_in_scope(people, outsider, commune_officer):
    # commune B holds one "Nguyễn Văn An"; commune A holds "An", "Anh" and "Bản"
    assert names(search(actor=outsider, q="nguyen van anh", at=AT)) == [("Nguyễn Văn An", "typo")]
    assert names(search(actor=outsider, q="nguyen van ba", at=AT)) == []
    assert [h.member.pk for h in search(actor=commune_officer, q="nguyen van ba", at=AT).members] == [people["ban"].pk]


def test_it_finds_a_party_card_typed_in_lower_case(people, commune_officer):
    Member.objects.filter(pk=people["ban"].pk).update(party_card_number="SYN000000042")
    assert names(search(actor=commune_officer, q="syn000000042", at=AT)) == [("Nguyễn Văn Bản", "party_card")]
    assert names(search(actor=commune_officer, q="SYN000000042", at=AT)) == [("Nguyễn Văn Bản", "party_card")]


def test_a_name_query_does_not_look_up_card_numbers(people, commune_officer):
    with CaptureQueriesContext(connection) as ctx:
        search(actor=commune_officer, q="nguyen", at=AT)
    assert not any(
        "party_card_number" in q["sql"] and "WHERE" in q["sql"].split("party_card_number")[-1][:10]
        for q in ctx.captured_queries
    )


def test_a_national_administrator_gets_equal_names_then_the_other_passes(people, admin_user):
    """Without a scope filter PostgreSQL reads equal folded names first (btree), then the word
    passes; the result is the same as for a scoped user: exact matches, then prefixes."""
    result = search(actor=admin_user, q="Nguyễn Văn An", at=AT)
    assert [h.match for h in result.members] == ["exact", "exact", "prefix"]
    assert {h.member.pk for h in result.members[:2]} == {people["an"].pk, people["binh"].pk}
    assert result.members[2].member == people["anh"]
    assert (
        names(search(actor=admin_user, q="nguyen van", at=AT, limit=2))
        and search(actor=admin_user, q="nguyen van", at=AT, limit=2).truncated
    )


@pg_only
def test_short_or_cut_words_in_no_name_are_read_as_the_near_name_words(people, commune_officer):
    assert names(search(actor=commune_officer, q="dang th thu", at=AT)) == [("Đặng Thị Thu", "exact")]  # cut
    assert names(search(actor=commune_officer, q="dag thi thu", at=AT)) == [("Đặng Thị Thu", "exact")]  # typo
    assert names(search(actor=commune_officer, q="dang thi tu", at=AT)) == [("Đặng Thị Thu", "typo")]  # short


@pg_only
def test_a_typo_that_is_itself_a_name_word_is_forgiven_when_nothing_else_matches(people, officer):
    """ "ban" is a name word (Bản) one letter off "van": "nguyen ban an" finds the Nguyễn Văn An."""
    result = search(actor=officer, q="nguyen ban an", at=AT)
    assert {h.member.pk for h in result.members} == {people["an"].pk, people["binh"].pk}
    assert {h.match for h in result.members} == {"typo"}
