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
    """What the search index knows of a member (PostgreSQL): the words of the folded name and, as
    `#<id>`, every organization on the path of any version of any organization the member ever
    belonged to (spans, whole history).

    A scoped search then asks one GIN index for `terms @> {name words} AND terms && {#root, ...}`
    (the roots of the user's scope, access.scope.scope_roots), so only members of the scope are
    candidates; the exact scope check still runs on those. Kept by triggers on members, spans and
    organization versions (migration search 0005); terms are only ever added, so a member is
    never hidden by a missing term (a span or version removed leaves a harmless extra one).
    `refresh_member_terms()` rebuilds the table after a bulk load with triggers off;
    `member_terms_missing()` lists members whose terms lack a term they should have.
    """

    member = models.OneToOneField("members.Member", primary_key=True, on_delete=models.CASCADE, related_name="+")
    terms = TermsField()

    class Meta:
        verbose_name = "Chỉ mục tìm kiếm đảng viên"


def org_term(org_id: int) -> str:
    """The search term of an organization (`#42`); name words are [a-z0-9]+, so they never collide."""
    return f"#{org_id}"


# Every term each member should have, set-based (one pass over members, spans and versions).
# Shared by the bulk rebuild and the consistency check.
REQUIRED_TERMS_SQL = """
WITH org_terms AS (
    SELECT DISTINCT v.org_id, '#' || x AS term
    FROM orgs_orgversion v, unnest(string_to_array(trim(both '/' from v.path), '/')) AS x
    UNION SELECT o.id, '#' || o.id FROM orgs_organization o
), member_orgs AS (
    SELECT s.member_id, array_agg(DISTINCT ot.term) AS terms
    FROM (SELECT DISTINCT member_id, org_id FROM members_membershipspan) s
    JOIN org_terms ot ON ot.org_id = s.org_id
    GROUP BY s.member_id
)
SELECT m.id AS member_id, search_terms_union(search_name_terms(m.name_folded), coalesce(mo.terms, '{}')) AS terms
FROM members_member m LEFT JOIN member_orgs mo ON mo.member_id = m.id
"""
TERMS_INDEX = "search_membersearchterms_terms_gin"
TERMS_INDEX_SQL = (f"CREATE INDEX IF NOT EXISTS {TERMS_INDEX} ON search_membersearchterms USING gin (terms) "
                   "WITH (fastupdate = off)")


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
        c.execute(f"DROP INDEX IF EXISTS {TERMS_INDEX}")
        c.execute("TRUNCATE search_membersearchterms")
        c.execute(f"INSERT INTO search_membersearchterms (member_id, terms) {REQUIRED_TERMS_SQL}")
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
        c.execute(f"SELECT r.member_id FROM ({REQUIRED_TERMS_SQL}) r "
                  "LEFT JOIN search_membersearchterms t ON t.member_id = r.member_id "
                  "WHERE t.member_id IS NULL OR NOT t.terms @> r.terms ORDER BY r.member_id LIMIT %s", [limit])
        return [r[0] for r in c.fetchall()]


def search_terms_issues(today=None) -> list:
    """check-data: members a scoped search could miss (members.selectors.register_derived_check)."""
    from dangbo.members.models import Member
    from dangbo.members.selectors import DataIssue

    missing = member_terms_missing()
    names = dict(Member.objects.filter(pk__in=missing).values_list("pk", "full_name"))
    return [DataIssue("search_terms_missing", pk, names.get(pk, ""),
                      "Chỉ mục tìm kiếm thiếu họ tên hoặc tổ chức của đảng viên này, nên cán bộ có thể không "
                      "tìm thấy; hãy chạy «dangbo rebuild-search-index».") for pk in missing]
