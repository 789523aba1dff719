"""The vocabulary of member-name words (folded), for the PostgreSQL search path.

A query word that is the beginning of a name word ("an" -> "anh") or one letter off it
("anx" -> "an") is expanded against this small table into whole words, which the word index
on members (`regexp_split_to_array(name_folded, ...)`, GIN) then finds in one index scan.
PostgreSQL keeps it on write with a trigger on members_member (migration search 0002);
`refresh_name_words()` fills it after a bulk load. SQLite does not use it (its search fallback
reads `name_folded` with LIKE).
"""

from __future__ import annotations

from django.db import connection, models

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
