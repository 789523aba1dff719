from django.db import migrations, models

# Tables a user's scope is computed from (dangbo/access/scope.py). Any write to them gives the
# stamp row a new random token, which invalidates every cached scope in every process.
SOURCES = ("access_roleassignment", "orgs_orgversion", "orgs_orglineage")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION access_scope_stamp_bump() RETURNS trigger AS $$
BEGIN
  INSERT INTO access_scopestamp (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))
  ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
# Statement-level on PostgreSQL: a COPY or a bulk update of thousands of rows bumps once.
PG_TRIGGER = ("CREATE TRIGGER {table}_scope_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
              "FOR EACH STATEMENT EXECUTE FUNCTION access_scope_stamp_bump();")
SQLITE_TRIGGER = ("CREATE TRIGGER {table}_scope_stamp_{op} AFTER {op} ON {table} BEGIN "
                  "INSERT OR REPLACE INTO access_scopestamp (id, token) VALUES (1, lower(hex(randomblob(16)))); END;")
SQLITE_OPS = ("insert", "update", "delete")


def forwards(apps, schema_editor):
    import secrets

    apps.get_model("access", "ScopeStamp").objects.using(schema_editor.connection.alias).update_or_create(
        pk=1, defaults={"token": secrets.token_hex(16)})
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in SOURCES:
            schema_editor.execute(PG_TRIGGER.format(table=table))
    elif vendor == "sqlite":
        for table in SOURCES:
            for op in SQLITE_OPS:
                schema_editor.execute(SQLITE_TRIGGER.format(table=table, op=op))
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"scope stamp triggers are not written for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in SOURCES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_scope_stamp ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS access_scope_stamp_bump()")
    elif vendor == "sqlite":
        for table in SOURCES:
            for op in SQLITE_OPS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_scope_stamp_{op}")


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_login_security"),
        ("orgs", "0002_path_prefix_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScopeStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={"verbose_name": "Dấu phiên bản phạm vi"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
