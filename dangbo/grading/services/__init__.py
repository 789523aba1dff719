"""Writes for grading: one function per operation, atomic, audited (audit_record in the same
transaction). Refusals raise DomainError/RuleViolation with a Vietnamese message naming the
field (and `GradingRefused` lists the refused rows of a whole cell); nothing is written then.

One module per concept: `campaigns` (opening, cap exceptions, reminders), `frameworks` (criteria
frameworks), `steps` (the step engine shared by members and organizations), `common`.
"""

from .campaigns import campaign_open, campaign_remind_late, cap_exception_record
from .common import NO_RIGHT, GradingRefused, StepInput
from .frameworks import framework_adapt, framework_issue
from .steps import member_steps_record, step_record

__all__ = [
    "NO_RIGHT",
    "GradingRefused",
    "StepInput",
    "campaign_open",
    "campaign_remind_late",
    "cap_exception_record",
    "framework_adapt",
    "framework_issue",
    "member_steps_record",
    "step_record",
]
