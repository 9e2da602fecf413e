from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def percent(fraction: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.0350 → "3.5%"; nothing → "—"."""
    if fraction is None or fraction == "":
        return "—"
    value = (Decimal(str(fraction)) * 100).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    return f"{value}%"
