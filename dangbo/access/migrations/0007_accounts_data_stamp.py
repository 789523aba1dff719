"""The "accounts" data stamp (core.stamps): renewed by every write to the user accounts and their
TOTP devices, so a request may trust a cached "this session's device verified this user" only while
no account or device changed (access.middleware.CachedOTPMiddleware)."""

from django.db import migrations

from dangbo.core import stamps

SOURCES = ("auth_user", "otp_totp_totpdevice")


def forwards(apps, schema_editor):
    stamps.install(schema_editor, "accounts", SOURCES)


def backwards(apps, schema_editor):
    stamps.uninstall(schema_editor, "accounts", SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0006_role_assignment_plural_name"),
        ("core", "0002_data_stamp"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("otp_totp", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
