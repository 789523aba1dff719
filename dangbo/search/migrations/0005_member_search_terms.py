"""Member search terms: name words and organization terms in one GIN index (PostgreSQL).

A province officer's name search used to find every national match of a name and check the
scope of each (thousands for a common name, p95 179 ms at national scale). With the terms of the
organizations a member ever belonged to in the same index as the name words, one index scan
returns only the candidates in the scope (search.models.MemberSearchTerms).

Triggers keep the table on every path that writes (services, imports with COPY, the admin site,
raw SQL): statement-level with transition tables on INSERT (one set-based upsert per COPY), row
level with a WHEN on the UPDATEs that matter. Terms are only added, never removed here.
SQLite: the table exists and stays empty.
"""

from django.db import migrations, models

import dangbo.search.models

PG_FUNCTIONS = [
    # The folded name's words, as search.models.WORDS_SQL splits them.
    """
CREATE OR REPLACE FUNCTION search_name_terms(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT w ORDER BY w), '{}')
  FROM unnest(regexp_split_to_array(coalesce($1, ''), '[^a-z0-9]+')) AS w WHERE w <> ''
$$""",
    """
CREATE OR REPLACE FUNCTION search_terms_union(text[], text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest($1 || $2) AS x
$$""",
    # Add to each member the terms of the organizations given (the organization itself and every
    # id on the path of each of its versions); a member without a row gets one with the name words.
    """
CREATE OR REPLACE FUNCTION search_terms_add_orgs(p_member bigint[], p_org bigint[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO search_membersearchterms AS t (member_id, terms)
  SELECT m.id, search_terms_union(search_name_terms(m.name_folded), a.terms)
  FROM (
    SELECT s.member_id, array_agg(DISTINCT tk.term) AS terms
    FROM (SELECT DISTINCT * FROM unnest(p_member, p_org) AS u(member_id, org_id)) s
    CROSS JOIN LATERAL (
      SELECT '#' || s.org_id AS term
      UNION
      SELECT '#' || x FROM orgs_orgversion v, unnest(string_to_array(trim(both '/' from v.path), '/')) AS x
      WHERE v.org_id = s.org_id
    ) tk
    GROUP BY s.member_id
  ) a JOIN members_member m ON m.id = a.member_id
  ON CONFLICT (member_id) DO UPDATE SET terms = search_terms_union(t.terms, EXCLUDED.terms)
  WHERE NOT t.terms @> EXCLUDED.terms
$$""",
    """
CREATE OR REPLACE FUNCTION search_terms_members_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_membersearchterms AS t (member_id, terms)
  SELECT n.id, search_name_terms(n.name_folded) FROM search_new_rows n
  ON CONFLICT (member_id) DO UPDATE SET terms = search_terms_union(t.terms, EXCLUDED.terms)
  WHERE NOT t.terms @> EXCLUDED.terms;
  RETURN NULL;
END $$""",
    # A renamed member: the new name's words replace the old ones; organization terms stay.
    """
CREATE OR REPLACE FUNCTION search_terms_member_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_membersearchterms AS t (member_id, terms)
  VALUES (NEW.id, search_name_terms(NEW.name_folded))
  ON CONFLICT (member_id) DO UPDATE SET terms = search_terms_union(
    EXCLUDED.terms, ARRAY(SELECT x FROM unnest(t.terms) AS x WHERE starts_with(x, '#')));
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_spans_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_add_orgs(array_agg(n.member_id), array_agg(n.org_id))
  FROM (SELECT DISTINCT member_id, org_id FROM search_new_rows) n HAVING count(*) > 0;
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_span_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_add_orgs(ARRAY[NEW.member_id], ARRAY[NEW.org_id]);
  RETURN NULL;
END $$""",
    # New organization versions (a move re-versions the subtree): the members who ever belonged
    # to those organizations get the ids of the new paths.
    """
CREATE OR REPLACE FUNCTION search_terms_versions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_add_orgs(array_agg(s.member_id), array_agg(s.org_id))
  FROM (SELECT DISTINCT s.member_id, s.org_id FROM members_membershipspan s
        WHERE s.org_id IN (SELECT org_id FROM search_new_rows)) s HAVING count(*) > 0;
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION search_terms_version_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_terms_add_orgs(array_agg(s.member_id), array_agg(s.org_id))
  FROM (SELECT DISTINCT member_id, org_id FROM members_membershipspan WHERE org_id = NEW.org_id) s
  HAVING count(*) > 0;
  RETURN NULL;
END $$""",
]

PG_TRIGGERS = [
    ("members_member", "search_terms_members_ins",
     "AFTER INSERT ON members_member REFERENCING NEW TABLE AS search_new_rows "
     "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_members_inserted()"),
    ("members_member", "search_terms_member_upd",
     "AFTER UPDATE OF name_folded ON members_member FOR EACH ROW "
     "WHEN (OLD.name_folded IS DISTINCT FROM NEW.name_folded) EXECUTE FUNCTION search_terms_member_renamed()"),
    ("members_membershipspan", "search_terms_spans_ins",
     "AFTER INSERT ON members_membershipspan REFERENCING NEW TABLE AS search_new_rows "
     "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_spans_inserted()"),
    ("members_membershipspan", "search_terms_span_upd",
     "AFTER UPDATE OF member_id, org_id ON members_membershipspan FOR EACH ROW "
     "WHEN (OLD.member_id IS DISTINCT FROM NEW.member_id OR OLD.org_id IS DISTINCT FROM NEW.org_id) "
     "EXECUTE FUNCTION search_terms_span_changed()"),
    ("orgs_orgversion", "search_terms_versions_ins",
     "AFTER INSERT ON orgs_orgversion REFERENCING NEW TABLE AS search_new_rows "
     "FOR EACH STATEMENT EXECUTE FUNCTION search_terms_versions_inserted()"),
    ("orgs_orgversion", "search_terms_version_upd",
     "AFTER UPDATE OF org_id, path ON orgs_orgversion FOR EACH ROW "
     "WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.path IS DISTINCT FROM NEW.path) "
     "EXECUTE FUNCTION search_terms_version_changed()"),
]
FUNCTION_NAMES = ["search_terms_version_changed()", "search_terms_versions_inserted()",
                  "search_terms_span_changed()", "search_terms_spans_inserted()", "search_terms_member_renamed()",
                  "search_terms_members_inserted()", "search_terms_add_orgs(bigint[], bigint[])",
                  "search_terms_union(text[], text[])", "search_name_terms(text)"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_FUNCTIONS:
        schema_editor.execute(sql)
    for _table, _name, sql in PG_TRIGGERS:
        schema_editor.execute(f"CREATE TRIGGER {_name} {sql}")
    # Existing members (a database migrated with data): one set-based pass, then the index.
    schema_editor.execute("SET LOCAL work_mem = '256MB'")
    schema_editor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    schema_editor.execute(
        f"INSERT INTO search_membersearchterms (member_id, terms) {dangbo.search.models.REQUIRED_TERMS_SQL}")
    schema_editor.execute(dangbo.search.models.TERMS_INDEX_SQL)
    schema_editor.execute("ANALYZE search_membersearchterms")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _sql in PG_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for fn in FUNCTION_NAMES:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {fn}")


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
