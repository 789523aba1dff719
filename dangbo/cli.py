"""The `dangbo` command: a thin front for the project's management commands.

dangbo demo [--if-empty]     rebuild the demo province
dangbo accounts              print the demo accounts
dangbo check-data            integrity report
dangbo rebuild-projections   rebuild member spans from the events
dangbo rebuild-report-facts  rebuild the report fact tables (after bulk loads)
dangbo rebuild-org-facts     rebuild the per-organization summaries (--check)
dangbo rebuild-meeting-counts  recount the meetings' stored attendance counts (--check)
dangbo rebuild-dues-facts    rebuild the stored dues per member and month (--check)
dangbo rebuild-search-index  rebuild the member search terms and name words (PostgreSQL)
dangbo <any manage.py command> ...
"""

from __future__ import annotations

import os
import sys

# Commands that change the schema, rebuild tables wholesale or empty them: with DATABASE_OWNER_URL
# set they connect as the owner of the tables, every other command (and the web server, the task
# worker) as the application role of DATABASE_URL, which cannot change the audit log.
OWNER_COMMANDS = frozenset(
    {
        "migrate",
        "db_roles",
        "flush",
        "sqlflush",
        "demo",
        "synth",
        "restore",
        "rebuild_report_facts",
        "rebuild_org_facts",
        "rebuild_search_index",
        "rebuild_projections",
        "createcachetable",
        "rebuild_dues_facts",
    }
)


def connect_as_owner_for(argv: list[str]) -> None:
    """Before Django starts: `manage.py <command>` / `dangbo <command>` of an owner command
    connects with DATABASE_OWNER_URL (settings read DANGBO_DB_AS_OWNER)."""
    if len(argv) > 1 and argv[1].replace("-", "_") in OWNER_COMMANDS:
        os.environ["DANGBO_DB_AS_OWNER"] = "1"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        return
    command = args[0].replace("-", "_")
    connect_as_owner_for(["dangbo", command])
    execute_from_command_line(["dangbo", command, *args[1:]])


if __name__ == "__main__":
    main()
