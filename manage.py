#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    from django.core.management import execute_from_command_line

    from dangbo.cli import connect_as_owner_for

    connect_as_owner_for(sys.argv)

    execute_from_command_line(sys.argv)
