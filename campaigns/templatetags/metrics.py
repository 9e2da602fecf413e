"""Showing metric and ROI figures: amounts to the currency's minor unit, ratios rounded, and
"—" for a ratio that is undefined (DESIGN §5)."""

from decimal import Decimal

from django import template

from partnerships import formatting

register = template.Library()

UNDEFINED = "—"


@register.filter
def amount(value: Decimal | None, currency: str) -> str:
    """An amount rounded to the currency's minor unit with thousands separators: "1,234.50"."""
    if value is None:
        return UNDEFINED
    return formatting.format_amount(Decimal(value), currency)


@register.filter
def fixed(value: Decimal | None, places: int = 2) -> str:
    """A ratio to a fixed number of places: 0.0425625 → "0.0426" with 4."""
    if value is None:
        return UNDEFINED
    return formatting.format_number(Decimal(value), int(places))


@register.filter
def times(value: Decimal | None) -> str:
    """A multiple such as ROAS: 1.395 → "1.40×"."""
    if value is None:
        return UNDEFINED
    return f"{fixed(value, 2)}×"
