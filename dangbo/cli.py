"""The `dangbo` command: a thin front for the project's management commands.

    dangbo demo [--if-empty]     rebuild the demo province
    dangbo accounts              print the demo accounts
    dangbo check-data            integrity report
    dangbo rebuild-projections   rebuild member spans from the events
    dangbo rebuild-report-facts  rebuild the report fact tables (after bulk loads)
    dangbo rebuild-search-index  rebuild the member search terms and name words (PostgreSQL)
    dangbo <any manage.py command> ...
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        return
    command = args[0].replace("-", "_")
    execute_from_command_line(["dangbo", command, *args[1:]])


if __name__ == "__main__":
    main()
