"""How numbers, money, rates and dates read to people, in the active language.

Payable amounts show every minor unit ($1,500.00, ¥150,000 in JPY); thresholds, which are
targets rather than payments, drop zero cents (¥10,000). Rates are stored as fractions
(0.0800 = 8%). Times are read on the clock of the brand's zone, named by its abbreviation.

Numbers follow the active language's conventions through Babel (CLDR): 1,234.50 in English and
Chinese, 1 234,50 ₽ in Russian. English keeps the short currency symbols its readers have always
seen here ($, €, £, ¥, ₽, ₩; any other currency by its code, HKD 1,500.00). Days and times use
the language's DATE_FORMAT and DATETIME_FORMAT (partnerships/formats/<language>/formats.py, else
Django's): 15 Jan 2027, 2027年1月15日.

Text that is stored (statement line descriptions) or read by machines (CSV files) is written
in English: build it inside `translation.override("en")`, or not through this module at all.
"""

from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale, numbers
from django.conf import settings
from django.utils import formats, translation

from partnerships import money

# English symbols; any other currency is shown with its code (HKD 1,500.00).
SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CNY": "¥",
    "JPY": "¥",
    "RUB": "₽",
    "KRW": "₩",
}
NOT_SET = "(amount not set)"
HUNDRED = Decimal(100)


@lru_cache
def _locale_of(language: str) -> Locale:
    return Locale.parse(translation.to_locale(language))


def _locale() -> Locale:
    return _locale_of(translation.get_language() or settings.LANGUAGE_CODE)


def _pattern(pattern: numbers.NumberPattern, places: int) -> numbers.NumberPattern:
    """A copy of one of the locale's patterns showing exactly `places` decimals."""
    copy = numbers.parse_pattern(pattern.pattern)
    copy.frac_prec = (places, places)
    return copy


def _places(number: Decimal) -> int:
    """The decimals a number has once trailing zeros go: 1.2500 → 2, 100 → 0."""
    return max(0, -number.normalize().as_tuple().exponent)


# --- money -----------------------------------------------------------------------------------


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """An amount to pay in the currency's usual form: $1,500.00, ¥150,000 (JPY), €0.50,
    HKD 1,500.00 for a currency without a common symbol; -$10.00 when negative; in Russian
    1 500,00 ₽. Rounded to the currency's minor unit with `money.round`; without a currency, a
    plain 1,500.00."""
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


def format_amount(amount: Decimal, currency: str) -> str:
    """An amount without its currency, to the currency's minor unit: 1,234.50 (1 234,50 in
    Russian), for tables whose column names the currency."""
    return _in_currency(money.round(Decimal(amount), currency), money.minor_unit(currency), None)


def _in_currency(value: Decimal, places: int, currency: str | None) -> str:
    locale = _locale()
    if currency is None:
        return _pattern(locale.decimal_formats[None], places).apply(value, locale)
    pattern = _pattern(locale.currency_formats["standard"], places)
    if locale.language == "en":
        symbol = SYMBOLS.get(currency, f"{currency} ")
        pattern.prefix = tuple(part.replace("¤", symbol) for part in pattern.prefix)
        pattern.suffix = tuple(part.replace("¤", symbol) for part in pattern.suffix)
    return pattern.apply(value, locale, currency=currency, currency_digits=False)


# --- counts and other numbers ----------------------------------------------------------------


def format_count(value: Decimal | int | None) -> str:
    """A count with grouping: 1,000,000 (a fractional one keeps its digits: 1,234.5)."""
    if value is None:
        return "(not set)"
    number = Decimal(value)
    locale = _locale()
    return _pattern(locale.decimal_formats[None], _places(number)).apply(number, locale)


def format_number(value: Decimal, places: int) -> str:
    """A ratio or multiple to a fixed number of decimals, rounded half up, without grouping:
    0.0425625 → 0.0426 with 4 (0,0426 in Russian)."""
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    locale = _locale()
    pattern = _pattern(locale.decimal_formats[None], places)
    return pattern.apply(number, locale, group_separator=False)


# --- rates and percentages -------------------------------------------------------------------


def percent_points(fraction: Decimal, places: int | None = None) -> Decimal:
    """A fraction as percentage points: 0.0800 → 8; rounded half up to `places` decimals when
    given (0.21875 → 21.9 with 1), else every digit kept without trailing zeros (0.0125 →
    1.25)."""
    points = Decimal(fraction) * HUNDRED
    if places is not None:
        return points.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    points = points.normalize()
    # normalize() writes 100 as 1E+2.
    return points.quantize(Decimal(1)) if points == points.to_integral() else points


def format_rate(rate: Decimal | None, *, places: int | None = None) -> str:
    """A rate stored as a fraction, as a percentage without trailing zeros: 0.0800 → 8%,
    0.0125 → 1.25% (1,25 % in Russian); at most `places` decimals when given (1/30 → 3.33%
    with 2)."""
    if rate is None:
        return "(rate not set)"
    points = percent_points(rate, places)
    return _percent(points, _places(points))


def format_percent(fraction: Decimal, places: int = 1) -> str:
    """A figure (an ROI, an engagement rate, a share) as a percentage to a fixed number of
    decimals: 0.0350 → 3.5%, 0.1 → 10.0%."""
    return _percent(percent_points(fraction, places), places)


def _percent(points: Decimal, places: int) -> str:
    locale = _locale()
    return _pattern(locale.percent_formats[None], places).apply(points / HUNDRED, locale)


# --- days and times --------------------------------------------------------------------------


def format_date(day: date) -> str:
    """A day: 15 Jan 2027; 2027年1月15日 in Chinese."""
    return formats.date_format(day, "DATE_FORMAT")


def format_moment(moment: datetime, zone: tzinfo) -> str:
    """15 Jan 2027, 14:30 CST: a moment on the clock of `zone` (the brand's), named by its
    abbreviation, so no time on a page is read in the wrong zone."""
    return formats.date_format(moment.astimezone(zone), "DATETIME_FORMAT")
