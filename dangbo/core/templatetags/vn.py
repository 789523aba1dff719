"""Template filters for Vietnamese display (built in to every template)."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from dangbo.core.numbers import vn_decimal, vn_int
from dangbo.core.text import person_name

register = template.Library()


@register.filter
def vndate(value: date | datetime | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@register.filter
def vnint(value: int | None) -> str:
    return vn_int(value)


@register.filter
def vnpct(value: float | None, places: int = 1) -> str:
    return "" if value is None else vn_decimal(value, places) + "%"


@register.filter
def isodate(value: date | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def vnname(user) -> str:
    """An account's name, family name first; the username when no name is set."""
    return person_name(user) or getattr(user, "username", "")
