"""Grading pages: campaigns and their progress, a cell's bulk entry of each step, one member's or
organization's steps, results with drill-down and XLSX export, import, frameworks, reminders.
Every page goes through the access policy (outside scope = 404)."""

from .campaigns import (
    campaign_detail,
    campaign_list,
    campaign_open,
    campaign_remind,
    cap_exception,
    framework_list,
)
from .results import results, results_export, results_import, results_members
from .steps import cell_bulk, member_grading, org_grading, record_document, self_assessment

__all__ = [
    "campaign_detail",
    "campaign_list",
    "campaign_open",
    "campaign_remind",
    "cap_exception",
    "cell_bulk",
    "framework_list",
    "member_grading",
    "org_grading",
    "record_document",
    "results",
    "results_export",
    "results_import",
    "results_members",
    "self_assessment",
]
