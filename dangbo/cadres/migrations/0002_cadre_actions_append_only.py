from django.db import migrations

from dangbo.core.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("cadres", "0001_cadre_records_titles_actions_planning")]

    operations = [
        append_only("cadres_cadreaction", function="cadres_cadreaction_append_only",
                    trigger="cadres_cadreaction_append_only"),
    ]
