"""Domain errors carry a Vietnamese message meant for the user, and the field it concerns."""

from __future__ import annotations

# What every page, API and service says of a record that does not exist or lies outside the
# user's scope (the two are never told apart): re-exported as `access.policy.NOT_FOUND`.
NOT_FOUND = "Không tìm thấy"


def not_found(what: str = "") -> str:
    """The not-found message, naming what was looked for: `not_found("cán bộ")` is
    "Không tìm thấy cán bộ"; without `what`, NOT_FOUND."""
    return f"{NOT_FOUND} {what}" if what else NOT_FOUND


class DomainError(Exception):
    """A business rule refused the operation; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class RuleViolation(DomainError):
    """A regulation rule (RULES.md id in `rule`) forbids the operation."""
