"""The vocabulary of member-name words (folded), for the PostgreSQL search path.

A query word that is the beginning of a name word ("an" -> "anh") or one letter off it
("anx" -> "an") is expanded against this small table into whole words, which the word index
on members (`regexp_split_to_array(name_folded, ...)`, GIN) then finds in one index scan.
PostgreSQL keeps it on write with a trigger on members_member (migration search 0002);
`refresh_name_words()` fills it after a bulk load. SQLite does not use it (its search fallback
reads `name_folded` with LIKE).
"""

from __future__ import annotations

from django.db import connection, models, transaction

from dangbo.members.selectors import issues_of

# The tokenizer shared by the index, the trigger and the queries (same as search.selectors.query_words).
WORDS_SQL = "regexp_split_to_array(%s, '[^a-z0-9]+')"


class NameWord(models.Model):
    word = models.CharField(max_length=120, primary_key=True)

    class Meta:
        verbose_name = "Từ trong họ tên"


def refresh_name_words() -> int:
    """Add every word of every member's folded name (PostgreSQL; after a bulk load). Returns rows added."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO search_nameword (word) SELECT DISTINCT w FROM members_member, "
            f"unnest({WORDS_SQL % 'name_folded'}) AS w WHERE w <> '' ON CONFLICT DO NOTHING"
        )
        return c.rowcount


class TermsField(models.Field):
    """A set of search terms: `text[]` on PostgreSQL, where triggers keep it and a GIN index reads
    it; plain text on SQLite, where it stays empty (the SQLite search reads `name_folded`)."""

    description = "Search terms"

    def db_type(self, connection):
        return "text[]" if connection.vendor == "postgresql" else "text"


@TermsField.register_lookup
class TermsContainAll(models.Lookup):
    """`terms @> ARRAY[...]`: every given term is in the set (GIN)."""

    lookup_name = "all"
    prepare_rhs = False
    operator = "@>"

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} {self.operator} %s::text[]", [*params, sorted(self.rhs)]


@TermsField.register_lookup
class TermsShareAny(TermsContainAll):
    """`terms && ARRAY[...]`: at least one given term is in the set (GIN)."""

    lookup_name = "any"
    operator = "&&"


class MemberSearchTerms(models.Model):
    """What the search index knows of a member (PostgreSQL), from their name and their whole
    history (spans):
    - the words of the folded name ("nguyen", "van", "an");
    - `#<id>` for every organization on the path of every version of every organization the
      member belonged to (org_term);
    - `<word>#<top>` for each name word and each top-level organization (the first id of such a
      path: the province) (org_word_term).

    A scoped search asks one GIN index for the name words together with the scope (access.scope.
    scope_roots): `{nguyen#7, van#7, an#7}` for the officer of province 7, `{nguyen, van, an,
    #42}` for the officer of commune 42; the exact scope check then runs on those candidates only.
    The view `search_member_terms_required` (migration search 0005) is the one definition of a
    member's terms; triggers on members, spans and organization versions recompute from it every
    member a write touches, so services, COPY imports, the admin site and raw SQL all keep it.
    `refresh_member_terms()` rebuilds the table after a load with the triggers off;
    `member_terms_missing()` lists members whose terms lack one they should have.
    """

    member = models.OneToOneField("members.Member", primary_key=True, on_delete=models.CASCADE, related_name="+")
    terms = TermsField()

    class Meta:
        verbose_name = "Chỉ mục tìm kiếm đảng viên"


def org_term(org_id: int) -> str:
    """A member belonged to an organization at or below `org_id` (`#42`). Name words are
    [a-z0-9]+, so terms with `#` never collide with them."""
    return f"#{org_id}"


def org_word_term(word: str, top_id: int) -> str:
    """A name word of a member who belonged to the top-level organization `top_id` (`nguyen#7`)."""
    return f"{word}#{top_id}"


TERMS_INDEX = "search_membersearchterms_terms_gin"
TERMS_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {TERMS_INDEX} ON search_membersearchterms USING gin (terms) "
    "WITH (fastupdate = on, gin_pending_list_limit = 64)"
)


def refresh_member_terms() -> int:
    """Rebuild every member's search terms (PostgreSQL; after a bulk load with triggers off, or to
    drop extra terms). The GIN index is dropped and built once, sorted. Returns the rows written."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL work_mem = '256MB'")
        c.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # TRUNCATE and CREATE INDEX refuse a table with foreign-key checks still pending in this
        # transaction (Django's constraints are deferred): checks run at once meanwhile.
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # After a bulk load the planner may have no statistics yet: it then expects thousands of
        # spans per member and hashes the whole version table for each one (measured: hours).
        c.execute("ANALYZE members_member, members_membershipspan, orgs_orgversion")
        c.execute(f"DROP INDEX IF EXISTS {TERMS_INDEX}")
        c.execute("TRUNCATE search_membersearchterms")
        c.execute(
            "INSERT INTO search_membersearchterms (member_id, terms) "
            "SELECT member_id, terms FROM search_member_terms_required"
        )
        rows = c.rowcount
        c.execute(TERMS_INDEX_SQL)
        c.execute("SET CONSTRAINTS ALL DEFERRED")
    return rows


def member_terms_missing(limit: int = 100) -> list[int]:
    """Members (ids, at most `limit`) whose search terms lack a name word or an organization they
    should have: such a member could be missed by a scoped search. Empty on SQLite."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as c:
        c.execute(
            "SELECT r.member_id FROM search_member_terms_required r "
            "LEFT JOIN search_membersearchterms t ON t.member_id = r.member_id "
            "WHERE t.member_id IS NULL OR NOT t.terms @> r.terms ORDER BY r.member_id LIMIT %s",
            [limit],
        )
        return [r[0] for r in c.fetchall()]


def search_terms_issues(today=None) -> list:
    """check-data: members a scoped search could miss (members.selectors.register_derived_check)."""
    return issues_of(
        "search_terms_missing",
        member_terms_missing(),
        "Chỉ mục tìm kiếm thiếu họ tên hoặc tổ chức của đảng viên này, nên cán bộ có thể không "
        "tìm thấy; hãy chạy «dangbo rebuild-search-index».",
    )
