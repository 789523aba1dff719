"""The "notifications" data stamp (core.stamps): renewed by every write to the notifications and
their read marks, so the navbar's unread count may be cached per user until one of them changes
(notifications.selectors.navbar_unread_count)."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("notifications_notification", "notifications_notificationread")


def forwards(apps, schema_editor):
    stamps.install(schema_editor, "notifications", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "notifications", SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_move_plans_and_grading_notifications"),
        ("core", "0002_data_stamp"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
