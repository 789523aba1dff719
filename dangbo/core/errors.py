"""Domain errors carry a Vietnamese message meant for the user, and the field it concerns."""

from __future__ import annotations


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
