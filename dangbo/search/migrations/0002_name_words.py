"""The word index the name search reads first, and what lets a prefix or a typo use it.

PERFORMANCE.md: a GIN index over the words of the folded name (p95 21 ms nationally) beats the
trigram index (p95 117 ms); trigrams only help partial words and typos, which the vocabulary of
name words (`search.NameWord`, a few thousand rows) turns into whole words instead.

PostgreSQL only (SQLite keeps the LIKE fallback; the table exists there but stays empty):
- `members_member_name_words_gin`: GIN on regexp_split_to_array(name_folded, '[^a-z0-9]+');
- trigger `members_member_name_words`: every inserted or renamed member adds its words to the
  vocabulary (so imports, services and the admin site all keep it);
- `dangbo_fold(text)`: an IMMUTABLE lower(unaccent(...)) so organization names can be indexed
  (`orgs_orgversion_name_fold_trgm`, trigram GIN) for the organization part of the search box.
"""

from django.db import migrations, models

WORDS = "regexp_split_to_array(name_folded, '[^a-z0-9]+')"

PG_UP = [
    f"CREATE INDEX IF NOT EXISTS members_member_name_words_gin ON members_member USING gin (({WORDS}))",
    """
CREATE OR REPLACE FUNCTION search_name_words() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_nameword (word)
    SELECT DISTINCT w FROM unnest(regexp_split_to_array(NEW.name_folded, '[^a-z0-9]+')) AS w WHERE w <> ''
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER members_member_name_words AFTER INSERT OR UPDATE OF name_folded ON members_member "
    "FOR EACH ROW EXECUTE FUNCTION search_name_words()",
    f"INSERT INTO search_nameword (word) SELECT DISTINCT w FROM members_member, unnest({WORDS}) AS w "
    "WHERE w <> '' ON CONFLICT DO NOTHING",
    "CREATE OR REPLACE FUNCTION dangbo_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    "CREATE INDEX IF NOT EXISTS orgs_orgversion_name_fold_trgm ON orgs_orgversion "
    "USING gin (dangbo_fold(name) gin_trgm_ops)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS orgs_orgversion_name_fold_trgm",
    "DROP FUNCTION IF EXISTS dangbo_fold(text)",
    "DROP TRIGGER IF EXISTS members_member_name_words ON members_member",
    "DROP FUNCTION IF EXISTS search_name_words()",
    "DROP INDEX IF EXISTS members_member_name_words_gin",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_extensions_and_trigram_index"),
        ("members", "0002_event_append_only_trigger"),
        ("orgs", "0002_path_prefix_index"),
    ]
    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[("word", models.CharField(max_length=120, primary_key=True, serialize=False))],
            options={"verbose_name": "Từ trong họ tên"},
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
