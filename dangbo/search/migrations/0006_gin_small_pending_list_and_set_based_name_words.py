"""PostgreSQL: cheaper member inserts for the search indexes (issue #16, the 60.000-row import).

- The search-term refresh plans index lookups only (below, with the figures).

Measured on a 10.000-member INSERT ... SELECT (`bench/imports.py`'s province, rolled back, load 9):
- The three GIN indexes of members (name words, name trigrams, search terms) had no pending list
  (0003: a freshly loaded 4 MB pending list cost 26 ms per search). Every inserted row then paid a
  random update of each index: 5,9 s. With a pending list of at most 64 kB the inserts are appended
  and merged into the index in sorted batches: 2,9 s; a search scans at most 64 kB of pending
  entries (a 64th of what 0003 measured). The limit is per index, so every connection (the app,
  psql, a restore) keeps it.
- The vocabulary trigger (`members_member_name_words`) ran a PL/pgSQL INSERT per inserted row:
  ~1 s of the 10.000 rows. Inserts now go through one statement-level trigger reading the
  transition table (one set-based INSERT per statement, as the search-term triggers do); a rename
  keeps the row trigger (transition tables cannot be declared with a column list).
"""

from django.db import migrations

GIN = ("members_member_name_words_gin", "members_member_name_folded_trgm", "search_membersearchterms_terms_gin")
PENDING_KB = 64

PG_UP = [
    """
CREATE OR REPLACE FUNCTION search_name_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_nameword (word)
    SELECT DISTINCT w FROM search_rows, unnest(regexp_split_to_array(search_rows.name_folded, '[^a-z0-9]+')) AS w
    WHERE w <> ''
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$""",
    "DROP TRIGGER IF EXISTS members_member_name_words ON members_member",
    "CREATE TRIGGER members_member_name_words_ins AFTER INSERT ON members_member "
    "REFERENCING NEW TABLE AS search_rows FOR EACH STATEMENT EXECUTE FUNCTION search_name_words_inserted()",
    "CREATE TRIGGER members_member_name_words_upd AFTER UPDATE OF name_folded ON members_member "
    "FOR EACH ROW WHEN (OLD.name_folded IS DISTINCT FROM NEW.name_folded) EXECUTE FUNCTION search_name_words()",
    # The terms of at most a chunk of members are index lookups by member id, whatever the
    # statistics say. Inside an import the statistics do not know the rows the transaction has
    # inserted (an empty registry looks empty to the planner until the commit), and the refresh
    # scanned every span and member inserted so far on each chunk: 60 chunks of 1.000 members cost
    # 97 -> 505 ms each (member insert) and 21 -> 413 ms (span insert), 27 s in all; 8 s without.
    "ALTER FUNCTION search_terms_refresh(bigint[]) SET enable_seqscan = off",
]

PG_DOWN = [
    "ALTER FUNCTION search_terms_refresh(bigint[]) RESET enable_seqscan",
    "DROP TRIGGER IF EXISTS members_member_name_words_ins ON members_member",
    "DROP TRIGGER IF EXISTS members_member_name_words_upd ON members_member",
    "DROP FUNCTION IF EXISTS search_name_words_inserted()",
    "CREATE TRIGGER members_member_name_words AFTER INSERT OR UPDATE OF name_folded ON members_member "
    "FOR EACH ROW EXECUTE FUNCTION search_name_words()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_UP:
        schema_editor.execute(sql)
    for name in GIN:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = on, gin_pending_list_limit = {PENDING_KB})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_DOWN:
        schema_editor.execute(sql)
    for name in GIN:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = off)")
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_member_search_terms")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
