from django.db import migrations

from dangbo.core.triggers import append_only

# Events are history: the database refuses UPDATE and DELETE on them (the model guards too).
# The single allowed update is none: corrections are new rows pointing at the voided event.


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [
        append_only("members_memberevent", function="members_event_append_only", trigger="members_event_no_update"),
    ]
