"""Template filters for Vietnamese display (built in to every template)."""

from __future__ import annotations

import re
from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html

from dangbo.core.errors import not_found as _not_found
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


_RULE_REF = re.compile(r"\s*\((R-\d{3}[a-z]?(?:\s*[,;/]\s*R-\d{3}[a-z]?)*)\)")


@register.filter
def ruletip(text) -> str:
    """A name with its rule ids ("… (R-037)") moved into a tooltip: users read the name, the
    rule reference is on hover (and for screen readers) — rule ids are not shown as text."""
    value = str(text or "")
    refs = _RULE_REF.findall(value)
    plain = _RULE_REF.sub("", value).strip()
    if not refs:
        return conditional_escape(value)
    tip = "Căn cứ: " + ", ".join(refs)
    return format_html(
        '{} <span class="rule-tip text-body-secondary" title="{}" aria-label="{}">'
        '<i class="bi bi-info-circle" aria-hidden="true"></i></span>',
        plain,
        tip,
        tip,
    )


@register.filter
def norule(text) -> str:
    """The text without its rule ids, for places that cannot hold a tooltip (<title>, attributes)."""
    return _RULE_REF.sub("", str(text or "")).strip()


# The grading abbreviations of the officers' spreadsheets, spelled out on hover (issue 15: an
# abbreviation is not shown to users without its meaning).
ABBREVIATIONS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
    "KXL": "Không xếp loại",
}


_SPELLED_ABBR = re.compile(r"(.+?)\s*\(([A-Z]{2,8})\)")


@register.filter
def abbrtip(text) -> str:
    """An abbreviation ("HTTNV") as <abbr> with its meaning in the tooltip; other text escaped.
    A label that spells it out already ("Hoàn thành tốt nhiệm vụ (HTTNV)") keeps the words and
    puts the abbreviation in the tooltip."""
    value = str(text or "")
    meaning = ABBREVIATIONS.get(value.strip())
    if meaning is not None:
        return format_html('<abbr title="{}">{}</abbr>', meaning, value.strip())
    spelled = _SPELLED_ABBR.fullmatch(value.strip())
    if spelled and spelled.group(2) in ABBREVIATIONS:
        return format_html('<span title="Viết tắt: {}">{}</span>', spelled.group(2), spelled.group(1))
    return conditional_escape(value)


@register.simple_tag
def ruleref(*ids) -> str:
    """Only the tooltip of a rule reference inside a sentence: `{% ruleref "R-141" %}`."""
    tip = "Căn cứ: " + ", ".join(str(i) for i in ids)
    return format_html(
        '<span class="rule-tip text-body-secondary" title="{}" aria-label="{}">'
        '<i class="bi bi-info-circle" aria-hidden="true"></i></span>',
        tip,
        tip,
    )


@register.simple_tag
def not_found(what: str = "") -> str:
    """The not-found message (core.errors.NOT_FOUND), as pages and the API say it:
    `{% not_found %}`, `{% not_found "kết quả phù hợp." %}`."""
    return _not_found(what)


@register.filter(name="id")
def id_(value) -> str:
    """An id printed where a form or a link reads it back (an attribute, a query string, a value):
    never with the thousand separator, `{{ org.pk|id }}` is "2374", not "2.374"."""
    return str(value)
