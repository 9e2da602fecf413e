"""The formatting of partnerships/formatting.py in templates, with "—" for nothing."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from partnerships import formatting

register = template.Library()

NOTHING = "—"


@register.filter
def percent(fraction: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.0350 → "3.5%"; nothing → "—"."""
    if fraction is None or fraction == "":
        return NOTHING
    return formatting.format_percent(Decimal(str(fraction)), int(places))


@register.filter
def moment(value: datetime | None) -> str:
    """A date and time on the clock of the brand being worked in, with its zone's
    abbreviation: "15 Jan 2027, 14:30 CST"; nothing → "—"."""
    if not value:
        return NOTHING
    return formatting.format_moment(value, timezone.get_current_timezone())


@register.filter
def day(value: date | None) -> str:
    """A day in the reader's language: "15 Jan 2027", "2027年1月15日"; nothing → "—"."""
    if not value:
        return NOTHING
    return formatting.format_date(value)
