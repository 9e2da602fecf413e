"""How numbers, money, rates and dates read to people, in one place.

Payable amounts show every minor unit ($1,500.00, ¥150,000 in JPY); thresholds, which are
targets rather than payments, drop zero cents (¥10,000). Rates are stored as fractions
(0.0800) and read as percentages (8%). Times are read on the clock of the brand's zone.
"""

from datetime import date, datetime, tzinfo
from decimal import Decimal

from partnerships import money

# Symbols people recognise; any other currency is shown with its code (HKD 1,500.00).
SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CNY": "¥",
    "JPY": "¥",
    "RUB": "₽",
    "KRW": "₩",
}
# Fixed English abbreviations, so "15 Jan 2027" does not depend on the server's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NOT_SET = "(amount not set)"


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """An amount to pay in the currency's usual form: $1,500.00, ¥150,000 (JPY), €0.50,
    HKD 1,500.00 for a currency without a common symbol; -$10.00 when negative. Rounded to the
    currency's minor unit with `money.round`; without a currency, a plain 1,500.00."""
    if amount is None:
        return NOT_SET
    value = money.round(amount, currency or "")
    return _in_currency(value, money.minor_unit(currency or ""), currency)


def format_threshold(amount: Decimal | None, currency: str | None) -> str:
    """A money target (a tier's start, a sales bonus): like `format_money`, without zero
    cents, so "¥10,000" rather than "¥10,000.00"."""
    if amount is None:
        return NOT_SET
    if amount == amount.to_integral_value():
        return _in_currency(amount, 0, currency)
    return format_money(amount, currency)


def _in_currency(value: Decimal, places: int, currency: str | None) -> str:
    digits = f"{abs(value):,.{places}f}"
    sign = "-" if value < 0 else ""
    if currency is None:
        return f"{sign}{digits}"
    if symbol := SYMBOLS.get(currency):
        return f"{sign}{symbol}{digits}"
    return f"{sign}{currency} {digits}"


def format_count(value: Decimal | int | None) -> str:
    """A count with grouping: 1,000,000 (a fractional one keeps its digits: 1,234.5)."""
    if value is None:
        return "(not set)"
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def format_rate(rate: Decimal | None) -> str:
    """A rate stored as a fraction, as a percentage without trailing zeros: 0.0800 → 8%,
    0.0125 → 1.25%."""
    if rate is None:
        return "(rate not set)"
    return f"{(Decimal(rate) * 100).normalize():f}%"


def format_date(day: date) -> str:
    """15 Jan 2027."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_moment(moment: datetime, zone: tzinfo) -> str:
    """15 Jan 2027, 14:30 CST: a moment on the clock of `zone` (the brand's), named by its
    abbreviation, so no time on a page is read in the wrong zone."""
    local = moment.astimezone(zone)
    return f"{format_date(local)}, {local:%H:%M} {local.tzname()}"
