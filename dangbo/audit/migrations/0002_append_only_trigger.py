from django.db import migrations

from dangbo.core.triggers import append_only

# The audit log is evidence: the database refuses UPDATE and DELETE on it.


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [append_only("audit_auditentry", function="audit_entry_append_only", trigger="audit_entry_no_update")]
