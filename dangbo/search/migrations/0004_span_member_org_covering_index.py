"""PostgreSQL: spans by member with the organization in the index (index-only scope checks).

access.scope.scope_members keeps a member when one of their spans is in an organization in scope:
`EXISTS (SELECT 1 FROM members_membershipspan WHERE member_id = m.id AND org_id IN (...))`. The name
search checks that for each candidate; nationally (10 M spans, shared_buffers far smaller than the
table) the heap fetch of every span was most of an officer's search (0,059 -> 0,039 ms per
candidate measured with this index). Built after bulk loads like the others (synth defers it).
"""

from django.db import migrations

INDEX = "members_span_member_org_cover"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_membershipspan (member_id) INCLUDE (org_id)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_gin_without_pending_list")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
