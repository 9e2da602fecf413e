from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

from partnerships.formatting import format_moment

register = template.Library()


@register.filter
def percent(fraction: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.0350 → "3.5%"; nothing → "—"."""
    if fraction is None or fraction == "":
        return "—"
    value = (Decimal(str(fraction)) * 100).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    return f"{value}%"


@register.filter
def moment(value: datetime | None) -> str:
    """A date and time on the clock of the brand being worked in, with its zone's
    abbreviation: "15 Jan 2027, 14:30 CST"; nothing → "—"."""
    if not value:
        return "—"
    return format_moment(value, timezone.get_current_timezone())
