"""Member search terms: name words and organizations in one GIN index (PostgreSQL).

A province officer's name search used to find every national match of a name and check the
scope of each (thousands for a common name: p95 93-179 ms at national scale). The terms put the
scope in the index (search.models.MemberSearchTerms):
- the words of the folded name ("nguyen", "van", "an");
- `#<id>` for every organization on the path of every version of every organization the member
  ever belonged to (a commune officer's scope: `words + #commune`, one index scan);
- `<word>#<top>` for each name word and each top-level organization (first id of such a path,
  the province): a province's scope is large, so its officer asks for `nguyen#7` instead of
  `nguyen` and `#7`, whose posting lists are national or province-wide (measured 15 ms for the
  index scan of a common four-word name with `#province`, against ~1 ms for qualified words).

One definition of what a member's terms are, the view `search_member_terms_required`; triggers
on members, spans and organization versions recompute the members a write touches from it
(statement level with transition tables on INSERT/DELETE, so a COPY costs one set-based pass).
Deleting spans recomputes nothing: the member services replace a member's spans by deleting and
inserting them, and the insert recomputes (usually to the same terms, so nothing is written). A
span deleted for good leaves extra terms, which only cost the exact scope check a candidate.
SQLite: the table exists and stays empty.
"""

from django.db import migrations, models

import dangbo.search.models

PG_UP = [
    # The folded name's words, split as search.models.WORDS_SQL splits them (one expression, so
    # the planner inlines it; the view removes repeats).
    """
CREATE OR REPLACE FUNCTION search_name_terms(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_remove(regexp_split_to_array(coalesce($1, ''), '[^a-z0-9]+'), '')
$$""",
    """
CREATE OR REPLACE VIEW search_member_terms_required AS
SELECT m.id AS member_id, (
  SELECT coalesce(array_agg(DISTINCT t ORDER BY t), '{}') FROM (
    SELECT unnest(n.words) AS t
    UNION ALL
    SELECT '#' || s.org_id FROM members_membershipspan s WHERE s.member_id = m.id
    UNION ALL
    SELECT term FROM (
      -- OFFSET 0 keeps the versions a per-span index lookup: joined, the planner may hash the
      -- whole version table for each member when its statistics are stale (after a bulk load)
      SELECT DISTINCT v.path FROM members_membershipspan s
      CROSS JOIN LATERAL (SELECT vv.path FROM orgs_orgversion vv WHERE vv.org_id = s.org_id OFFSET 0) v
      WHERE s.member_id = m.id
    ) p CROSS JOIN LATERAL (
      SELECT '#' || x AS term FROM unnest(string_to_array(trim(both '/' from p.path), '/')) AS x
      UNION ALL
      SELECT w || '#' || split_part(p.path, '/', 2) FROM unnest(n.words) AS w
    ) tp
  ) q
) AS terms
FROM members_member m CROSS JOIN LATERAL (SELECT search_name_terms(m.name_folded) AS words) n""",
    # PL/pgSQL, not SQL: it keeps its plan across calls (a SQL function re-plans the view on every
    # call: 0,44 ms of the demo's 23 836 calls).
    """
CREATE OR REPLACE FUNCTION search_terms_refresh(p_members bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_membersearchterms AS t (member_id, terms)
  SELECT r.member_id, r.terms FROM search_member_terms_required r WHERE r.member_id = ANY(p_members)
  ON CONFLICT (member_id) DO UPDATE SET terms = EXCLUDED.terms WHERE t.terms IS DISTINCT FROM EXCLUDED.terms;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_members_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_refresh(ARRAY(SELECT id FROM search_rows));
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_member_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_refresh(ARRAY[NEW.id]);
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_spans_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_refresh(ARRAY(SELECT DISTINCT member_id FROM search_rows));
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_span_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_refresh(ARRAY[OLD.member_id, NEW.member_id]);
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_versions_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_refresh(ARRAY(
    SELECT DISTINCT s.member_id FROM members_membershipspan s WHERE s.org_id IN (SELECT org_id FROM search_rows)));
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_version_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_refresh(ARRAY(
    SELECT DISTINCT s.member_id FROM members_membershipspan s WHERE s.org_id IN (OLD.org_id, NEW.org_id)));
  RETURN NULL;
END $$""",
]

TRIGGERS = [
    ("search_terms_members_ins", "members_member",
     "AFTER INSERT ON members_member REFERENCING NEW TABLE AS search_rows "
     "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_members_inserted()"),
    ("search_terms_member_upd", "members_member",
     "AFTER UPDATE OF name_folded ON members_member FOR EACH ROW "
     "WHEN (OLD.name_folded IS DISTINCT FROM NEW.name_folded) "
     "EXECUTE FUNCTION search_terms_member_renamed()"),
    ("search_terms_spans_ins", "members_membershipspan",
     "AFTER INSERT ON members_membershipspan REFERENCING NEW TABLE AS search_rows "
     "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_spans_written()"),
    ("search_terms_span_upd", "members_membershipspan",
     "AFTER UPDATE OF member_id, org_id ON members_membershipspan FOR EACH ROW "
     "WHEN (OLD.member_id IS DISTINCT FROM NEW.member_id OR OLD.org_id IS DISTINCT FROM NEW.org_id) "
     "EXECUTE FUNCTION search_terms_span_changed()"),
    ("search_terms_versions_ins", "orgs_orgversion",
     "AFTER INSERT ON orgs_orgversion REFERENCING NEW TABLE AS search_rows "
     "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_versions_written()"),
    ("search_terms_versions_del", "orgs_orgversion",
     "AFTER DELETE ON orgs_orgversion REFERENCING OLD TABLE AS search_rows "
     "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_versions_written()"),
    ("search_terms_version_upd", "orgs_orgversion",
     "AFTER UPDATE OF org_id, path ON orgs_orgversion FOR EACH ROW "
     "WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.path IS DISTINCT FROM NEW.path) "
     "EXECUTE FUNCTION search_terms_version_changed()"),
]
PG_DOWN_FUNCTIONS = ["search_terms_version_changed()", "search_terms_versions_written()", "search_terms_span_changed()",
     "search_terms_spans_written()", "search_terms_member_renamed()", "search_terms_members_inserted()",
     "search_terms_refresh(bigint[])"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_UP:
        schema_editor.execute(sql)
    for name, _table, sql in TRIGGERS:
        schema_editor.execute(f"CREATE TRIGGER {name} {sql}")
    # Existing members (a database migrated with data): one pass, then the index built once.
    schema_editor.execute("SET LOCAL work_mem = '256MB'")
    schema_editor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    schema_editor.execute("ANALYZE members_member, members_membershipspan, orgs_orgversion")  # see refresh_member_terms
    schema_editor.execute("INSERT INTO search_membersearchterms (member_id, terms) "
     "SELECT member_id, terms FROM search_member_terms_required")
    schema_editor.execute(dangbo.search.models.TERMS_INDEX_SQL)
    schema_editor.execute("ANALYZE search_membersearchterms")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, _sql in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for fn in PG_DOWN_FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {fn}")
    schema_editor.execute("DROP VIEW IF EXISTS search_member_terms_required")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_name_terms(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_span_member_org_covering_index"),
        ("members", "0002_event_append_only_trigger"),
        ("orgs", "0002_path_prefix_index"),
    ]
    operations = [
        migrations.CreateModel(
            name="MemberSearchTerms",
            fields=[
                ("member", models.OneToOneField(on_delete=models.deletion.CASCADE, primary_key=True,
                                                related_name="+", serialize=False, to="members.member")),
                ("terms", dangbo.search.models.TermsField()),
            ],
            options={"verbose_name": "Chỉ mục tìm kiếm đảng viên"},
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
