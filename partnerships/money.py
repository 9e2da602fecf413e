"""Currencies and the one rounding rule for money (DESIGN §4)."""

from decimal import ROUND_HALF_UP, Decimal

CURRENCIES = (
    "USD",
    "EUR",
    "CNY",
    "JPY",
    "KRW",
    "VND",
    "RUB",
    "GBP",
    "HKD",
    "TWD",
    "SGD",
    "MYR",
    "THB",
    "IDR",
    "PHP",
    "BRL",
    "MXN",
    "AUD",
    "CAD",
    "PLN",
    "TRY",
    "AED",
    "SAR",
    "INR",
)
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]

# Currencies whose amounts are whole units; every other one has cents.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND"})


def minor_unit(currency: str) -> int:
    """Decimal places of the currency's smallest unit."""
    return 0 if currency in ZERO_DECIMAL_CURRENCIES else 2


def round(amount: Decimal, currency: str) -> Decimal:
    """Round an amount to the currency's minor unit, half up (0.125 -> 0.13)."""
    return amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_UP)
